import Exact
import Foundation
import Reports
import Results
import Testing
import TestSupport

/// Writes the sample month's reports, reads them back with `XlsxFile` and checks what
/// finance, the bank and the public see.
@Suite struct ReportsTests {
    static let sample = SampleMonth.make()

    static var settings: ReportSettings {
        var s = ReportSettings()
        s.noticePeriod = NoticePeriod(from: CivilDate(year: 2021, month: 1, day: 5)!, to: CivilDate(year: 2021, month: 1, day: 11)!)
        s.objectionContact = "榕江县民政局基层政权建设股，电话 0855-6621234，古州镇民主路 18 号"
        return s
    }

    static func writeAll(settings: ReportSettings = settings, only: Set<ReportKind>? = nil) throws -> String {
        let folder = PackagePaths.temporaryDirectory("jifen-reports")
        let s = sample
        try ReportSet.write(results: s.results, summary: s.summary, run: s.run, rejected: s.rejected, payees: s.payees, settings: settings, to: folder, only: only)
        return folder
    }

    /// The sample reports every test reads; `JIFEN_REPORTS_OUT=dir` keeps them in `dir`
    /// for `scripts/libreoffice-check.sh`.
    static let folder: String = {
        let folder = try! writeAll()
        if let keep = ProcessInfo.processInfo.environment["JIFEN_REPORTS_OUT"], !keep.isEmpty {
            try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            for kind in ReportKind.allCases {
                let target = keep + "/" + kind.fileName
                try? FileManager.default.removeItem(atPath: target)
                try! FileManager.default.copyItem(atPath: folder + "/" + kind.fileName, toPath: target)
            }
        }
        return folder
    }()

    static func read(_ kind: ReportKind) throws -> XlsxFile {
        try XlsxFile(path: folder + "/" + kind.fileName)
    }

    @Test(arguments: ReportKind.allCases)
    func goldenDump(_ kind: ReportKind) throws {
        let file = try Self.read(kind)
        Snapshot.assertMatches(file.dump, named: "\(kind.rawValue).txt")
    }

    @Test func idNumbersAndAccountsAreTextWithEveryDigit() throws {
        let sheet = try #require(try Self.read(.payroll).sheet("工资表"))
        for (n, payee) in Self.sample.payees.enumerated() {
            let id = try #require(sheet.cell("G\(n + 4)")), account = try #require(sheet.cell("H\(n + 4)"))
            #expect(id.type == "inlineStr" && id.value == payee.idNumber && id.numberFormat == "@")
            #expect(account.type == "inlineStr" && account.value == payee.bankAccount && account.value.count == 19)
        }
        let bank = try #require(try Self.read(.bankTransfer).sheets.first)
        for (n, payee) in Self.sample.payees.enumerated() {
            let account = try #require(bank.cell("A\(n + 2)"))
            #expect(account.type == "s" && account.value == payee.bankAccount)
        }
    }

