import Diagnostics
import Exact
import Foundation
import Records
import TestSupport
import Testing

/// A month folder may hold a source as one file per community (`值班-富民.xlsx`,
/// `值班-卧龙.xlsx`): the files are read as one source, every row accounted for per file, and a
/// row in two files is still a duplicate.
struct PerCommunityFilesTests {
    static let month = YearMonth("2020-12")!

    /// The 2020-12 sample with duty.csv split into one workbook per community.
    static func splitMonth() throws -> (folder: String, perCommunity: [String: Int]) {
        let source = PackagePaths.path("samples/2020-12")
        let folder = PackagePaths.temporaryDirectory("per-community") + "/2020-12"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["cadres.csv", "service.csv", "training.csv", "adjustments.csv"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: folder + "/" + name)
        }
        let roster = try String(contentsOfFile: source + "/cadres.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        var community: [String: String] = [:]
        for line in roster {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            community[String(cells[0])] = String(cells[3])
        }
        let duty = try String(contentsOfFile: source + "/duty.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        var groups: [String: [String]] = [:]
        for line in duty.dropFirst() where !line.isEmpty {
            groups[community[String(line.prefix { $0 != "," })] ?? "?", default: []].append(line)
        }
        for (c, lines) in groups {
            // Each clerk names the sheet as they like.
            try SameMonthTests.writeXlsx(csv: ([duty[0]] + lines).joined(separator: "\n"), to: folder + "/值班-\(c).xlsx", sheet: "\(c)社区")
        }
        return (folder, groups.mapValues(\.count))
    }

    static func withoutLines(_ rows: [String]) -> [String] {
        rows.map { r in
            let parts = r.split(separator: "|", omittingEmptySubsequences: false)
            return ([parts[0]] + parts.dropFirst(2)).joined(separator: "|")
        }.sorted()
    }

    @Test func communityFilesReadAsOneSourceWithEveryRowAccountedForPerFile() throws {
        let (folder, perCommunity) = try Self.splitMonth()
        #expect(perCommunity.count == 4)
        let whole = SameMonthTests.records(PackagePaths.path("samples/2020-12"))
        let split = SameMonthTests.records(folder)
        #expect(split.check.diagnostics.isEmpty, "\(split.check.diagnostics.prefix(3))")
        #expect(Self.withoutLines(split.rows) == Self.withoutLines(whole.rows))
        let duty = split.check.files.filter { $0.source == "值班" }
        #expect(duty.count == 4)
        for report in duty {
            let c = String((report.path as NSString).lastPathComponent.dropFirst(3).dropLast(5))
            #expect(report.isBalanced)
            #expect(report.accepted == perCommunity[c])
            #expect(report.sheet == "\(c)社区")
        }
        let table = ReconciliationTable.render(split.check)
        for c in perCommunity.keys { #expect(table.contains("值班-\(c).xlsx")) }
    }

    @Test func aRowInTwoCommunitiesFilesIsADuplicateNamingTheOtherFile() throws {
        let (folder, _) = try Self.splitMonth()
        // The first 富民 shift typed again into 卧龙's file.
        let duty = try String(contentsOfFile: PackagePaths.path("samples/2020-12/duty.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        let fm = duty.first { $0.hasPrefix("FM-") }!
        let wl = duty.filter { $0.hasPrefix("WL-") }
        try SameMonthTests.writeXlsx(csv: ([duty[0]] + wl + [fm]).joined(separator: "\n"), to: folder + "/值班-卧龙.xlsx", sheet: "值班")
        let check = MonthValidator(month: Self.month).validate(folder: folder)
        let d = try #require(check.diagnostics.first { $0.code == "D0205" })
        // The later file in name order holds the repeat: 值班-卧龙 sorts after 值班-富民? Either way
        // the note names the other file and the place is a cell row of its sheet.
        let other = ["值班-富民.xlsx", "值班-卧龙.xlsx"].first { !d.location.path.hasSuffix($0) }!
        #expect(d.summary.zh.contains(other), "\(d.summary.zh)")
        guard case .cell(_, _, let ref, _) = d.location else { Issue.record("not a cell: \(d.location)"); return }
        #expect(CellReference.isWholeRow(ref))
        #expect(check.files.allSatisfy { $0.isBalanced })
    }

    struct Naming: CustomTestStringConvertible, Sendable {
        var files: [String]
        var merged: [String]
        var ambiguous = false
        var testDescription: String { files.joined(separator: " + ") }
    }

    @Test(arguments: [
        Naming(files: ["值班-富民.xlsx", "值班-卧龙.xlsx"], merged: ["值班-卧龙.xlsx", "值班-富民.xlsx"]),
        Naming(files: ["duty_富民.csv", "值班－卧龙.xlsx", "值班.csv"], merged: ["duty_富民.csv", "值班.csv", "值班－卧龙.xlsx"]),
        Naming(files: ["duty.csv", "值班.xlsx"], merged: [], ambiguous: true),
        Naming(files: ["值班-富民.csv", "值班-富民.xlsx"], merged: [], ambiguous: true),
    ])
    func filesAreAssignedByStemAndPart(_ n: Naming) throws {
        let folder = PackagePaths.temporaryDirectory("naming")
        for f in n.files + ["cadres.csv"] { FileManager.default.createFile(atPath: folder + "/" + f, contents: Data()) }
        let (files, problems) = MonthValidator(month: Self.month).locate(folder: folder)
        let duty = (files["值班"] ?? []).map { ($0 as NSString).lastPathComponent }
        #expect(Set(duty) == Set(n.merged))
        #expect(duty == duty.sorted())
        #expect(problems.contains { if case .ambiguousFiles = $0 { true } else { false } } == n.ambiguous)
        #expect(!problems.contains { if case .unknownFile = $0 { true } else { false } })
    }
}
