import Diagnostics
import Exact
import Foundation
import Records
import Reports
import Results
import RulesLanguage
import Store

/// Where `jifen year run` reads and writes, and how it behaves.
public struct YearOptions: Sendable {
    public var year: Int
    public var rulesFolder: String
    public var storePath: String
    /// Reports go to `<outFolder>/<year>-年度/`.
    public var outFolder: String
    public var actor: String
    /// When the year run happened, as stored (ISO 8601).
    public var now: String
    /// Run over months that are open or missing (`--draft`): a draft to look at, not to pay.
    public var draft = false
    /// Seconds to wait for another batch holding the store; 0 refuses at once.
    public var wait: Double = 0
    public var settings = ReportSettings()

    public init(year: Int, rulesFolder: String, storePath: String, outFolder: String, actor: String, now: String) {
        self.year = year
        self.rulesFolder = rulesFolder
        self.storePath = storePath
        self.outFolder = outFolder
        self.actor = actor
        self.now = now
    }
}

/// The annual article as the year run calls it: whether the rules declare one, what it reads
/// from the months, and the assessment. `.rules` is the rules' own (`CheckedRules`); tests
/// pass their own to run the year before the rules can say it.
public struct YearAssessor: Sendable {
    public var declared: @Sendable (CheckedRules) -> Bool
    public var needs: @Sendable (CheckedRules, Int) -> (items: [String], payLines: [String])
    public var assess: @Sendable (CheckedRules, YearInput) -> Result<YearResults, YearAssessmentFailure>

    public init(declared: @escaping @Sendable (CheckedRules) -> Bool, needs: @escaping @Sendable (CheckedRules, Int) -> (items: [String], payLines: [String]),
                assess: @escaping @Sendable (CheckedRules, YearInput) -> Result<YearResults, YearAssessmentFailure>) {
        self.declared = declared
        self.needs = needs
        self.assess = assess
    }

    public static let rules = YearAssessor(declared: { $0.hasYearAssessment }, needs: { $0.yearInputNeeds(year: $1) }, assess: { $0.assessYear($1) })
}

/// What the year's reports are written from.
public struct YearReportRequest: Sendable {
    public var results: YearResults
    public var record: YearRunRecord
    /// Each cadre of the year's bank and identity details, from their last month's roster.
    public var payees: [Payee]
    public var settings: ReportSettings
    /// The staging folder to write into (it replaces `<out>/<year>-年度/` whole).
    public var folder: String
}

/// Writes the year's reports (`jifen year run`): the annual workbooks are Reports' (wired
/// in where the batch is put together); `summaryOnly` writes the plain summary alone.
public struct YearReportWriter: Sendable {
    /// Writes into `request.folder`; returns the files' names and what the reports left out
    /// on purpose (warnings for the clerk).
    public var write: @Sendable (YearReportRequest) throws -> (names: [String], warnings: [Diagnostic])

    public init(write: @escaping @Sendable (YearReportRequest) throws -> (names: [String], warnings: [Diagnostic])) { self.write = write }

    /// `年度考核摘要.txt`: the summary `jifen year show` prints, as a file.
    public static let summaryOnly = YearReportWriter { request in
        let name = "年度考核摘要.txt"
        try Data(YearText.summary(request.record, language: .zh).utf8).write(to: URL(fileURLWithPath: request.folder + "/" + name))
        return ([name], [])
    }

