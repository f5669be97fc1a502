// TEMPORARY: a minimal stand-in for the streaming readers being written on the `readers`
// branch, so the typed layer can be compiled and tested meanwhile. Deleted at the merge.
import Diagnostics
import Foundation

public struct TableFile: Sendable, Hashable {
    public let path: String
    public let format: TableFormat
    public let rowCount: Int
    public let byteCount: Int
}

public struct RawRow {
    public var line: Int
    var fields: [[UInt8]]
    public var count: Int { fields.count }
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i < fields.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        return fields[i].withUnsafeBufferPointer { UnsafeBufferPointer(start: $0.baseAddress, count: $0.count) }
    }
    public func kind(_ i: Int) -> CellKind { i < fields.count && !fields[i].isEmpty ? .text : .empty }
    public func string(_ i: Int) -> String { i < fields.count ? String(decoding: fields[i], as: UTF8.self) : "" }
    public var isBlank: Bool { fields.allSatisfy { $0.allSatisfy { $0 == 32 } } }
    public func cellReference(_ i: Int) -> String? { nil }
}

public enum ReadError: Error, Sendable, Hashable {
    case cannotOpen(path: String, reason: String)
    public var diagnostic: Diagnostic {
        switch self {
        case .cannotOpen(let p, let r):
            Diagnostic(.error, code: "D0001", at: .file(path: p), summary: Localized(zh: "无法读取文件：\(r)", en: "cannot read the file: \(r)"))
        }
    }
}

public enum TableReader {
    public static func read(path: String, sheetCandidates: [String] = [], _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path, reason: "missing") }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var line = 1, rows = 0, i = 0
        while i < bytes.count {
            var fields: [[UInt8]] = [], field: [UInt8] = [], quoted = false, startLine = line
            startLine = line
            while i < bytes.count {
                let b = bytes[i]
                if quoted {
                    if b == 34 { if i + 1 < bytes.count, bytes[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false } }
                    else { if b == 10 { line += 1 }; field.append(b) }
                } else if b == 34 { quoted = true }
                else if b == 44 { fields.append(field); field = [] }
                else if b == 10 { line += 1; i += 1; break }
                else if b != 13 { field.append(b) }
                i += 1
            }
            fields.append(field)
            body(RawRow(line: startLine, fields: fields))
            rows += 1
        }
        return TableFile(path: path, format: .csv(.utf8), rowCount: rows, byteCount: bytes.count)
    }
}
