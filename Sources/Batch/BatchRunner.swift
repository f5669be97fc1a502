import Diagnostics
import Exact
import Foundation
import Records
import Reports
import Results
import RulesLanguage
import Store

/// Where a batch reads and writes, and how it behaves.
public struct BatchOptions: Sendable {
    public var month: YearMonth
    /// The month's folder of record files.
    public var dataFolder: String
    /// The month's files, when they are not read from `dataFolder` (a stored run's inputs,
    /// held in memory, run again); nil reads the folder.
    public var inputs: InputSet? = nil
    public var rulesFolder: String
    public var storePath: String
    /// Reports go to `<outFolder>/<month>/`.
    public var outFolder: String
    public var actor: String
    public var skipInvalid = false
    /// Reports to write; nil for all.
    public var reports: Set<ReportKind>?
    public var settings = ReportSettings()
    /// `reports.tierOrder` of `jifen.json`, when set: checked against the rules' tiers (C0007)
    /// and then the order of the month's tiers in the reports and the summary; nil: the rules'.
    public var tierOrder: ConfiguredTierOrder? = nil
    /// Seconds to wait for another batch holding the store; 0 refuses at once.
    public var wait: Double = 0
    /// Keep every record behind each item in the stored results (explanations, portal).
    public var keepRecords = true
    /// The clerk states that the cadres had no income from this employer earlier this year
    /// (`--no-earlier-income`): the year's first run after January may then go without an
    /// opening file (else S0007).
    public var noEarlierIncome = false
    /// When the run happened, as stored (ISO 8601). Reports use a time derived from the
    /// month instead, so the same inputs give the same report bytes.
    public var now: String

    public init(month: YearMonth, dataFolder: String, rulesFolder: String, storePath: String, outFolder: String, actor: String, now: String) {
        self.month = month
        self.dataFolder = dataFolder
        self.rulesFolder = rulesFolder
        self.storePath = storePath
        self.outFolder = outFolder
        self.actor = actor
        self.now = now
    }
}

/// The stages of a batch, for progress and timings.
public enum BatchStage: String, Sendable, CaseIterable {
    case rules = "检查规则"
    case data = "校验并计分"
    case pay = "计算并核对报酬"
    case store = "保存运行"
    case reports = "生成报表"
}

/// What a batch did: the run it stored and what it found, or why it stopped.
public struct BatchOutcome: Sendable {
    public var diagnostics: [Diagnostic] = []
    /// Sources to render rules diagnostics with.
    public var sources: [SourceFile] = []
    public var runID: Int64?
    public var results: MonthResults?
    public var summary: RunSummary?
    public var reports: [ReportKind: String] = [:]
    public var timings: [(stage: BatchStage, seconds: Double)] = []
    /// Stopped because another batch held the store (the CLI exits 75, the portal's worker
    /// says so): a fact, not a code to look for among the diagnostics.
    public var isBusy = false
    /// Stopped on an error in `jifen.json` found once the rules were read (C0007: a
    /// `reports.tierOrder` that is not the rules' tiers); the CLI exits 78, as for any
    /// error in the config.
    public var isConfigError = false
    /// Corrections of closed months the run carried (补发/补扣), with the lines of cadres
    /// no longer on the roster (补发名单).
    public var carried: CorrectionCarry.Prepared?
    /// The run is stored but its reports could not be written (B0006): the CLI exits 73.
    public var reportsFailed = false
    /// Months of the run's year, from its own on, whose current run is out of date once this
    /// run is stored (S0024): later months carried their year to date from this month's
    /// earlier results, or this run carried it from a stale month. Each must be run again,
    /// in order, before it is published or closed.
    public var staleMonths: [YearMonth] = []
    public var stopped: Bool { runID == nil }
}

/// The monthly batch: check the rules, validate and score the month, pay it (Pay's
/// `Payroll`), prove the money reconciles, store the run in one transaction, write the
/// reports.
public struct BatchRunner {
    public static let engineVersion = "jifen 0.1"

    public var options: BatchOptions
    public var progress: (BatchStage) -> Void = { _ in }
    /// Rows validated and scored so far, while the data stage runs.
    public var rowProgress: ((Int) -> Void)? = nil
    /// Called once scoring has freed what it no longer needs, before storing and writing
    /// reports: the CLI hands freed heap back to the kernel there (`malloc_trim`), a
    /// process-wide act a library leaves to the program's entry point.
    public var releaseMemory: () -> Void = {}