    /// A money cell must hold the double nearest to an amount in 分, never a value between
    /// two 分 (a cell showing 77.01 while holding 77.005 would break a bank's batch total).
    /// libxlsxwriter 1.1.4 prints `%.16G`, so the text may end in a noise digit
    /// (`77.01000000000001`); it still parses to the very double of `77.01`.
    @Test(arguments: ReportKind.allCases)
    func moneyCellsHoldWholeFen(_ kind: ReportKind) throws {
        var checked = 0
        for sheet in try Self.read(kind).sheets {
            for c in sheet.cells where c.numberFormat == "#,##0.00" || c.numberFormat == "0.00" {
                guard c.type == "n", !c.value.isEmpty else { continue }
                let fen = try #require(Self.fen(c.value), "\(sheet.name)!\(c.ref) holds \(c.value), not a whole number of 分")
                #expect(Double(c.value) == Double(fen) / 100)
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    /// The whole number of 分 a stored number is the nearest double to, if it is one.
    static func fen(_ text: String) -> Int64? {
        guard let d = Double(text) else { return nil }
        let fen = (d * 100).rounded()
        return Double(fen) / 100 == d ? Int64(fen) : nil
    }

    /// Every `SUM` formula's cached value equals the exact sum of the cells it covers.
    @Test(arguments: ReportKind.allCases)
    func sumFormulasCarryTheirValues(_ kind: ReportKind) throws {
        for sheet in try Self.read(kind).sheets {
            for c in sheet.cells {
                guard let f = c.formula, f.hasPrefix("SUM(") else { continue }
                let parts = f.dropFirst(4).dropLast().split(separator: ":").map(String.init)
                let (r0, col) = XlsxFile.position(parts[0]), (r1, _) = XlsxFile.position(parts[1])
                let covered = sheet.cells.filter { $0.col == col && $0.row >= r0 && $0.row <= r1 && $0.type == "n" && !$0.value.isEmpty }
                let sum = covered.map { Self.fen($0.value)! }.reduce(0, +)
                #expect(Self.fen(c.value) == sum, "\(sheet.name)!\(c.ref) \(f) caches \(c.value), cells sum to \(sum) hundredths")
            }
        }
    }

    @Test func payrollTotalsAreTheExactSums() throws {
        let sheet = try #require(try Self.read(.payroll).sheet("工资表"))
        let r = Self.sample.results
        let header = sheet.rows[2].map(\.value)
        let totalsRow = sheet.rows[3 + r.cadres.count]
        func total(_ name: String) -> String? {
            let col = header.firstIndex(of: name)!
            return totalsRow.first { $0.col == col }?.value
        }
        #expect(totalsRow.first?.value == "合计")
        #expect(total("应发合计").flatMap(Self.fen) == r.gross.fen)
        #expect(total("扣款合计").flatMap(Self.fen) == r.deductions.fen)
        #expect(total("实发金额").flatMap(Self.fen) == r.net.fen)
    }

    @Test func bankFileHasNoTitleNoTotalsAndMatchesThePayroll() throws {
        let bank = try #require(try Self.read(.bankTransfer).sheets.first)
        let rows = bank.rows
        #expect(rows[0].map(\.value) == ["账号", "户名", "金额"])
        #expect(rows.count == Self.sample.results.cadres.count + 1)
        #expect(bank.cells.allSatisfy { $0.formula == nil })
        let amounts = rows.dropFirst().map { row in row.first { $0.col == 2 }! }
        #expect(amounts.allSatisfy { $0.type == "n" && $0.numberFormat == "0.00" })
        let total = Money(fen: amounts.map { Self.fen($0.value)! }.reduce(0, +))
        #expect(total == Self.sample.results.net)
        let payroll = try #require(try Self.read(.payroll).sheet("工资表"))
        #expect(payroll.rows.count - 4 == rows.count - 1, "payroll rows = title, subtitle, header, data…, totals")
    }

    @Test func bankColumnsFollowTheSettings() throws {
        var s = Self.settings
        s.bankColumns = [BankColumn(.accountName, header: "收款人"), BankColumn(.account, header: "收款账号"), BankColumn(.idNumber), BankColumn(.amount), BankColumn(.remark)]
        let folder = try Self.writeAll(settings: s, only: [.bankTransfer])
        let bank = try #require(try XlsxFile(path: folder + "/银行代发.xlsx").sheets.first)
        #expect(bank.rows[0].map(\.value) == ["收款人", "收款账号", "身份证号", "金额", "备注"])
        #expect(bank.rows[1].map(\.value)[2] == Self.sample.payees[0].idNumber)
        #expect(bank.rows[1].map(\.value)[4] == "2020年12月社区干部报酬")
        #expect(!FileManager.default.fileExists(atPath: folder + "/工资表.xlsx"))
    }

    @Test(arguments: [NoticeIdentifier.none, .maskedIDNumber, .cadreID])
    func noticeHoldsNoPersonalData(_ identifier: NoticeIdentifier) throws {
        var s = Self.settings
        s.noticeIdentifier = identifier
        s.noticeShowsPerformancePay = true
        let folder = try Self.writeAll(settings: s, only: [.publicNotice])
        let file = try XlsxFile(path: folder + "/公示表.xlsx")
        let texts = file.sheets.flatMap(\.cells).map(\.value) + file.properties
        for p in Self.sample.payees {
            for secret in [p.idNumber, p.bankAccount, p.phone!] {
                #expect(!texts.contains { $0.contains(secret) }, "the notice shows \(Payee.masked(secret))")
            }
        }
        #expect(!texts.contains { $0.contains(/[0-9]{11,}/) })
        let masked = Self.sample.payees.map { Payee.masked($0.idNumber) }
        #expect(texts.contains(masked[0]) == (identifier == .maskedIDNumber))
        #expect(texts.contains("绩效报酬"))
        #expect(texts.contains { $0.hasPrefix("公示期：2021年1月5日至2021年1月11日") })
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        var sequential = Self.settings
        sequential.writesInParallel = false
        let a = try Self.writeAll(settings: sequential)
        Thread.sleep(forTimeInterval: 1.1)  // a clock leaking into the files would now differ
        let b = try Self.writeAll()
        for kind in ReportKind.allCases {
            let x = FileManager.default.contents(atPath: a + "/" + kind.fileName)
            let y = FileManager.default.contents(atPath: b + "/" + kind.fileName)
            #expect(x != nil && x == y, "\(kind.fileName) differs between two writes")
        }
    }

    @Test func scoreBreakdownHasACountySheetAndOnePerCommunity() throws {
        let file = try Self.read(.scoreBreakdown)
        #expect(file.sheets.map(\.name) == ["全县", "古州社区", "城北社区", "车江社区", "忠诚社区"])
    }

    @Test func summaryHasBothCharts() throws {
        let file = try Self.read(.communitySummary)
        #expect(file.charts.count == 2)
        #expect(file.charts[0].contains("stacked") && file.charts[0].components(separatedBy: "series").count - 1 == 4)
    }

    @Test func missingPayeeIsReportedByCadreID() throws {
        let s = Self.sample
        let folder = PackagePaths.temporaryDirectory("jifen-reports")
        #expect(throws: ReportError.missingPayee(cadreID: "RJ-012")) {
            try ReportSet.write(results: s.results, summary: s.summary, run: s.run, rejected: s.rejected, payees: Array(s.payees.dropLast()), settings: Self.settings, to: folder, only: [.payroll])
        }
    }

    @Test func bankColumnsWithoutAnAmountAreRefused() throws {
        var settings = Self.settings
        settings.bankColumns = [BankColumn(.account), BankColumn(.accountName)]
        let s = Self.sample
        #expect(throws: ReportError.self) {
            try ReportSet.write(results: s.results, summary: s.summary, run: s.run, rejected: s.rejected, payees: s.payees, settings: settings, to: PackagePaths.temporaryDirectory("jifen-reports"), only: [.bankTransfer])
        }
    }

    @Test func anEmptyMonthStillWritesEveryReport() throws {
        let s = Self.sample
        let empty = MonthResults(month: s.results.month, cadres: [])
        let summary = RunSummary(cadres: 0, rowsUsed: 0, rowsIgnored: 0, rowsRejected: 0, pointsTotal: .zero, gross: .zero, deductions: .zero, net: .zero, tiers: [:], files: [])
        let folder = PackagePaths.temporaryDirectory("jifen-reports")
        let written = try ReportSet.write(results: empty, summary: summary, run: s.run, rejected: [], payees: [], settings: Self.settings, to: folder)
        #expect(written.count == 8)
        let tax = try #require(try XlsxFile(path: written[.taxFiling]!).sheet("正常工资薪金收入"))
        #expect(tax.rows.count == 1)
        let payroll = try #require(try XlsxFile(path: written[.payroll]!).sheet("工资表"))
        // No pay lines: 应发合计, 扣款合计, 实发金额 are columns I, J, K; their totals are 0.
        #expect(payroll.cell("K3")?.value == "实发金额")
        #expect(payroll.cell("K4")?.formula == "0" && payroll.cell("K4")?.value == "0")
        let bank = try #require(try XlsxFile(path: written[.bankTransfer]!).sheets.first)
        #expect(bank.rows.count == 1)
    }

    @Test func aFolderThatIsAFileIsReported() throws {
        let s = Self.sample
        let file = PackagePaths.temporaryDirectory("jifen-reports") + "/not-a-folder"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        #expect {
            try ReportSet.write(results: s.results, summary: s.summary, run: s.run, rejected: [], payees: s.payees, settings: Self.settings, to: file)
        } throws: { error in
            if case .cannotCreateFolder(let path, _) = error as? ReportError { return path == file }
            return false
        }
    }

