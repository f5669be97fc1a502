import Diagnostics
import Exact
import Foundation
import Records
import Results
import RulesLanguage
import Store

/// `jifen batch correct`: a closed month recomputed with corrected inputs, stored as a
/// correction run; the closed run stays as paid.
///
/// The inputs are the month's as its latest run had them (the closed run, or the month's
/// latest correction: corrections of a month build on each other), with the files of the
/// corrections folder joined by name: a file named like a stored one replaces it whole, a
/// file with a new name is read as one more part of its source (`值班-补报.csv` adds rows to
/// 值班, docs/reading.md). The month is validated, scored, ranked and paid again with the
/// current rules and the year to date the month had; every cadre whose points, tier or pay
/// changed is shown, and each 应发项 and 扣款项 the rules carry (`correctedPayLines`) that
/// changed is stored as a `CorrectionLine`, to be paid or recovered by the next run of an
/// open month (`CorrectionCarry`).
public struct BatchCorrection {
    public var options: BatchOptions
    public var reason: String

    public init(options: BatchOptions, reason: String) {
        self.options = options
        // Free text a clerk writes goes onto slips other cadres are handed, 积分明细 and the
        // audit log: an ID number, account or phone typed in it is masked, as in messages.
        self.reason = PersonalData.maskByContent(reason)
    }

    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic] = []
        public var sources: [SourceFile] = []
        public var isBusy = false
        /// Stopped on C0007, a `reports.tierOrder` that is not the rules' tiers (exit 78).
        public var isConfigError = false
        /// The correction run and correction recorded; nil when nothing changed or it stopped.
        public var runID: Int64?
        public var correctionID: Int64?
        public var closedRunID: Int64?
        public var baseRunID: Int64?
        public var comparison: RunComparison?
        public var lines: [CorrectionLine] = []
        /// Which folder files replaced a stored file, and which were added.
        public var replaced: [String] = []
        public var added: [String] = []
    }

    public func run() -> Outcome {
        var out = Outcome()
        func stop(_ d: Diagnostic) -> Outcome {
            out.diagnostics.append(d)
            return out
        }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return stop(StoreError.reasonRequired.correctionDiagnostic) }
        // A correction run writes no reports, but the next run of an open month will: an `--out`
        // that cannot take them is said now, as every batch command says it.
        if let problem = ReportFolder.problem(outFolder: options.outFolder) {
            out.isConfigError = true
            return stop(problem)
        }
        let lock: RunLock
        switch BatchRunner.lock(storePath: options.storePath, holder: "\(options.actor) correct \(options.month)", wait: options.wait) {
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
        if let refusal = ConfiguredTierOrder.refusal(options.tierOrder, rules: loaded.rules.tierOrder) {
            out.diagnostics = refusal.diagnostics
            out.sources += refusal.sources
            out.isConfigError = true
            return out
        }

        let store: RunStore
        let closed: RunRecord, base: RunRecord
        let stored: StoredInputs
        let prior: [String: YearToDate]
        let previousYear: [String: YearToDate]
        let previousYearAnnual: ClosedYearPay?
        let before: MonthResults
        let inPost: Set<String>
        do {
            store = try RunStore(path: options.storePath)
            (closed, base) = try store.correctionBase(month: options.month)
            stored = try StoredInputs.load(store: store, run: base)
            prior = try store.yearToDate(before: options.month)
            previousYear = try store.yearEnd(of: options.month.year - 1)
            previousYearAnnual = try store.closedYearPay(of: options.month.year - 1)
            before = try store.results(runID: base.id, detail: .lines)
            // Who is still in post: on the latest month run's roster.
            let latest = try store.runs().filter { $0.state.isMonthRun && $0.state != .superseded }.max { $0.month < $1.month }
            inPost = Set(try latest.map { r throws(StoreError) in try store.results(runID: r.id, detail: .lines).cadres.map(\.cadreID) } ?? [])
        } catch let e as StoreError {
            return stop(e.diagnostic)
        } catch {
            return stop(StoreError.database("\(error)").diagnostic)
        }
        out.closedRunID = closed.id
        out.baseRunID = base.id

        // The folder's files join the stored ones by name.
        var files = stored.month.files
        let folderFiles = InputSet.folder(options.dataFolder).files
        if folderFiles.isEmpty {
            return stop(Diagnostic(.error, code: "B0051", at: .file(path: options.dataFolder),
                                   summary: Localized(zh: "更正文件夹 \(options.dataFolder) 不存在或没有文件", en: "the corrections folder \(options.dataFolder) is missing or empty"),
                                   help: Localized(zh: "把补报或更正后的文件放进一个文件夹，用 --data 指定（docs/corrections.md）。",
                                                   en: "Put the late or corrected files in a folder and pass it with --data (docs/corrections.md).")))
        }
        // A file whose name names no source (`值班补报.csv` for `值班-补报.csv`) is not read: a
        // folder of only such files would change nothing and drop the late records unsaid.
        let schemas = MonthEvaluation(rules: loaded.rules, month: options.month).schemas
        let located = MonthValidator(month: options.month, schemas: schemas).locate(InputSet(folder: options.dataFolder, files: folderFiles))
        var usable = Set(located.files.values.flatMap { $0 }.map(\.path))
        for case .ambiguousFiles(_, let paths) in located.problems { usable.formUnion(paths) }
        if usable.isEmpty {
            return stop(Self.noUsableFile(folder: options.dataFolder, names: folderFiles.map(\.name), schemas: schemas))
        }
        for f in folderFiles {
            guard let bytes = FileManager.default.contents(atPath: f.path).map({ [UInt8]($0) }) else {
                return stop(Diagnostic(.error, code: "B0051", at: .file(path: f.path),
                                       summary: Localized(zh: "无法读取 \(f.path)", en: "cannot read \(f.path)"), help: nil))
            }
            let file = InputSet.File(path: options.month.description + "/" + f.name, bytes: bytes)
            if let i = files.firstIndex(where: { $0.name.lowercased() == f.name.lowercased() }) {
                files[i] = file
                out.replaced.append(f.name)
            } else {
                files.append(file)
                // An unrecognised file is left to the month's D0020 warning, never listed as 补充.
                if usable.contains(f.path) { out.added.append(f.name) }
            }
        }
        files.sort { $0.name < $1.name }
        let inputSet = InputSet(folder: options.month.description, files: files)

        var evaluation = MonthEvaluation(rules: loaded.rules, month: options.month)
        evaluation.previousYear = previousYear
        evaluation.previousYearAnnual = previousYearAnnual
        evaluation.keepRecords = options.keepRecords
        evaluation.spill(in: ScratchDirectory.choose(configured: options.settings.temporaryDirectory,
                                                     inputBytes: inputSet.files.reduce(0) { $0 + $1.byteCount }))
        evaluation.extraAdjustments = stored.adjustments
        let scored = evaluation.score(inputs: inputSet)
        out.diagnostics = scored.diagnostics
        guard scored.month != nil else { return out }
        let outcome = evaluation.pay(scored, prior: prior)
        out.diagnostics = outcome.diagnostics
        guard let results = outcome.results else { return out }
        guard results.reconciles else {
            return stop(Diagnostic(.error, code: "B0005", at: .file(path: options.dataFolder),
                                   summary: Localized(zh: "报酬不平衡：实发 + 扣款 ≠ 应发", en: "pay does not reconcile: net + deductions ≠ gross"),
                                   help: Localized(zh: "这是规则或程序的错误；更正未保存。", en: "This is a fault in the rules or jifen; nothing was stored.")))
        }

        let comparison = RunComparison(before: before, after: results, rulesChanged: loaded.rules.hash != base.rulesHash,
                                       dataChanged: (out.replaced + out.added).sorted())
        out.comparison = comparison
        out.lines = Self.lines(before: before, after: results, carried: loaded.rules.correctedPayLines, inPost: inPost)
        guard !comparison.changes.isEmpty || !out.lines.isEmpty else { return out }

        var summary = BatchRunner.summary(outcome.check, results)
        summary.tierOrder = ConfiguredTierOrder.effective(options.tierOrder, rules: loaded.rules.tierOrder)
        let rejected = outcome.check.rejectedRows.map {
            StoredRejectedRow(file: FileName.of($0.origin.path), line: $0.origin.line, codes: $0.codes, reasons: $0.reasons, cells: $0.cells)
        }
        var inputs = loaded.project.sources.map { InputFile(role: .rules, name: $0.path, path: BatchRunner.rulesFilePath($0.path, folder: options.rulesFolder)) }
        var held: [String: [UInt8]] = [:]
        for f in inputSet.files { if let b = f.bytes { held[f.path] = b } }
        if let a = stored.adjustmentsFile, let b = a.bytes { held[a.path] = b }
        for f in outcome.check.files {
            guard let bytes = held[f.path] else { continue }
            inputs.append(InputFile(role: .data, name: FileName.of(f.path), bytes: bytes))
        }
        let newRun = NewRun(
            month: options.month, rulesHash: loaded.rules.hash, rulesVersion: BatchRunner.rulesVersion(loaded.rules, options.month),
            engineVersion: BatchRunner.engineVersion, actor: options.actor, at: options.now, inputs: inputs,
            results: results, rejected: rejected, summary: summary)
        do {
            let reservation = try store.reserveRun(month: options.month, inputs: inputs, ingest: nil)
            let recorded = try store.recordCorrection(newRun, as: reservation,
                                                      correction: NewCorrection(reason: reason, closedRunID: closed.id, baseRunID: base.id, lines: out.lines))
            out.runID = recorded.runID
            out.correctionID = recorded.correctionID
        } catch {
            return stop(error.diagnostic)
        }
        return out
    }

    /// B0051 for a corrections folder none of whose files is named after a source: which files
    /// were found, and which names are read.
    static func noUsableFile(folder: String, names: [String], schemas: [SourceSchema]) -> Diagnostic {
        let carry = (CorrectionCarry.fileName as NSString).deletingPathExtension
        var seen: Set<String> = []
        let stems = schemas.map { s in
            ([s.name] + s.fileStems).filter { seen.insert($0.lowercased()).inserted }.joined(separator: " 或 ")
        }.filter { !$0.isEmpty && $0 != carry }
        return Diagnostic(
            .error, code: "B0051", at: .file(path: folder),
            summary: Localized(zh: "更正文件夹 \(folder) 中没有可以使用的文件：文件名不是任何一类记录的名称", en: "the corrections folder \(folder) has no file jifen can use: no file is named after a source"),
            found: names.sorted().joined(separator: "、"),
            expected: Localized(zh: "文件名为 " + stems.joined(separator: "、") + "，或其后加“-”和补充部分的名称（如 值班-补报.csv），扩展名 .csv 或 .xlsx",
                                en: "a file named " + stems.joined(separator: ", ") + ", or one of those, '-' and a name for the added part (such as 值班-补报.csv), ending .csv or .xlsx"),
            help: Localized(zh: "按上面的规则给文件改名（如 值班补报.csv 改为 值班-补报.csv）后重新运行；本次没有保存任何内容。",
                            en: "Rename the files as above (值班补报.csv to 值班-补报.csv, say) and run again; nothing was stored."))
    }

    /// Each carried pay line that differs, per cadre, corrected minus paid; cadres in
    /// roster order of the corrected run, then those it no longer has.
    public static func lines(before: MonthResults, after: MonthResults, carried: [(name: String, isEarning: Bool)], inPost: Set<String>) -> [CorrectionLine] {
        var old: [String: CadreResult] = [:]
        for c in before.cadres { old[c.cadreID] = c }
        var order = after.cadres.map(\.cadreID)
        let afterIDs = Set(order)
        order += before.cadres.map(\.cadreID).filter { !afterIDs.contains($0) }
        var new: [String: CadreResult] = [:]
        for c in after.cadres { new[c.cadreID] = c }
        var out: [CorrectionLine] = []
        for id in order {
            let a = new[id], b = old[id]
            for line in carried {
                let was = b?.pay.lines.first { $0.name == line.name }?.amount ?? .zero
                let now = a?.pay.lines.first { $0.name == line.name }?.amount ?? .zero
                let d = now - was
                guard d != .zero else { continue }
                out.append(CorrectionLine(cadreID: id, name: a?.name ?? b?.name ?? "", line: line.name, kind: line.isEarning ? .earning : .deduction,
                                          amount: d, inPost: inPost.contains(id)))
            }
        }
        return out
    }

    /// What a correction comes to, cadre by cadre, as the clerk reads it.
    public static func text(_ o: Outcome, month: YearMonth) -> String {
        var s = ""
        if !o.replaced.isEmpty { s += "替换：\(o.replaced.joined(separator: "、"))\n" }
        if !o.added.isEmpty { s += "补充：\(o.added.joined(separator: "、"))\n" }
        guard let c = o.comparison else { return s }
        s += "更正 \(month.chineseDescription)（已关账运行 #\(o.closedRunID ?? 0)"
        if let b = o.baseRunID, b != o.closedRunID { s += "，在更正运行 #\(b) 的基础上" }
        s += "）：变化 \(c.changes.count) 人，未变 \(c.unchanged) 人\n"
        func f(_ x: Fixed?) -> String { x?.shortDescription ?? "—" }
        for ch in c.changes {
            var parts: [String] = []
            if ch.pointsBefore != ch.pointsAfter { parts.append("积分 \(f(ch.pointsBefore)) → \(f(ch.pointsAfter))") }
            if ch.tierBefore != ch.tierAfter {
                parts.append("等次 \(ch.tierBefore ?? "—") → \(ch.tierAfter ?? "—")" + (ch.pointsBefore == ch.pointsAfter ? "（积分未变，名额顺延）" : ""))
            }
            for l in o.lines where l.cadreID == ch.cadreID {
                parts.append("\(l.label(month: month)) \(l.netEffect.fen >= 0 ? "+" : "")\(l.netEffect.grouped)")
            }
            s += "  \(ch.cadreID) \(ch.name)：\(parts.joined(separator: "；"))\n"
        }
        // Lines of cadres whose points, tier and net stayed (a change in one line offset by another).
        let shown = Set(c.changes.map(\.cadreID))
        for l in o.lines where !shown.contains(l.cadreID) {
            s += "  \(l.cadreID) \(l.name)：\(l.label(month: month)) \(l.netEffect.fen >= 0 ? "+" : "")\(l.netEffect.grouped)\n"
        }
        let net = o.lines.reduce(Money.zero) { $0 + $1.netEffect }
        let pay = o.lines.filter { $0.netEffect.fen > 0 }.reduce(Money.zero) { $0 + $1.netEffect }
        s += "合计：补发 \(pay.grouped) 元，补扣 \((pay - net).grouped) 元，净额 \(net.fen >= 0 ? "+" : "")\(net.grouped) 元（个人所得税在支付当月按累计预扣法计算）\n"
        let left = Set(o.lines.filter { !$0.inPost }.map(\.cadreID))
        if !left.isEmpty { s += "已不在岗：\(left.sorted().joined(separator: "、"))（将列入补发名单，补扣的由财务追回）\n" }
        if let id = o.runID, let cid = o.correctionID {
            s += "已保存为更正运行 #\(id)（更正 #\(cid)）；下一个未关账月份运行 jifen batch run 时补发或补扣。\n"
        } else {
            s += "没有任何变化，未保存。\n"
        }
        return s
    }
}

extension StoreError {
    var correctionDiagnostic: Diagnostic {
        Diagnostic(.error, code: "S0008", at: .file(path: ""),
                   summary: Localized(zh: "更正已关账月份必须写明原因", en: "a correction of a closed month needs a reason"),
                   help: Localized(zh: "加上 --reason \"原因\"，原因会写在补发补扣项目和审计日志里。", en: "Pass --reason \"…\"; it names the 补发/补扣 lines and goes into the audit log."))
    }
}
