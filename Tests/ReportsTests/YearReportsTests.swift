import Exact
import Foundation
import Reports
import Results
import Testing
import TestSupport

/// The annual workbooks written from a hand-built year and read back as xlsx: what finance,
/// the bank, the tax office and the public see.
@Suite struct YearReportsTests {
    static let sample = SampleYear.make()

    static var settings: ReportSettings {
        var s = ReportSettings()
        s.noticePeriod = NoticePeriod(from: CivilDate(year: 2022, month: 1, day: 12)!, to: CivilDate(year: 2022, month: 1, day: 18)!)
        s.objectionContact = "榕江县民政局基层政权建设股，电话 0855-6621234"
        s.noticeIdentifier = .maskedIDNumber
        s.noticeShowsPerformancePay = true
        return s
    }

    static func write(
        _ settings: ReportSettings = settings, results: YearResults = sample.results, payees: [Payee] = sample.payees,
        only: Set<YearReportKind>? = nil
    ) throws -> (folder: String, written: YearReportsWritten) {
        let folder = PackagePaths.temporaryDirectory("jifen-year")
        let written = try YearReportWriting.write(results: results, run: sample.run, roster: payees, settings: settings, to: folder, only: only)
        return (folder, written)
    }

    /// The sample year's workbooks every test reads; `JIFEN_YEAR_REPORTS_OUT=dir` keeps them
    /// in `dir` for `scripts/libreoffice-check.sh dir`.
    static let written: (folder: String, written: YearReportsWritten) = {
        let w = try! write()
        if let keep = ProcessInfo.processInfo.environment["JIFEN_YEAR_REPORTS_OUT"], !keep.isEmpty {
            try? FileManager.default.removeItem(atPath: keep)
            try! FileManager.default.copyItem(atPath: w.folder, toPath: keep)
        }
        return w
    }()

    static func read(_ kind: YearReportKind) throws -> XlsxFile {
        try XlsxFile(path: written.folder + "/" + kind.fileName)
    }

    static func fen(_ cell: XlsxFile.Cell?) -> Int64? {
        guard let cell, let d = Double(cell.value) else { return nil }
        let fen = (d * 100).rounded()
        return Double(Int64(fen)) / 100 == d ? Int64(fen) : nil
    }

    static func column(_ row: [XlsxFile.Cell], _ header: String) -> Int? { row.first { $0.value == header }?.col }

    static func cell(_ row: [XlsxFile.Cell], _ col: Int) -> XlsxFile.Cell? { row.first { $0.col == col } }

