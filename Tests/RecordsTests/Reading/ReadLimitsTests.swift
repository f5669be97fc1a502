import Diagnostics
import Foundation
import Testing
@testable import Records

/// The bombs of issue 10, built here byte for byte, and the limits that stop them: each must
/// end in a located error, early (bytes inflated stay under a bound), and print short.
@Suite("read limits")
struct ReadLimitsTests {
    static let sheetHead = #"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
    static let header = #"<row r="1"><c r="A1" t="inlineStr"><is><t>工号</t></is></c><c r="B1" t="inlineStr"><is><t>课程</t></is></c></row>"#
    static let sheetTail = "</sheetData></worksheet>"
    static let sstHead = #"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">"#

    /// Reads `bytes` as `name` in a fresh folder; the error, and the rows delivered before it.
    static func read(_ bytes: [UInt8], name: String, chunkSize: Int = CSVReader.defaultChunkSize) -> (ReadError?, Int) {
        let path = ReadingFixtures.write(bytes, name: name, in: ReadingFixtures.directory())
        var rows = 0
        do {
            _ = try TableReader.read(path: path, chunkSize: chunkSize) { _ in rows += 1 }
            return (nil, rows)
        } catch {
            return (error, rows)
        }
    }

    /// Inflates the entry named `part` straight through `ZipArchive`: the error, and how many
    /// bytes came out before it.
    static func inflate(_ bytes: [UInt8], part: String) -> (ReadError?, Int) {
        var inflated = 0
        do throws(ReadError) {
            let input = bytes.withUnsafeBytes { FileInput(path: "t.xlsx", bytes: $0) }
            let archive = try ZipArchive(input)
            let entry = archive.entries.first { $0.name == part }!
            try archive.extract(entry, part: part) { chunk in inflated += chunk.count }
            return (nil, inflated)
        } catch {
            return (error, inflated)
        }
    }

