import Foundation
@testable import Reports
import Testing
import TestSupport
import ZIPFoundation

/// The faster deflate level the reports ask for (`DeflateLevel`, `CZlibLevel`): in effect
/// in this executable, only inside `fast`, and the files still read back.
@Suite struct DeflateLevelTests {
    /// Rows of a sheet, varied enough that deflate levels differ in size.
    static let xml: Data = {
        var s = "<sheetData>"
        for i in 0..<20_000 {
            s += "<row r=\"\(i + 4)\"><c r=\"A\(i + 4)\" s=\"4\" t=\"inlineStr\"><is><t>SQ\(i % 97)-\(i * 7919 % 1000)</t></is></c>"
            s += "<c r=\"B\(i + 4)\" s=\"5\"><v>\(Double(i * 37 % 10_007) / 100)</v></c></row>"
        }
        return Data((s + "</sheetData>").utf8)
    }()

    /// Zips `data` as one entry and returns the file's size and the entry read back.
    static func zipped(_ data: Data, fast: Bool) throws -> (size: Int, back: Data) {
        let path = PackagePaths.temporaryDirectory("jifen-deflate") + "/a.zip"
        try {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
            let add = {
                try archive.addEntry(with: "sheet1.xml", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                    data.subdata(in: Int(p)..<Int(p) + n)
                }
            }
            if fast { try DeflateLevel.fast { try add() } } else { try add() }
        }()
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var back = Data()
        _ = try archive.extract(archive["sheet1.xml"]!) { back.append($0) }
        return (size, back)
    }

    @Test func fastLevelAppliesOnlyInsideFast() throws {
        let whole = DeflateLevel.wholeStreams
        let normal = try Self.zipped(Self.xml, fast: false)
        #expect(DeflateLevel.wholeStreams == whole, "a stream outside DeflateLevel.fast was compressed by libdeflate")
        let fast = try Self.zipped(Self.xml, fast: true)
        #expect(DeflateLevel.isInterposed, "deflateInit2_ is not exported from the executable: reports are written at level 6")
        #expect(DeflateLevel.wholeStreams > whole, "deflate is not exported from the executable: reports are deflated by zlib")
        #expect(normal.back == Self.xml && fast.back == Self.xml)
        #expect(fast.size != normal.size)
        let again = try Self.zipped(Self.xml, fast: false)
        #expect(again.size == normal.size, "the level leaked out of DeflateLevel.fast")
    }

    /// libdeflate's whole-buffer compression behind zlib's streaming calls: an empty entry,
    /// one byte, and entries larger than the callers' buffers (many `Z_NO_FLUSH` calls, then
    /// `Z_FINISH` calls until the output is handed out) read back byte for byte, and the
    /// same data gives the same bytes twice; an entry past the 16 MB held whole goes on to
    /// zlib (the bytes held first) and reads back the same.
    @Test(arguments: [0, 1, 100_000, 3_000_000, 20_000_000]) func wholeStreamsReadBack(size: Int) throws {
        var bytes = [UInt8](repeating: 0, count: size)
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        bytes.withUnsafeMutableBufferPointer { out in
            for i in 0..<size {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                // Half text that repeats, half noise: matches and literals both.
                out[i] = i % 2048 < 1024 ? UInt8(ascii: "a") &+ UInt8(i % 23) : UInt8(truncatingIfNeeded: x >> 33)
            }
        }
        let data = Data(bytes)
        let whole = DeflateLevel.wholeStreams
        let first = try Self.zipped(data, fast: true)
        #expect(first.back == data)
        #expect(DeflateLevel.wholeStreams == whole + (size > 16 << 20 ? 0 : 1), "held whole only up to 16 MB")
        let second = try Self.zipped(data, fast: true)
        #expect(second.size == first.size)
    }

    /// The interposed deflate driven directly, as minizip and ZIPFoundation drive it, with
    /// input and output buffers from one byte to 64 KB: streams held whole, the one past
    /// 16 MB handed on to zlib (its held bytes drained however small the caller's buffer),
    /// and streams outside the fast level, each inflated back.
    @Test func everyBufferSizeRoundTrips() {
        #expect(DeflateLevel.selfTest() == 0)
    }
}
