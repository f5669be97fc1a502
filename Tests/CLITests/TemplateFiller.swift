import Foundation
import TestSupport
import ZIPFoundation

/// A data-entry template filled in as a clerk fills it in a spreadsheet: values typed into the
/// data sheet's rows below the header (text as strings, dates and times as the serial numbers
/// a spreadsheet stores), the 姓名 formulas kept, each with the name it shows.
struct TemplateFiller {
    enum Value: Hashable, Sendable {
        case text(String)
        /// A number cell, as its stored text (`44200`, `0.375`).
        case number(String)
    }

    let path: String
    let file: XlsxFile
    /// Header names as written, without the required mark `*`.
    let headers: [String]
    /// Which headers carry the required mark.
    let required: Set<String>
    var sheet: XlsxFile.Sheet { file.sheets[0] }

    init(_ path: String) throws {
        self.path = path
        file = try XlsxFile(path: path)
        let written = file.sheets[0].rows[0].map(\.value)
        headers = written.map { $0.hasPrefix("*") ? String($0.dropFirst()) : $0 }
        required = Set(written.filter { $0.hasPrefix("*") }.map { String($0.dropFirst()) })
    }

    func column(_ header: String) -> Int? { headers.firstIndex(of: header) }

    func validation(_ header: String) -> XlsxFile.Validation? { column(header).flatMap { sheet.validation(column: $0) } }

    /// The values a list validation offers: inline, or the cells of the list sheet it names.
    func listValues(_ v: XlsxFile.Validation) -> [String] {
        guard let f = v.formula1 else { return [] }
        if f.hasPrefix("\"") { return f.dropFirst().dropLast().split(separator: ",").map(String.init) }
        let parts = f.split(separator: "!")
        guard parts.count == 2, let list = file.sheet(String(parts[0].dropFirst().dropLast())) else { return [] }
        let refs = parts[1].replacingOccurrences(of: "$", with: "").split(separator: ":").map { XlsxFile.position(String($0)) }
        return list.cells.filter { $0.col == refs[0].1 && $0.row >= refs[0].0 && $0.row <= refs[1].0 }.map(\.value)
    }

    /// Whether a list validation draws on the list sheet's 工号 column.
    func isCadreList(_ v: XlsxFile.Validation) -> Bool { v.type == "list" && (v.formula1 ?? "").contains("!$A$") }

    /// Writes a copy with `rows` (values by header) from row 2 down; `names` gives the name the
    /// 姓名 formula shows for a 工号.
    func write(rows: [[String: Value]], names: [String: String], to out: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var parts: [(String, Data)] = []
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            parts.append((entry.path, data))
        }
        guard let i = parts.firstIndex(where: { $0.0 == "xl/worksheets/sheet1.xml" }) else { throw CocoaError(.fileReadCorruptFile) }
        parts[i].1 = Data(try filled(String(decoding: parts[i].1, as: UTF8.self), rows: rows, names: names).utf8)
        try? FileManager.default.removeItem(atPath: out)
        let target = try Archive(url: URL(fileURLWithPath: out), accessMode: .create)
        for (name, data) in parts {
            try target.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    private func filled(_ xml: String, rows: [[String: Value]], names: [String: String]) throws -> String {
        // The style each column's cells take (`<col min max style>`).
        var styles: [Int: String] = [:]
        let colPattern = try NSRegularExpression(pattern: #"<col min="(\d+)" max="(\d+)"[^>]*?style="(\d+)""#)
        for m in colPattern.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)) {
            let g = { (n: Int) in String(xml[Range(m.range(at: n), in: xml)!]) }
            for c in Int(g(1))!...Int(g(2))! { styles[c - 1] = g(3) }
        }
        var out = xml
        let nameColumn = headers.firstIndex(of: "姓名（自动）")
        let idColumn = column("工号")
        for (k, values) in rows.enumerated() {
            let r = k + 2
            let rowPattern = try NSRegularExpression(pattern: #"<row r="\#(r)"[^>]*>.*?</row>"#, options: [.dotMatchesLineSeparators])
            let existing = rowPattern.firstMatch(in: out, range: NSRange(out.startIndex..., in: out)).map { Range($0.range, in: out)! }
            var cells = ""
            for (c, header) in headers.enumerated() {
                let ref = XlsxFile.columnName(c) + String(r)
                let style = styles[c].map { " s=\"\($0)\"" } ?? ""
                if c == nameColumn, let existing {
                    // Keep the formula; store the name it shows, as a spreadsheet does on saving.
                    let row = String(out[existing])
                    if let start = row.range(of: "<c r=\"\(ref)\""), let end = row.range(of: "</c>", range: start.upperBound..<row.endIndex) {
                        let id: String? = idColumn.flatMap { values[headers[$0]] }.flatMap { if case .text(let s) = $0 { s } else { nil } }
                        let shown = id.map { names[$0] ?? "不在名单" } ?? ""
                        cells += String(row[start.lowerBound..<end.upperBound]).replacingOccurrences(of: "<v></v>", with: "<v>\(Self.escaped(shown))</v>")
                    }
                    continue
                }
                switch values[header] {
                case .text(let s)?: cells += "<c r=\"\(ref)\"\(style) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Self.escaped(s))</t></is></c>"
                case .number(let n)?: cells += "<c r=\"\(ref)\"\(style)><v>\(n)</v></c>"
                case nil: break
                }
            }
            let row = "<row r=\"\(r)\">\(cells)</row>"
            if let existing { out.replaceSubrange(existing, with: row) } else { out = out.replacingOccurrences(of: "</sheetData>", with: row + "</sheetData>") }
        }
        return out
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