    /// The diagnostic as printed, in both languages; each must stay short.
    static func expectShort(_ d: Diagnostic, sourceLocation: SourceLocation = #_sourceLocation) {
        for language in Language.allCases {
            // Measured with a short file name: the temporary folders' paths are long.
            let text = DiagnosticRenderer(language: language).render(d)
                .replacingOccurrences(of: d.location.path, with: FileName.of(d.location.path))
            #expect(text.count < 300, "\(text.count) characters: \(text)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - The three bombs of the attack

    /// 53 KB holding a 50 MB shared string, used by every row: took 12.8 s and 497 MB.
    static let sharedStringBomb: [UInt8] = {
        var z = DeflatedZip.workbook()
        let rows = (2...100).map { #"<row r="\#($0)"><c r="A\#($0)" t="inlineStr"><is><t>FM-001</t></is></c><c r="B\#($0)" t="s"><v>0</v></c></row>"# }
        z.add("xl/worksheets/sheet1.xml", sheetHead + header + rows.joined() + sheetTail)
        z.add("xl/sharedStrings.xml", [.text(sstHead + "<si><t>"), .text("好", times: 50 << 20 / 3), .text("</t></si></sst>")])
        return z.bytes()
    }()

    /// 197 KB with a 200 MB header cell: took 95 s and 2.9 GB, and printed 629 MB (D0024).
    static let headerCellBomb: [UInt8] = {
        var z = DeflatedZip.workbook()
        z.add("xl/worksheets/sheet1.xml", [
            .text(sheetHead + #"<row r="1"><c r="A1" t="inlineStr"><is><t>工号"#), .text("A", times: 200 << 20),
            .text(#"</t></is></c></row>"# + sheetTail),
        ])
        return z.bytes()
    }()

    /// 629 KB with a 600 MB comment: took 42 s and 1.1 GB, and was accepted.
    static let commentBomb: [UInt8] = {
        var z = DeflatedZip.workbook()
        z.add("xl/worksheets/sheet1.xml", [.text(sheetHead + "<!--"), .text("x", times: 600 << 20), .text("-->" + header + sheetTail)])
        return z.bytes()
    }()

    @Test func sharedStringBombIsRefusedBeforeInflating() {
        let (error, rows) = Self.read(Self.sharedStringBomb, name: "training.xlsx")
        guard case .compressionRatio(_, "xl/sharedStrings.xml", let compressed, let inflated, 100)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(inflated == 3 * (50 << 20 / 3) + Self.sstHead.utf8.count + 7 + 15 && compressed < 100_000)
        #expect(rows == 0)
        #expect(Self.inflate(Self.sharedStringBomb, part: "xl/sharedStrings.xml").1 == 0)
        Self.expectShort(error!.diagnostic)
    }

    @Test func headerCellBombIsRefusedBeforeInflating() {
        let (error, _) = Self.read(Self.headerCellBomb, name: "training.xlsx")
        #expect(error?.diagnostic.code == "D0029")
        #expect(Self.inflate(Self.headerCellBomb, part: "xl/worksheets/sheet1.xml").1 == 0)
        Self.expectShort(error!.diagnostic)
    }

    @Test func commentBombIsRefusedBeforeInflating() {
        let (error, rows) = Self.read(Self.commentBomb, name: "training.xlsx")
        #expect(error?.diagnostic.code == "D0029")
        #expect(rows == 0)
        #expect(Self.inflate(Self.commentBomb, part: "xl/worksheets/sheet1.xml").1 == 0)
        Self.expectShort(error!.diagnostic)
    }

    // MARK: - Headers that lie

    @Test func headerUnderstatingTheSizeStopsAtTheDeclaredSize() {
        // A 60 MB comment whose headers claim 1 MB (a ratio they would pass).
        var z = DeflatedZip.workbook()
        z.add("xl/worksheets/sheet1.xml", [.text(Self.sheetHead + "<!--"), .text("x", times: 60 << 20), .text("-->" + Self.sheetTail)],
              declaredSize: 1 << 20)
        let bomb = z.bytes()
        let (error, inflated) = Self.inflate(bomb, part: "xl/worksheets/sheet1.xml")
        guard case .corruptPart(_, "xl/worksheets/sheet1.xml", let reason)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(reason.contains("more than the 1048576 bytes its header declares"))
        #expect(inflated <= 1 << 20)
        #expect(Self.read(bomb, name: "t.xlsx").0?.diagnostic.code == "D0013")
    }

    /// Overwrites a 32-bit field (`at`: offset in the central-directory header) of the
    /// central-directory entry named `entry`.
    static func patchCentral(_ bytes: inout [UInt8], entry: String, at field: Int, _ value: UInt32) {
        let name = Array(entry.utf8)
        for i in 0..<(bytes.count - 46 - name.count)
        where bytes[i..<(i + 4)].elementsEqual([0x50, 0x4B, 1, 2]) && bytes[(i + 46)..<(i + 46 + name.count)].elementsEqual(name) {
            for k in 0..<4 { bytes[i + field + k] = UInt8((value >> (8 * UInt32(k))) & 0xFF) }
        }
    }

    @Test func declaredSizeOverTheLimit() {
        // A stored part whose directory entry claims 3 GB (both sizes, so the ratio is 1:1).
        var bytes = MinimalWorkbook.zip(sheet: "<worksheet/>")
        Self.patchCentral(&bytes, entry: "xl/worksheets/sheet1.xml", at: 20, 0xC000_0000)
        Self.patchCentral(&bytes, entry: "xl/worksheets/sheet1.xml", at: 24, 0xC000_0000)
        let (error, _) = Self.read(bytes, name: "t.xlsx")
        guard case .partTooLarge(_, "xl/worksheets/sheet1.xml", let size, let limit)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(size == 0xC000_0000 && limit == ReadLimits.maxPartBytes)
        Self.expectShort(error!.diagnostic)
    }

    @Test func truncatedDeflateStreamIsAnErrorNotAHang() {
        // The sheet's compressed size cut to 20 bytes: inflating runs out of input before the
        // stream ends (ZIPFoundation's inflate loop spun forever on this).
        var z = DeflatedZip.workbook()
        z.add("xl/worksheets/sheet1.xml", [.text(Self.sheetHead + Self.header), .text("<row/>", times: 100_000), .text(Self.sheetTail)])
        var bytes = z.bytes()
        Self.patchCentral(&bytes, entry: "xl/worksheets/sheet1.xml", at: 20, 20)
        let (error, _) = Self.inflate(bytes, part: "xl/worksheets/sheet1.xml")
        #expect(error == .corruptPart(path: "t.xlsx", part: "xl/worksheets/sheet1.xml", reason: "the compressed data ends early"))
    }

    // MARK: - Cells

    static func sheet(_ cells: String, shared: String? = nil) -> [UInt8] {
        MinimalWorkbook.zip(sheet: sheetHead + header + #"<row r="2">"# + cells + "</row>" + sheetTail, sharedStrings: shared)
    }

    @Test func cellOverExcelsLimit() {
        let long = String(repeating: "好", count: 40_000)
        let (error, rows) = Self.read(Self.sheet(#"<c r="B2" t="inlineStr"><is><t>\#(long)</t></is></c>"#), name: "t.xlsx")
        #expect(error == .cellTooLong(path: error?.path ?? "", place: .cell(sheet: "Sheet1", reference: "B2"),
                                      excerpt: String(repeating: "好", count: 40) + "…（共 40000 字）"))
        #expect(rows == 1)  // the header row came before
        Self.expectShort(error!.diagnostic)
        // At Excel's limit exactly, it reads.
        let most = String(repeating: "好", count: ReadLimits.maxCellCharacters)
        #expect(Self.read(Self.sheet(#"<c r="B2" t="inlineStr"><is><t>\#(most)</t></is></c>"#), name: "t.xlsx").0 == nil)
    }

    @Test func cellFarOverTheLimitStopsCollecting() {
        // A number cell of 1 MB of digits, in a stored part: collecting stops at the byte bound.
        let digits = String(repeating: "7", count: 1 << 20)
        let (error, _) = Self.read(Self.sheet(#"<c r="C2"><v>\#(digits)</v></c>"#), name: "t.xlsx")
        #expect(error == .cellTooLong(path: error?.path ?? "", place: .cell(sheet: "Sheet1", reference: "C2"),
                                      excerpt: String(repeating: "7", count: 40) + "…（超过 32767 字）"))
        Self.expectShort(error!.diagnostic)
    }

    @Test func sharedStringOverTheLimit() {
        let sst = Self.sstHead + "<si><t>短</t></si><si><r><t>" + String(repeating: "长", count: 20_000) + "</t></r><r><t>"
            + String(repeating: "长", count: 20_000) + "</t></r></si></sst>"
        let (error, rows) = Self.read(Self.sheet(#"<c r="B2" t="s"><v>0</v></c>"#, shared: sst), name: "t.xlsx")
        #expect(error == .cellTooLong(path: error?.path ?? "", place: .sharedString(part: "xl/sharedStrings.xml", index: 1),
                                      excerpt: String(repeating: "长", count: 40) + "…（共 40000 字）"))
        #expect(rows == 0)
        Self.expectShort(error!.diagnostic)
    }

    @Test func oneLongSharedStringInVeryManyCells() {
        // 30,000 characters (90 KB) shared, referenced 2,000 times (180 MB) from a sheet of
        // a few kilobytes compressed: stopped once rows pass 100 times the compressed parts.
        var z = DeflatedZip.workbook()
        let row = #"<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>"#
        z.add("xl/worksheets/sheet1.xml", [.text(Self.sheetHead + Self.header), .text(row, times: 1000), .text(Self.sheetTail)])
        z.add("xl/sharedStrings.xml", Self.sstHead + "<si><t>" + String(repeating: "重", count: 30_000) + "</t></si></sst>")
        let (error, rows) = Self.read(z.bytes(), name: "t.xlsx")
        guard case .expansionTooLarge(_, "培训", let row, let bytes, let compressed, 100)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(bytes > 100 * compressed && bytes < ReadLimits.ratioFreeBytes + 4 * 90_000)
        #expect(rows < 100 && row == rows + 1)
        Self.expectShort(error!.diagnostic)
    }

    // MARK: - The XML tokenizer streams what it does not need whole

    /// Records text, and how big the tokenizer's buffer grew.
    struct TextCollector: XMLHandler {
        var text = 0, pieces = 0
        mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {}
        mutating func endElement(_ name: XMLBytes) throws(XMLFault) {}
        mutating func text(_ t: XMLBytes, isRaw: Bool) throws(XMLFault) {
            text += t.count
            pieces += 1
        }
    }

    static func feed(_ pieces: [String], times: [Int]) throws -> (TextCollector, Int) {
        let tokenizer = XMLTokenizer(path: "t.xlsx", part: "p.xml")
        var h = TextCollector()
        for (piece, n) in zip(pieces, times) {
            let block = Array(String(repeating: piece, count: min(n, max(1, (1 << 18) / piece.utf8.count))).utf8)
            var left = n
            while left > 0 {
                let k = min(left, block.count / piece.utf8.count)
                try block.withUnsafeBytes { b in try tokenizer.feed(UnsafeRawBufferPointer(rebasing: b[0..<(k * piece.utf8.count)]), &h) }
                left -= k
            }
        }
        try tokenizer.finish(&h)
        return (h, tokenizer.bufferCapacity)
    }

    @Test func longCommentsTextAndCDATAStreamThroughABoundedBuffer() throws {
        for (open, filler, close) in [("<!--", "-", "-->"), ("<?pi ", "?", "?>"), ("", "好&amp;\r\n", ""), ("<![CDATA[", "]", "]]>")] {
            let (h, capacity) = try Self.feed(["<a>" + open, filler, close + "</a>"], times: [1, 4 << 20 / filler.utf8.count, 1])
            #expect(capacity <= 1 << 19, "\(open): buffer grew to \(capacity)")
            if open.isEmpty {
                #expect(h.pieces > 10 && h.text == 4 << 20 / filler.utf8.count * filler.utf8.count)
            }
        }
    }

    @Test func oversizedTagsAndDeepNesting() {
        #expect(throws: ReadError.self) { _ = try Self.feed(["<a b=\"", "x", "\"/>"], times: [1, 2 << 20, 1]) }
        do {
            _ = try Self.feed(["<a>", "</a>"], times: [300, 300])
            Issue.record("no error")
        } catch {
            guard case .malformedXML(_, _, _, let reason)? = error as? ReadError else { Issue.record("\(error)"); return }
            #expect(reason == "elements nested more than 256 deep")
        }
        do {
            _ = try Self.feed(["<", "n", "></x>"], times: [1, 100_000, 1])
            Issue.record("no error")
        } catch {
            // The names in the message are excerpts.
            #expect((error as? ReadError)?.diagnostic.found.map { $0.count < 200 } == true)
        }
    }

    // MARK: - CSV

    @Test(arguments: [16, 4096, CSVReader.defaultChunkSize])
    func csvFieldOverExcelsLimit(chunkSize: Int) {
        let long = String(repeating: "好", count: 40_000)
        let (error, rows) = Self.read(Array("工号,备注\nFM-001,\(long)\n".utf8), name: "t.csv", chunkSize: chunkSize)
        #expect(error == .fieldTooLong(path: error?.path ?? "", line: 2, column: 2, quoted: false,
                                       excerpt: String(repeating: "好", count: 40) + "…（共 40000 字）"))
        #expect(rows == 1)
        Self.expectShort(error!.diagnostic)
    }

    @Test func csvStrayQuoteSwallowingTheFile() {
        // 50 MB after an unbalanced quote: stopped at the field limit, not at the record limit.
        var text = "工号,备注\nFM-001,\"坏\n"
        text += String(repeating: "FM-002,正常的一行\n", count: 2 << 20)
        let (error, _) = Self.read(Array(text.utf8), name: "t.csv")
        guard case .fieldTooLong(_, 2, 2, true, let excerpt)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(excerpt.hasPrefix("坏\\nFM-002,正常的一行\\nFM-002") && excerpt.hasSuffix("…（超过 32767 字）"))
        #expect(error!.diagnostic.help!.en.contains("unbalanced"))
        Self.expectShort(error!.diagnostic)
    }

    @Test func csvQuotedFieldJustUnderTheLimitReads() throws {
        let field = String(repeating: "\"\"", count: ReadLimits.maxCellCharacters)
        let (error, rows) = Self.read(Array("a\n\"\(field)\"\n".utf8), name: "t.csv", chunkSize: 4096)
        #expect(error == nil && rows == 2)
    }

    @Test func csvTooManyFields() {
        let line = String(repeating: "a,", count: 16_384) + "a\n"
        let (error, _) = Self.read(Array(("h\n" + line).utf8), name: "t.csv")
        #expect(error == .tooManyFields(path: error?.path ?? "", line: 2, limit: 16_384))
        Self.expectShort(error!.diagnostic)
        let most = String(repeating: "a,", count: 16_383) + "a\n"
        #expect(Self.read(Array(most.utf8), name: "t.csv").0 == nil)
    }

    // MARK: - In memory, as on disk

    @Test func bytesReadLikeTheFile() throws {
        for (name, bytes) in [("t.csv", Array("工号,姓名\nFM-001,张三\n".utf8)), ("t.xlsx", Self.sheet(#"<c r="A2"><v>1.5</v></c>"#))] {
            let path = ReadingFixtures.write(bytes, name: name, in: ReadingFixtures.directory())
            var fromDisk: [[String]] = [], fromMemory: [[String]] = []
            _ = try TableReader.read(path: path) { fromDisk.append($0.strings) }
            _ = try bytes.withUnsafeBytes { b in
                try TableReader.read(bytes: b, name: name) { fromMemory.append($0.strings) }
            }
            #expect(fromDisk == fromMemory && !fromDisk.isEmpty)
        }
    }

    // MARK: - Diagnostics never print a whole value

    @Test func excerpts() {
        #expect(Excerpt.of("工号") == "工号")
        #expect(Excerpt.of(String(repeating: "a", count: 40)) == String(repeating: "a", count: 40))
        #expect(Excerpt.of(String(repeating: "a", count: 41)) == String(repeating: "a", count: 40) + "…（共 41 字）")
        #expect(Excerpt.list((1...25).map(String.init), separator: ",") == (1...20).map(String.init).joined(separator: ",") + ",…（共 25 项）")
    }
}