    /// The annual workbooks (`Reports`' `YearReportWriting`: 年度考核表, 年度公示表, 年终奖发放表
    /// and its bank files, 全年一次性奖金收入, 年度个税明细, 年度等次统计) and the summary.
    public static let workbooks = YearReportWriter { request in
        let summary = try summaryOnly.write(request)
        let state: YearReportRun.State = switch request.record.state {
        case .draft, .superseded: .draft
        case .published: .published
        case .closed: .closed
        }
        let run = YearReportRun(id: request.record.id, year: request.record.year, state: state, rulesVersion: request.record.rulesVersion,
                                rulesHash: request.record.rulesHash, engineVersion: request.record.engineVersion, createdAt: request.record.createdAt)
        var settings = request.settings
        if let from = request.record.publishedAt.flatMap({ DateParser.parse(String($0.prefix(10))) }),
           let to = request.record.objectionsUntil.flatMap({ DateParser.parse(String($0.prefix(10))) }) {
            settings.noticePeriod = NoticePeriod(from: from, to: to)
        }
        let written = try YearReportWriting.write(results: request.results, run: run, roster: request.payees, settings: settings, to: request.folder)
        let names = written.files.values.flatMap { $0 }.map { ($0 as NSString).lastPathComponent }
        // Cadres paid nothing at year end (不称职, 不定等次: routine, not a fault) in one
        // warning; each merged bonus on its own. Located at the file that leaves them out; the
        // runner names its final folder.
        var warnings: [Diagnostic] = []
        let zero = written.warnings.compactMap { w -> String? in if case .zeroNetPay(let id) = w { id } else { nil } }
        if !zero.isEmpty {
            // Named in full only when few: a province's list would bury the summary.
            let shown = zero.count <= 20 ? zero.joined(separator: "、") : zero.prefix(20).joined(separator: "、") + " 等（全部见年终奖发放表）"
            let shownEn = zero.count <= 20 ? zero.joined(separator: ", ") : zero.prefix(20).joined(separator: ", ") + " … (all in the bonus payroll)"
            warnings.append(Diagnostic(
                .warning, code: "B0067", at: .file(path: "年终奖银行代发.xlsx"),
                summary: Localized(zh: "\(zero.count) 名干部年终实发为 0.00 元，未写入年终奖银行代发文件：\(shown)",
                                   en: "\(zero.count) cadre(s) are paid 0.00 at year end and have no row in the bonus bank file: \(shownEn)"),
                help: Localized(zh: "年终奖发放表列出了他们（年度等次的系数为 0 或不定等次）；无需处理，除非金额不应为 0。",
                                en: "The bonus payroll lists them (a tier paid nothing, or no tier); nothing to do unless they should be paid.")))
        }
        for w in written.warnings {
            guard case .mergedBonus = w else { continue }
            warnings.append(Diagnostic(.warning, code: "B0067", at: .file(path: "全年一次性奖金收入.xlsx"), summary: Localized(zh: w.summary.zh, en: w.summary.en),
                                       help: Localized(zh: "随当月工资薪金申报这笔奖金。", en: "Declare this bonus with the month's wages.")))
        }
        return (summary.names + names, warnings)
    }
}

/// What a year run did.
public struct YearOutcome: Sendable {
    public var diagnostics: [Diagnostic] = []
    public var sources: [SourceFile] = []
    public var yearRunID: Int64?
    public var record: YearRunRecord?
    public var results: YearResults?
    /// `<out>/<year>-年度/` and the files written there.
    public var reportFolder: String?
    public var reports: [String] = []
    public var isBusy = false
    /// Stopped on an `--out` that cannot take the reports (C0008): the CLI exits 78, as for
    /// an error in the config.
    public var isConfigError = false
    /// Seconds each stage took, in order: what `jifen year run` prints as 用时.
    public var stages: [(zh: String, en: String, seconds: Double)] = []
    public var stopped: Bool { yearRunID == nil }
}

/// `jifen year run`: lock → rules (with a 年度考核) → every stored month of the year closed
/// (unless a draft) → the year's input from the store → the annual assessment → reconcile →
/// stored as the year's draft → reports in `<out>/<year>-年度/`, replaced whole.
public struct YearRunner {
    public var options: YearOptions
    public var assessor = YearAssessor.rules
    public var reports = YearReportWriter.workbooks

    public init(options: YearOptions) {
        self.options = options
    }

