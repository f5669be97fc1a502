import Exact
import Foundation
import Reports
import Results
import Testing
import TestSupport

/// The files finance hands to others: the tax office's withholding import file and one bank
/// file per bank. Written from the sample month and read back as xlsx.
@Suite struct TaxAndBankFilesTests {
    static let sample = SampleMonth.make()
    static let templateHeaders = [
        "工号", "*姓名", "*证件类型", "*证件号码", "本期收入", "本期免税收入", "基本养老保险费", "基本医疗保险费", "失业保险费", "住房公积金",
        "累计子女教育", "累计继续教育", "累计住房贷款利息", "累计住房租金", "累计赡养老人", "累计3岁以下婴幼儿照护", "累计个人养老金",
        "企业(职业)年金", "商业健康保险", "税延养老保险", "其他", "准予扣除的捐赠额", "减免税额", "备注",
    ]

    static func write(_ settings: ReportSettings = ReportSettings(), results: MonthResults = sample.results, summary: RunSummary = sample.summary,
                      payees: [Payee] = sample.payees, only: Set<ReportKind>) throws -> String {
        let folder = PackagePaths.temporaryDirectory("jifen-taxbank")
        try ReportSet.write(results: results, summary: summary, run: sample.run, rejected: [], payees: payees, settings: settings, to: folder, only: only)
        return folder
    }

    static func fen(_ cell: XlsxFile.Cell?) -> Int64 {
        guard let cell, let d = Double(cell.value) else { return 0 }
        return Int64((d * 100).rounded())
    }

    static func column(_ sheet: XlsxFile.Sheet, _ header: String) -> Int? {
        sheet.rows.first?.first { $0.value == header }?.col
    }

    static func total(_ sheet: XlsxFile.Sheet, _ header: String) -> Money {
        guard let col = column(sheet, header) else { return .zero }
        return Money(fen: sheet.rows.dropFirst().map { row in fen(row.first { $0.col == col }) }.reduce(0, +))
    }

    static func lineTotal(_ name: String) -> Money {
        sample.results.cadres.map { $0.pay.amount(of: name) ?? .zero }.sum()
    }

    @Test func taxFileHasTheClientsTwentyFourColumnsInOrder() throws {
        let folder = try Self.write(only: [.taxFiling])
        let file = try XlsxFile(path: folder + "/个人所得税扣缴申报.xlsx")
        #expect(file.sheets.map(\.name) == ["正常工资薪金收入"])
        let sheet = try #require(file.sheet("正常工资薪金收入"))
        #expect(sheet.rows[0].map(\.value) == Self.templateHeaders)
        #expect(sheet.rows.count == Self.sample.results.cadres.count + 1)
        #expect(sheet.cells.allSatisfy { $0.formula == nil })
    }

    @Test func taxFileTotalsEqualThePayroll() throws {
        let folder = try Self.write(only: [.taxFiling, .payroll])
        let sheet = try #require(try XlsxFile(path: folder + "/个人所得税扣缴申报.xlsx").sheet("正常工资薪金收入"))
        // 本期收入 defaults to 应发合计; the contributions are the lines the rules name.
        #expect(Self.total(sheet, "本期收入") == Self.sample.results.gross)
        #expect(Self.total(sheet, "基本养老保险费") == Self.lineTotal("养老保险"))
        #expect(Self.total(sheet, "基本医疗保险费") == Self.lineTotal("医疗保险"))
        #expect(Self.total(sheet, "失业保险费") == Self.lineTotal("失业保险"))
        #expect(Self.total(sheet, "基本养老保险费") > .zero)
        // And the payroll's own 应发合计 total row says the same.
        let payroll = try #require(try XlsxFile(path: folder + "/工资表.xlsx").sheet("工资表"))
        let grossColumn = try #require(payroll.rows[2].first { $0.value == "应发合计" }?.col)
        let totalRow = try #require(payroll.rows.last)
        #expect(Money(fen: Self.fen(totalRow.first { $0.col == grossColumn })) == Self.sample.results.gross)
        // Identifiers are text with every digit; unnamed amount columns stay blank.
        for (n, payee) in Self.sample.payees.enumerated() {
            let row = sheet.rows[n + 1]
            let id = try #require(row.first { $0.col == 3 })
            #expect(id.value == payee.idNumber && id.numberFormat == "@" && id.type != "n")
            #expect(row.first { $0.col == 2 }?.value == "居民身份证")
            #expect(row.first { $0.col == 0 }?.value == Self.sample.results.cadres[n].cadreID)
            #expect(row.first { $0.col == 9 } == nil, "住房公积金 is named by no line")
        }
    }

