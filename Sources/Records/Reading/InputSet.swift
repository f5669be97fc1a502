import Foundation

/// A month's record files, each named as the clerk knows it and read from a path on disk or
/// from bytes held in memory (a stored run's inputs, a test's records, the adjustments of
/// accepted objections): `MonthValidator`, `SourceValidator`, `RosterReader` and
/// `TableReader.readAhead` read them alike, and every problem names the file by `path`
/// (`2020-12/值班.csv:12`), wherever its bytes came from.
///
/// ```swift
/// let folder = InputSet.folder("samples/2020-12")                  // files on disk
/// let stored = InputSet(folder: "2020-12", files: [.init(path: "2020-12/值班.csv", bytes: bytes)])
/// let check = MonthValidator(month: m).validate(inputs: stored)
/// ```
public struct InputSet: Sendable {
    /// One file of the set.
    public struct File: Sendable, Hashable {
        public enum Content: Sendable, Hashable {
            /// Read from this path when validated.
            case disk
            /// Held in memory; `path` only names it.
            case bytes([UInt8])
        }

        /// The file's path on disk, or for a file held in memory the path it is known by
        /// (`2020-12/值班.csv`): what diagnostics, reports and rejected rows cite.
        public var path: String
        public var content: Content

        /// A file on disk.
        public init(path: String) {
            self.path = path
            self.content = .disk
        }

        /// A file held in memory, named `path` (its extension gives the format).
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.content = .bytes(bytes)
        }

        /// The file's name (`值班.csv`).
        public var name: String { FileName.of(path) }

        /// Its size in bytes (0 when a file on disk cannot be read).
        public var byteCount: Int {
            switch content {
            case .disk: (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            case .bytes(let b): b.count
            }
        }

        /// The bytes held in memory; nil for a file on disk.
        public var bytes: [UInt8]? {
            if case .bytes(let b) = content { return b }
            return nil
        }
    }

    /// Where the set came from (the month folder, or the month of a stored run), for
    /// problems of the set as a whole (a source with no file).
    public var folder: String
    /// The files, in name order as a folder lists them.
    public var files: [File]

    public init(folder: String, files: [File]) {
        self.folder = folder
        self.files = files
    }

    /// The files of a folder on disk (not its subfolders), in name order; none when the
    /// folder cannot be read. A subfolder named like a table (`duty.csv/`) is listed: it
    /// stands where the source's file should be, and reading it is refused (D0002) rather
    /// than the month going on as if the source had no records.
    public static func folder(_ folder: String) -> InputSet {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var files: [File] = []
        for name in names {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                let lower = name.lowercased()
                guard lower.hasSuffix(".csv") || lower.hasSuffix(".xlsx") else { continue }
            }
            files.append(File(path: path))
        }
        return InputSet(folder: folder, files: files)
    }
}

extension TableReader {
    /// Reads a file of an input set, from disk or from memory, exactly as `read(path:)`.
    static func read(file: InputSet.File, sheetCandidates: [String] = [], sheetHeader: SheetHeaderTest? = nil,
                     _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        switch file.content {
        case .disk:
            return try read(path: file.path, sheetCandidates: sheetCandidates, sheetHeader: sheetHeader, body)
        case .bytes(let bytes):
            let result: Result<TableFile, ReadError> = bytes.withUnsafeBytes { buffer in
                do throws(ReadError) {
                    return .success(try read(bytes: buffer, name: file.path, sheetCandidates: sheetCandidates, sheetHeader: sheetHeader,
                                             chunkSize: CSVReader.defaultChunkSize, body))
                } catch {
                    return .failure(error)
                }
            }
            return try result.get()
        }
    }
}