    @Test func communitySheetNamesAreMadeAcceptable() throws {
        var results = Self.sample.results
        results.cadres[0].community = "城北/城西联合社区[试点]"
        results.cadres[4].community = "全县"
        results.cadres[7].community = String(repeating: "很长的社区名", count: 6)
        let s = Self.sample
        let folder = PackagePaths.temporaryDirectory("jifen-reports")
        try ReportSet.write(results: results, summary: s.summary, run: s.run, rejected: [], payees: s.payees, settings: Self.settings, to: folder, only: [.scoreBreakdown])
        let names = try XlsxFile(path: folder + "/积分明细.xlsx").sheets.map(\.name)
        #expect(names == ["全县", "城北_城西联合社区_试点_", "古州社区", "全县(2)", "城北社区", String(String(repeating: "很长的社区名", count: 6).prefix(31)), "车江社区", "忠诚社区"])
    }

    struct TimeCase: Sendable, CustomTestStringConvertible {
        var text: String
        var seconds: Int?
        var testDescription: String { text }
    }

    @Test(arguments: [
        TimeCase(text: "2021-01-04T09:30:00+08:00", seconds: 1_609_723_800),
        TimeCase(text: "2021-01-04T01:30:00Z", seconds: 1_609_723_800),
        TimeCase(text: "2021-01-04T01:30:00.123Z", seconds: 1_609_723_800),
        TimeCase(text: "2021-01-04", seconds: 1_609_718_400),
        TimeCase(text: "2021-13-04", seconds: nil),
        TimeCase(text: "yesterday", seconds: nil),
    ])
    func runTimesParse(_ c: TimeCase) {
        let run = ReportRun(id: 1, month: SampleMonth.month, rulesVersion: "", rulesHash: "", engineVersion: "", createdAt: c.text, inputs: [])
        #expect(run.createdSeconds == c.seconds ?? 1_609_459_200)  // else 2021-01-01, the month after
    }
}

