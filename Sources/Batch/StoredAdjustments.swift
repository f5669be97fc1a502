import Diagnostics
import Exact
import Foundation
import Records
import Results
import RulesLanguage
import Store

/// Adjustments from accepted objections, scored by a month's runs as rows of the month's
/// adjustments.
///
/// The store's adjustments for the month become typed rows (`TypedRows`) in the columns of
/// the rules' adjustments source, named `申诉调整.csv`: they are checked after the month's
/// files by the same validator and scored by the same scorer as `adjustments.csv`'s rows, so
/// they are accounted for in the reconciliation and cited as `申诉调整.csv:2`. No file is
/// written or parsed for them. Their canonical serialization, a CSV of those rows, is stored
/// with the run's inputs, so a run stays reproducible (`batch preview` reads it back into
/// rows) and `batch diff` names it when the adjustments changed.
///
/// ```swift
/// let extra = try StoredAdjustments.prepare(store: store, rules: rules, month: m)
/// evaluation.extraAdjustments = extra?.rows
/// ```
public enum StoredAdjustments {
    /// The name the adjustments are cited by, and stored under as an input.
    public static let fileName = "申诉调整.csv"

    /// What a month's store adjustments became: the rows to score, their stored form and
    /// the line of each adjustment.
    public struct Prepared: Sendable {
        /// The rows the run scores.
        public var rows: TypedRows
        /// `申诉调整.csv`, the rows' canonical serialization, held in memory: what the run
        /// stores as an input.
        public var file: InputSet.File
        /// Each adjustment's line (an adjustment with points and an amount has two rows;
        /// the first is recorded).
        public var lines: [(adjustmentID: Int64, line: Int)]
        public var count: Int

        public init(rows: TypedRows, file: InputSet.File, lines: [(adjustmentID: Int64, line: Int)], count: Int) {
            self.rows = rows
            self.file = file
            self.lines = lines
            self.count = count
        }

        /// The adjustments a run included: all but those whose rows it rejected (with
        /// `--skip-invalid`), which stay pending.
        public func included(rejected: [StoredRejectedRow]) -> [(adjustmentID: Int64, line: Int)] {
            let out = Set(rejected.filter { $0.file == StoredAdjustments.fileName }.map(\.line))
            guard !out.isEmpty else { return lines }
            var ranges = lines.map(\.line) + [Int.max]
            ranges.removeFirst()
            // An adjustment's rows run from its line to the next adjustment's.
            return zip(lines, ranges).filter { l, next in !out.contains { $0 >= l.line && $0 < next } }.map(\.0)
        }
    }

    /// The rules' adjustments source: its index among the rules' sources and its schema.
    public static func source(_ rules: CheckedRules) -> (index: Int, schema: SourceSchema)? {
        guard let i = rules.sources.firstIndex(where: { $0.schema.role == .adjustments }) else { return nil }
        return (i, rules.sources[i].schema)
    }

    /// Which values an adjustment may carry and have counted: the adjustments source has the
    /// column (`分值` a number, `金额` money) and the rules use its value somewhere (an item
    /// scores 分值, a pay line sums 金额). A value the rules never read would show as included
    /// and change nothing.
    public static func supports(_ rules: CheckedRules) -> (points: Bool, amount: Bool) {
        guard let (index, schema) = source(rules) else { return (false, false) }
        let declared = declares(schema)
        func used(_ name: String) -> Bool { schema.fieldIndex(name).map { rules.usesValue(ofField: $0, inSource: index) } ?? false }
        return (declared.points && used("分值"), declared.amount && used("金额"))
    }

    /// Which value columns the adjustments source declares: points (a `分值` number), an
    /// amount (a `金额` money column).
    public static func declares(_ schema: SourceSchema) -> (points: Bool, amount: Bool) {
        let points = schema.fieldIndex("分值").map { i -> Bool in
            if case .decimal = schema.fields[i].type { return true }
            if case .integer = schema.fields[i].type { return true }
            return false
        } ?? false
        let amount = schema.fieldIndex("金额").map { i -> Bool in
            if case .money = schema.fields[i].type { return true }
            return false
        } ?? false
        return (points, amount)
    }