    @Test func everyWorkbookIsWrittenWithItsFileName() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.written.folder).filter { $0.hasSuffix(".xlsx") }.sorted()
        #expect(names == YearReportKind.allCases.map(\.fileName).sorted())
        #expect(Self.written.written.files[.bonusPayroll] == [Self.written.folder + "/年终奖发放表.xlsx"])
    }

    @Test(arguments: YearReportKind.allCases)
    func goldenDump(_ kind: YearReportKind) throws {
        Snapshot.assertMatches(try Self.read(kind).dump, named: "year-\(kind.rawValue).txt")
    }

    @Test(arguments: YearReportKind.allCases)
    func everyWorkbookNamesItsYearRun(_ kind: YearReportKind) throws {
        let props = try Self.read(kind).properties
        #expect(props.contains { $0.hasPrefix("cp:keywords=") && $0.contains("年度运行 7") && $0.contains("草稿") })
        #expect(props.contains { $0.hasPrefix("dc:description=") && $0.contains("3f2a9c1d5e6b7a8c") })
        #expect(props.contains("dcterms:created=2022-01-10T01:30:00Z"))
    }

    /// Every money cell holds the double of a whole number of 分.
    @Test(arguments: YearReportKind.allCases)
    func moneyCellsHoldWholeFen(_ kind: YearReportKind) throws {
        var checked = 0
        for sheet in try Self.read(kind).sheets {
            for c in sheet.cells where (c.numberFormat == "#,##0.00" || c.numberFormat == "0.00") && c.type == "n" && !c.value.isEmpty {
                #expect(Self.fen(c) != nil, "\(sheet.name)!\(c.ref) holds \(c.value)")
                #expect(!c.value.contains("e") && (c.value.split(separator: ".").dropFirst().first?.count ?? 0) <= 2, "\(c.value) is not its shortest text")
                checked += 1
            }
        }
        #expect(checked > 0 || kind == .tierChart)
    }

    @Test func assessmentShowsEveryMonthBlankWhenNotInPostAndCountsTiers() throws {
        let sheet = try #require(try Self.read(.assessment).sheet("年度考核表"))
        let header = sheet.rows[2]
        #expect(header.map(\.value).prefix(7) == ["序号", "工号", "姓名", "社区", "岗位", "1月得分", "1月等次"])
        #expect(header.map(\.value).suffix(6) == ["在岗月数", "年度得分", "年度等次", "排名", "评定依据", "得分计算"])
        // 杨秀英 joined in September: January to August blank, September on.
        let joiner = try #require(sheet.rows.first { $0.contains { $0.value == "RJ-003" } })
        #expect(Self.cell(joiner, 5) == nil || Self.cell(joiner, 5)!.value.isEmpty)
        #expect(Self.cell(joiner, 5 + 16)?.value == "86")
        #expect(Self.cell(joiner, 5 + 17)?.value == "称职")
        #expect(Self.cell(joiner, 29)?.value == "4")
        #expect(Self.cell(joiner, 31)?.value == "不定等次")
        #expect(Self.cell(joiner, 33)?.value == "全年在岗 4 个月，不足 6 个月，不定等次")
        let vetoed = try #require(sheet.rows.first { $0.contains { $0.value == "RJ-004" } })
        #expect(Self.cell(vetoed, 5 + 5)?.value == "不称职", "March, the vetoed month")
        #expect(Self.cell(vetoed, 33)?.value == "年度否决：一票否决（第十二条），2021-03，评为不称职")
        let totals = try #require(sheet.rows.first { $0.first?.value == "合计" })
        #expect(Self.cell(totals, 5)?.formula == "COUNT(F4:F11)" && Self.cell(totals, 5)?.value == "7", "January: all but the joiner")
        #expect(Self.cell(totals, 5 + 16)?.value == "7", "September: all but the leaver")
        #expect(Self.cell(totals, 29)?.value == "\(Self.sample.results.cadres.map(\.monthsInPost).reduce(0, +))")
        let counts = sheet.rows.filter { Self.cell($0, 2)?.formula?.hasPrefix("COUNTIF") == true }.map { ($0[0].value, $0[1].value) }
        #expect(counts.map(\.0) == SampleYear.tierOrder)
        #expect(counts.map(\.1) == ["2", "3", "1", "1", "1"])
        #expect(!sheet.cells.contains { c in Self.sample.payees.contains { c.value.contains($0.idNumber) || c.value.contains($0.bankAccount) } })
    }

    @Test func noticeIsMaskedAndStatesTheObjectionWindow() throws {
        let file = try Self.read(.notice)
        let sheet = try #require(file.sheet("年度公示表"))
        #expect(sheet.rows[2].map(\.value) == ["序号", "姓名", "身份证号（部分隐藏）", "社区", "岗位", "在岗月数", "年度得分", "年度等次", "年终绩效奖"])
        for p in Self.sample.payees {
            #expect(!sheet.cells.contains { $0.value.contains(p.idNumber) || $0.value.contains(p.bankAccount) || $0.value.contains(p.phone ?? "-") })
            #expect(sheet.cells.contains { $0.value == Payee.masked(p.idNumber) })
        }
        #expect(!sheet.cells.contains { $0.value.contains("RJ-0") }, "no 工号 unless configured")
        // By community, by annual rank within it, unranked last.
        let names = sheet.rows.dropFirst(3).prefix(8).map { $0[1].value }
        #expect(names == ["张丽", "吴国平", "杨秀英", "潘文", "石海燕", "龙建华", "杨光", "王芳"])
        let texts = sheet.cells.map(\.value)
        #expect(texts.contains("公示期：2022年1月12日至2022年1月18日（共 7 天）"))
        #expect(texts.contains("如有异议，请在公示期内向以下渠道反映：榕江县民政局基层政权建设股，电话 0855-6621234"))
        #expect(texts.contains("榕江县民政局"))
    }

    @Test func bonusPayrollTotalsReconcileExactly() throws {
        let sheet = try #require(try Self.read(.bonusPayroll).sheet("年终奖发放表"))
        let header = sheet.rows[2]
        let gross = try #require(Self.column(header, "应发合计")), deductions = try #require(Self.column(header, "扣款合计"))
        let net = try #require(Self.column(header, "实发金额")), bonus = try #require(Self.column(header, "年终绩效奖"))
        #expect(header.map(\.value).suffix(4) == ["单独计税税额", "并入综合所得税额", "计税方式", "选择依据"])
        let dataRows = sheet.rows.dropFirst(3).filter { $0.first?.type == "n" }
        #expect(dataRows.count == 8)
        func sum(_ col: Int) -> Int64 { dataRows.compactMap { Self.fen(Self.cell($0, col)) }.reduce(0, +) }
        let t = Self.sample.results.totals
        #expect(sum(gross) == t.gross.fen && sum(bonus) == t.gross.fen)
        #expect(sum(net) + sum(deductions) == sum(gross))
        let totals = try #require(sheet.rows.first { $0.first?.value == "合计" })
        #expect(Self.cell(totals, net)?.formula == "SUM(\(XlsxFile.columnName(net))4:\(XlsxFile.columnName(net))11)")
        #expect(Self.fen(Self.cell(totals, gross)) == t.gross.fen && Self.fen(Self.cell(totals, net)) == t.net.fen)
        #expect(Self.fen(Self.cell(totals, deductions)) == t.deductions.fen)
        #expect(t.gross == Money(yuan: 9_000 * 2 + 6_000 * 3 + 2_000) && t.deductions == Money(fen: 27_000 * 2 + 3_000 + 0 + 18_000 * 2))
        let check = try #require(sheet.rows.first { $0.first?.value == "核对" })
        #expect(Self.cell(check, net)?.value == "0" && Self.cell(check, net + 1)?.value == "一致")
        // Finance needs the ID number and account whole, as text.
        for (n, p) in Self.sample.payees.enumerated() {
            let row = dataRows[n]
            #expect(Self.cell(row, 5)?.value == p.idNumber && Self.cell(row, 5)?.numberFormat == "@" && Self.cell(row, 5)?.type != "n")
            #expect(Self.cell(row, 6)?.value == p.bankAccount && Self.cell(row, 6)?.type != "n")
        }
        // Both ways and the choice: 吴国平 merged (30.00 < 180.00), 杨光 a tie → 单独计税.
        let wu = try #require(dataRows.first { Self.cell($0, 1)?.value == "RJ-002" })
        #expect(wu.suffix(4).map(\.value) == ["180", "30", "并入综合所得", "取低者：并入综合所得 30.00 元 < 单独计税 180.00 元"])
        let yang = try #require(dataRows.first { Self.cell($0, 1)?.value == "RJ-008" })
        #expect(yang.suffix(2).map(\.value) == ["单独计税", "取低者：单独计税 180.00 元 = 并入综合所得 180.00 元，相等时单独计税"])
    }

    @Test func bankFileLeavesOutZeroPayWithAWarningAndAddsUpToTheNetPay() throws {
        let sheet = try #require(try Self.read(.bonusBank).sheets.first)
        #expect(sheet.name == "代发")
        #expect(sheet.rows[0].map(\.value) == ["账号", "户名", "金额"])
        let paid = Self.sample.results.cadres.indices.filter { Self.sample.results.cadres[$0].pay.net > .zero }
        #expect(sheet.rows.count == paid.count + 1)
        #expect(sheet.rows.dropFirst().map { $0[0].value } == paid.map { Self.sample.payees[$0].bankAccount })
        #expect(sheet.rows.dropFirst().allSatisfy { $0[0].type == "s" && $0[0].numberFormat == "@" && $0[2].numberFormat == "0.00" })
        #expect(sheet.rows.dropFirst().compactMap { Self.fen($0[2]) }.reduce(0, +) == Self.sample.results.totals.net.fen)
        #expect(!sheet.cells.contains { $0.formula != nil })
        let warnings = Self.written.written.warnings
        #expect(warnings.contains(.zeroNetPay(cadreID: "RJ-003")) && warnings.contains(.zeroNetPay(cadreID: "RJ-004")))
        #expect(YearReportWarning.zeroNetPay(cadreID: "RJ-003").summary.zh == "干部 'RJ-003' 的年终实发为 0.00 元，未写入年终奖银行代发文件")
    }

    @Test func bankFilesPerBankSplitAndANegativeIsRefused() throws {
        var s = Self.settings
        s.banks = [BankFile(name: "农商行", match: ["农村商业银行"]),
                   BankFile(name: "邮储银行", match: ["邮政储蓄"], columns: [BankColumn(.accountName, header: "收款人姓名"), BankColumn(.account, header: "收款人账号"), BankColumn(.amount, header: "交易金额"), BankColumn(.remark, header: "附言")])]
        let (folder, written) = try Self.write(s, only: [.bonusBank])
        #expect(written.files[.bonusBank] == [folder + "/年终奖银行代发-农商行.xlsx", folder + "/年终奖银行代发-邮储银行.xlsx"])
        let rural = try #require(try XlsxFile(path: folder + "/年终奖银行代发-农商行.xlsx").sheets.first)
        let postal = try #require(try XlsxFile(path: folder + "/年终奖银行代发-邮储银行.xlsx").sheets.first)
        #expect(postal.rows[0].map(\.value) == ["收款人姓名", "收款人账号", "交易金额", "附言"])
        #expect(postal.rows[1].map(\.value)[3] == "2021年度社区干部报酬")
        let r = rural.rows.dropFirst().compactMap { Self.fen($0[2]) }.reduce(0, +), p = postal.rows.dropFirst().compactMap { Self.fen($0[2]) }.reduce(0, +)
        #expect(r > 0 && p > 0 && r + p == Self.sample.results.totals.net.fen)
        var payees = Self.sample.payees
        payees[1].bank = "中国工商银行"
        #expect(throws: ReportError.noBankFile(cadreID: "RJ-002", bank: "中国工商银行")) { try Self.write(s, payees: payees, only: [.bonusBank]) }
        var results = Self.sample.results
        results.cadres[0].pay.lines.append(PayLineResult(name: "扣回", kind: .deduction, amount: Money(yuan: 10_000)))
        #expect(throws: ReportError.negativePay(cadreID: "RJ-001", net: "-1270.00")) { try Self.write(results: results, only: [.bonusBank]) }
    }

    @Test func bonusTaxFileHoldsOnlySeparatelyTaxedBonuses() throws {
        let file = try Self.read(.bonusTaxFiling)
        #expect(file.sheets.map(\.name) == ["全年一次性奖金收入", "并入综合所得（不导入）"])
        let sheet = file.sheets[0]
        #expect(sheet.rows[0].map(\.value) == ["工号", "*姓名", "*证件类型", "*证件号码", "*全年一次性奖金额", "免税收入", "其他", "准予扣除的捐赠额", "减免税额", "备注"])
        // 单独计税 with a bonus: 张丽, 石海燕, 王芳, 杨光; not the merged ones nor those paid 0.00.
        #expect(sheet.rows.dropFirst().map { $0[0].value } == ["RJ-001", "RJ-005", "RJ-007", "RJ-008"])
        #expect(sheet.rows.dropFirst().map { Self.fen($0[4]) } == [900_000, 900_000, 600_000, 600_000])
        let payees = Dictionary(uniqueKeysWithValues: Self.sample.payees.map { ($0.cadreID, $0) })
        for row in sheet.rows.dropFirst() {
            #expect(row[3].value == payees[row[0].value]?.idNumber && row[3].numberFormat == "@" && row[3].type == "s")
            #expect(row[2].value == "居民身份证")
            #expect(row.count == 5, "the other amounts and 备注 are blank")
        }
        let merged = file.sheets[1]
        #expect(merged.rows.dropFirst(2).map { $0[0].value } == ["RJ-002", "RJ-006"])
        #expect(!merged.cells.contains { c in Self.sample.payees.contains { c.value.contains($0.idNumber) } })
        #expect(Self.written.written.warnings.contains(.mergedBonus(cadreID: "RJ-002", line: "年终绩效奖", bonus: Money(yuan: 6_000))))
    }

    @Test func bonusTaxColumnsFollowTheSettings() throws {
        var s = Self.settings
        s.bonusTaxColumns = [BonusTaxColumn(.idNumber, header: "身份证件号码"), BonusTaxColumn(.name, header: "姓名"), BonusTaxColumn(.bonus)]
        s.taxIDType = "外国护照"
        let (folder, _) = try Self.write(s, only: [.bonusTaxFiling])
        let sheet = try #require(try XlsxFile(path: folder + "/全年一次性奖金收入.xlsx").sheets.first)
        #expect(sheet.rows[0].map(\.value) == ["身份证件号码", "姓名", "*全年一次性奖金额"])
        #expect(sheet.rows[1].map(\.value) == [Self.sample.payees[0].idNumber, "张丽", "9000"])
        s.bonusTaxColumns = [BonusTaxColumn(.name), BonusTaxColumn(.bonus)]
        #expect(throws: ReportError.invalidTaxColumns(reason: "需要姓名、证件号码和全年一次性奖金额三列 / the name, ID number and bonus columns are required")) {
            try Self.write(s, only: [.bonusTaxFiling])
        }
    }

    @Test func taxDetailListsEachMonthAndTotalsPerCadre() throws {
        let file = try Self.read(.taxDetail)
        let cadres = Self.sample.results.cadres
        var communities: [String] = []
        for c in cadres where !communities.contains(c.community) { communities.append(c.community) }
        // A county sheet, then a sheet per community in roster order.
        #expect(file.sheets.map(\.name) == ["全县"] + communities)
        let lineHeaders = ["基本报酬", "绩效报酬", "养老保险（基本养老保险费）", "医疗保险（基本医疗保险费）", "个人所得税", "全年一次性奖金", "奖金个税", "计税方式"]
        for community in communities {
            let sheet = try #require(file.sheet(community))
            #expect(sheet.rows[0].first?.value.hasSuffix("年度个税明细（\(community)）") == true)
            #expect(sheet.rows[2].map(\.value) == ["工号", "姓名", "社区", "月份"] + lineHeaders)
            let here = cadres.filter { $0.community == community }
            #expect(sheet.rows.count == 3 + here.map(\.months.count).reduce(0, +) + here.count)
            for c in here {
                let rows = sheet.rows.filter { $0.first?.value == c.cadreID }
                #expect(rows.count == c.months.count + 1)
                let total = try #require(rows.last)
                #expect(total[3].value == "全年合计")
                for k in SampleYear.monthPayLines.indices {
                    let expected = c.months.map { $0.pay[k] }.sum()
                    #expect(Self.fen(Self.cell(total, 4 + k)) == expected.fen && Self.cell(total, 4 + k)?.formula?.hasPrefix("SUM(") == true)
                    #expect(rows.dropLast().compactMap { Self.fen(Self.cell($0, 4 + k)) }.reduce(0, +) == expected.fen)
                }
                #expect(Self.fen(Self.cell(total, 9)) == c.bonusTax[0].bonus.fen && Self.fen(Self.cell(total, 10)) == c.bonusTax[0].tax.fen)
            }
        }
        // 全县: a row per cadre with the year's totals, and a 合计 row whose sums are exact.
        let county = try #require(file.sheet("全县"))
        #expect(county.rows[2].map(\.value) == ["工号", "姓名", "社区", "在岗月数"] + lineHeaders)
        #expect(county.rows.count == 3 + cadres.count + 1)
        for (i, c) in cadres.enumerated() {
            let row = county.rows[3 + i]
            #expect(row[0].value == c.cadreID && Self.cell(row, 3)?.value == "\(c.months.count)")
            for k in SampleYear.monthPayLines.indices {
                #expect(Self.fen(Self.cell(row, 4 + k)) == c.months.map { $0.pay[k] }.sum().fen)
            }
            #expect(Self.fen(Self.cell(row, 10)) == c.bonusTax[0].tax.fen)
        }
        let sum = try #require(county.rows.last)
        #expect(sum[0].value == "合计")
        for k in SampleYear.monthPayLines.indices {
            let expected = cadres.flatMap { c in c.months.map { $0.pay[k] } }.sum()
            #expect(Self.fen(Self.cell(sum, 4 + k)) == expected.fen && Self.cell(sum, 4 + k)?.formula?.hasPrefix("SUM(") == true)
        }
        #expect(Self.fen(Self.cell(sum, 9)) == cadres.flatMap { $0.bonusTax.map(\.bonus) }.sum().fen)
        #expect(!file.sheets.flatMap(\.cells).contains { c in Self.sample.payees.contains { c.value.contains($0.idNumber) || c.value.contains($0.bankAccount) } })
    }

    @Test func tierChartCountsTiersByCommunityWithNativeCharts() throws {
        let file = try Self.read(.tierChart)
        let sheet = try #require(file.sheet("等次统计"))
        #expect(sheet.rows[2].map(\.value) == ["社区", "人数"] + SampleYear.tierOrder)
        #expect(sheet.rows[3].map(\.value) == ["古州社区", "4", "1", "1", "0", "1", "1"])
        let county = try #require(sheet.rows.first { $0.first?.value == "全县" })
        #expect(county.map(\.value) == ["全县", "8", "2", "3", "1", "1", "1"])
        #expect(county[1].formula == "SUM(B4:B6)")
        #expect(sheet.settings.contains("drawing"))
        #expect(file.charts.count == 2)
        #expect(file.charts[0].hasPrefix("chart1 c:barChart col stacked title=2021年度各社区等次分布"))
        #expect(file.charts[1].hasPrefix("chart2 c:barChart col clustered title=2021年度全县等次人数"))
        #expect(file.charts[0].contains("series 不定等次"))
    }

    /// A draft year read open or missing months: every workbook with a title says which.
    @Test func aDraftYearSaysWhichMonthsWereOpenOrMissing() throws {
        var results = Self.sample.results
        results.months[10].closed = false
        results.months.removeLast()
        let (folder, _) = try Self.write(results: results, only: [.assessment, .bonusPayroll])
        for name in ["年度考核表", "年终奖发放表"] {
            let sheet = try #require(try XlsxFile(path: "\(folder)/\(name).xlsx").sheets.first)
            #expect(sheet.rows[1][0].value.hasSuffix("制表：榕江县民政局 · 未关账：11月 · 无结果：12月"))
        }
        #expect(try Self.read(.assessment).sheets[0].rows[1][0].value.hasSuffix("制表：榕江县民政局"))
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        var s = Self.settings
        s.banks = [BankFile(name: "农商行", match: ["农村商业银行"]), BankFile(name: "其余")]
        let a = try Self.write(s)
        Thread.sleep(forTimeInterval: 1.1)
        s.writesInParallel = false
        let b = try Self.write(s)
        let names = try FileManager.default.contentsOfDirectory(atPath: a.folder).sorted()
        #expect(names.count == 8)
        for name in names {
            let x = FileManager.default.contents(atPath: a.folder + "/" + name), y = FileManager.default.contents(atPath: b.folder + "/" + name)
            #expect(x != nil && x == y, "\(name) differs")
        }
    }
}
