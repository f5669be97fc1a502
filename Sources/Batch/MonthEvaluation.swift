import Diagnostics
import Foundation
import Exact
import Pay
import Records
import Results
import RulesLanguage
import Store

/// Validates a month's records against the rules' sources and scores them as they stream:
/// the heart of `jifen batch run`, `jifen explain` and `jifen test`.
///
/// ```swift
/// let outcome = MonthEvaluation(rules: loaded.rules, month: m).run(folder: "samples/2020-12")
/// if let results = outcome.results { … }
/// ```
public struct MonthEvaluation {
    public var rules: CheckedRules
    public var month: YearMonth
    /// Keep every contributing record for explanations (written to files in
    /// `spillDirectory` as rows stream, not held in memory).
    public var keepRecords = true
    /// Where the kept records and their summaries are spilled (`MonthScorer`): files
    /// unlinked as soon as they are made, ~60 bytes a record and twice the summaries' text
    /// (a province month: ~1.5 GB at the layout's height). nil holds them in memory.
    public var spillDirectory: URL? = FileManager.default.temporaryDirectory

    /// Spills to jifen.json's `temporaryDirectory` when it is set (else to the system's).
    public mutating func spill(in temporaryDirectory: String?) {
        if let temporaryDirectory { spillDirectory = URL(fileURLWithPath: temporaryDirectory) }
    }
    /// Score the valid rows even when some rows are rejected (each rejection is recorded).
    public var skipInvalid = false
    /// Called with the count of accepted rows so far, every 65,536 rows (from whichever
    /// thread checked the row that made the count; with several lanes the count lags by
    /// up to 4,095 rows a lane).
    public var onRows: ((Int) -> Void)? = nil
    /// Further adjustment rows (accepted objections' adjustments, as typed rows cited as
    /// `申诉调整.csv`), checked and scored after the month's files as rows of the rules'
    /// adjustments source.
    public var extraAdjustments: TypedRows? = nil
    /// Corrections of closed months this month carries (补发/补扣): once the roster is read,
    /// they become rows of the rules' corrections source (`CorrectionCarry`), cited as
    /// `补发补扣.csv`.
    public var corrections: [StoredCorrection] = []
    /// The previous year's year-end figures by 工号 (`RunStoring.yearEnd(of:)`): what the
    /// rules' 上年累计（…） and 上年任职月数 read (empty: none stored, both 0).
    public var previousYear: [String: YearToDate] = [:]
    /// The previous year's annual pay lines in its closed year run (`RunStoring.closedYearPay(of:)`):
    /// what the rules' 上年年度（…） read in the month 年度考核 pays them with (`发放 随 次年1月工资`;
    /// 0 in other months). Nil: the year is not closed or has no year run; every amount is 0
    /// and that month warns (B0070).
    public var previousYearAnnual: ClosedYearPay? = nil
    /// How the work is spread over threads; the results are the same whatever it is.
    public var tuning = EvaluationTuning()

    public init(rules: CheckedRules, month: YearMonth) {
        self.rules = rules
        self.month = month
    }

    public struct Outcome: Sendable {
        public var check: MonthCheck
        public var results: MonthResults?
        /// Data problems, plus problems of the month itself (no rules in force, pay that
        /// does not add up).
        public var diagnostics: [Diagnostic]
        /// Year-to-date balances from the month's opening file, by 工号.
        public var opening: [String: YearToDate]
        /// Each cadre's rows of the rules' adjustments source, by 工号 (`AdjustmentRow`).
        public var adjustmentRows: [String: [AdjustmentRow]] = [:]
    }

