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
        let normal = try Self.zipped(Self.xml, fast: false)
        let fast = try Self.zipped(Self.xml, fast: true)
        #expect(DeflateLevel.isInterposed, "deflateInit2_ is not exported from the executable: reports are written at level 6")
        #expect(normal.back == Self.xml && fast.back == Self.xml)
        // Level 1 finds fewer matches than level 6, so the same data takes more room.
        #expect(fast.size > normal.size)
        let again = try Self.zipped(Self.xml, fast: false)
        #expect(again.size == normal.size, "the level leaked out of DeflateLevel.fast")
    }
}
