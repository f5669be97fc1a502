import Foundation
import Diagnostics

/// The per-file account of a month's rows — read = accepted + rejected + ignored — as text
/// for the terminal, and the rejected rows as CSV for the clerk who fixes them.
public enum ReconciliationTable {
    public static func render(_ check: MonthCheck, language: Language = .zh) -> String {
        let head = language == .zh
            ? ["文件", "来源", "格式", "读取", "接受", "拒绝", "忽略"]
            : ["file", "source", "format", "read", "accepted", "rejected", "ignored"]
        var rows: [[String]] = []
        var total = (0, 0, 0, 0)
        for f in check.files {
            rows.append([
                fileName(f.path), f.source, formatText(f.format, language),
                String(f.rowsRead), String(f.accepted), String(f.rejected), String(f.ignored),
            ])
            total.0 += f.rowsRead
            total.1 += f.accepted
            total.2 += f.rejected
            total.3 += f.ignored
        }
        rows.append([language == .zh ? "合计" : "total", "", "", String(total.0), String(total.1), String(total.2), String(total.3)])
        var out = language == .zh
            ? "\(check.month.chineseDescription) 数据核对（\(check.folder)）：每个文件 读取 = 接受 + 拒绝 + 忽略\n"
            : "Reconciliation for \(check.month) (\(check.folder)): per file, read = accepted + rejected + ignored\n"
        out += table([head] + rows)
        let unbalanced = check.files.filter { !$0.isBalanced }
        for f in unbalanced {
            out += language == .zh ? "！\(fileName(f.path)) 行数对不上（内部错误）\n" : "! \(fileName(f.path)) does not balance (internal error)\n"
        }
        return out
    }

    /// The rejected rows as CSV (UTF-8 with BOM so that Excel opens it in Chinese).
    public static func rejectedCSV(_ rows: [RejectedRow]) -> String {
        var out = "\u{FEFF}文件,行,代码,原因,原始内容\r\n"
        for r in rows {
            let fields = [
                r.origin.sheet.map { "\(r.origin.path)[\($0)]" } ?? r.origin.path, String(r.origin.line),
                r.codes.joined(separator: " "), r.reasons.joined(separator: "；"), r.cells.joined(separator: " | "),
            ]
            // The cells are the data file's, as typed: neutralised so that a clerk opening
            // the file in Excel never runs one as a formula.
            out += SpreadsheetCSV.row(fields) + "\r\n"
        }
        return out
    }

    public static func formatText(_ f: TableFormat?, _ language: Language) -> String {
        switch f {
        case .csv(let e)?: "CSV \(e.rawValue)"
        case .xlsx(let sheet)?: "xlsx[\(sheet)]"
        case nil: language == .zh ? "无法读取" : "unreadable"
        }
    }

    static func fileName(_ path: String) -> String { FileName.of(path) }

    /// Columns padded to their display width (CJK characters are two columns wide).
    static func table(_ rows: [[String]]) -> String {
        let n = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DiagnosticRenderer.displayWidth(c)) } }
        var out = ""
        for r in rows {
            var line = ""
            for (i, c) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - DiagnosticRenderer.displayWidth(c))
                // Numbers right-aligned, text left-aligned.
                line += (i >= 3 ? pad + c : c + pad) + (i == r.count - 1 ? "" : "  ")
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += "  " + line + "\n"
        }
        return out
    }
}