    /// The schemas a month is validated with: the rules' sources, then the standard sources
    /// the rules do not declare (so an opening or adjustments file is still checked).
    public var schemas: [SourceSchema] {
        var out = rules.sources.map(\.schema)
        // The roster, adjustments and opening balances are read even when the rules do not
        // declare them (the batch needs them by their role), unless a declared source reads
        // the same files. Activity ledgers are only the rules' own: a county without a 值班
        // ledger is not warned that its month has no duty file.
        for s in StandardSchemas.all where s.role != .activity && !out.contains(where: {
            $0.name == s.name || $0.role == .roster && s.role == .roster || !Set($0.fileStems).isDisjoint(with: s.fileStems)
        }) {
            out.append(s)
        }
        // One adjustment's points and amount within the rules' 调整分值上限 and 调整金额上限
        // (a bound against extra digits when not stated): a file's adjustment is bounded as one
        // accepted in the portal is, and 10000000000 points never reach the scorer (D0108).
        let limits = rules.adjustmentLimits(in: month)
        // An adjustment's points or amount no item or pay line reads would be counted as used
        // and change nothing: such a row is refused (D0220), as a stored one is (B0014).
        let used = StoredAdjustments.supports(rules)
        for k in out.indices where out[k].role == .adjustments {
            for i in out[k].fields.indices {
                switch out[k].fields[i].name {
                case "分值":
                    out[k].fields[i].limit = limits.points.map(Self.magnitude) ?? StandardSchemas.adjustmentPointsLimit
                    out[k].fields[i].limitRule = limits.points == nil ? nil : AdjustmentLimits.pointsLimitName
                    out[k].fields[i].unreadByRules = !used.points
                case "金额":
                    out[k].fields[i].limit = limits.amount.map(Self.magnitude) ?? StandardSchemas.adjustmentAmountLimit
                    out[k].fields[i].limitRule = limits.amount == nil ? nil : AdjustmentLimits.amountLimitName
                    out[k].fields[i].unreadByRules = !used.amount
                default: break
                }
            }
        }
        // An optional column of an activity source that nothing reads (a 备注): merged cells
        // over it lose nothing, so they are a warning, not an error (D0036). The validator's
        // own checks read the cadre, date, key and shift fields and 用时 and 学时.
        for k in rules.sources.indices where out[k].role == .activity {
            let schema = out[k]
            let structural = Set([schema.cadreField, schema.dateField, schema.keyField, schema.shift?.start, schema.shift?.end,
                                  schema.shift?.endDate, schema.shift?.status].compactMap { $0 } + ["用时", "学时"])
            for i in schema.fields.indices where schema.fields[i].isOptionalValue && !structural.contains(schema.fields[i].name) {
                out[k].fields[i].isUnread = !rules.readsField(i, ofSource: k)
            }
        }
        return out
    }

    private static func magnitude(_ v: Fixed) -> Fixed { v.isNegative ? v.negated() : v }

    /// A month validated, scored and ranked, not yet paid (`pay(_:prior:)`).
    public struct Scored {
        public var check: MonthCheck
        /// nil when the records or the rules stop the month.
        public var month: ScoredMonth?
        public var roster: Roster
        public var diagnostics: [Diagnostic]
        public var opening: [String: YearToDate]
        /// The corrections carried: the file scored and the lines of cadres not on the roster.
        public var carried: CorrectionCarry.Prepared? = nil
        /// Each cadre's rows of the rules' adjustments source, by 工号 (`AdjustmentRow`).
        public var adjustmentRows: [String: [AdjustmentRow]] = [:]
    }

    /// Validates, scores and pays a month folder.
    ///   - prior: year-to-date totals each cadre ended the previous month with (from the
    ///     store), by 工号; the folder's opening balances fill in the others.
    public func run(folder: String, prior: [String: YearToDate] = [:]) -> Outcome {
        pay(score(folder: folder), prior: prior)
    }

    /// `run(folder:)` for an input set (a folder's files or a stored run's inputs).
    public func run(inputs: InputSet, prior: [String: YearToDate] = [:]) -> Outcome {
        pay(score(inputs: inputs), prior: prior)
    }

    /// Validates a month folder and scores its records as they stream; the rules then rank
    /// and assign tiers.
    public func score(folder: String) -> Scored {
        score(inputs: InputSet.folder(folder))
    }

