/// Reads one CSV or xlsx file into rows of raw fields, knowing nothing of schemas.
///
/// ```swift
/// let file = try TableReader.read(path: "2020-12/duty.csv") { row in
///     if row.isBlank { return }
///     let id = row.string(0)   // or row.bytes(0) to avoid allocating
/// }
/// print(file.format, file.rowCount)   // csv(GB18030) 1234
/// ```
public enum TableReader {
    /// Reads a .csv or .xlsx file (by extension, case-insensitive), calling `body` for every
    /// row in order, including the header row and blank rows, so that the caller can account
    /// for every row. For xlsx, hidden sheets are never read; of the visible ones the sheet is
    /// the first named as one of `sheetCandidates`, else the first whose first rows hold a
    /// header `sheetHeader` accepts, else the first. Rows absent from an xlsx sheet are not
    /// delivered, but `RawRow.line` is always the real sheet row number.
    ///
    /// Rows stream as the file is read, so an error (a bad byte on line 90 000, a failed
    /// checksum at the end of a sheet) can come after rows were delivered: when `read` throws,
    /// treat the whole file as unread.
    public static func read(path: String, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                            _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        try read(path: path, sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, chunkSize: CSVReader.defaultChunkSize, body)
    }

    /// `read` with the CSV chunk size and record limit exposed, so tests can make records
    /// straddle chunk boundaries.
    static func read(path: String, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil, chunkSize: Int,
                     maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes,
                     _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        switch Self.fileExtension(path) {
        case "csv":
            let reader = try CSVReader(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
            return try reader.run(body)
        case "xlsx", "xlsm":
            return try XLSXReader(path: path).read(sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, body)
        case "xls":
            _ = try FileInput(path: path)
            throw .legacyExcelFormat(path: path)
        case let ext:
            throw .unsupportedFileType(path: path, extension: ext.isEmpty ? "" : "." + ext)
        }
    }

    /// Reads a table held in memory, exactly as `read(path:)` reads a file: `name` gives the
    /// format by its extension and names the table in errors. For uploads and the fuzz
    /// targets, which need no file on disk.
    public static func read(bytes: UnsafeRawBufferPointer, name: String, sheetCandidates: [String] = [],
                            _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        try read(bytes: bytes, name: name, sheetCandidates: sheetCandidates, chunkSize: CSVReader.defaultChunkSize, body)
    }

    /// `read(bytes:)` with the CSV chunk size chosen, so that the CSV fuzz target can check
    /// that chunk boundaries change nothing.
    @_spi(Fuzzing)
    public static func read(bytes: UnsafeRawBufferPointer, name: String, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                            chunkSize: Int, _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        switch Self.fileExtension(name) {
        case "csv":
            return try CSVReader(input: FileInput(path: name, bytes: bytes), chunkSize: chunkSize).run(body)
        case "xlsx", "xlsm":
            return try XLSXReader(path: name, bytes: bytes).read(sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, body)
        case "xls":
            throw .legacyExcelFormat(path: name)
        case let ext:
            throw .unsupportedFileType(path: name, extension: ext.isEmpty ? "" : "." + ext)
        }
    }

    /// Reads a whole file into memory as strings: for tests and small files.
    public static func readAll(path: String, sheetCandidates: [String] = []) throws(ReadError) -> (TableFile, [TableRow]) {
        try readAll(path: path, sheetCandidates: sheetCandidates, chunkSize: CSVReader.defaultChunkSize)
    }

    static func readAll(path: String, sheetCandidates: [String] = [], chunkSize: Int,
                        maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) throws(ReadError) -> (TableFile, [TableRow]) {
        var rows: [TableRow] = []
        let file = try read(path: path, sheetCandidates: sheetCandidates, chunkSize: chunkSize,
                            maxRecordBytes: maxRecordBytes) { row in
            rows.append(TableRow(line: row.line, fields: row.strings, kinds: row.cellKinds))
        }
        return (file, rows)
    }

    /// The lowercased extension after the last dot of the file name, or "".
    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