    public init(options: BatchOptions) {
        self.options = options
    }

    public func run() -> BatchOutcome {
        var out = BatchOutcome()
        let clock = ContinuousClock()
        var stageStart = clock.now
        func lap(_ stage: BatchStage) {
            let d = clock.now - stageStart
            out.timings.append((stage, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18))
            stageStart = clock.now
        }
        func stop(_ d: Diagnostic) -> BatchOutcome {
            out.diagnostics.append(d)
            return out
        }
        // A reports folder that cannot take the reports is found before anything is read, not
        // once the run is stored.
        if let problem = ReportFolder.problem(outFolder: options.outFolder, subfolder: options.month.description) {
            out.isConfigError = true
            return stop(problem)
        }
        // One batch at a time on a store.
        let lock: RunLock
        switch Self.lock(storePath: options.storePath, holder: "\(options.actor) \(options.month)", wait: options.wait) {
        case .success(let l): lock = l
        case .failure(let refused):
            out.isBusy = refused.isBusy
            return stop(refused.diagnostic)
        }
        defer { withExtendedLifetime(lock) {} }

        progress(.rules)
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
        if let refusal = ConfiguredTierOrder.refusal(options.tierOrder, rules: loaded.rules.tierOrder) {
            out.diagnostics = refusal.diagnostics
            out.sources += refusal.sources
            out.isConfigError = true
            return out
        }
        let tierOrder = ConfiguredTierOrder.effective(options.tierOrder, rules: loaded.rules.tierOrder)
        lap(.rules)

        let store: RunStore
        let prior: [String: YearToDate]
        let previousYear: [String: YearToDate]
        let previousYearAnnual: ClosedYearPay?
        let alreadyRun: Bool
        do {
            store = try RunStore(path: options.storePath)
            // What an interrupted batch left in the report folder, finished or cleaned.
            ReportFolder.recover(outFolder: options.outFolder, store: store)
            let current = try store.currentRun(month: options.month)
            if let current, current.state == .closed {
                throw StoreError.monthClosed(options.month, runID: current.id)
            }
            alreadyRun = current != nil
            prior = try store.yearToDate(before: options.month)
            previousYear = try store.yearEnd(of: options.month.year - 1)
            previousYearAnnual = try store.closedYearPay(of: options.month.year - 1)
        } catch let e as StoreError {
            return stop(e.diagnostic)
        } catch {
            return stop(StoreError.database("\(error)").diagnostic)
        }

        // Adjustments from accepted objections join the month's adjustments.
        let extra: StoredAdjustments.Prepared?
        do {
            extra = try StoredAdjustments.prepare(store: store, rules: loaded.rules, month: options.month)
        } catch {
            return stop(error.diagnostic)
        }
        // Corrections of closed months not yet carried by another month's run are paid or
        // recovered in this one (补发/补扣).
        let pending: [StoredCorrection]
        do {
            pending = try store.pendingCorrections(payingMonth: options.month)
        } catch {
            return stop(error.diagnostic)
        }

        // The store hashes and copies the month's files on disk (compressed, by content) on a
        // spare core while the records are validated; they are dropped again unless a run is
        // recorded with them. Files held in memory are hashed when the run is reserved.
        var inputSet = options.inputs ?? InputSet.folder(options.dataFolder)
        // `补发补扣.csv` is the batch's own, written from the store: a stored run's copy (or
        // a stray file of that name) never joins the month's files.
        inputSet.files.removeAll { $0.name == CorrectionCarry.fileName }
        let schemas = MonthEvaluation(rules: loaded.rules, month: options.month).schemas
        let located = MonthValidator(month: options.month, schemas: schemas).locate(inputSet).files
        // The first run of a year after January (a county starting mid-year, or a store that
        // ran last year): the months before it were paid somewhere, and cumulative withholding
        // needs their totals. Without an opening file they would silently count as nothing
        // (six months' allowance against one month's income), so the run stops unless the
        // clerk states the cadres had no income earlier this year. A month already stored
        // (its first run got past this) may be run again.
        if prior.isEmpty, options.month.month > 1, !options.noEarlierIncome, !alreadyRun,
           !schemas.contains(where: { $0.role == .opening && !(located[$0.name] ?? []).isEmpty }) {
            let missing = (1..<options.month.month).compactMap { YearMonth(year: options.month.year, month: $0) }
            return stop(StoreError.missingOpening(options.month, missing: missing, folder: options.dataFolder).diagnostic)
        }
        let monthFiles = located.values.flatMap { $0 }.filter { $0.bytes == nil }.map(\.path).sorted()
        let rulesFiles = loaded.project.sources.map { Self.rulesFilePath($0.path, folder: options.rulesFolder) }
        let ingest = store.ingest(paths: monthFiles + rulesFiles)
        defer { ingest.close() }

        progress(.data)
        var evaluation = MonthEvaluation(rules: loaded.rules, month: options.month)
        evaluation.skipInvalid = options.skipInvalid
        evaluation.keepRecords = options.keepRecords
        // Scratch files (the spill, the reports' sheets) in RAM when the machine has it to spare.
        let scratch = ScratchDirectory.choose(configured: options.settings.temporaryDirectory,
                                              inputBytes: inputSet.files.reduce(0) { $0 + $1.byteCount })
        evaluation.spill(in: scratch)
        evaluation.onRows = rowProgress
        evaluation.extraAdjustments = extra?.rows
        evaluation.corrections = pending
        evaluation.previousYear = previousYear
        evaluation.previousYearAnnual = previousYearAnnual
        var scored: MonthEvaluation.Scored? = evaluation.score(inputs: inputSet)
        out.diagnostics = scored!.diagnostics
        lap(.data)
        guard scored!.month != nil else { return out }

        // The payroll pays every cadre (Pay's Payroll); the money must add up before
        // anything is written.
        progress(.pay)
        let outcome = evaluation.pay(scored!, prior: prior)
        let carried = scored!.carried
        // The scorer's totals go now, not when the run ends.
        scored = nil
        out.diagnostics = outcome.diagnostics
        // Scoring and pay freed the reader's batches, the interners and the pay sheets; the
        // caller may hand that memory back before storing and writing reports.
        releaseMemory()
        guard let results = outcome.results else { return out }
        var bank = Money.zero
        for i in results.cadres.indices { bank = bank + results.cadres[i].pay.net }
        guard results.reconciles, bank == results.net else {
            return stop(Diagnostic(.error, code: "B0005", at: .file(path: options.dataFolder),
                                   summary: Localized(zh: "报酬不平衡：实发 + 扣款 ≠ 应发", en: "pay does not reconcile: net + deductions ≠ gross"),
                                   help: Localized(zh: "这是规则或程序的错误；本次运行未保存，也未生成报表。", en: "This is a fault in the rules or jifen; nothing was stored or written.")))
        }
        // Pay that no bank should be asked to move stops the run here (PayrollGuard).
        let guarded = PayrollGuard.check(results, roster: outcome.check.roster, floor: Self.netFloor(loaded.rules),
                                         dataFolder: options.dataFolder, adjustments: outcome.adjustmentRows)
        out.diagnostics += guarded
        if guarded.hasErrors { return out }
        let banked = PayrollGuard.checkBanks(results, roster: outcome.check.roster, banks: options.settings.banks, dataFolder: options.dataFolder)
        out.diagnostics += banked
        if banked.hasErrors { return out }
        var summary = Self.summary(outcome.check, results)
        summary.tierOrder = tierOrder
        if let carried {
            let totals = CorrectionCarry.totals(carried, results: results, paying: loaded.rules.correctionPayingLines)
            summary.corrections = totals
            if totals.paid != totals.carried {
                out.diagnostics.append(CorrectionCarry.unpaid(totals, month: options.month))
            }
        }
        let taxFiling = loaded.rules.taxFiling
        if !taxFiling.isEmpty { summary.taxFiling = taxFiling }
        summary.reportFolder = ReportFolder.absolute(ReportFolder.path(outFolder: options.outFolder, month: options.month))
        out.summary = summary
        lap(.pay)

        progress(.store)
        let rejected = outcome.check.rejectedRows.map {
            StoredRejectedRow(file: FileName.of($0.origin.path), line: $0.origin.line, codes: $0.codes, reasons: $0.reasons, cells: $0.cells)
        }
        var inputs = loaded.project.sources.map { InputFile(role: .rules, name: $0.path, path: Self.rulesFilePath($0.path, folder: options.rulesFolder)) }
        // Files held in memory (accepted objections' adjustments, a stored run's inputs) are
        // stored from memory, the others from disk.
        var held: [String: [UInt8]] = [:]
        for f in inputSet.files { if let b = f.bytes { held[f.path] = b } }
        if let extra, let b = extra.file.bytes { held[extra.file.path] = b }
        if let carried, let b = carried.file.bytes { held[carried.file.path] = b }
        for f in outcome.check.files {
            if let bytes = held[f.path] {
                inputs.append(InputFile(role: .data, name: FileName.of(f.path), bytes: bytes))
            } else {
                inputs.append(InputFile(role: .data, name: FileName.of(f.path), path: f.path))
            }
        }
        var newRun = NewRun(
            month: options.month, rulesHash: loaded.rules.hash, rulesVersion: Self.rulesVersion(loaded.rules, options.month),
            engineVersion: Self.engineVersion, actor: options.actor, at: options.now, inputs: inputs,
            results: results, rejected: rejected, summary: summary)
        newRun.adjustmentLines = extra?.included(rejected: rejected) ?? []
        newRun.correctionIDs = carried?.corrections.map(\.id) ?? []
        out.carried = carried

        // The reports are written once the run is stored, into a staging folder that replaces
        // the month's reports whole. Not while it is stored: on two cores the writers (about
        // 25 s of CPU at 50,000 cadres) took the cores the store's inserts and trace encoding
        // need, which stretched the store stage from about 3 s to over 20 s, and the batch
        // as a whole finished no sooner, both being bound by the CPU.
        let payees = outcome.check.roster.cadres.map { Payee(cadreID: $0.id, idNumber: $0.idNumber, bankAccount: $0.bankAccount, accountName: $0.name, bank: $0.bank, phone: $0.phone) }
        var settings = options.settings
        settings.tierOrder = tierOrder
        settings.temporaryDirectory = scratch
        var write = ReportWriting(results: results, summary: summary, rejected: rejected, payees: payees, settings: settings,
                                  outFolder: options.outFolder, only: options.reports)
        write.corrections = carried.map { p in
            var report = CorrectionCarry.report(p)
            report.leaverPayees = CorrectionCarry.leaverPayees(store: store, report: report, corrections: p.corrections)
            return report
        }
        let reservation: RunReservation
        do {
            reservation = try store.reserveRun(month: options.month, inputs: inputs, ingest: ingest)
        } catch {
            return stop(error.diagnostic)
        }

        let runID: Int64
        let record: RunRecord
        do {
            runID = try store.record(newRun, as: reservation)
            record = try store.run(id: runID)
            out.staleMonths = try store.runs()
                .filter { $0.state.isMonthRun && $0.state != .superseded && $0.staleReason != nil
                    && $0.month.year == options.month.year && $0.month >= options.month }
                .map(\.month).sorted()
        } catch {
            return stop(error.diagnostic)
        }
        out.runID = runID
        out.results = results
        lap(.store)

        progress(.reports)
        let written = write.start(run: ReportRun(record).reproducible).finish()
        switch written {
        case .success(let paths):
            out.reports = paths
        case .failure(let error):
            out.reportsFailed = true
            out.diagnostics.append(Diagnostic(.error, code: "B0006", at: .file(path: options.outFolder),
                                              summary: Localized(zh: "报表未能写出：\(error.summary.zh)", en: "reports not written: \(error.summary.en)"),
                                              help: Localized(zh: "运行已保存；修正后用 jifen report --run \(runID) 重新生成。", en: "The run is stored; fix this and rerun jifen report --run \(runID).")))
        }
        lap(.reports)
        return out
    }