    @Test func cumulativeColumnsTakeTheYearToDateAndSeveralLinesAdd() throws {
        var results = Self.sample.results
        for i in results.cadres.indices {
            results.cadres[i].pay.lines.append(PayLineResult(name: "子女教育", kind: .info, amount: Money(yuan: 2000)))
            results.cadres[i].pay.lines.append(PayLineResult(name: "补发收入", kind: .info, amount: Money(fen: 1_001)))
            results.cadres[i].pay.lines.append(PayLineResult(name: "计税收入", kind: .info, amount: results.cadres[i].pay.gross))
            results.cadres[i].yearToDate?.totals["子女教育"] = Money(yuan: 2000 * 12)
        }
        var summary = Self.sample.summary
        summary.taxFiling = [
            TaxFilingLine(line: "计税收入", column: .income), TaxFilingLine(line: "补发收入", column: .income),
            TaxFilingLine(line: "子女教育", column: .childEducation),
        ]
        let folder = try Self.write(results: results, summary: summary, only: [.taxFiling])
        let sheet = try #require(try XlsxFile(path: folder + "/个人所得税扣缴申报.xlsx").sheet("正常工资薪金收入"))
        let n = Int64(results.cadres.count)
        #expect(Self.total(sheet, "本期收入") == results.gross + Money(fen: 1_001 * n))
        #expect(Self.total(sheet, "累计子女教育") == Money(yuan: 24_000 * n))
        #expect(Self.total(sheet, "基本养老保险费") == .zero, "not named in this summary: blank")
    }

