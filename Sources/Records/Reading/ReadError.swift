/// Why a table file could not be read; each case holds the facts, and `diagnostic` words them.
///
/// Offsets are byte offsets: into the file for CSV, into the uncompressed part for xlsx.
public enum ReadError: Error, Sendable, Hashable {
    /// D0001: no file at the path.
    case fileNotFound(path: String)
    /// D0002: the file exists but could not be opened or read (permissions, a folder, I/O).
    case unreadable(path: String, reason: String)
    /// D0002 too: the path names no regular file (a folder named `duty.csv`, a named pipe,
    /// a device): refused before it is opened for reading, which would wait forever on a pipe.
    case notAFile(path: String, kind: NonFileKind)
    /// D0003: the extension is neither `.csv` nor `.xlsx`.
    case unsupportedFileType(path: String, extension: String)
    /// D0004: an Excel 97–2003 `.xls` workbook.
    case legacyExcelFormat(path: String)
    /// D0005: a file named `.csv` that is really an xlsx workbook (a zip archive).
    case misnamedWorkbook(path: String)
    /// D0006: a CSV in an encoding jifen does not read (UTF-16, saved as "Unicode text").
    case unsupportedEncoding(path: String, encoding: String)
    /// D0006 too: UTF-16 without a byte-order mark, told by its zero bytes (every ASCII
    /// character has one): otherwise read as UTF-8 or GB18030 and refused far down the file.
    case utf16WithoutBOM(path: String, bigEndian: Bool)
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
    // D0020–D0027 are the validator's (RecordProblem); the reader's limits go on from D0028.
    /// D0028: a workbook part is larger uncompressed than `limit` bytes: `size` as its zip
    /// header declares, or as many bytes inflated when the header understated it.
    case partTooLarge(path: String, part: String, size: Int, limit: Int)
    /// D0029: a workbook part inflates to more than `ratio` times its compressed size (a
    /// "zip bomb"): `inflated` bytes declared or produced from `compressed`.
    case compressionRatio(path: String, part: String, compressed: Int, inflated: Int, ratio: Int)
    /// D0030: an xlsx cell, or a shared string, holds more than 32,767 characters (Excel's
    /// limit); `excerpt` is its start and length.
    case cellTooLong(path: String, place: XLSXPlace, excerpt: String)
    /// D0031: a CSV field holds more than 32,767 characters; `quoted` when it opened with a
    /// quote, which is then usually unbalanced.
    case fieldTooLong(path: String, line: Int, column: Int, quoted: Bool, excerpt: String)
    /// D0032: a sheet's rows, with shared strings filled in, come to more than `ratio` times
    /// the compressed size of the sheet and its shared strings: one long string repeated in
    /// very many cells.
    case expansionTooLarge(path: String, sheet: String, row: Int, bytes: Int, compressed: Int, ratio: Int)
    /// D0033: a CSV record has more than 16,384 fields (Excel's column limit).
    case tooManyFields(path: String, line: Int, limit: Int)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let p), .unreadable(let p, _), .notAFile(let p, _), .unsupportedFileType(let p, _),
            .legacyExcelFormat(let p), .misnamedWorkbook(let p), .unsupportedEncoding(let p, _), .utf16WithoutBOM(let p, _),
            .invalidUTF8(let p, _, _, _), .invalidGB18030(let p, _, _, _),
            .converterUnavailable(let p, _), .unterminatedQuote(let p, _), .recordTooLong(let p, _, _),
            .notZip(let p), .corruptPart(let p, _, _), .missingPart(let p, _), .noSheets(let p),
            .malformedXML(let p, _, _, _), .badSharedString(let p, _, _, _),
            .tooManyColumns(let p, _, _, _), .protectedWorkbook(let p), .partTooLarge(let p, _, _, _),
            .compressionRatio(let p, _, _, _, _), .cellTooLong(let p, _, _), .fieldTooLong(let p, _, _, _, _),
            .expansionTooLarge(let p, _, _, _, _, _), .tooManyFields(let p, _, _):
            p
        }
    }
}

/// What a path that is no regular file is instead.
public enum NonFileKind: String, Sendable, Hashable {
    case folder, pipe, device, socket, other
}

/// Where in a workbook an over-long value is: a cell of a sheet, or an item of the shared
/// strings (read before the sheet, so the cells that use it are not known yet).
public enum XLSXPlace: Sendable, Hashable {
    case cell(sheet: String, reference: String)
    /// `index` is 0-based, as cells refer to it.
    case sharedString(part: String, index: Int)
}