    /// The adjustments as rows of the source, one per value (points, an amount), with the
    /// line of each adjustment's first row. `项目` names the objection (`申诉#12`), so
    /// explanations and the score breakdown say where the row came from.
    public static func rows(_ adjustments: [ObjectionAdjustment], schema: SourceSchema, month: YearMonth) -> (rows: [TypedRows.Row], lines: [(adjustmentID: Int64, line: Int)]) {
        var rows: [TypedRows.Row] = []
        var lines: [(Int64, Int)] = []
        for a in adjustments {
            var values: [TypedRows.Value] = []
            if let p = a.points { values.append(.number(p)) }
            if let m = a.amount { values.append(.money(m)) }
            for (k, v) in values.enumerated() {
                // Line 1 is the header of the stored CSV.
                if k == 0 { lines.append((a.id, rows.count + 2)) }
                var row = TypedRows.Row()
                for f in schema.fields {
                    let value: TypedRows.Value?
                    if f.name == schema.cadreField {
                        value = .text(a.cadreID)
                    } else if f.name == schema.dateField {
                        // A source with a date column gets the month's last day: the adjustment
                        // belongs to the month, not to the day it was accepted.
                        value = .date(month.lastDay)
                    } else {
                        switch f.name {
                        case "项目": value = .text("申诉#\(a.objectionID)")
                        case "分值": if case .number = v { value = v } else { value = nil }
                        case "金额": if case .money = v { value = v } else { value = nil }
                        case "原因": value = .text(a.reason)
                        case "批准人": value = .text(a.secondApprover.map { "\(a.approver)、\($0)（复核）" } ?? a.approver)
                        default: value = nil
                        }
                    }
                    if let value, !value.cellText.isEmpty { row[f.name] = value }
                }
                rows.append(row)
            }
        }
        return (rows, lines)
    }