    public func run() -> YearOutcome {
        var out = YearOutcome()
        let clock = ContinuousClock()
        var stageStart = clock.now
        func stage(_ zh: String, _ en: String) {
            let d = clock.now - stageStart
            out.stages.append((zh, en, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18))
            stageStart = clock.now
        }
        func stop(_ d: Diagnostic) -> YearOutcome {
            out.diagnostics.append(d)
            return out
        }
        let year = options.year
        // A year is assessed from stored months: a store that does not exist is a mistyped
        // path, not an empty store to create. Checked before the lock, which would make the
        // store's folder and lock file; the store is then opened with `creating: false`.
        guard FileManager.default.fileExists(atPath: options.storePath) else {
            return stop(StoreError.noStore(path: options.storePath).diagnostic)
        }
        if let problem = ReportFolder.problem(outFolder: options.outFolder, subfolder: yearKey(year)) {
            out.isConfigError = true
            return stop(problem)
        }
        let lock: RunLock
        switch BatchRunner.lock(storePath: options.storePath, holder: "\(options.actor) year \(year)", wait: options.wait) {
        case .success(let l): lock = l
        case .failure(let refused):
            out.isBusy = refused.isBusy
            return stop(refused.diagnostic)
        }
        defer { withExtendedLifetime(lock) {} }

        let loaded: LoadedRules
        switch BatchRunner.loadRules(options.rulesFolder) {
        case .success(let rules): loaded = rules
        case .failure(let problem): return stop(problem.diagnostic)
        }
        out.sources = loaded.project.sources
        if loaded.hasErrors {
            out.diagnostics = loaded.diagnostics
            return out
        }
        let rules = loaded.rules
        stage("检查规则", "rules")
        guard assessor.declared(rules) else {
            return stop(Diagnostic(
                .error, code: "B0060", at: .file(path: loaded.project.sources.first?.path ?? options.rulesFolder),
                summary: Localized(zh: "规则没有“年度考核”，不能进行年度考核", en: "the rules declare no 年度考核 (annual assessment)"),
                help: Localized(zh: "在规则中写一个“年度考核 { … }”条款（年度得分、等次、名额、最少在岗月数、年终绩效奖），见 docs/rules-language.md 和 docs/year.md。",
                                en: "Write a 年度考核 { … } article in the rules (annual score, tiers, quotas, minimum months, the year-end bonus); see docs/rules-language.md and docs/year.md.")))
        }

        let store: RunStore
        do {
            store = try RunStore(path: options.storePath, creating: false)
            ReportFolder.recover(outFolder: options.outFolder, store: store)
            if let current = try store.currentYearRun(year: year), current.state == .closed {
                throw StoreError.yearClosed(year: year, yearRunID: current.id)
            }
        } catch {
            return stop(error.diagnostic)
        }

        // The months: every one from the first stored month of the year through December
        // must be stored and closed, unless this is a draft.
        let needs = assessor.needs(rules, year)
        // December's stored roster (whose rows most cadres take) is read on another thread
        // while the store reads the months.
        let december = YearMonth(year: year, month: 12)!
        let lastRoster = Self.readRosterAhead(month: december, store: store, rules: rules)
        let stored: StoredYearMonths
        do {
            stored = try store.yearMonths(year: year, items: needs.items, payLines: needs.payLines)
        } catch {
            return stop(error.diagnostic)
        }
        stage("读取各月结果", "read the months")
        guard let first = stored.months.first?.month else {
            return stop(Diagnostic(
                .error, code: "B0062", at: .file(path: options.storePath),
                summary: Localized(zh: "数据库中没有 \(year) 年任何月份的运行", en: "the store has no run of any month of \(year)"),
                help: Localized(zh: "先运行并关账各月（jifen batch run --month \(year)-01 …）。", en: "Run and close the months first (jifen batch run --month \(year)-01 …).")))
        }
        var missing: [YearMonth] = [], open: [(YearMonth, RunState)] = []
        var m = first
        while m <= december {
            if let i = stored.months.firstIndex(where: { $0.month == m }) {
                if stored.states[i] != .closed { open.append((m, stored.states[i])) }
            } else {
                missing.append(m)
            }
            if m == december { break }
            m = m.next
        }
        if !options.draft, !missing.isEmpty || !open.isEmpty {
            var notes: [Localized] = []
            if !missing.isEmpty {
                let list = missing.map(\.description).joined(separator: "、")
                notes.append(Localized(zh: "没有运行的月份：\(list)", en: "months without a run: \(list)"))
            }
            if !open.isEmpty {
                let list = open.map { "\($0.0)（\($0.1.chineseName)）" }.joined(separator: "、")
                notes.append(Localized(zh: "未关账的月份：\(list)", en: "months not closed: " + open.map { "\($0.0) (\($0.1.rawValue))" }.joined(separator: ", ")))
            }
            return stop(Diagnostic(
                .error, code: "B0061", at: .file(path: options.storePath),
                summary: Localized(zh: "\(year) 年还有 \(missing.count + open.count) 个月份未关账，不能进行年度考核",
                                   en: "\(missing.count + open.count) month(s) of \(year) are not closed; the year cannot be assessed"),
                notes: notes,
                help: Localized(zh: "运行并关账这些月份（jifen batch run / publish / close），或加 --draft 先看年度草稿（草稿不能发布前须重新运行）。",
                                en: "Run and close those months (jifen batch run / publish / close), or pass --draft for a draft to look at.")))
        }

        // Each cadre's roster row from the last month they have a result in. The stored months
        // and December's roster are let go once the input is made (memory at 50,000 cadres).
        var input: YearInput
        let payees: [Payee]
        do {
            (input, payees) = try Self.input(consume stored, store: store, rules: rules, ahead: (consume lastRoster)?.wait())
        } catch let e as YearInputProblem {
            return stop(e.diagnostic)
        } catch {
            return stop(error.diagnostic)
        }

        stage("读取花名册", "rosters")
        let results: YearResults
        switch assessor.assess(rules, input) {
        case .success(let r): results = r
        case .failure(let failure):
            out.diagnostics += failure.diagnostics
            if !failure.diagnostics.hasErrors {
                out.diagnostics.append(Diagnostic(.error, code: "B0063", at: .file(path: options.rulesFolder),
                                                  summary: Localized(zh: "年度考核未能完成", en: "the annual assessment did not complete")))
            }
            return out
        }
        // The money must add up, and no annual net may be negative (as PayrollGuard's B0020).
        let guarded = Self.guardPay(results, roster: input.roster, storePath: options.storePath)
        out.diagnostics += guarded
        if guarded.hasErrors { return out }

        stage("年度考核", "assess")
        // The input is done with (the results share what they need of it): freed on another
        // thread while the year is stored and reported, not held through them (about 120 MB
        // at 50,000 cadres, when memory peaks).
        let done = input
        input = YearInput(year: year, months: [], roster: Roster([]), itemNames: [], payLines: [], cadres: [])
        DispatchQueue.global().async { withExtendedLifetime(done) {} }
        // The reports are written from the results in memory while the store writes the rows
        // (SQLite on this thread, the workbooks on the others): they need only the run's
        // number, which the store hands over as soon as the run's row is in. They go to a
        // staging folder that replaces `<out>/<year>-年度/` only once the run is committed.
        let parent = options.outFolder.isEmpty ? "." : options.outFolder
        let folder = parent + "/" + yearKey(year)
        let newRun = NewYearRun(
            year: year, rulesHash: rules.hash, rulesVersion: BatchRunner.rulesVersion(rules, december), engineVersion: BatchRunner.engineVersion,
            actor: options.actor, at: options.now, results: results)
        let job = YearReportJob()
        let writer = reports, settings = options.settings
        let id: Int64
        let record: YearRunRecord
        do {
            id = try store.recordYear(newRun) { id in
                let staging = parent + "/" + ReportFolder.stagingPrefix + "\(yearKey(year))-\(id)-\(ProcessInfo.processInfo.processIdentifier)"
                job.start(staging: staging) {
                    try? FileManager.default.removeItem(atPath: staging)
                    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
                    let written = try writer.write(YearReportRequest(results: results, record: newRun.record(id: id), payees: payees, settings: settings, folder: staging))
                    try Data("yearRun \(id)\nyear \(year)\n".utf8).write(to: URL(fileURLWithPath: staging + "/" + ReportFolder.markerName))
                    return written
                }
            }
            record = try store.yearRun(id: id)
        } catch {
            // Not stored: the reports being written are of no run.
            if let staging = job.wait().staging { try? FileManager.default.removeItem(atPath: staging) }
            return stop(error.diagnostic)
        }
        out.yearRunID = id
        out.record = record
        out.results = results
        stage("保存", "store")

        let (staging, written) = job.wait()
        do {
            guard let staging, let written else { throw CocoaError(.fileWriteUnknown) }
            let (names, warnings) = try written.get()
            out.diagnostics += warnings.map { w in
                var d = w
                if case .file(let path) = w.location { d.location = .file(path: folder + "/" + path) }
                return d
            }
            try ReportFolder.install(staging, as: folder)
            out.reportFolder = folder
            out.reports = names.sorted()
            // Their own time, most of it while the store wrote the rows.
            stage("生成报表", "reports")
            out.stages[out.stages.count - 1] = ("生成报表（与保存同时进行）", "reports (while storing)", job.seconds)
        } catch {
            if let staging { try? FileManager.default.removeItem(atPath: staging) }
            out.diagnostics.append(Diagnostic(
                .error, code: "B0065", at: .file(path: folder),
                summary: Localized(zh: "年度报表未能写出：\(Self.failure(error))", en: "the year's reports were not written: \(Self.failure(error))"),
                help: Localized(zh: "年度运行 #\(id) 已保存；修正后重新运行 jifen year run --year \(year)。", en: "Year run #\(id) is stored; fix this and run jifen year run --year \(year) again.")))
        }
        return out
    }