    /// `score(folder:)` for an input set: the files may be on disk or held in memory.
    public func score(inputs: InputSet) -> Scored {
        let folder = inputs.folder
        let monthRules = MonthRules(rules, month: month)
        var diagnostics: [Diagnostic] = []
        for name in monthRules.missingVersions {
            diagnostics.append(Diagnostic(
                .error, code: "B0001", at: .file(path: folder),
                summary: Localized(zh: "\(month.chineseDescription)没有施行中的“\(name)”", en: "no version of '\(name)' is in force in \(month)"),
                help: Localized(zh: "在规则中给“\(name)”补上覆盖本月的版本（自 … 起 / 至 …）。", en: "Give '\(name)' a version in force this month.")))
        }
        let schemas = self.schemas
        if let warning = unpaidBonusWarning(monthRules, folder: folder) { diagnostics.append(warning) }
        let openingSource = schemas.firstIndex { $0.role == .opening }
        // The rows of the adjustments the rules score, kept to cite them when pay stops (B0020).
        let adjustmentSource = StoredAdjustments.source(rules)
        let adjustmentRows = adjustmentSource.map { AdjustmentRowCollector(schema: $0.schema) }
        var scorer: MonthScorer? = nil
        var opening: [String: YearToDate] = [:]
        let validator = MonthValidator(month: month, schemas: schemas, tuning: tuning.validation)
        let rows = RowSink()
        // Only the texts someone reads are interned: what the rules read and, with record
        // detail, what the records' summaries show. Never a source's key (编号), unique per
        // row, which would make memory grow with the rows.
        var retain = rules.textFieldsRead
        if keepRecords {
            for source in rules.sources {
                for f in source.schema.fields where f.name != source.schema.keyField { retain.insert(f.name) }
            }
        }
        // The validator calls `sink` from its lanes' threads at once, each with rows of its
        // own cadres (`ValidationTuning.lanes`): the scorer keeps per lane what they share.
        // The opening file, not an activity source, comes on one thread.
        let lanes = tuning.validation.lanes
        let counter = RowCounter(lanes: lanes, onRows: self.onRows)
        var check = validator.validate(inputs: inputs, retainText: retain, sink: { source, decoder, row in
            rows.deliver(source, decoder, row)
        }, onRoster: { roster in
            let s = MonthScorer(rules: monthRules, roster: roster, keepRecords: keepRecords, chunks: tuning.chunks, lanes: lanes,
                                spillDirectory: spillDirectory)
            // `scorer` holds it for the whole validation; `rows` only points at it.
            scorer = s
            rows.start(scorer: s, scored: rules.sources.count, counter: counter, openingSource: openingSource,
                       adjustmentSource: adjustmentSource?.index, adjustments: adjustmentRows) { decoder, row in
                Self.addOpening(decoder, row, schemas[openingSource!], into: &opening)
            }
        }, onFile: { source, path in
            if source == adjustmentSource?.index { adjustmentRows?.start(file: FileName.of(path)) }
            // Records are cited by the name of the file they came from (duty.csv:12, or
            // 值班-富民.xlsx:12 when the source has a file per community).
            if let scorer, source < scorer.fileNames.count { scorer.fileNames[source] = FileName.of(path) }
        })
        // `rows` held the counter unretained while rows came.
        withExtendedLifetime(counter) {}
        if let extra = extraAdjustments, let scorer {
            scoreExtraAdjustments(extra, scorer: scorer, retain: retain, check: &check, diagnostics: &diagnostics, adjustmentRows: adjustmentRows)
        }
        var carried: CorrectionCarry.Prepared? = nil
        if !corrections.isEmpty, let scorer {
            if let source = rules.correctionsSource {
                let prepared = CorrectionCarry.prepare(corrections, schema: source.schema, roster: Set(check.roster.cadres.map(\.id)))
                scoreExtra(prepared.rows, source: source.index, schema: source.schema, scorer: scorer, retain: retain, check: &check)
                carried = prepared
            } else {
                diagnostics.append(CorrectionCarry.noSource(month, count: corrections.count))
            }
        }
        // A roster value a pay line cannot look up (岗位等级 19, a table of 1 to 18) stops the
        // month here, at its roster cell, rather than in the payroll.
        check.folderProblems += Self.tableRowProblems(monthRules, check: check)
        let undeclaredOpening = Self.undeclaredOpening(rules, check: check)
        diagnostics = check.diagnostics + diagnostics + undeclaredOpening
        if let o = scorer?.overflow {
            // The file as the clerk knows it: the folder's path to the name the scorer cites.
            let path = check.files.first { FileName.of($0.path) == o.file }?.path ?? o.file
            diagnostics.append(Diagnostic(
                .error, code: "B0007", at: .row(path: path, line: o.line, column: nil, columnName: nil),
                summary: Localized(zh: "这一行的积分使合计超出了可精确计算的范围", en: "this row's points take a total beyond exact numbers"),
                help: Localized(zh: "核对这一行的数值是否多打了位数；数值无误时检查规则中计算这类记录积分的算式。",
                                en: "Check this row's values for extra digits; if they are right, check the rule that scores such records.")))
        }
        guard scorer?.overflow == nil, undeclaredOpening.isEmpty,
              !diagnostics.hasErrors || (skipInvalid && !Self.hasFileLevelErrors(check) && monthRules.missingVersions.isEmpty),
              let scorer
        else {
            return Scored(check: check, month: nil, roster: check.roster, diagnostics: diagnostics, opening: opening)
        }
        let finished = scorer.finish()
        if let (c, item) = finished.outOfBounds.first {
            let cadre = check.roster.cadres[c]
            let place = Self.rosterPlace(cadre, field: "工号", check: check)
            diagnostics.append(Diagnostic(
                .error, code: "B0007", at: Self.rowLocation(place),
                summary: Localized(zh: "\(cadre.id) 的“\(item)”超出了可计算的范围", en: "'\(item)' of \(cadre.id) is beyond exact numbers"),
                notes: finished.outOfBounds.count > 1 ? [Localized(zh: "共 \(finished.outOfBounds.count) 人", en: "\(finished.outOfBounds.count) cadres in all")] : [],
                help: Localized(zh: "核对该人员这一项的记录是否多打了位数；数值无误时检查规则中“\(item)”的算式。",
                                en: "Check this cadre's records of the item for extra digits; if they are right, check the rule '\(item)'.")))
            return Scored(check: check, month: nil, roster: check.roster, diagnostics: diagnostics, opening: opening)
        }
        return Scored(check: check, month: finished, roster: scorer.roster, diagnostics: diagnostics, opening: opening, carried: carried,
                      adjustmentRows: adjustmentRows?.byCadre(scorer.roster) ?? [:])
    }