    /// Rows as CSV in the source's columns, header first: their canonical serialization, the
    /// bytes a run stores for them.
    public static func csv(_ rows: [TypedRows.Row], schema: SourceSchema) -> String {
        var text = schema.fields.map { quote($0.name) }.joined(separator: ",") + "\n"
        for row in rows {
            text += schema.fields.map { quote(row[$0.name]?.cellText ?? "") }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The adjustments as CSV in the source's columns, with the line of each adjustment.
    public static func csv(_ adjustments: [ObjectionAdjustment], schema: SourceSchema, month: YearMonth) -> (text: String, lines: [(adjustmentID: Int64, line: Int)]) {
        let (rows, lines) = Self.rows(adjustments, schema: schema, month: month)
        return (csv(rows, schema: schema), lines)
    }

    /// The month's stored adjustments as typed rows, with their stored form; nil when the
    /// month has none. Refuses when the rules cannot take them.
    public static func prepare(store: RunStore, rules: CheckedRules, month: YearMonth) throws(StoredAdjustmentsError) -> Prepared? {
        let stored: [ObjectionAdjustment]
        do {
            // Adjustments above the review line wait for a second staff member's approval.
            stored = try store.adjustments(month: month).filter { !$0.awaitingApproval }
        } catch {
            throw .store("\(error)")
        }
        guard !stored.isEmpty else { return nil }
        guard let schema = source(rules)?.schema else { throw .noAdjustmentsSource(month, count: stored.count) }
        let declared = declares(schema), used = supports(rules)
        for (field, has, isDeclared, isUsed) in [("分值", { (a: ObjectionAdjustment) in a.points != nil }, declared.points, used.points),
                                                 ("金额", { (a: ObjectionAdjustment) in a.amount != nil }, declared.amount, used.amount)] {
            let holding = stored.filter(has)
            guard !holding.isEmpty else { continue }
            if !isDeclared { throw .unsupported(month, field: field) }
            if !isUsed { throw .ignored(month, field: field, objections: holding.map(\.objectionID)) }
        }
        let (rows, lines) = Self.rows(stored, schema: schema, month: month)
        let bytes = Array(csv(rows, schema: schema).utf8)
        return Prepared(rows: TypedRows(name: fileName, rows: rows, format: .csv(.utf8), byteCount: bytes.count),
                        file: InputSet.File(path: fileName, bytes: bytes), lines: lines, count: stored.count)
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Why a month's stored adjustments cannot be included in its run.
public enum StoredAdjustmentsError: Error, Sendable, Hashable {
    /// The month has adjustments but the rules declare no adjustments source.
    case noAdjustmentsSource(YearMonth, count: Int)
    /// An adjustment has a value the rules' adjustments source has no column for.
    case unsupported(YearMonth, field: String)
    /// Adjustments carry a value (`分值` or `金额`) that no item or pay line of the rules reads:
    /// they would be marked included and change nothing.
    case ignored(YearMonth, field: String, objections: [Int64])
    case store(String)

    public var diagnostic: Diagnostic {
        switch self {
        case .noAdjustmentsSource(let m, let n):
            return Diagnostic(.error, code: "B0011", at: .file(path: StoredAdjustments.fileName),
                              summary: Localized(zh: "\(m.chineseDescription)有 \(n) 条采纳申诉的调整，但规则没有声明调整数据源", en: "\(m) has \(n) adjustment(s) from accepted objections, but the rules declare no adjustments source"),
                              help: Localized(zh: "在规则中声明“数据源 调整”（含 分值、原因、批准人），调整才能计分。", en: "Declare an adjustments source (with 分值, 原因, 批准人) in the rules."))
        case .unsupported(let m, let field):
            return Diagnostic(.error, code: "B0012", at: .file(path: StoredAdjustments.fileName),
                              summary: Localized(zh: "\(m.chineseDescription)的申诉调整有“\(field)”，但规则的调整数据源没有这一列", en: "\(m)'s objection adjustments have '\(field)', which the rules' adjustments source lacks"),
                              help: Localized(zh: "在调整数据源中声明“\(field)”。", en: "Declare '\(field)' in the adjustments source."))
        case .ignored(let m, let field, let ids):
            let list = ids.prefix(10).map { "#\($0)" }.joined(separator: "、")
            return Diagnostic(.error, code: "B0014", at: .file(path: StoredAdjustments.fileName),
                              summary: Localized(zh: "\(m.chineseDescription)采纳申诉的调整（\(list)）有“\(field)”，但规则没有任何积分项或工资项目使用它",
                                                 en: "\(m)'s objection adjustments (\(list)) carry '\(field)', which no item or pay line of the rules uses"),
                              notes: [Localized(zh: "计入这样的调整不会改变任何结果。", en: "Including them would change no result.")],
                              help: Localized(zh: field == "金额" ? "在规则中加一个使用调整金额的工资项目（如 应发项 调整金额 = 合计（金额）来自 调整），或撤销这些调整。"
                                                : "在规则中加一个按分值计分的调整项（每条 分值），或撤销这些调整。",
                                              en: field == "金额" ? "Add a pay line that uses the adjustments' 金额, or withdraw these adjustments."
                                                : "Add an adjustment item that scores 分值, or withdraw these adjustments."))
        case .store(let message):
            return StoreError.database(message).diagnostic
        }
    }
}

extension MonthEvaluation {
    /// Validates and scores extra adjustment rows after the month's files, exactly as rows
    /// of the month's adjustments file: they are cited by their own name, and their report
    /// joins the month's (rows read, accepted, rejected).
    func scoreExtraAdjustments(_ rows: TypedRows, scorer: MonthScorer, retain: Set<String>?, check: inout MonthCheck, diagnostics: inout [Diagnostic],
                               adjustmentRows: AdjustmentRowCollector? = nil) {
        guard let source = StoredAdjustments.source(rules) else {
            diagnostics.append(StoredAdjustmentsError.noAdjustmentsSource(month, count: 1).diagnostic)
            return
        }
        scoreExtra(rows, source: source.index, schema: source.schema, scorer: scorer, retain: retain, check: &check, adjustmentRows: adjustmentRows)
    }

    /// Validates and scores typed rows after the month's files as rows of the rules' source
    /// `index`, cited by their own name, their report joining the month's.
    func scoreExtra(_ rows: TypedRows, source index: Int, schema: SourceSchema, scorer: MonthScorer, retain: Set<String>?, check: inout MonthCheck,
                    adjustmentRows: AdjustmentRowCollector? = nil) {
        // Every roster file's rejected 工号 (a roster kept per community is several files).
        var rejectedCadres: [String: RowOrigin] = [:]
        for f in check.files { rejectedCadres.merge(f.rejectedCadres) { first, _ in first } }
        var validator = SourceValidator(schema: schema, month: month, roster: check.roster, rejectedCadres: rejectedCadres, retainText: retain,
                                        tuning: tuning.validation)
        let fileName = scorer.fileNames[index]
        scorer.fileNames[index] = rows.name
        adjustmentRows?.start(file: rows.name)
        let report = validator.validate(rows: rows) { row, decoder in
            scorer.consume(source: index, decoder: decoder, row: row)
            adjustmentRows?.add(decoder, row)
        }
        scorer.fileNames[index] = fileName
        check.files.append(report)
    }
}
