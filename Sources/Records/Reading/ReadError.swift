/// Why a table file could not be read; each case holds the facts, and `diagnostic` words them.
///
/// Offsets are byte offsets: into the file for CSV, into the uncompressed part for xlsx.
public enum ReadError: Error, Sendable, Hashable {
    /// D0001: no file at the path.
    case fileNotFound(path: String)
    /// D0002: the file exists but could not be opened or read (permissions, a folder, I/O).
    case unreadable(path: String, reason: String)
    /// D0003: the extension is neither `.csv` nor `.xlsx`.
    case unsupportedFileType(path: String, extension: String)
    /// D0004: an Excel 97–2003 `.xls` workbook.
    case legacyExcelFormat(path: String)
    /// D0005: a file named `.csv` that is really an xlsx workbook (a zip archive).
    case misnamedWorkbook(path: String)
    /// D0006: a CSV in an encoding jifen does not read (UTF-16, saved as "Unicode text").
    case unsupportedEncoding(path: String, encoding: String)
    /// D0007: the file was read as UTF-8 but holds bytes that are not UTF-8.
    case invalidUTF8(path: String, line: Int, offset: Int, bytes: [UInt8])
    /// D0008: the file is neither UTF-8 nor valid GB18030.
    case invalidGB18030(path: String, line: Int, offset: Int, bytes: [UInt8])
    /// D0009: the system cannot convert GB18030 (iconv has no converter).
    case converterUnavailable(path: String, encoding: String)
    /// D0010: a quoted field opened on `line` never closes.
    case unterminatedQuote(path: String, line: Int)
    /// D0011: one record is longer than `limit` bytes (usually a stray quote).
    case recordTooLong(path: String, line: Int, limit: Int)
    /// D0012: an `.xlsx` file that is not a readable zip archive.
    case notZip(path: String)
    /// D0013: a part of the workbook could not be decompressed or fails its checksum.
    case corruptPart(path: String, part: String, reason: String)
    /// D0014: a part every workbook needs is missing.
    case missingPart(path: String, part: String)
    /// D0015: the workbook lists no sheets.
    case noSheets(path: String)
    /// D0016: a part is not well-formed XML.
    case malformedXML(path: String, part: String, offset: Int, reason: String)
    /// D0017: a cell refers to a shared string that does not exist.
    case badSharedString(path: String, sheet: String, reference: String, index: Int)
    /// D0018: a cell lies beyond column XFD (16 384), Excel's limit.
    case tooManyColumns(path: String, sheet: String, row: Int, column: Int)
    /// D0019: an `.xlsx` file that is an OLE compound file: password-protected, or an old
    /// `.xls` renamed.
    case protectedWorkbook(path: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let p), .unreadable(let p, _), .unsupportedFileType(let p, _),
            .legacyExcelFormat(let p), .misnamedWorkbook(let p), .unsupportedEncoding(let p, _),
            .invalidUTF8(let p, _, _, _), .invalidGB18030(let p, _, _, _),
            .converterUnavailable(let p, _), .unterminatedQuote(let p, _), .recordTooLong(let p, _, _),
            .notZip(let p), .corruptPart(let p, _, _), .missingPart(let p, _), .noSheets(let p),
            .malformedXML(let p, _, _, _), .badSharedString(let p, _, _, _),
            .tooManyColumns(let p, _, _, _), .protectedWorkbook(let p):
            p
        }
    }
}
