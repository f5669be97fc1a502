import Foundation
import CSupport
import Glibc
@testable import Records

/// Temporary files for reader tests, each test in a folder of its own.
enum ReadingFixtures {
    static func directory(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("jifen-reading-\(safe)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @discardableResult
    static func write(_ bytes: [UInt8], name: String, in dir: URL) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    /// The text encoded in GB18030 by glibc's iconv.
    static func gb18030(_ text: String) -> [UInt8] {
        let cd = iconv_open("GB18030", "UTF-8")!
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let produced = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                precondition(r != -1 && inLeft == 0, "iconv failed")
                return outBuf.count - outLeft
            }
        }
        return Array(output[..<produced])
    }

    /// Reads a file with a given CSV chunk size, as lines and fields.
    static func rows(_ path: String, chunkSize: Int = CSVReader.defaultChunkSize,
                     sheets: [String] = []) throws(ReadError) -> (TableFile, [Row]) {
        let (file, rows) = try TableReader.readAll(path: path, sheetCandidates: sheets, chunkSize: chunkSize)
        return (file, rows.map { Row($0.line, $0.fields) })
    }

    struct Row: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [String]
        init(_ line: Int, _ fields: [String]) {
            self.line = line
            self.fields = fields
        }
        var description: String { "\(line):\(fields)" }
    }
}

/// Writes a zip of stored (uncompressed) entries by hand, to make xlsx files with exactly
/// the XML a test needs.
struct StoredZip {
    private var entries: [(name: String, data: [UInt8])] = []

    mutating func add(_ name: String, _ text: String) {
        entries.append((name, Array(text.utf8)))
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            let crc = Self.crc32(data)
            let nameBytes = Array(name.utf8)
            func header(_ sig: UInt32, central: Bool) -> [UInt8] {
                var h: [UInt8] = []
                h += le32(sig)
                if central { h += le16(20) }
                h += le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
                h += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
                h += le16(UInt16(nameBytes.count)) + le16(0)
                if central { h += le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) }
                return h + nameBytes
            }
            out += header(0x0403_4B50, central: false) + data
            central += header(0x0201_4B50, central: true)
        }
        let cdOffset = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(central.count)) + le32(UInt32(cdOffset)) + le16(0)
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in data {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}

func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

/// The smallest workbook around one sheet part, with optional shared strings.
enum MinimalWorkbook {
    static func zip(sheet: String, sharedStrings: String? = nil, workbook: String? = nil,
                    rels: String? = nil, sheetPath: String = "xl/worksheets/sheet1.xml") -> [UInt8] {
        var z = StoredZip()
        z.add("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        z.add("_rels/.rels", #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
        z.add("xl/workbook.xml", workbook ?? #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        z.add("xl/_rels/workbook.xml.rels", rels ?? #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#)
        z.add(sheetPath, sheet)
        if let sharedStrings { z.add("xl/sharedStrings.xml", sharedStrings) }
        return z.bytes()
    }
}

/// Writes a zip of deflated entries, each given as pieces repeated many times, so that a test
/// can build a zip bomb (hundreds of megabytes that deflate to a few hundred kilobytes)
/// without holding it in memory. `declaredSize` makes an entry's headers lie about its
/// uncompressed size.
struct DeflatedZip {
    struct Piece {
        var bytes: [UInt8]
        var times: Int
    }

    private var out: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    mutating func add(_ name: String, _ text: String) {
        add(name, [Piece(bytes: Array(text.utf8), times: 1)])
    }

    mutating func add(_ name: String, _ pieces: [Piece], declaredSize: UInt32? = nil) {
        var stream = z_stream()
        precondition(jifen_deflate_init_raw(&stream, 9) == Z_OK)
        defer { deflateEnd(&stream) }
        var compressed: [UInt8] = []
        var crc: UInt32 = 0
        var size = 0
        let outCapacity = 1 << 16
        var outBuffer = [UInt8](repeating: 0, count: outCapacity)
        func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) {
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            repeat {
                let status = outBuffer.withUnsafeMutableBufferPointer { o -> Int32 in
                    stream.next_out = o.baseAddress
                    stream.avail_out = UInt32(outCapacity)
                    return deflate(&stream, flush)
                }
                compressed += outBuffer[0..<(outCapacity - Int(stream.avail_out))]
                if status == Z_STREAM_END { break }
            } while stream.avail_out == 0 || (flush == Z_FINISH)
        }
        for piece in pieces {
            // Repeat the piece up to about a megabyte, then feed that block as often as needed.
            let per = max(1, (1 << 20) / max(1, piece.bytes.count))
            var block: [UInt8] = []
            for _ in 0..<min(per, piece.times) { block += piece.bytes }
            var left = piece.times
            while left > 0 {
                let n = min(left, per)
                block.withUnsafeBufferPointer { b in
                    let slice = UnsafeBufferPointer(rebasing: b[0..<(n * piece.bytes.count)])
                    crc = slice.isEmpty ? crc : UInt32(crc32(uLong(crc), slice.baseAddress!, uInt(slice.count)))
                    size += slice.count
                    run(slice, flush: Z_NO_FLUSH)
                }
                left -= n
            }
        }
        let empty: [UInt8] = [0]
        empty.withUnsafeBufferPointer { run(UnsafeBufferPointer(rebasing: $0[0..<0]), flush: Z_FINISH) }

        let offset = out.count
        let nameBytes = Array(name.utf8)
        let declared = declaredSize ?? UInt32(size)
        func header(_ sig: UInt32, central: Bool) -> [UInt8] {
            var h: [UInt8] = le32(sig)
            if central { h += le16(20) }
            h += le16(20) + le16(0) + le16(8) + le16(0) + le16(0x21)
            h += le32(crc) + le32(UInt32(compressed.count)) + le32(declared)
            h += le16(UInt16(nameBytes.count)) + le16(0)
            if central { h += le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) }
            return h + nameBytes
        }
        out += header(0x0403_4B50, central: false) + compressed
        central += header(0x0201_4B50, central: true)
        count += 1
    }

    func bytes() -> [UInt8] {
        var z = out
        let cdOffset = z.count
        z += central
        z += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
        z += le32(UInt32(central.count)) + le32(UInt32(cdOffset)) + le16(0)
        return z
    }

    /// The parts of a one-sheet workbook, for a bomb to be added to.
    static func workbook() -> DeflatedZip {
        var z = DeflatedZip()
        z.add("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        z.add("_rels/.rels", #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)
        z.add("xl/workbook.xml", #"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="培训" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        z.add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#)
        return z
    }
}

extension DeflatedZip.Piece {
    static func text(_ s: String, times: Int = 1) -> Self { Self(bytes: Array(s.utf8), times: times) }
}