    /// A failure to write the year's reports in the clerk's words (a `ReportError`'s, or the
    /// file system's by its number), never Foundation's own text.
    static func failure(_ error: any Error) -> String {
        if let e = error as? ReportError { return e.summary.zh }
        return FileFailure.reason(error)
    }

    /// The year run a report folder holds (its marker), nil when none.
    public static func yearRunID(in folder: String) -> Int64? {
        guard let text = try? String(contentsOfFile: folder + "/" + ReportFolder.markerName, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("yearRun ") { return Int64(line.dropFirst(8)) }
        return nil
    }

    struct YearInputProblem: Error {
        var diagnostic: Diagnostic
    }

    /// The year's input: the stored months turned into the rules' tables, each cadre with
    /// their roster row from the last month they have a result in (that month's stored
    /// roster, read as the rules' roster source reads it).
    static func input(_ stored: StoredYearMonths, store: RunStore, rules: CheckedRules, ahead: RosterAhead.Read? = nil) throws -> (YearInput, [Payee]) {
        var rows: [String: Cadre] = [:]
        let lastMonths = Set(stored.cadres.map(\.lastMonth))
        for mi in lastMonths.sorted() {
            let month = stored.months[mi].month
            let roster: Roster
            // The roster the month was scored with: its latest correction's, if any.
            if let ahead, ahead.runID == stored.months[mi].scoredRunID {
                roster = try ahead.roster.get()
            } else {
                let run = try store.run(id: stored.months[mi].scoredRunID)
                let schema = MonthEvaluation(rules: rules, month: month).schemas.first { $0.role == .roster } ?? StandardSchemas.roster
                let files = try StoredInputs.roster(store: store, run: run, schema: schema)
                roster = RosterReader(schema: schema, month: month).read(files: files).0
            }
            let wanted = Set(stored.cadres.filter { $0.lastMonth == mi }.map(\.cadreID))
            for c in roster.cadres where wanted.contains(c.id) { rows[c.id] = c }
        }
        var cadres: [Cadre] = []
        var years: [CadreYear] = []
        var missing: [String] = []
        cadres.reserveCapacity(stored.cadres.count)
        years.reserveCapacity(stored.cadres.count)
        for c in stored.cadres {
            guard let row = rows[c.cadreID] else {
                missing.append("\(c.cadreID)（\(stored.months[c.lastMonth].month)）")
                continue
            }
            cadres.append(row)
            years.append(CadreYear(
                months: c.months.map { MonthOfCadre(month: $0.month, score: $0.score, tier: $0.tier, rank: $0.rank, vetoes: $0.vetoes, items: $0.items, pay: $0.pay) },
                yearEnd: c.yearEnd))
        }
        if !missing.isEmpty {
            let shown = missing.prefix(10).joined(separator: "、") + (missing.count > 10 ? " 等" : "")
            throw YearInputProblem(diagnostic: Diagnostic(
                .error, code: "B0066", at: .file(path: store.path),
                summary: Localized(zh: "\(missing.count) 名干部在其最后一个月的运行所存的花名册中找不到：\(shown)",
                                   en: "\(missing.count) cadre(s) are not on the roster stored with their last month's run: \(shown)"),
                help: Localized(zh: "该月的运行没有保存花名册文件；重新运行该月后再进行年度考核。", en: "That month's run has no stored roster; run the month again first.")))
        }
        let columns = Dictionary(rules.taxFiling.map { ($0.line, $0.column) }, uniquingKeysWith: { a, _ in a })
        let payLines = stored.payLines.map { MonthPayLineName(name: $0.name, kind: $0.kind, taxColumn: columns[$0.name]) }
        let payees = cadres.map { Payee(cadreID: $0.id, idNumber: $0.idNumber, bankAccount: $0.bankAccount, accountName: $0.name, bank: $0.bank, phone: $0.phone) }
        return (YearInput(year: stored.year, months: stored.months, roster: Roster(cadres), itemNames: stored.itemNames, payLines: payLines, cadres: years), payees)
    }

    /// Starts reading the stored roster `month` was scored with (its current run's, or its
    /// latest correction run's) on a thread of its own (nil when the month has no run): its
    /// files are fetched here, parsed there.
    static func readRosterAhead(month: YearMonth, store: RunStore, rules: CheckedRules) -> RosterAhead? {
        guard var run = try? store.currentRun(month: month) else { return nil }
        if let latest = (try? store.corrections(month: month))?.last(where: { $0.closedRunID == run.id }), let corrected = try? store.run(id: latest.runID) {
            run = corrected
        }
        let ahead = RosterAhead(runID: run.id)
        do {
            let schema = MonthEvaluation(rules: rules, month: month).schemas.first { $0.role == .roster } ?? StandardSchemas.roster
            let files = try StoredInputs.roster(store: store, run: run, schema: schema)
            ahead.start { RosterReader(schema: schema, month: month).read(files: files).0 }
        } catch {
            ahead.finish(.failure(error))
        }
        return ahead
    }

    /// Σ net + Σ deductions = Σ gross (B0064), and no cadre's annual net below zero (B0020, at
    /// the cadre's roster row, as a month's).
    static func guardPay(_ results: YearResults, roster: Roster, storePath: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if !results.reconciles {
            out.append(Diagnostic(.error, code: "B0064", at: .file(path: storePath),
                                  summary: Localized(zh: "年度报酬不平衡：实发 + 扣款 ≠ 应发", en: "the year's pay does not reconcile: net + deductions ≠ gross"),
                                  help: Localized(zh: "这是规则或程序的错误；年度运行未保存，也未生成报表。", en: "This is a fault in the rules or jifen; nothing was stored or written.")))
        }
        for c in results.cadres where c.pay.net < .zero {
            let location: Location = roster.index(of: c.cadreID).map {
                let o = roster.cadres[$0].origin
                return .row(path: o.path, line: o.line, column: nil, columnName: nil)
            } ?? .file(path: storePath)
            out.append(Diagnostic(
                .error, code: "B0020", at: location,
                summary: Localized(zh: "干部 \(c.cadreID) 的年度实发 \(c.pay.net) 元低于 0 元", en: "cadre \(c.cadreID)'s annual net pay \(c.pay.net) is below zero"),
                notes: [Localized(zh: "年度应发 \(c.pay.gross) 元，扣款 \(c.pay.deductions) 元", en: "annual gross \(c.pay.gross), deductions \(c.pay.deductions)")],
                help: Localized(zh: "核对年度考核条款的扣款项；年度运行未保存，也未生成银行代发文件。",
                                en: "Check the annual article's deductions; nothing was stored and no bank file was written.")))
        }
        return out
    }
}

/// A month's stored roster read on a thread of its own (`YearRunner.readRosterAhead`).
final class RosterAhead: @unchecked Sendable {
    struct Read {
        var runID: Int64
        var roster: Result<Roster, any Error>
    }