    /// Pays a scored month with Pay's `Payroll` and puts each cadre's result together.
    ///   - prior: year-to-date totals each cadre ended the previous month with (from the
    ///     store), by 工号; the month's opening balances fill in the others.
    public func pay(_ scored: Scored, prior: [String: YearToDate] = [:]) -> Outcome {
        var diagnostics = scored.diagnostics
        guard let month = scored.month else {
            return Outcome(check: scored.check, results: nil, diagnostics: diagnostics, opening: scored.opening)
        }
        var start = scored.opening
        for (id, y) in prior { start[id] = y }
        do {
            let results = try pay(month, roster: scored.roster, prior: start)
            return Outcome(check: scored.check, results: results, diagnostics: diagnostics, opening: scored.opening, adjustmentRows: scored.adjustmentRows)
        } catch {
            diagnostics.append(Self.diagnostic(error, folder: scored.check.folder, roster: scored.roster, check: scored.check,
                                               rules: MonthRules(rules, month: self.month)))
            return Outcome(check: scored.check, results: nil, diagnostics: diagnostics, opening: scored.opening)
        }
    }

    func pay(_ scored: ScoredMonth, roster: Roster, prior: [String: YearToDate]) throws(PayrollError) -> MonthResults {
        let payroll = Payroll(month: month, lines: scored.payLines, chunks: tuning.chunks, tracesPools: keepRecords)
        let payees = scored.cadres.map { c in
            let cadre = roster.cadres[c]
            let p = prior[cadre.id], last = previousYear[cadre.id]
            return Payroll.Cadre(
                id: cadre.id, hiredOn: cadre.hiredOn, prior: p?.totals ?? [:], priorMonths: p?.months ?? 0,
                previousYear: last?.totals ?? [:], previousYearMonths: last?.months ?? 0,
                previousYearAnnual: paysPreviousYearAnnual ? previousYearAnnual?.byCadre[cadre.id] ?? [:] : [:])
        }
        var slips = try payroll.pay(payees, formulas: scored.formulas)
        var results: [CadreResult] = []
        results.reserveCapacity(slips.count)
        for (k, c) in scored.cadres.enumerated() {
            let cadre = roster.cadres[c]
            // Each slip's lines given up as its result takes them: the two are not held at
            // once (a province month's are ~70 MB each).
            let lines = slips[k].lines
            slips[k].lines = []
            let slip = PaySlip(lines: lines.map { line in
                let kind: PayLineResult.Kind
                switch line.kind {
                case .earning: kind = .earning
                case .deduction: kind = .deduction
                case .info: kind = .info
                }
                return PayLineResult(name: line.name, kind: kind, amount: line.amount, citation: line.citation, trace: line.trace)
            })
            results.append(CadreResult(
                cadreID: cadre.id, name: cadre.name, community: cadre.community, grid: cadre.grid, post: cadre.post, level: cadre.level,
                score: scored.cards[k], standing: scored.standings[k], pay: slip,
                yearToDate: YearToDate(totals: slips[k].yearToDate, months: slips[k].months)))
        }
        return MonthResults(month: month, cadres: results)
    }

