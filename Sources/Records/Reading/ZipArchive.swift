import CSupport
import Glibc

/// One file of a zip archive, as the central directory describes it.
struct ZipEntry {
    let name: String
    let method: UInt16
    let flags: UInt16
    let crc32: UInt32
    let compressedSize: Int
    /// As declared; inflating checks it.
    let uncompressedSize: Int
    let localHeaderOffset: Int
}

/// The entries of a zip archive (an xlsx workbook), read from its central directory, and
/// each entry inflated with zlib as a stream of chunks.
///
/// Written here rather than through ZIPFoundation so that nothing the archive says is
/// trusted before it is checked: every offset and size against the file, the declared
/// uncompressed size against `ReadLimits.maxPartBytes` and the compression ratio before a
/// byte is inflated, and the bytes actually inflated against all three as they come (headers
/// lie). Inflating reads exactly the entry's compressed bytes, so a truncated or endless
/// deflate stream is an error, never a hang.
struct ZipArchive {
    let input: FileInput
    var path: String { input.path }
    /// Entries in central-directory order; folders are left out.
    private(set) var entries: [ZipEntry] = []

    static let chunkSize = 1 << 18

    init(_ input: FileInput) throws(ReadError) {
        self.input = input
        let (count, directorySize, directoryOffset) = try Self.endOfCentralDirectory(input)
        guard directorySize <= input.size, directoryOffset <= input.size - directorySize else {
            throw .notZip(path: input.path)
        }
        let directory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, directorySize), alignment: 8)
        defer { directory.deallocate() }
        guard try input.peek(into: directory.baseAddress!, count: directorySize, at: directoryOffset) == directorySize else {
            throw .notZip(path: input.path)
        }
        let d = UnsafeRawBufferPointer(rebasing: directory[..<directorySize])
        var at = 0
        var n: UInt64 = 0
        while n < count {
            guard let e = Self.centralEntry(d, at: &at, fileSize: input.size) else { throw .notZip(path: input.path) }
            if !e.name.hasSuffix("/") { entries.append(e) }
            n += 1
        }
    }

    // MARK: - The central directory

    /// Entry count, size and offset of the central directory, from the end-of-central-
    /// directory record (and its ZIP64 form when a field is saturated).
    private static func endOfCentralDirectory(_ input: FileInput) throws(ReadError) -> (UInt64, Int, Int) {
        let size = input.size
        guard size >= 22 else { throw .notZip(path: input.path) }
        // The record is 22 bytes plus a comment of at most 65,535.
        let tailSize = min(size, 22 + 0xFFFF)
        let tail = UnsafeMutableRawBufferPointer.allocate(byteCount: tailSize, alignment: 8)
        defer { tail.deallocate() }
        guard try input.peek(into: tail.baseAddress!, count: tailSize, at: size - tailSize) == tailSize else {
            throw .notZip(path: input.path)
        }
        let t = UnsafeRawBufferPointer(tail)
        var i = tailSize - 22
        while i >= 0 && le32(t, i) != 0x0605_4B50 { i -= 1 }
        guard i >= 0 else { throw .notZip(path: input.path) }
        var count = UInt64(le16(t, i + 10))
        var directorySize = UInt64(le32(t, i + 12))
        var directoryOffset = UInt64(le32(t, i + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator 20 bytes before the record points at the ZIP64 record.
            let recordAt = size - tailSize + i
            let r = UnsafeMutableRawBufferPointer.allocate(byteCount: 56, alignment: 8)
            defer { r.deallocate() }
            let record = UnsafeRawBufferPointer(r)
            if recordAt >= 20, try input.peek(into: r.baseAddress!, count: 20, at: recordAt - 20) == 20,
                le32(record, 0) == 0x0706_4B50
            {
                let zip64At = le64(record, 8)
                guard zip64At <= UInt64(size), try input.peek(into: r.baseAddress!, count: 56, at: Int(zip64At)) == 56,
                    le32(record, 0) == 0x0606_4B50
                else { throw .notZip(path: input.path) }
                count = le64(record, 32)
                directorySize = le64(record, 40)
                directoryOffset = le64(record, 48)
            }
        }
        guard directorySize <= UInt64(size), directoryOffset <= UInt64(size) else { throw .notZip(path: input.path) }
        return (count, Int(directorySize), Int(directoryOffset))
    }

    /// The central-directory entry at `at`, advancing past it; nil when it is cut short or
    /// is not one.
    private static func centralEntry(_ d: UnsafeRawBufferPointer, at: inout Int, fileSize: Int) -> ZipEntry? {
        let i = at
        guard d.count - i >= 46, le32(d, i) == 0x0201_4B50 else { return nil }
        let nameLength = Int(le16(d, i + 28)), extraLength = Int(le16(d, i + 30)), commentLength = Int(le16(d, i + 32))
        let end = i + 46 + nameLength + extraLength + commentLength
        guard end <= d.count else { return nil }
        var compressed = UInt64(le32(d, i + 20)), uncompressed = UInt64(le32(d, i + 24))
        var offset = UInt64(le32(d, i + 42))
        // ZIP64 extended information: the saturated fields, in this order.
        var x = i + 46 + nameLength
        let extraEnd = x + extraLength
        while x + 4 <= extraEnd {
            let id = le16(d, x), size = Int(le16(d, x + 2))
            let body = x + 4
            guard body + size <= extraEnd else { break }
            if id == 0x0001 {
                var f = body
                func next() -> UInt64? {
                    guard f + 8 <= body + size else { return nil }
                    defer { f += 8 }
                    return le64(d, f)
                }
                if uncompressed == 0xFFFF_FFFF { uncompressed = next() ?? uncompressed }
                if compressed == 0xFFFF_FFFF { compressed = next() ?? compressed }
                if offset == 0xFFFF_FFFF { offset = next() ?? offset }
            }
            x = body + size
        }
        // Sizes beyond any file are kept saturated rather than trusted; inflating checks them.
        let cap = UInt64(Int.max / 2)
        at = end
        return ZipEntry(
            name: String(decoding: UnsafeRawBufferPointer(rebasing: d[(i + 46)..<(i + 46 + nameLength)]), as: UTF8.self),
            method: le16(d, i + 10), flags: le16(d, i + 8), crc32: le32(d, i + 16),
            compressedSize: Int(min(compressed, cap)), uncompressedSize: Int(min(uncompressed, cap)),
            localHeaderOffset: Int(min(offset, cap)))
    }

    // MARK: - Inflating

    /// Streams the entry's uncompressed bytes to `body` in chunks, within the limits of
    /// `ReadLimits`, and checks its size and CRC-32 at the end (after `body` saw the bytes).
    func extract(_ entry: ZipEntry, part: String,
                 _ body: (UnsafeRawBufferPointer) throws(ReadError) -> Void) throws(ReadError) {
        let path = self.path
        func corrupt(_ reason: String) -> ReadError { .corruptPart(path: path, part: part, reason: reason) }
        guard entry.flags & 1 == 0 else { throw corrupt("the part is encrypted") }

        // What the headers declare, checked before anything is inflated.
        if entry.uncompressedSize > ReadLimits.maxPartBytes {
            throw .partTooLarge(path: path, part: part, size: entry.uncompressedSize, limit: ReadLimits.maxPartBytes)
        }
        if Self.ratioExceeded(inflated: entry.uncompressedSize, compressed: entry.compressedSize) {
            throw .compressionRatio(path: path, part: part, compressed: entry.compressedSize,
                                    inflated: entry.uncompressedSize, ratio: ReadLimits.maxCompressionRatio)
        }

        // The local header gives where the data starts; the data must lie inside the file.
        let header = UnsafeMutableRawBufferPointer.allocate(byteCount: 30, alignment: 8)
        defer { header.deallocate() }
        let local = UnsafeRawBufferPointer(header)
        guard entry.localHeaderOffset <= input.size - 30,
            try input.peek(into: header.baseAddress!, count: 30, at: entry.localHeaderOffset) == 30,
            le32(local, 0) == 0x0403_4B50
        else { throw corrupt("no local header at offset \(entry.localHeaderOffset)") }
        let dataOffset = entry.localHeaderOffset + 30 + Int(le16(local, 26)) + Int(le16(local, 28))
        guard dataOffset <= input.size, entry.compressedSize <= input.size - dataOffset else {
            throw corrupt("the compressed data runs past the end of the file")
        }

        var crc: UInt32 = 0
        var inflated = 0
        /// Counts and checks each chunk as it is produced, then passes it on.
        func deliver(_ p: UnsafeRawPointer, _ n: Int) throws(ReadError) {
            inflated += n
            if inflated > entry.uncompressedSize {
                throw corrupt("inflates to more than the \(entry.uncompressedSize) bytes its header declares")
            }
            if inflated > ReadLimits.maxPartBytes {
                throw .partTooLarge(path: path, part: part, size: inflated, limit: ReadLimits.maxPartBytes)
            }
            if Self.ratioExceeded(inflated: inflated, compressed: entry.compressedSize) {
                throw .compressionRatio(path: path, part: part, compressed: entry.compressedSize,
                                        inflated: inflated, ratio: ReadLimits.maxCompressionRatio)
            }
            crc = CRC32.update(crc, p, n)
            try body(UnsafeRawBufferPointer(start: p, count: n))
        }

        // Buffers of a chunk, or of the whole part when it is smaller (most parts are small).
        let inCapacity = max(16, min(Self.chunkSize, entry.compressedSize))
        let outCapacity = max(16, min(Self.chunkSize, entry.uncompressedSize + 1))
        let inBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: inCapacity)
        defer { inBuffer.deallocate() }
        switch entry.method {
        case 0:  // stored
            guard entry.compressedSize == entry.uncompressedSize else {
                throw corrupt("a stored part whose sizes differ (\(entry.compressedSize) and \(entry.uncompressedSize))")
            }
            var offset = dataOffset, left = entry.compressedSize
            while left > 0 {
                let n = try input.peek(into: inBuffer, count: min(left, inCapacity), at: offset)
                guard n > 0 else { throw corrupt("the file ends inside the part") }
                try deliver(inBuffer, n)
                offset += n
                left -= n
            }
        case 8:  // deflate
            let outBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: outCapacity)
            defer { outBuffer.deallocate() }
            var stream = z_stream()
            guard jifen_inflate_init_raw(&stream) == Z_OK else { throw corrupt("zlib could not start inflating") }
            defer { inflateEnd(&stream) }
            var offset = dataOffset, left = entry.compressedSize
            while true {
                if stream.avail_in == 0 && left > 0 {
                    let n = try input.peek(into: inBuffer, count: min(left, inCapacity), at: offset)
                    guard n > 0 else { throw corrupt("the file ends inside the part") }
                    offset += n
                    left -= n
                    stream.next_in = inBuffer
                    stream.avail_in = UInt32(n)
                }
                stream.next_out = outBuffer
                stream.avail_out = UInt32(outCapacity)
                let status = inflate(&stream, Z_NO_FLUSH)
                let produced = outCapacity - Int(stream.avail_out)
                switch status {
                case Z_OK, Z_STREAM_END, Z_BUF_ERROR: break
                default: throw corrupt("the compressed data is damaged (zlib \(status))")
                }
                if produced > 0 { try deliver(outBuffer, produced) }
                if status == Z_STREAM_END { break }
                // No progress with all the compressed bytes given: the stream stops short.
                if status == Z_BUF_ERROR && produced == 0 { throw corrupt("the compressed data ends early") }
            }
        default:
            throw corrupt("compression method \(entry.method) is not supported")
        }
        guard inflated == entry.uncompressedSize else {
            throw corrupt("inflates to \(inflated) bytes, not the \(entry.uncompressedSize) its header declares")
        }
        guard crc == entry.crc32 else { throw corrupt("CRC-32 mismatch") }
    }

    /// Whether `inflated` bytes from `compressed` exceed the ratio a real part has.
    static func ratioExceeded(inflated: Int, compressed: Int, ratio: Int = ReadLimits.maxCompressionRatio) -> Bool {
        let (bound, overflow) = max(compressed, 0).multipliedReportingOverflow(by: ratio)
        return inflated > ReadLimits.ratioFreeBytes && !overflow && inflated > bound
    }
}

@inline(__always) private func le16(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt16 {
    UInt16(b[i]) | UInt16(b[i + 1]) << 8
}

@inline(__always) private func le32(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

@inline(__always) private func le64(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
    UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32
}
