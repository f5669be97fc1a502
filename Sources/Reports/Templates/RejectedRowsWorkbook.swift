import Exact
import Foundation
import Records

/// The rejected rows of a month's check as a workbook for the clerks who fix them
/// (`check-data --rejected rejected.xlsx`).
///
/// A sheet per input file with rejected rows, named after the file: `原行号（自动）` (the row in
/// that file), `问题（自动）` (each error with the cell it is in, e.g. `C12 日期：“日期”不是有效
/// 日期 [D0104]`), then the file's own columns with the row as it was read. The two derived
/// columns are skipped when the sheet is read back (`SourceSchema.isDerivedColumn`), so a clerk
/// corrects the cells and sends the sheet back as a data file.
///
/// Nothing in it runs: every cell from the data is a string cell with the text format `@`
/// (Excel keeps what is retyped there as text too), except the numbers the input stored as
/// numbers (dates as dates, times as times). ID numbers, accounts and phones are text, and
/// masked as they are in every rejected-rows file.
public enum RejectedRowsWorkbook {
    public static func write(_ check: MonthCheck, schemas: [SourceSchema], to path: String) throws(ReportError) {
        let wb = try XlsxWorkbook(path: path, constantMemory: false)
        try wb.setProperties(DocumentProperties(
            title: "被拒绝的行", subject: "\(check.month.chineseDescription) 数据核对", author: "jifen", company: "jifen",
            category: "社区干部积分考核", keywords: "jifen, 拒收行, \(check.month)",
            comments: "jifen check-data \(check.folder)：改正后即可作为数据文件交回，读取时跳过“（自动）”两列。",
            created: Int(check.month.firstDay.daysSinceEpoch) * 86_400))
        let header = CellStyle(bold: true, wrap: true, border: true, fill: 0xFCE4D6)
        let text = CellStyle(numberFormat: "@")
        let problem = CellStyle(wrap: true, fontColor: 0x9C0006)
        var used: Set<String> = []
        var wroteSheet = false
        for report in check.files where !report.rejectedRows.isEmpty {
            let schema = schemas.first { $0.name == report.source }
            let ws = try wb.addSheet(uniqueName(report.path, &used))
            wroteSheet = true
            let width = max(report.columns.count, report.rejectedRows.map(\.cells.count).max() ?? 0)
            let names = (0..<width).map { $0 < report.columns.count && !report.columns[$0].isEmpty ? report.columns[$0] : "第 \($0 + 1) 列" }
            let types = names.map { schema?.field(forHeader: $0)?.type }
            try ws.text(0, 0, SourceSchema.derivedColumnHeader("原行号"), header)
            try ws.text(0, 1, SourceSchema.derivedColumnHeader("问题"), header)
            try ws.columnWidth(0, 10)
            try ws.columnWidth(1, 48)
            for (i, name) in names.enumerated() {
                try ws.text(0, i + 2, name, header)
                try ws.columnFormat(i + 2, width: max(10, Double(TemplatePlan.displayWidth(name)) + 4), columnStyle(types[i]))
            }
            for (r, row) in report.rejectedRows.enumerated() {
                try ws.integer(r + 1, 0, row.origin.line)
                try ws.text(r + 1, 1, problems(row, names: names), problem)
                for (i, cell) in row.cells.enumerated() where !cell.isEmpty {
                    if i < row.kinds.count, row.kinds[i] == .number, let number = Fixed(cell) {
                        try ws.number(r + 1, i + 2, number, columnStyle(i < types.count ? types[i] : nil))
                    } else {
                        try ws.text(r + 1, i + 2, cell, text)
                    }
                }
            }
            ws.freeze(row: 1)
        }
        if !wroteSheet {
            let ws = try wb.addSheet("拒收行")
            try ws.text(0, 0, "没有被拒绝的行。")
        }
        try wb.close()
    }

    /// Each error with its cell in the input: `C12 日期：“日期”不是有效日期 [D0104]`.
    static func problems(_ row: RejectedRow, names: [String]) -> String {
        row.codes.indices.map { i in
            let reason = i < row.reasons.count ? row.reasons[i] : ""
            let column = i < row.columns.count ? row.columns[i] : nil
            let place = column.map { c in
                XlsxSheet.columnName(c - 1) + String(row.origin.line) + (c - 1 < names.count ? " " + names[c - 1] : "") + "："
            } ?? "整行："
            return place + reason + " [\(row.codes[i])]"
        }.joined(separator: "\n")
    }

    static func columnStyle(_ type: FieldType?) -> CellStyle {
        switch type {
        case .date?: CellStyle(numberFormat: "yyyy-mm-dd")
        case .time?: CellStyle(numberFormat: "hh:mm")
        case .integer?, .decimal?, .money?, .boolean?, .enumeration?, .enumerationOrScore?: CellStyle()
        case .text?, .idNumber?, .bankAccount?, .phone?, nil: CellStyle(numberFormat: "@")
        }
    }

    /// The file's name without extension as a sheet name, unique within the workbook.
    static func uniqueName(_ path: String, _ used: inout Set<String>) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let base = String(TemplateWorkbook.sheetName(stem).prefix(28))
        var name = base
        var n = 2
        while used.contains(name) {
            name = "\(base)(\(n))"
            n += 1
        }
        used.insert(name)
        return name
    }
}