    /// Whether this is the month 年度考核 pays the previous year's annual pay lines with
    /// (`发放 随 次年1月工资`): in any other month 上年年度（…） is 0.
    var paysPreviousYearAnnual: Bool {
        rules.year?.payrollMonth == month.month
    }

    /// B0070: the month's pay lines read 上年年度（…） in the month 年度考核 pays the bonus
    /// with (`发放 随 次年1月工资`), but the previous year's year run is not closed: the
    /// bonus is not paid this month (every 上年年度（…） is 0).
    func unpaidBonusWarning(_ monthRules: MonthRules, folder: String) -> Diagnostic? {
        let reads = monthRules.previousYearAnnualReads
        guard previousYearAnnual == nil, !reads.isEmpty, paysPreviousYearAnnual else { return nil }
        let year = month.year - 1
        let names = reads.joined(separator: "、")
        return Diagnostic(
            .warning, code: "B0070", at: .file(path: folder),
            summary: Localized(zh: "\(year) 年度考核尚未关账，本月不发年终奖：上年年度（\(names)）按 0 计", en: "the year \(year) is not closed: no year-end bonus this month (上年年度（\(names)） is 0)"),
            help: Localized(zh: "先运行、公示并关账 \(year) 年度考核（jifen year run/publish/close --year \(year)），再重新运行本月。",
                            en: "Run, publish and close the year \(year) (jifen year run/publish/close --year \(year)), then run this month again."))
    }

    /// Settings for speed that never change a result, passed down rather than held in
    /// statics: how files are read ahead and prechecked, on how many lanes their rows are
    /// checked and scored (`validation.lanes`: by default one per active core), and how
    /// cadres are split over cores.
    public struct EvaluationTuning: Sendable, Hashable {
        public var validation: ValidationTuning
        public var chunks: CadreChunks

