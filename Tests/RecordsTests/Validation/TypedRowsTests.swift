import Diagnostics
import Exact
import Foundation
@testable import Records
import TestSupport
import Testing

/// Rows given as typed values (`TypedRows`, how accepted objections' adjustments reach the
/// scorer) are checked exactly as the same rows read from a CSV file: the same accepted rows
/// and payloads, the same problems, rejected rows and accounting.
struct TypedRowsTests {
    static let month = YearMonth("2020-12")!

    static func roster() -> (Roster, [String: RowOrigin]) {
        let (roster, report) = RosterReader(month: month).read(path: PackagePaths.path("samples/2020-12/cadres.csv"))
        return (roster, report.rejectedCadres)
    }

    /// Everything a validation produced, as text.
    static func outcome(_ schema: SourceSchema, _ validate: (inout SourceValidator, (borrowing DecodedRow, borrowing FieldDecoder) -> Void) -> FileReport) -> String {
        let (roster, rejectedCadres) = roster()
        var validator = SourceValidator(schema: schema, month: month, roster: roster, rejectedCadres: rejectedCadres)
        var out = ""
        let report = validate(&validator) { row, decoder in
            out += "\(row.line):\(row.cadre):"
            for f in 0..<row.payload.count {
                if !row.present[f] {
                    out += "∅"
                } else if case .text = decoder.fields[f].type {
                    out += decoder.text(f, row.payload[f])
                } else {
                    out += String(row.payload[f])
                }
                out += ","
            }
            out += "\n"
        }
        out += DiagnosticRenderer(language: .en).render(report.diagnostics) + "\n"
        out += "read \(report.rowsRead) accepted \(report.accepted) rejected \(report.rejected) ignored \(report.ignored) "
        out += "header \(report.headerLine ?? -1) columns \(report.columns) format \(String(describing: report.format)) bytes \(report.byteCount)\n"
        for r in report.rejectedRows {
            out += "\(r.origin.path):\(r.origin.line) \(r.codes) \(r.reasons) \(r.cells) \(r.columns) \(r.kinds)\n"
        }
        return out
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func compare(_ schema: SourceSchema, _ rows: [TypedRows.Row]) {
        var csv = schema.fields.map(\.name).joined(separator: ",") + "\n"
        for row in rows { csv += schema.fields.map { quote(row[$0.name]?.cellText ?? "") }.joined(separator: ",") + "\n" }
        let bytes = Array(csv.utf8)
        let name = "申诉调整.csv"
        let fromFile = outcome(schema) { v, sink in v.validate(file: InputSet.File(path: name, bytes: bytes), sink: sink) }
        let typed = TypedRows(name: name, rows: rows, format: .csv(.utf8), byteCount: bytes.count)
        let fromRows = outcome(schema) { v, sink in v.validate(rows: typed, sink: sink) }
        #expect(fromRows == fromFile)
        // The stored form reads back into rows that check the same again.
        let back = try? TypedRows.read(stored: bytes, name: name)
        #expect(back.map { b in outcome(schema) { v, sink in v.validate(rows: b, sink: sink) } } == fromFile)
    }

    static func row(_ values: [String: TypedRows.Value]) -> TypedRows.Row { TypedRows.Row(values) }

    /// Accepted rows, an unknown cadre, a missing reason and approver, points and an amount
    /// on one row, neither, too many decimal places, a row repeated whole, a blank row.
    @Test func adjustmentsAsTypedRowsAsIfReadFromAFile() {
        let schema = StandardSchemas.adjustments
        let rows: [TypedRows.Row] = [
            Self.row(["工号": .text("FM-001"), "项目": .text("申诉#1"), "分值": .number(Fixed(2)), "原因": .text("补记，值班\"夜班\""), "批准人": .text("张科长")]),
            Self.row(["工号": .text("FM-002"), "项目": .text("申诉#2"), "金额": .money(Money("120.50")!), "原因": .text("补交通费"), "批准人": .text("张科长、李主任（复核）")]),
            Self.row(["工号": .text("XX-999"), "项目": .text("申诉#3"), "分值": .number(Fixed(1)), "原因": .text("未知"), "批准人": .text("张科长")]),
            Self.row(["工号": .text("FM-003"), "项目": .text("申诉#4"), "分值": .number(Fixed(1))]),
            Self.row(["工号": .text("FM-003"), "项目": .text("申诉#5"), "分值": .number(Fixed(1)), "金额": .money(Money("1.00")!), "原因": .text("两者"), "批准人": .text("张科长")]),
            Self.row(["工号": .text("FM-003"), "项目": .text("申诉#6"), "原因": .text("都没有"), "批准人": .text("张科长")]),
            Self.row(["工号": .text("FM-004"), "项目": .text("申诉#7"), "分值": .number(Fixed("0.125")!), "原因": .text("三位小数"), "批准人": .text("张科长")]),
            Self.row(["工号": .text("FM-001"), "项目": .text("申诉#1"), "分值": .number(Fixed(2)), "原因": .text("补记，值班\"夜班\""), "批准人": .text("张科长")]),
            Self.row([:]),
            Self.row(["工号": .text("FM-005"), "项目": .text("申诉#8"), "分值": .number(Fixed("-1.5")!), "原因": .text("扣分"), "批准人": .text("张科长")]),
        ]
        Self.compare(schema, rows)
    }

    /// A source with a date column: the month's last day, a day outside the month.
    @Test func datedAdjustmentsAsIfReadFromAFile() {
        var schema = StandardSchemas.adjustments
        schema.fields.insert(FieldSpec("日期", .date), at: 1)
        schema.dateField = "日期"
        let rows: [TypedRows.Row] = [
            Self.row(["工号": .text("FM-001"), "日期": .date(Self.month.lastDay), "项目": .text("申诉#1"), "分值": .number(Fixed(2)), "原因": .text("补记"), "批准人": .text("张科长")]),
            Self.row(["工号": .text("FM-002"), "日期": .date(Self.month.next.firstDay), "项目": .text("申诉#2"), "分值": .number(Fixed(1)), "原因": .text("下月"), "批准人": .text("张科长")]),
        ]
        Self.compare(schema, rows)
    }
}