    @Test func taxColumnsFollowTheSettings() throws {
        var s = ReportSettings()
        s.taxColumns = [TaxColumn(.idNumber, header: "身份证件号码"), TaxColumn(.name, header: "姓名"), TaxColumn(.income), TaxColumn(.pension)]
        s.taxIDType = "居民身份证"
        let folder = try Self.write(s, only: [.taxFiling])
        let sheet = try #require(try XlsxFile(path: folder + "/个人所得税扣缴申报.xlsx").sheet("正常工资薪金收入"))
        #expect(sheet.rows[0].map(\.value) == ["身份证件号码", "姓名", "本期收入", "基本养老保险费"])
        #expect(sheet.rows[1].map(\.value)[0] == Self.sample.payees[0].idNumber)
        #expect(Self.total(sheet, "基本养老保险费") == Self.lineTotal("养老保险"))
        s.taxColumns = [TaxColumn(.name), TaxColumn(.income)]
        #expect(throws: ReportError.invalidTaxColumns(reason: "需要姓名、证件号码和本期收入三列 / the name, ID number and income columns are required")) {
            try Self.write(s, only: [.taxFiling])
        }
    }

    /// Cadres at two banks, split by 开户行; each bank its own columns; Σ files = Σ 实发.
    static let banks = [
        BankFile(name: "农商行", match: ["农村商业银行"], remark: "{月份}报酬（农商）"),
        BankFile(name: "邮储银行", match: ["邮政储蓄"], columns: [BankColumn(.accountName, header: "收款人姓名"), BankColumn(.account, header: "收款人账号"),
                                                             BankColumn(.amount, header: "交易金额"), BankColumn(.remark, header: "附言")]),
    ]

    static var twoBankPayees: [Payee] {
        sample.payees.enumerated().map { n, p in
            var p = p
            p.bank = n % 3 == 0 ? "中国邮政储蓄银行榕江县支行" : "贵州榕江农村商业银行股份有限公司"
            return p
        }
    }

    @Test func twoBanksSplitThePayrollAndAddUpToTheNetPay() throws {
        var s = ReportSettings()
        s.banks = Self.banks
        let folder = try Self.write(s, payees: Self.twoBankPayees, only: [.bankTransfer])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xlsx") }.sorted()
        #expect(names == ["银行代发-农商行.xlsx", "银行代发-邮储银行.xlsx"])
        let rural = try #require(try XlsxFile(path: folder + "/银行代发-农商行.xlsx").sheets.first)
        let postal = try #require(try XlsxFile(path: folder + "/银行代发-邮储银行.xlsx").sheets.first)
        #expect(rural.rows[0].map(\.value) == ["账号", "户名", "金额"])
        #expect(postal.rows[0].map(\.value) == ["收款人姓名", "收款人账号", "交易金额", "附言"])
        #expect(postal.rows[1].map(\.value)[3] == "2020年12月社区干部报酬")
        let cadres = Self.sample.results.cadres
        let payees = Self.twoBankPayees
        let expectRural = cadres.indices.filter { $0 % 3 != 0 && cadres[$0].pay.net > .zero }
        let expectPostal = cadres.indices.filter { $0 % 3 == 0 && cadres[$0].pay.net > .zero }
        #expect(rural.rows.dropFirst().map { $0[0].value } == expectRural.map { payees[$0].bankAccount })
        #expect(postal.rows.dropFirst().map { $0[1].value } == expectPostal.map { payees[$0].bankAccount })
        #expect(postal.rows.dropFirst().allSatisfy { $0[1].numberFormat == "@" && $0[1].type != "n" })
        let ruralTotal = Self.total(rural, "金额"), postalTotal = Self.total(postal, "交易金额")
        #expect(ruralTotal == expectRural.map { cadres[$0].pay.net }.sum())
        #expect(postalTotal == expectPostal.map { cadres[$0].pay.net }.sum())
        #expect(ruralTotal + postalTotal == Self.sample.results.net)
        #expect(!FileManager.default.fileExists(atPath: folder + "/银行代发.xlsx"))
    }

    @Test func aCadreNoBankTakesIsRefusedAndACatchAllTakesEveryoneElse() throws {
        var s = ReportSettings()
        s.banks = Self.banks
        var payees = Self.twoBankPayees
        payees[1].bank = "中国工商银行"
        #expect(throws: ReportError.noBankFile(cadreID: payees[1].cadreID, bank: "中国工商银行")) {
            try Self.write(s, payees: payees, only: [.bankTransfer])
        }
        s.banks = Self.banks + [BankFile(name: "其他银行")]
        let folder = try Self.write(s, payees: payees, only: [.bankTransfer])
        let other = try #require(try XlsxFile(path: folder + "/银行代发-其他银行.xlsx").sheets.first)
        #expect(other.rows.dropFirst().map { $0[0].value } == [payees[1].bankAccount])
    }

    @Test func aZeroNetPayIsOmittedAndANegativeOneRefusedInEveryBankFile() throws {
        var results = Self.sample.results
        let zero = results.cadres[2].pay.net
        results.cadres[2].pay.lines.append(PayLineResult(name: "扣回", kind: .deduction, amount: zero))
        var s = ReportSettings()
        s.banks = Self.banks
        var summary = Self.sample.summary
        summary.net = results.net
        // Paid nothing, so no bank needs to take him: an unknown bank is no error.
        var payees = Self.twoBankPayees
        payees[2].bank = "中国工商银行"
        let folder = try Self.write(s, results: results, summary: summary, payees: payees, only: [.bankTransfer])
        let rural = try #require(try XlsxFile(path: folder + "/银行代发-农商行.xlsx").sheets.first)
        let postal = try #require(try XlsxFile(path: folder + "/银行代发-邮储银行.xlsx").sheets.first)
        #expect(!rural.rows.dropFirst().contains { $0[0].value == payees[2].bankAccount })
        #expect(Self.total(rural, "金额") + Self.total(postal, "交易金额") == results.net)
        results.cadres[2].pay.lines.append(PayLineResult(name: "再扣", kind: .deduction, amount: Money(fen: 1)))
        #expect(throws: ReportError.negativePay(cadreID: results.cadres[2].cadreID, net: "-0.01")) {
            try Self.write(s, results: results, summary: summary, payees: Self.twoBankPayees, only: [.bankTransfer])
        }
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        var s = ReportSettings()
        s.banks = Self.banks
        let a = try Self.write(s, payees: Self.twoBankPayees, only: [.taxFiling, .bankTransfer])
        Thread.sleep(forTimeInterval: 1.1)
        let b = try Self.write(s, payees: Self.twoBankPayees, only: [.taxFiling, .bankTransfer])
        for name in ["个人所得税扣缴申报.xlsx", "银行代发-农商行.xlsx", "银行代发-邮储银行.xlsx"] {
            let x = FileManager.default.contents(atPath: a + "/" + name), y = FileManager.default.contents(atPath: b + "/" + name)
            #expect(x != nil && x == y, "\(name) differs")
        }
    }
}