        public init(validation: ValidationTuning = ValidationTuning(lanes: ProcessInfo.processInfo.activeProcessorCount),
                    chunks: CadreChunks = CadreChunks()) {
            self.validation = validation
            self.chunks = chunks
        }
    }

    /// Where the validator's lanes hand their accepted rows, from every lane at once: set
    /// once (`start`, when the roster is read) before the first row, then only read. The
    /// scorer and the counter are held unretained (the caller keeps both for the whole
    /// validation): handing a row over then touches no reference count. It did, on one
    /// object shared by the lanes, every row, through a closure kept in a variable.
    final class RowSink: @unchecked Sendable {
        @exclusivity(unchecked) private var scorer: Unmanaged<MonthScorer>?
        @exclusivity(unchecked) private var counter: Unmanaged<RowCounter>?
        @exclusivity(unchecked) private var scored = 0
        @exclusivity(unchecked) private var openingSource = -1
        @exclusivity(unchecked) private var onOpening: ((borrowing FieldDecoder, borrowing DecodedRow) -> Void)?
        @exclusivity(unchecked) private var adjustmentSource = -1
        @exclusivity(unchecked) private var adjustments: AdjustmentRowCollector?

        func start(scorer: MonthScorer, scored: Int, counter: RowCounter, openingSource: Int?,
                   adjustmentSource: Int?, adjustments: AdjustmentRowCollector?,
                   onOpening: @escaping (borrowing FieldDecoder, borrowing DecodedRow) -> Void) {
            self.adjustmentSource = adjustmentSource ?? -1
            self.adjustments = adjustments
            self.scorer = Unmanaged.passUnretained(scorer)
            self.counter = Unmanaged.passUnretained(counter)
            self.scored = scored
            self.openingSource = openingSource ?? -1
            self.onOpening = onOpening
        }

        @inline(__always)
        func deliver(_ source: Int, _ decoder: borrowing FieldDecoder, _ row: borrowing DecodedRow) {
            let lane = row.lane
            counter?._withUnsafeGuaranteedRef { $0.count(lane: lane) }
            if source < scored, let scorer {
                scorer._withUnsafeGuaranteedRef { $0.consume(source: source, decoder: decoder, row: row) }
            }
            if source == openingSource, let onOpening { onOpening(decoder, row) }
            if source == adjustmentSource, let adjustments { adjustments.add(decoder, row) }
        }
    }

    /// Counts accepted rows for `onRows` from several lanes: each lane counts its own and
    /// adds them to the total 4,096 at a time (exactly, with one lane).
    final class RowCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var total = 0
        /// Per lane, 8 words apart so that lanes do not share a cache line.
        private let own: UnsafeMutablePointer<Int>
        private let lanes: Int
        private let onRows: ((Int) -> Void)?

        init(lanes: Int, onRows: ((Int) -> Void)?) {
            self.lanes = lanes
            self.onRows = onRows
            own = .allocate(capacity: 8 * max(1, lanes))
            own.initialize(repeating: 0, count: 8 * max(1, lanes))
        }

        deinit { own.deallocate() }

