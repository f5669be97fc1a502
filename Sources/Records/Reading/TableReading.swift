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
}