    /// The lowest net pay the rules allow: the 实发项's `下限`, never below 0.00.
    public static func netFloor(_ rules: CheckedRules) -> Money {
        let stated = rules.payLines.first { $0.kind == .net }?.floor.flatMap { Money($0, .halfUp) } ?? .zero
        return max(stated, .zero)
    }

    static func rulesFilePath(_ shown: String, folder: String) -> String {
        // Rules paths are shown relative to the folder's parent (`rules/x.jifen`).
        let parent = (folder as NSString).deletingLastPathComponent
        return parent.isEmpty ? shown : parent + "/" + shown
    }

    /// The rules' version for a month: the hash, with the dates of the versions in force.
    static func rulesVersion(_ rules: CheckedRules, _ month: YearMonth) -> String {
        let dates = Set(rules.items.compactMap(\.period.since) + rules.payLines.compactMap(\.period.since)
                        + rules.parameters.values.flatMap { $0.values.compactMap(\.since) }).filter { $0 <= month.firstDay }
        let latest = dates.max().map { "自 \($0)" } ?? "初版"
        return "\(latest)（\(String(rules.hash.prefix(8)))）"
    }

    public static func summary(_ check: MonthCheck, _ results: MonthResults) -> RunSummary {
        var tiers: [String: Int] = [:]
        for c in results.cadres { tiers[c.standing.tier, default: 0] += 1 }
        let files = check.files.map { f in
            RunSummary.FileLine(name: FileName.of(f.path), source: f.source,
                                format: ReconciliationTable.formatText(f.format, .zh), read: f.rowsRead,
                                accepted: f.accepted, rejected: f.rejected, ignored: f.ignored)
        }
        var summary = RunSummary(
            cadres: results.cadres.count, rowsUsed: files.map(\.accepted).reduce(0, +), rowsIgnored: files.map(\.ignored).reduce(0, +),
            rowsRejected: files.map(\.rejected).reduce(0, +), pointsTotal: results.cadres.map(\.score.total).reduce(.zero, +),
            gross: results.gross, deductions: results.deductions, net: results.net, tiers: tiers, files: files)
        // A cadre whose roster row was rejected (`--skip-invalid`) is in no result: said in the
        // summary, 核对 and the stored run, never left to silence.
        let leftOut = check.leftOut
        summary.leftOut = leftOut.map { c in
            RunSummary.LeftOutCadre(id: PersonalData.maskByContent(c.id), name: PersonalData.maskByContent(c.name), file: FileName.of(c.origin.path),
                                    sheet: c.origin.sheet, line: c.origin.line, codes: c.codes)
        }
        summary.rosterCadres = check.roster.cadres.filter { $0.isEmployed(in: check.month) }.count + leftOut.count
        return summary
    }
}

