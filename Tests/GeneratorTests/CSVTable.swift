import Foundation

/// A small RFC 4180 reader for checking generated files (tests only; the real reader is Records).
struct CSVTable {
    var header: [String]
    var rows: [[String]]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: data, as: UTF8.self)
        var records: [[String]] = []
        var field = "", record: [String] = []
        var inQuotes = false, afterQuote = false
        for ch in text.unicodeScalars {
            if inQuotes {
                if ch == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    field.unicodeScalars.append(ch)
                }
                continue
            }
            switch ch {
            case "\"":
                if afterQuote { field.append("\"") }
                inQuotes = true
                afterQuote = false
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\n":
                record.append(field)
                records.append(record)
                field = ""
                record = []
                afterQuote = false
            default:
                field.unicodeScalars.append(ch)
                afterQuote = false
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    /// The values of one named column, row by row.
    func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }

    /// Rows as dictionaries keyed by header name.
    var records: [[String: String]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
