import Diagnostics
import Exact
import Foundation
import TestSupport
import Testing
@testable import Records

/// A community name typed wrong on a roster row makes a community of its own: a warning
/// (D0307) when it is very small and its name a slip away from a larger one's.
struct CommunityNameTests {
    typealias Broken = BrokenInputTests

    // MARK: - A community typed wrong

    static func roster(_ folder: String, communities: [String]) throws {
        var csv = "工号,姓名,身份证号,社区,网格,岗位,岗位等级,入职日期,离职日期,银行账号,开户行,手机,专项附加扣除\n"
        var ids = IDNumbers()
        for (k, community) in communities.enumerated() {
            csv += "C-\(1000 + k),干部\(k),\(ids.next()),\(community),,网格员,3,2018-03-01,,62170000\(String(format: "%011d", k)),,,\n"
        }
        try csv.write(toFile: folder + "/cadres.csv", atomically: true, encoding: .utf8)
    }

    /// Valid ID numbers, one after another (GB 11643 check digit).
    struct IDNumbers {
        var n = 0
        mutating func next() -> String {
            n += 1
            let body = "52263219900101" + String(format: "%03d", n)
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            let sum = zip(body, weights).map { Int(String($0.0))! * $0.1 }.reduce(0, +)
            return body + String(Array("10X98765432")[sum % 11])
        }
    }

    /// 28 cadres of 社区0001 and one of 社区0O01 (the letter O): a warning at that row's 社区
    /// cell naming both communities, the file and the line, and how to fix it.
    @Test func aOnePersonCommunityNamedLikeALargerOneIsAWarning() throws {
        let folder = try Broken.folder(without: ["cadres.csv", "duty.csv", "service.csv", "training.csv"]) { folder in
            var communities = Array(repeating: "社区0001", count: 28) + Array(repeating: "社区0002", count: 25)
            communities.insert("社区0O01", at: 7)
            try Self.roster(folder, communities: communities)
        }
        let check = Broken.check(folder)
        let w = check.diagnostics.filter { $0.code == "D0307" }
        #expect(w.count == 1, "\(check.diagnostics)")
        let d = try #require(w.first)
        #expect(d.severity == .warning)
        #expect(d.summary.zh == "社区“社区0O01”只有 1 人，与社区“社区0001”（28 人）只差 1 个字，可能是写错了")
        #expect(d.location == .row(path: folder + "/cadres.csv", line: 9, column: 4, columnName: "社区"))
        #expect(d.notes.contains { $0.zh == "写成“社区0O01”的行：cadres.csv 第 9 行" })
        #expect(d.help?.zh.contains("改为“社区0001”") == true)
        #expect(!check.diagnostics.contains { $0.code.hasPrefix("D01") || $0.code.hasPrefix("D03") && $0.code != "D0307" })
        #expect(check.roster.count == 54)
    }

    /// 富明社区 for 富民社区, two rows of it (fewer than a tenth of the median community's 24);
    /// a real small community with a name unlike the others (新村, one cadre) and communities
    /// of comparable size (卧龙/卧虎) are no slip.
    @Test func onlyASmallCommunityNearALargerOneIsSaid() throws {
        let folder = try Broken.folder(without: ["cadres.csv", "duty.csv", "service.csv", "training.csv"]) { folder in
            let communities = Array(repeating: "富民社区", count: 30) + ["富明社区", "新村"] + Array(repeating: "卧龙社区", count: 25)
                + Array(repeating: "卧虎社区", count: 24) + ["富明社区"]
            try Self.roster(folder, communities: communities)
        }
        let w = Broken.check(folder).diagnostics.filter { $0.code == "D0307" }
        #expect(w.map(\.summary.zh) == ["社区“富明社区”只有 2 人，与社区“富民社区”（30 人）只差 1 个字，可能是写错了"], "\(w)")
        #expect(w.first?.notes.first?.zh == "写成“富明社区”的行：cadres.csv 第 32 行、cadres.csv 第 83 行")
    }

    /// A county that lists its communities (the rules declare 社区 as an enumeration) has
    /// any other name refused (D0107, the row rejected): an error, nothing guessed.
    @Test func aDeclaredListOfCommunitiesRefusesAnyOther() throws {
        let folder = try Broken.folder(without: ["cadres.csv", "duty.csv", "service.csv", "training.csv"]) { folder in
            var communities = Array(repeating: "社区0001", count: 28) + Array(repeating: "社区0002", count: 25)
            communities.insert("社区0O01", at: 7)
            try Self.roster(folder, communities: communities)
        }
        var schemas = StandardSchemas.all
        let roster = try #require(schemas.firstIndex { $0.role == .roster })
        let community = try #require(schemas[roster].fieldIndex("社区"))
        schemas[roster].fields[community].type = .enumeration(["社区0001", "社区0002"])
        let check = MonthValidator(month: Broken.month, schemas: schemas).validate(folder: folder)
        let refused = try #require(check.diagnostics.first { $0.code == "D0107" })
        #expect(refused.severity == .error)
        #expect(refused.location == .row(path: folder + "/cadres.csv", line: 9, column: 4, columnName: "社区"))
        #expect(!check.diagnostics.contains { $0.code == "D0307" })
        #expect(check.roster.count == 53 && check.leftOut.map(\.origin.line) == [9])
    }

    @Test func theSampleRostersHaveNoSuchWarning() throws {
        for month in ["2020-10", "2020-12", "2021-06"] {
            let check = MonthValidator(month: YearMonth(month)!).validate(folder: PackagePaths.path("samples/" + month))
            #expect(!check.diagnostics.contains { $0.code == "D0307" }, "\(month)")
        }
    }

    @Test func namesAreNearBySlipsNotByMeaning() {
        #expect(CommunityNames.isNear("社区0O01", "社区0001"))
        #expect(CommunityNames.isNear("富明社区", "富民社区"))
        #expect(CommunityNames.isNear("富民", "富 民"))
        #expect(CommunityNames.isNear("ＦＭ社区", "fm社区"))
        #expect(!CommunityNames.isNear("卧龙", "富民"))
        #expect(!CommunityNames.isNear("阳光", "特和"))
        #expect(!CommunityNames.isNear("古州镇一社区", "古州镇三村委会"))
    }
}