extension Error {
    var diagnostic: Diagnostic {
        if let e = self as? StoreError { return e.diagnostic }
        return StoreError.database("\(self)").diagnostic
    }
}

extension BatchRunner {
    /// A rules folder that cannot be read at all (as opposed to rules with errors, which
    /// `LoadedRules.hasErrors` reports located): B0010, naming the folder.
    public struct UnreadableRules: Error {
        public var diagnostic: Diagnostic
    }

    /// Takes the store's run lock for a batch command (`batch run`, `batch correct`,
    /// `year run`): the lock, or the diagnostic to stop with and whether the store was busy
    /// (exit 75). The kernel frees the lock if the process dies.
    static func lock(storePath: String, holder: String, wait: Double) -> Result<RunLock, LockRefused> {
        do {
            return .success(try RunLock(storePath: storePath, holder: "pid \(ProcessInfo.processInfo.processIdentifier) \(holder)", wait: wait))
        } catch {
            if case .busy = error { return .failure(LockRefused(diagnostic: error.diagnostic, isBusy: true)) }
            return .failure(LockRefused(diagnostic: error.diagnostic, isBusy: false))
        }
    }

    struct LockRefused: Error {
        var diagnostic: Diagnostic
        var isBusy: Bool
    }

    /// Loads the rules folder for a batch command (`batch run`, `batch correct`).
    static func loadRules(_ folder: String) -> Result<LoadedRules, UnreadableRules> {
        do {
            return .success(try LoadedRules.load(directory: folder))
        } catch {
            return .failure(UnreadableRules(diagnostic: Diagnostic(
                .error, code: "B0010", at: .file(path: folder),
                summary: Localized(zh: "无法读取规则文件夹", en: "cannot read the rules folder"),
                help: Localized(zh: "用 --rules 指定规则文件夹。", en: "Point --rules at the rules folder."))))
        }
    }
}
