import Diagnostics

// The contract between the file readers (CSV, xlsx) and the typed record layer.
//
// A reader turns one file into rows of raw fields: UTF-8 bytes, unquoted and unescaped,
// with the place each row came from. It knows nothing of schemas; the typed layer
// (Records/Schema, Records/Validation) decides what the fields mean.

/// The text encoding a CSV file was read in; stated in the reconciliation.
public enum TextEncoding: String, Sendable, Hashable, Codable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 (BOM)"
    case gb18030 = "GB18030"
}

/// Whether a row of cells is the header of the table a caller wants: how the xlsx reader
/// finds the data sheet of a workbook whose sheets have other names (`Sheet1`, a clerk's
/// own name). Called on the reading thread.
public typealias SheetHeaderTest = @Sendable ([String]) -> Bool

/// How a table was stored.
public enum TableFormat: Sendable, Hashable {
    case csv(TextEncoding)
    case xlsx(sheet: String)
}

/// The type a spreadsheet gave a cell. CSV fields are always `.text`.
public enum CellKind: UInt8, Sendable, Hashable {
    case empty
    case text
    /// A number, rendered in `bytes` as exact decimal text (`44166`, `0.375`, `-12.5`).
    case number
    /// A boolean, rendered as `TRUE` or `FALSE`.
    case boolean
    /// A formula error such as `#N/A`, rendered as written.
    case error
    /// A formula whose value was never calculated (no cached value in the workbook),
    /// rendered as `=` and the formula's text. It has no value: the validator rejects it
    /// (D0117) rather than read it as empty.
    case uncalculated
}

/// What reading one table file found: where it was, how it was stored, and how much of it
/// there was, for the reconciliation (`rows read = accepted + rejected`).
public struct TableFile: Sendable, Hashable {
    public let path: String
    public let format: TableFormat
    /// Rows delivered to the callback, header and blank rows included.
    public let rowCount: Int
    /// Size of the file on disk in bytes.
    public let byteCount: Int
    /// The CSV field separator that was used (`,` or a tab); `nil` for xlsx.
    public let delimiter: Character?
    /// xlsx: other visible sheets that hold a header the caller's `sheetHeader` test accepts
    /// and rows below it, which were not read (only one sheet is a file's table).
    public var unreadSheets: [UnreadSheet] = []
    /// xlsx: the workbook counts dates in the 1904 date system (`<workbookPr date1904="1"/>`);
    /// its rows said so as they came (`RawRow.date1904`).
    public var date1904 = false
    /// xlsx: the non-blank rows of the sheet read that are hidden (`<row hidden="1">`, also
    /// rows a filter hides), as runs of consecutive sheet row numbers. They were read like
    /// any row: a clerk who hides a cancelled shift still has it counted.
    public var hiddenRows: [ClosedRange<Int>] = []
    /// xlsx: the sheet's merged cells (`<mergeCell ref="A2:A4"/>`), at most
    /// `MergedRange.limit` of them. Only the first cell of a merged range holds its value.
    public var mergedRanges: [MergedRange] = []
    /// xlsx: the columns of the sheet read that are hidden (`<col hidden="1">`), 0-based as
    /// a row's fields, as runs. Their cells are read like any: a value a clerk cannot see
    /// still counts.
    public var hiddenColumns: [ClosedRange<Int>] = []

    /// A range of merged cells: sheet rows (1-based, as `RawRow.line`) and columns (0-based,
    /// as a row's fields).
    public struct MergedRange: Sendable, Hashable {
        public var rows: ClosedRange<Int>
        public var columns: ClosedRange<Int>
        /// The most kept per sheet: each is a few bytes of XML, and a sheet may be large.
        public static let limit = 1_000

        public init(rows: ClosedRange<Int>, columns: ClosedRange<Int>) {
            self.rows = rows
            self.columns = columns
        }

        /// `A2:A4`, as Excel writes it.
        public var reference: String {
            CellReference.reference(row: rows.lowerBound - 1, column: columns.lowerBound) + ":"
                + CellReference.reference(row: rows.upperBound - 1, column: columns.upperBound)
        }
    }

    /// A visible sheet that looks like the table too: its name and its non-blank rows below
    /// the header.
    public struct UnreadSheet: Sendable, Hashable {
        public var name: String
        public var rows: Int
    }

    public init(path: String, format: TableFormat, rowCount: Int, byteCount: Int, delimiter: Character? = nil) {
        self.path = path
        self.format = format
        self.rowCount = rowCount
        self.byteCount = byteCount
        self.delimiter = delimiter
    }
}

/// One row copied out as strings, for tests and small files (`TableReader.readAll`).
public struct TableRow: Sendable, Hashable {
    /// CSV: the 1-based physical line where the record starts; xlsx: the sheet row number.
    public let line: Int
    public let fields: [String]
    public let kinds: [CellKind]

    public init(line: Int, fields: [String], kinds: [CellKind]) {
        self.line = line
        self.fields = fields
        self.kinds = kinds
    }
}