    let runID: Int64
    private let done = DispatchSemaphore(value: 0)
    private var roster: Result<Roster, any Error>?

    init(runID: Int64) { self.runID = runID }

    func start(_ body: @escaping @Sendable () -> Roster) {
        let thread = Thread { [self] in finish(.success(body())) }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func finish(_ r: Result<Roster, any Error>) {
        roster = r
        done.signal()
    }

    /// Waits for the roster (once).
    func wait() -> Read {
        done.wait()
        return Read(runID: runID, roster: roster!)
    }
}

/// The year's reports being written on a thread of their own while the store records the run.
final class YearReportJob: @unchecked Sendable {
    typealias Written = Result<(names: [String], warnings: [Diagnostic]), any Error>
    private let done = DispatchSemaphore(value: 0)
    private var started = false
    private var staging: String?
    private var written: Written?
    /// Seconds from the start of writing to the sealed set.
    private(set) var seconds = 0.0

    /// Writes with `body` into `staging` on a new thread (年度个税明细 on a thread of its own,
    /// its sheets on two, the other workbooks while it is zipped: `YearReportWriting`).
    func start(staging: String, _ body: @escaping @Sendable () throws -> (names: [String], warnings: [Diagnostic])) {
        self.staging = staging
        started = true
        let thread = Thread { [self] in
            let clock = ContinuousClock(), begun = clock.now
            let r: Written
            do { r = .success(try body()) } catch { r = .failure(error) }
            let d = clock.now - begun
            seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            written = r
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the reports (once); (nil, nil) when they were never started.
    func wait() -> (staging: String?, written: Written?) {
        guard started else { return (nil, nil) }
        done.wait()
        return (staging, written)
    }
}

/// How `jifen year show` and `year list` put a year run in words (and the summary file).
public enum YearText {
    public static func summary(_ r: YearRunRecord, language: Language) -> String {
        let zh = language == .zh
        let s = r.summary
        var out = zh ? "\(r.year) 年度考核：年度运行 #\(r.id)  \(r.state.chineseName)\n" : "\(r.year) annual assessment: year run #\(r.id)  \(r.state.rawValue)\n"
        out += zh ? "  规则 \(r.rulesVersion)  \(r.createdBy) 于 \(r.createdAt)\n" : "  rules \(r.rulesVersion)  by \(r.createdBy) at \(r.createdAt)\n"
        if let p = r.publishedAt { out += zh ? "  公示 \(p) 起，申诉截止 \(r.objectionsUntil ?? "—")\n" : "  published \(p); objections until \(r.objectionsUntil ?? "—")\n" }
        if let c = r.closedAt { out += zh ? "  关账 \(c)\n" : "  closed \(c)\n" }
        let months = r.months.map { m in
            let corrected = m.correctionRunID.map { zh ? "（更正运行 #\($0)）" : " (correction run #\($0))" } ?? ""
            return "\(m.month.month)月#\(m.runID)" + corrected + (m.closed ? "" : (zh ? "（未关账）" : "(open)"))
        }.joined(separator: zh ? "、" : ", ")
        out += (zh ? "  读取月份（运行）：" : "  months read (runs): ") + months + "\n"
        out += zh ? "  干部 \(s.cadres) 人；等次 " : "  \(s.cadres) cadres; tiers "
        out += s.tiers.map { "\($0.tier) \($0.cadres)" }.joined(separator: zh ? "、" : ", ") + "\n"
        out += zh ? "  年度应发 \(s.gross.grouped) 元 − 扣款 \(s.deductions.grouped) 元 = 实发 \(s.net.grouped) 元\n"
            : "  gross \(s.gross.grouped) − deductions \(s.deductions.grouped) = net \(s.net.grouped)\n"
        out += zh ? "  年终奖个税：单独计税 \(s.separate.cadres) 人，奖金 \(s.separate.bonus.grouped) 元，税 \(s.separate.tax.grouped) 元；并入综合所得 \(s.merged.cadres) 人，奖金 \(s.merged.bonus.grouped) 元，税 \(s.merged.tax.grouped) 元\n"
            : "  bonus tax: separate \(s.separate.cadres) cadres, bonus \(s.separate.bonus.grouped), tax \(s.separate.tax.grouped); merged \(s.merged.cadres) cadres, bonus \(s.merged.bonus.grouped), tax \(s.merged.tax.grouped)\n"
        if let m = s.paidWithPayroll {
            out += zh ? "  年终奖随 \(m.year)年\(m.month)月工资发放（不另行代发）\n" : "  the bonus is paid with the wages of \(m)\n"
        }
        if r.stale {
            out += zh ? "  注意：年度结果已过期——\(r.staleReason ?? "")。请重新运行 jifen year run --year \(r.year)，再发布和关账。\n"
                : "  note: the year's result is stale — \(r.staleReason ?? ""). Run jifen year run --year \(r.year) again, then publish and close.\n"
        }
        let open = r.months.filter { !$0.closed }.map(\.month), missing = YearMonthRun.missing(from: r.months)
        if !open.isEmpty || !missing.isEmpty {
            var zhParts: [String] = [], enParts: [String] = []
            if !open.isEmpty {
                zhParts.append("读取了未关账的月份（" + open.map { "\($0.month)月" }.joined(separator: "、") + "）")
                enParts.append("read months not closed (" + open.map(\.description).joined(separator: ", ") + ")")
            }
            if !missing.isEmpty {
                zhParts.append("缺少月份（" + missing.map { "\($0.month)月" }.joined(separator: "、") + "）")
                enParts.append("lacked months (" + missing.map(\.description).joined(separator: ", ") + ")")
            }
            out += zh ? "  注意：这是草稿（--draft），" + zhParts.joined(separator: "，") + "，不能发布或关账；各月运行并关账后须重新运行年度考核。\n"
                : "  note: a draft (--draft) that " + enParts.joined(separator: " and ") + ", which can be neither published nor closed; run the year again once every month is run and closed.\n"
        }
        return out
    }
}
