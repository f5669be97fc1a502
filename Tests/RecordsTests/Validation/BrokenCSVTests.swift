import Diagnostics
import Exact
import Foundation
import TestSupport
import Testing
@testable import Records

/// CSV files an outside tester broke (see `BrokenInputTests`).
struct BrokenCSVTests {
    /// A DOS end-of-file mark (Ctrl-Z) at the very end is no row.
    @Test(arguments: ["\u{1A}", "\u{1A}\n", "\u{1A}\r\n"])
    func aTrailingCtrlZIsTheEndOfTheFile(_ tail: String) throws {
        let text = try BrokenInputTests.sampleCSV("duty.csv")
        let folder = try BrokenInputTests.folder("ctrlz-\(tail.utf8.count)") { folder in
            try (text + tail).write(toFile: folder + "/duty.csv", atomically: true, encoding: .utf8)
        }
        let check = BrokenInputTests.check(folder)
        let duty = try #require(check.files.first { $0.source == "值班" })
        #expect(duty.rowsRead == 2)
        #expect(!BrokenInputTests.codes(check).contains("D0110"))
        // In memory alike; a Ctrl-Z inside the text stays where it is.
        var bytes = Array((text + tail).utf8)
        let rows = try bytes.withUnsafeMutableBytes { b in
            var n = 0
            _ = try TableReader.read(bytes: UnsafeRawBufferPointer(b), name: "duty.csv") { _ in n += 1 }
            return n
        }
        #expect(rows == 3)
        bytes = Array("a,b\n\u{1A}\u{1A}\n".utf8)
        let (_, kept) = try TableReader.readAll(path: ReadingFixtures.write(bytes, name: "two.csv", in: ReadingFixtures.directory()))
        #expect(kept.count == 2)
    }

    /// UTF-16 without a byte-order mark is named as such, not as a GB18030 error far down.
    @Test(arguments: [false, true])
    func utf16WithoutBOMIsNamed(_ bigEndian: Bool) throws {
        let text = try BrokenInputTests.sampleCSV("duty.csv")
        let units = Array(text.utf16)
        let bytes = units.flatMap { u in bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let dir = ReadingFixtures.directory("utf16\(bigEndian)")
        let path = ReadingFixtures.write(bytes, name: "duty.csv", in: dir)
        #expect(throws: ReadError.utf16WithoutBOM(path: path, bigEndian: bigEndian)) { _ = try TableReader.readAll(path: path) }
        let d = ReadError.utf16WithoutBOM(path: path, bigEndian: bigEndian).diagnostic
        #expect(d.code == "D0006")
        #expect(d.summary.zh.contains("没有 BOM") && d.help!.zh.contains("UTF-8"))
        #expect(d.help.map { $0.zh.hasSuffix("。") && $0.en.hasSuffix(".") } == true)
        #expect(d.location == .file(path: path) && d.severity == .error)
        // GB18030 and UTF-8 text with a stray NUL are not UTF-16.
        var mixed = Array("工号,日期\nFM-001,到\u{0}岗\n".utf8)
        #expect(mixed.withUnsafeMutableBufferPointer { CSVReader.utf16WithoutBOM($0.baseAddress!, count: $0.count) } == nil)
        mixed = ReadingFixtures.gb18030(text)
        #expect(mixed.withUnsafeMutableBufferPointer { CSVReader.utf16WithoutBOM($0.baseAddress!, count: $0.count) } == nil)
    }
}
