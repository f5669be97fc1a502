import Exact

/// Rows of a source given as typed values rather than read from a file: the adjustments of
/// accepted objections, which the store holds as records, reach the validator and the scorer
/// this way (`SourceValidator.validate(rows:sink:)`), with no file written or parsed.
///
/// Each row is checked exactly as a file's row (the cadre in the roster, the date in the
/// month, duplicates, an adjustment's reason and value): every value is put in its cell as a
/// clerk would type it and the same row checks run. Rows are cited by `name` and their
/// line, the first row being line 2 (line 1 is the header a file of them would have).
///
/// ```swift
/// var row = TypedRows.Row()
/// row["工号"] = .text("FM-001")
/// row["分值"] = .number(Fixed(2))
/// let rows = TypedRows(name: "申诉调整.csv", rows: [row])
/// ```
public struct TypedRows: Sendable, Hashable {
    /// A value of one field.
    public enum Value: Sendable, Hashable {
        case text(String)
        case number(Fixed)
        case money(Money)
        case date(CivilDate)

        /// The value as a clerk would type it in its cell (`2.5`, `120.00`, `2020-12-31`).
        public var cellText: String {
            switch self {
            case .text(let s): s
            case .number(let f): f.shortDescription
            case .money(let m): m.fixed.description
            case .date(let d): d.description
            }
        }
    }

    /// One row: values by field name; a field without a value is blank.
    public struct Row: Sendable, Hashable {
        public var values: [String: Value]

        public init(_ values: [String: Value] = [:]) {
            self.values = values
        }

        public subscript(field: String) -> Value? {
            get { values[field] }
            set { values[field] = newValue }
        }
    }

    /// The name the rows are cited by (`申诉调整.csv:2`) and accounted for under in the
    /// reconciliation.
    public var name: String
    public var rows: [Row]
    /// How the rows are kept with the run, for the reconciliation's format and size columns:
    /// their canonical serialization (a CSV in the source's columns, UTF-8).
    public var format: TableFormat
    public var byteCount: Int

    public init(name: String, rows: [Row], format: TableFormat = .csv(.utf8), byteCount: Int = 0) {
        self.name = name
        self.rows = rows
        self.format = format
        self.byteCount = byteCount
    }

    /// The rows' cells in `schema`'s field order.
    func cells(_ row: Row, _ schema: SourceSchema) -> [String] {
        schema.fields.map { row.values[$0.name]?.cellText ?? "" }
    }
}

extension TypedRows {
    /// Rows kept as their canonical serialization (a CSV whose first line names the fields)
    /// read back, every value as text: what `batch preview` scores when it repeats a run.
    public static func read(stored bytes: [UInt8], name: String) throws(ReadError) -> TypedRows {
        var header: [String]? = nil
        var rows: [Row] = []
        var file: TableFile? = nil
        var failure: ReadError? = nil
        bytes.withUnsafeBytes { b in
            do throws(ReadError) {
                file = try TableReader.read(bytes: b, name: name) { row in
                    let cells = row.strings
                    guard let names = header else {
                        header = cells
                        return
                    }
                    var out = Row()
                    for (i, cell) in cells.enumerated() where i < names.count && !cell.isEmpty { out[names[i]] = .text(cell) }
                    rows.append(out)
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return TypedRows(name: name, rows: rows, format: file?.format ?? .csv(.utf8), byteCount: bytes.count)
    }
}
