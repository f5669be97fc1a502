import Exact
import Foundation
import Results
import Store
import TestSupport
import Testing

/// A cadre left out of scoring and pay by a rejected roster row under `--skip-invalid` is
/// named in the summary, in 核对 and in the stored run, through the built binary.
@Suite(.serialized) struct LeftOutCadreCLITests {
    static let rules = PackagePaths.path("rules")

    // MARK: - A cadre left out by a rejected roster row

    /// FM-003's roster row has a wrong check digit: under `--skip-invalid` she is neither
    /// scored nor paid. The summary names her (工号, 姓名, the row) without her ID number,
    /// 核对 says the roster and the payroll differ (不一致) and lists her, the stored run
    /// keeps her, and each of her records is rejected naming the roster row.
    @Test func aCadreLeftOutByARejectedRosterRowIsNamedEverywhere() throws {
        let (root, folder) = try SampleMonthCopies.dataRoot("left-out")
        let roster = try String(contentsOfFile: folder + "/cadres.csv", encoding: .utf8)
        let badID = "522632199412140923"
        try roster.replacingOccurrences(of: "522632199412140922", with: badID).write(toFile: folder + "/cadres.csv", atomically: true, encoding: .utf8)
        let line = try #require(roster.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("FM-003,") }) + 1
        let common = ["batch", "run", "--month", "2020-10", "--data", root + "/data", "--rules", Self.rules, "--store", root + "/jifen.sqlite",
                      "--out", root + "/out"]
        let refused = try CLI.run(common)
        #expect(refused.status == 65, "\(SampleMonthCopies.all(refused))")
        let r = try CLI.run(common + ["--skip-invalid"])
        let text = SampleMonthCopies.all(r)
        #expect(r.status == 0, "\(text)")
        #expect(text.contains("花名册行被拒收的 1 人未计分、未计发"), "\(text)")
        #expect(text.contains("FM-003 欧婷萍  cadres.csv 第 \(line) 行  [D0113]") || text.contains("FM-003 欧婷萍  cadres.csv 第 \(line) 行  [D011"), "\(text)")
        #expect(!text.contains(badID) && !text.contains("522632199412140922"), "\(text)")
        // Her records: rejected, naming the roster row.
        #expect(text.contains("FM-003 的花名册行（cadres.csv 第 \(line) 行）有错误，此人未计分、未计发"), "\(text)")

        let check = try XlsxFile(path: root + "/out/2020-10/核对.xlsx")
        let money = try #require(check.sheet("金额核对"))
        let headRow = try #require(money.rows.first { $0.first?.value == "差额：花名册人数 − 工资表人数" })
        #expect(headRow.count > 2 && headRow[1].value == "1" && headRow[2].value == "不一致", "\(headRow.map(\.value))")
        let listed = try #require(money.rows.first { $0.first?.value == "FM-003" })
        #expect(listed.map(\.value).contains("欧婷萍"))
        #expect(listed.map(\.value).contains { $0.contains("cadres.csv 第 \(line) 行") })
        #expect(!money.cells.contains { $0.value.contains(badID) })
        let rejected = try #require(check.sheet("拒收行"))
        let dutyRows = rejected.rows.filter { $0.first?.value == "duty.csv" }
        #expect(!dutyRows.isEmpty && dutyRows.allSatisfy { $0.count > 3 && $0[2].value == "D0210" && $0[3].value.contains("cadres.csv 第 \(line) 行") })
        // Not in the payroll nor in the bank file.
        let payroll = try XlsxFile(path: root + "/out/2020-10/工资表.xlsx")
        #expect(!payroll.sheets.contains { $0.cells.contains { $0.value == "FM-003" || $0.value == "欧婷萍" } })

        let store = try RunStore(path: root + "/jifen.sqlite")
        let run = try #require(try store.currentRun(month: YearMonth("2020-10")!))
        let left = try #require(run.summary.leftOut)
        #expect(left.map(\.id) == ["FM-003"] && left.map(\.name) == ["欧婷萍"] && left.map(\.line) == [line] && left.map(\.file) == ["cadres.csv"])
        #expect(run.summary.rosterCadres == run.summary.cadres + 1)
        // And `batch show` says it from the store.
        let show = try CLI.run(["batch", "show", "--month", "2020-10", "--store", root + "/jifen.sqlite", "--out", root + "/out"])
        #expect(show.status == 0 && show.stdout.contains("！花名册行被拒收、未计分未计发 1 人：FM-003 欧婷萍（cadres.csv 第 \(line) 行）"), "\(SampleMonthCopies.all(show))")
    }

    /// A month without a rejected roster row: 核对's head count is 一致, nobody is listed.
    @Test func aCompleteRosterCountsTheSameAsThePayroll() throws {
        let (root, _) = try SampleMonthCopies.dataRoot("head-count")
        let r = try CLI.run(["batch", "run", "--month", "2020-10", "--data", root + "/data", "--rules", Self.rules, "--store", root + "/jifen.sqlite",
                             "--out", root + "/out"])
        #expect(r.status == 0, "\(SampleMonthCopies.all(r))")
        #expect(!r.stdout.contains("花名册行被拒收"))
        let money = try #require(try XlsxFile(path: root + "/out/2020-10/核对.xlsx").sheet("金额核对"))
        let headRow = try #require(money.rows.first { $0.first?.value == "差额：花名册人数 − 工资表人数" })
        #expect(headRow[1].value == "0" && headRow[2].value == "一致", "\(headRow.map(\.value))")
    }
}