        @inline(__always)
        func count(lane: Int) {
            // Nothing reference counted per row: `onRows` is copied only when it is called.
            own[8 * lane] += 1
            if lanes == 1 {
                if own[0] & 0xFFFF == 0, let onRows { onRows(own[0]) }
                return
            }
            guard own[8 * lane] & 0xFFF == 0, let onRows else { return }
            lock.lock()
            total += 0x1000
            let t = total
            lock.unlock()
            if t & 0xFFFF == 0 { onRows(t) }
        }
    }

    /// Problems that make a whole file unusable: `--skip-invalid` skips rows, not files.
    static func hasFileLevelErrors(_ check: MonthCheck) -> Bool {
        check.problems.contains { p in
            switch p {
            // A sheet left unread: no row to skip.
            case .reader, .ambiguousFiles, .misnamedFile, .notXlsxFile, .noHeader, .missingColumn, .duplicateColumn, .unreadSheet: return true
            case .missingSource(_, _, _, let required): return required
            default: return false
            }
        }
    }

    /// `累计X` columns hold the year's total of pay line X; `累计月数` the months employed.
    static func addOpening(_ decoder: borrowing FieldDecoder, _ row: borrowing DecodedRow, _ schema: SourceSchema, into out: inout [String: YearToDate]) {
        guard let idIndex = schema.cadreField.flatMap(schema.fieldIndex), row.present[idIndex] else { return }
        var ytd = YearToDate()
        for (i, f) in schema.fields.enumerated() where row.present[i] {
            if f.name == "累计月数" {
                ytd.months = Int(row.payload[i])
            } else if f.name.hasPrefix("累计"), case .money = f.type {
                ytd.totals[String(f.name.dropFirst(2))] = Money(fen: row.payload[i])
            }
        }
        out[decoder.text(idIndex, row.payload[idIndex])] = ytd
    }

    /// B0054 for each opening-balance file with rows when the rules declare no `数据源 期初`.
    /// Such a file is still read by the standard opening schema, whose columns name
    /// `应发合计`, `社保合计` and `个人所得税`: of a county's own pay lines (收入, 社保,
    /// 已预扣税额 …) only a name that happens to match would be carried, the rest silently
    /// dropped and the tax withheld too low. The rules must say which pay line each 累计 column
    /// fills (docs/rules-language.md §3.11), so the month stops instead.
    public static func undeclaredOpening(_ rules: CheckedRules, check: MonthCheck) -> [Diagnostic] {
        guard !rules.sources.contains(where: { $0.schema.role == .opening }) else { return [] }
        let opening = StandardSchemas.opening.name
        return check.files.filter { $0.source == opening && $0.accepted + $0.rejected > 0 }.map { f in
            Diagnostic(
                .error, code: "B0054", at: .file(path: f.path),
                summary: Localized(zh: "规则没有声明“数据源 期初”，期初余额文件中的累计数不能计入个税的本年累计",
                                   en: "the rules declare no 数据源 期初: the opening balances cannot be carried into the year to date"),
                notes: [Localized(zh: "不声明时，累计收入、累计社保、累计已预扣税额等列对不上规则里的工资项目，会被漏掉，个税算少",
                                  en: "undeclared, columns such as 累计收入, 累计社保 and 累计已预扣税额 match none of the rules' pay lines and would be dropped")],
                help: Localized(zh: "在规则中声明期初余额文件，每个累计列写成“累计”加规则里工资项目（计算项）的名称，如：数据源 期初 （文件 “opening”、“期初”） { 工号：文本  累计收入：金额型  累计社保：金额型  累计专项附加：金额型  累计已预扣税额：金额型  累计月数：整数，可空 }（docs/rules-language.md“期初余额文件”）。",
                                en: "Declare the opening file in the rules, one 累计X column per pay line X: 数据源 期初 （文件 “opening”、“期初”） { 工号：文本 累计收入：金额型 … 累计月数：整数，可空 } (docs/rules-language.md)."))
        }
    }

    /// A whole row of a file: `12:12` of a sheet, or line 12 of a CSV.
    static func rowLocation(_ place: Place) -> Location {
        place.sheet.map { .cell(path: place.path, sheet: $0, reference: "\(place.line):\(place.line)", columnName: nil) }
            ?? .row(path: place.path, line: place.line, column: nil, columnName: nil)
    }

    /// The roster values pay line `line` reads for a cadre, by field, blanks left out.
    static func rosterValuesRead(_ line: String, rules: MonthRules, cadre: Cadre) -> [(String, String)] {
        rules.rosterFieldsRead(byLine: line).compactMap { f in MonthRules.rosterValue(f, of: cadre).map { (f, $0) } }
    }

    /// D0305 for each cadre in post whose roster value has no row in a table a pay line of
    /// the month looks it up in, at the roster cell (`check-data` with rules reports them too).
    public static func tableRowProblems(_ monthRules: MonthRules, check: MonthCheck) -> [RecordProblem] {
        monthRules.missingTableRows(roster: check.roster).map { m in
            let c = check.roster.cadres[m.cadre]
            return .noTableRow(rosterPlace(c, field: m.field, check: check), id: c.id, value: m.value, table: m.table, keys: m.keys, line: m.line)
        }
    }

    /// The roster cell of a cadre's field: its file, sheet and line, and the field's column
    /// as the file's header has it.
    static func rosterPlace(_ c: Cadre, field: String, check: MonthCheck) -> Place {
        let report = check.files.first { $0.path == c.origin.path }
        let aliases = StandardSchemas.roster.fields.first { $0.name == field }?.aliases ?? []
        let column = report?.columns.firstIndex { name in
            let n = name.trimmingCharacters(in: .whitespaces)
            return n == field || aliases.contains(n)
        }
        return Place(c.origin, column: column.map { $0 + 1 }, columnName: field)
    }

    static func diagnostic(_ e: PayrollError, folder: String, roster: Roster? = nil, check: MonthCheck? = nil, rules: MonthRules? = nil) -> Diagnostic {
        switch e {
        case .payLine(let cadre, let line):
            // Where the cadre's values come from: their roster row, and the roster values the
            // line reads (a table's key, an amount too large to compute with).
            let person = roster?.cadres.first { $0.id == cadre }
            var notes: [Localized] = []
            var location: Location = .file(path: folder)
            if let person, let check {
                let place = Self.rosterPlace(person, field: "工号", check: check)
                location = Self.rowLocation(place)
                if let rules {
                    for (field, value) in Self.rosterValuesRead(line, rules: rules, cadre: person) {
                        let at = Self.rosterPlace(person, field: field, check: check)
                        let cell = at.column.map { "第 \(at.line) 行第 \($0) 列" } ?? "第 \(at.line) 行"
                        let cellEN = at.column.map { "line \(at.line), column \($0)" } ?? "line \(at.line)"
                        notes.append(Localized(zh: "用到花名册的“\(field)” = \(PersonalData.maskByContent(value))（\(FileName.of(at.path)) \(cell)）",
                                               en: "reads the roster's \(field) = \(PersonalData.maskByContent(value)) (\(FileName.of(at.path)) \(cellEN))"))
                    }
                }
            }
            return Diagnostic(.error, code: "B0002", at: location,
                              summary: Localized(zh: "无法计算 \(cadre) 的“\(line)”", en: "cannot compute '\(line)' for \(cadre)"),
                              notes: notes,
                              help: Localized(zh: "算式的结果无法精确表示（数值过大）或除以了零：核对上面列出的该人员花名册数值是否多打了位数、填错了列；数值无误时检查规则中“\(line)”的算式。",
                                              en: "The formula's result cannot be held exactly (too large) or divides by zero: check the roster values listed for extra digits or a wrong column; if they are right, check the formula of '\(line)' in the rules."))
        case .netMismatch(let cadre, let net, let expected):
            return Diagnostic(.error, code: "B0003", at: .file(path: folder),
                              summary: Localized(zh: "\(cadre) 的实发项为 \(net)，与应发减扣款 \(expected) 不符", en: "net pay of \(cadre) is \(net), not gross − deductions = \(expected)"),
                              help: Localized(zh: "实发项应等于全部应发项之和减去全部扣款项之和。", en: "The net line must equal the earnings minus the withholdings."))
        case .pool(let line, let reason):
            return Diagnostic(.error, code: "B0004", at: .file(path: folder),
                              summary: Localized(zh: "“\(line)”的奖励池无法分配：\(reason)", en: "the pool of '\(line)' cannot be shared: \(reason)"),
                              help: Localized(zh: "检查奖励池金额和分配权重。", en: "Check the pool and the weights."))
        }
    }
}
