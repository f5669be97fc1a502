import Foundation
import TestSupport
import Testing

/// The tax office's import file and one bank file per bank, written by the batch from the
/// sample months through the built binary, read back as xlsx (issue 13 items 5 and 6).
struct TaxAndBankFilesCLITests {
    static let config = "scripts/report-roundtrip.json"

    static func fen(_ text: String?) -> Int64 {
        guard let text, let d = Double(text) else { return 0 }
        return Int64((d * 100).rounded())
    }

    /// Σ of a column, by header, over the rows after the header row `headerRow`; the row
    /// `skipLast` rows from the end excluded (a payroll's 合计 row).
    static func total(_ sheet: XlsxFile.Sheet, _ header: String, headerRow: Int = 0, skipLast: Int = 0) -> Int64? {
        let rows = sheet.rows
        guard let col = rows[headerRow].first(where: { $0.value == header })?.col else { return nil }
        return rows[(headerRow + 1)..<(rows.count - skipLast)].map { row in fen(row.first { $0.col == col }?.value) }.reduce(0, +)
    }

    @Test func theBatchWritesTheTaxFileAndOneBankFilePerBankThatAddUp() throws {
        let root = PackagePaths.temporaryDirectory("cli-taxbank")
        for month in ["2020-11", "2020-12"] {
            let r = try CLI.run(["batch", "run", "--month", month, "--config", Self.config, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        }
        let folder = root + "/out/2020-12"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xlsx") }.sorted()
        #expect(files.contains("个人所得税扣缴申报.xlsx"))
        #expect(files.contains("银行代发-农商行.xlsx") && files.contains("银行代发-邮储银行.xlsx") && files.contains("银行代发-其他银行.xlsx"))
        #expect(!files.contains("银行代发.xlsx"))

        let payroll = try #require(try XlsxFile(path: folder + "/工资表.xlsx").sheet("工资表"))
        let header = payroll.rows[2]
        let totals = try #require(payroll.rows.last)
        func payrollTotal(_ name: String) throws -> Int64 {
            let col = try #require(header.first { $0.value == name }?.col, "工资表 has no \(name)")
            return Self.fen(totals.first { $0.col == col }?.value)
        }
        // The bank files add up to Σ 实发, each holding only its bank's accounts.
        let rural = try #require(try XlsxFile(path: folder + "/银行代发-农商行.xlsx").sheets.first)
        let postal = try #require(try XlsxFile(path: folder + "/银行代发-邮储银行.xlsx").sheets.first)
        let other = try #require(try XlsxFile(path: folder + "/银行代发-其他银行.xlsx").sheets.first)
        #expect(postal.rows[0].map(\.value) == ["收款人姓名", "收款人账号", "交易金额", "身份证号", "附言"])
        let ruralTotal = try #require(Self.total(rural, "金额")), postalTotal = try #require(Self.total(postal, "交易金额"))
        let otherTotal = try #require(Self.total(other, "金额"))
        #expect(ruralTotal > 0 && postalTotal > 0)
        #expect(ruralTotal + postalTotal + otherTotal == (try payrollTotal("实发金额")))
        let roster = try String(contentsOfFile: "samples/2020-12/cadres.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let postalAccounts = Set(roster.filter { $0[10].contains("邮政储蓄") }.map { $0[9] })
        #expect(postal.rows.dropFirst().allSatisfy { postalAccounts.contains($0[1].value) && $0[1].numberFormat == "@" })
        #expect(rural.rows.dropFirst().allSatisfy { !postalAccounts.contains($0[0].value) })

        // The tax file: a row per cadre on the payroll, its totals the payroll's to the 分.
        let tax = try #require(try XlsxFile(path: folder + "/个人所得税扣缴申报.xlsx").sheet("正常工资薪金收入"))
        #expect(tax.rows[0].count == 24 && tax.rows[0][1].value == "*姓名" && tax.rows[0][23].value == "备注")
        #expect(tax.rows.count - 1 == payroll.rows.count - 4)
        #expect(Self.total(tax, "本期收入") == (try payrollTotal("应发合计")))
        #expect(Self.total(tax, "基本养老保险费") == (try payrollTotal("养老保险")))
        #expect(Self.total(tax, "基本医疗保险费") == (try payrollTotal("医疗保险")))
        #expect(Self.total(tax, "失业保险费") == (try payrollTotal("失业保险")))
        let ids = Set(roster.map { $0[2] })
        #expect(tax.rows.dropFirst().allSatisfy { ids.contains($0[3].value) && $0[3].numberFormat == "@" })

        // jifen report --run writes the same bytes again from the store.
        let again = try CLI.run(["report", "--run", "2", "--config", Self.config, "--store", root + "/s.sqlite", "--out", root + "/again"])
        #expect(again.status == 0, "\(again.stdout)")
        for name in ["个人所得税扣缴申报.xlsx", "银行代发-农商行.xlsx", "银行代发-邮储银行.xlsx", "银行代发-其他银行.xlsx"] {
            let a = FileManager.default.contents(atPath: folder + "/" + name), b = FileManager.default.contents(atPath: root + "/again/2020-12/" + name)
            #expect(a != nil && a == b, "\(name) differs")
        }
    }

    @Test func aCadreNoBankTakesStopsTheBatchAtHisRosterRow() throws {
        let root = PackagePaths.temporaryDirectory("cli-nobank")
        let config = root + "/jifen.json"
        try """
        { "reports": { "banks": [ { "name": "农商行", "match": ["农村商业银行"] } ] } }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let r = try CLI.run(["batch", "run", "--month", "2020-12", "--config", config, "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(r.status != 0)
        #expect(r.stdout.contains("错误[B0040]"), "\(r.stdout)")
        #expect(r.stdout.contains("cadres.csv:2"), "the first postal cadre's row: \(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
        // Nothing stored: the month has no run.
        let list = try CLI.run(["batch", "list", "--store", root + "/s.sqlite"])
        #expect(!list.stdout.contains("2020-12"))
    }
}
