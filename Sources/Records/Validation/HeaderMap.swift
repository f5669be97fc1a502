import Foundation
import Exact

/// Which column of a file holds which field of a schema.
struct HeaderMap {
    /// For each schema field, the 0-based column index, or nil when absent.
    var columnOfField: [Int?]
    /// Header names by column index, as written (trimmed).
    var names: [String]
    /// Columns the schema does not know, with their names.
    var unused: [(column: Int, name: String)]
    /// Columns made by formula (`姓名（自动）`, see `SourceSchema.isDerivedColumn`): not read.
    var derived: [Int]
    var duplicates: [(column: Int, name: String, first: Int)]
    /// Whether every required field has a column. Without one (D0024) rows cannot be told
    /// apart by what they are missing: they are not compared as whole rows (D0205).
    var isComplete = true

    /// How a header cell is compared with field names: full-width folded, case-folded,
    /// without a leading required-mark `*` and without a trailing unit in brackets
    /// (`学时（小时）`, `金额(元)`).
    static func normalize(_ s: String) -> String {
        var t = TextNormalizer.normalize(s).trimmingSpaces
        while t.hasPrefix("*") { t = String(t.dropFirst()).trimmingSpaces }
        if t.hasSuffix(")"), let open = t.lastIndex(of: "("), open != t.startIndex {
            t = String(t[..<open]).trimmingSpaces
        }
        return t.lowercased().replacingOccurrences(of: " ", with: "")
    }

    static func lookup(_ schema: SourceSchema) -> [String: Int] {
        var map: [String: Int] = [:]
        for (i, f) in schema.fields.enumerated() {
            for name in [f.name] + f.aliases { map[normalize(name)] = i }
        }
        return map
    }

    /// How many of the schema's field names a row holds; used to find the header row
    /// below any title rows.
    static func score(_ cells: [String], lookup: [String: Int]) -> Int {
        Set(cells.compactMap { lookup[normalize($0)] }).count
    }

    init(cells: [String], schema: SourceSchema, lookup: [String: Int]) {
        columnOfField = Array(repeating: nil, count: schema.fields.count)
        names = cells.map { $0.trimmingSpaces }
        unused = []
        derived = []
        duplicates = []
        for (column, raw) in cells.enumerated() {
            let name = raw.trimmingSpaces
            if name.isEmpty { continue }
            if SourceSchema.isDerivedColumn(name) {
                derived.append(column)
                continue
            }
            guard let field = lookup[Self.normalize(name)] else {
                unused.append((column, name))
                continue
            }
            if let first = columnOfField[field] {
                duplicates.append((column, name, first))
            } else {
                columnOfField[field] = column
            }
        }
        isComplete = !schema.fields.indices.contains { schema.fields[$0].isRequired && columnOfField[$0] == nil }
    }
}

extension SourceSchema {
    /// The field a header cell names, compared as the validator compares (full-width folded,
    /// case-folded, a leading `*` and a trailing unit in brackets ignored); nil for a column
    /// the schema does not know or a derived one.
    public func field(forHeader header: String) -> FieldSpec? {
        guard !SourceSchema.isDerivedColumn(header) else { return nil }
        return HeaderMap.lookup(self)[HeaderMap.normalize(header)].map { fields[$0] }
    }
}
