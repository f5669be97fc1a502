import Exact
import Foundation
import Records

/// A row of the rules' adjustments source (调整, `adjustments.csv`) as a message cites it:
/// `adjustments.csv:4`, with the amounts it carries (`金额 -3000.00 元`).
///
/// Kept per cadre while the month is scored, so that a payroll that cannot be paid (B0020,
/// `PayrollGuard`) names the adjustment rows behind a cadre's pay, including those a pay
/// line reads (`合计（金额 来自 调整）`), whose records no score line keeps. Only numbers are
/// kept from a row, never its text: no personal data can reach a message through it.
public struct AdjustmentRow: Sendable {
    /// The file as the clerk knows it (`adjustments.csv`, `申诉调整.csv`).
    public var file: String
    public var line: Int
    /// The row's money and decimal fields that have a value, in the schema's order.
    public var amounts: [(field: String, value: String)]

    public init(file: String, line: Int, amounts: [(field: String, value: String)]) {
        self.file = file
        self.line = line
        self.amounts = amounts
    }

    /// `adjustments.csv:4`
    public var citation: String { "\(file):\(line)" }
}

/// Collects `AdjustmentRow`s from the validator's lanes, which hand rows over from several
/// threads at once (adjustments are a few rows a month: a lock costs nothing there).
final class AdjustmentRowCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var file = ""
    private var rows: [(cadre: Int, row: AdjustmentRow)] = []
    /// The fields to keep (money and decimals), by index in the schema.
    private let amountFields: [(index: Int, name: String, isMoney: Bool)]

    init(schema: SourceSchema) {
        amountFields = schema.fields.enumerated().compactMap { i, f in
            switch f.type {
            case .money: (i, f.name, true)
            case .decimal: (i, f.name, false)
            default: nil
            }
        }
    }

    /// The file whose rows come next (`onFile`, or the stored adjustments' name).
    func start(file name: String) {
        lock.lock()
        file = name
        lock.unlock()
    }

    func add(_ decoder: borrowing FieldDecoder, _ row: borrowing DecodedRow) {
        guard row.cadre >= 0 else { return }
        var amounts: [(field: String, value: String)] = []
        for f in amountFields where f.index < row.present.count && row.present[f.index] {
            let text = decoder.text(f.index, row.payload[f.index])
            amounts.append((f.name, f.isMoney ? text + " 元" : text))
        }
        let cadre = Int(row.cadre), line = row.line
        lock.lock()
        rows.append((cadre, AdjustmentRow(file: file, line: line, amounts: amounts)))
        lock.unlock()
    }

    /// Each cadre's rows by 工号, in file and line order.
    func byCadre(_ roster: Roster) -> [String: [AdjustmentRow]] {
        lock.lock()
        defer { lock.unlock() }
        var out: [String: [AdjustmentRow]] = [:]
        for (cadre, row) in rows where cadre < roster.cadres.count {
            out[roster.cadres[cadre].id, default: []].append(row)
        }
        for k in out.keys { out[k]!.sort { $0.file != $1.file ? $0.file < $1.file : $0.line < $1.line } }
        return out
    }
}