/// Issue 12: a batch's rules version already ends in the hash (自 2020-10-01（3f2a9c1d）);
/// the subtitles of 工资表 and 积分明细 showed it twice.
struct SubtitleHashTests {
    @Test func theRulesHashAppearsOnceInTheSubtitles() throws {
        var s = ReportsTests.sample
        s.run.rulesVersion = "自 2020-10-01（\(s.run.rulesHash.prefix(8))）"
        let folder = PackagePaths.temporaryDirectory("jifen-subtitle")
        try ReportSet.write(results: s.results, summary: s.summary, run: s.run, rejected: s.rejected, payees: s.payees,
                            settings: ReportsTests.settings, to: folder, only: [.payroll, .scoreBreakdown])
        let hash = String(s.run.rulesHash.prefix(8))
        for name in ["工资表.xlsx", "积分明细.xlsx"] {
            let file = try XlsxFile(path: folder + "/" + name)
            let subtitles = file.sheets.compactMap { $0.cell("A2")?.value }.filter { $0.contains("规则") }
            #expect(!subtitles.isEmpty, "\(name)")
            for t in subtitles {
                #expect(t.components(separatedBy: hash).count == 2, "\(name): \(t)")
                #expect(t.contains("规则 自 2020-10-01（\(hash)）· 制表"), "\(name): \(t)")
            }
        }
    }
}
