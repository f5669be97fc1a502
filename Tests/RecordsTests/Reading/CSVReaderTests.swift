import Foundation
import Testing
@testable import Records

private typealias Row = ReadingFixtures.Row

/// One CSV input and the rows it must read to, at every chunk size.
struct CSVCase: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let rows: [(Int, [String])]
    var delimiter: Character = ","
    var testDescription: String { name }

    init(_ name: String, _ text: String, _ rows: [(Int, [String])], delimiter: Character = ",") {
        self.name = name
        self.bytes = Array(text.utf8)
        self.rows = rows
        self.delimiter = delimiter
    }

    init(_ name: String, bytes: [UInt8], _ rows: [(Int, [String])]) {
        self.name = name
        self.bytes = bytes
        self.rows = rows
    }
}

/// Chunk sizes from tiny (every record and multibyte character straddles a boundary) to the
/// default.
private let chunkSizes = [4, 5, 7, 13, 64, CSVReader.defaultChunkSize]

private let cases: [CSVCase] = [
    CSVCase("plain", "工号,姓名,社区\nFM-001,张三,富民\nFM-002,李四,卧龙\n",
            [(1, ["工号", "姓名", "社区"]), (2, ["FM-001", "张三", "富民"]), (3, ["FM-002", "李四", "卧龙"])]),
    CSVCase("quoted comma, quote and newline",
            "事项,备注\n\"低保,医保\",\"他说\"\"好\"\"\"\n\"多\n行\",x\n末,y\n",
            [(1, ["事项", "备注"]), (2, ["低保,医保", "他说\"好\""]), (3, ["多\n行", "x"]), (5, ["末", "y"])]),
    CSVCase("CRLF, also inside a quoted field", "a,b\r\n\"x\r\ny\",z\r\nq,w\r\n",
            [(1, ["a", "b"]), (2, ["x\r\ny", "z"]), (4, ["q", "w"])]),
    CSVCase("lone CR", "a,b\r1,2\r", [(1, ["a", "b"]), (2, ["1", "2"])]),
    CSVCase("BOM", "\u{FEFF}工号,姓名\nFM-001,张三\n", [(1, ["工号", "姓名"]), (2, ["FM-001", "张三"])]),
    CSVCase("no final newline", "a,b\n1,2", [(1, ["a", "b"]), (2, ["1", "2"])]),
    CSVCase("no final newline after a quoted field", "a,b\n1,\"2\"", [(1, ["a", "b"]), (2, ["1", "2"])]),
    CSVCase("blank and trailing blank lines", "a\n\n b \n\n\r\n", [(1, ["a"]), (2, []), (3, [" b "]), (4, []), (5, [])]),
    CSVCase("empty fields", "a,,b,\n,\n", [(1, ["a", "", "b", ""]), (2, ["", ""])]),
    CSVCase("a quoted empty field is a field", "\"\"\na\n", [(1, [""]), (2, ["a"])]),
    CSVCase("quote inside an unquoted field is literal", "5\"寸,x\"y\"\n", [(1, ["5\"寸", "x\"y\""])]),
    CSVCase("text after a closing quote is kept", "\"ab\"c,d\n\"\"\"\"x,e\n", [(1, ["abc", "d"]), (2, ["\"x", "e"])]),
    CSVCase("tab-delimited", "工号\t姓名\nFM-001\t张,三\n", [(1, ["工号", "姓名"]), (2, ["FM-001", "张,三"])], delimiter: "\t"),
    CSVCase("commas win over tabs", "a,b\tc\n1,2\t3\n", [(1, ["a", "b\tc"]), (2, ["1", "2\t3"])]),
    CSVCase("empty file", "", []),
    CSVCase("four-byte characters", "名\n𠮷野家\n", [(1, ["名"]), (2, ["𠮷野家"])]),
]

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("reads to the expected rows at every chunk size", arguments: cases)
    func reads(_ c: CSVCase) throws {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(c.bytes, name: "t.csv", in: dir)
        let expected = c.rows.map { Row($0.0, $0.1) }
        for size in chunkSizes {
            let (file, rows) = try ReadingFixtures.rows(path, chunkSize: size)
            #expect(rows == expected, "chunk size \(size)")
            #expect(file.rowCount == expected.count)
            #expect(file.byteCount == c.bytes.count)
            #expect(file.delimiter == c.delimiter)
        }
    }

    @Test func reportsTheEncoding() throws {
        let dir = ReadingFixtures.directory()
        let plain = ReadingFixtures.write(Array("a\n".utf8), name: "a.csv", in: dir)
        let bom = ReadingFixtures.write([0xEF, 0xBB, 0xBF] + Array("a\n".utf8), name: "b.csv", in: dir)
        let gb = ReadingFixtures.write(ReadingFixtures.gb18030("社区\n富民\n"), name: "c.csv", in: dir)
        #expect(try ReadingFixtures.rows(plain).0.format == .csv(.utf8))
        #expect(try ReadingFixtures.rows(bom).0.format == .csv(.utf8BOM))
        #expect(try ReadingFixtures.rows(gb).0.format == .csv(.gb18030))
    }

    @Test("GB18030 reads to the same strings as UTF-8, at every chunk size", arguments: cases.filter { $0.name != "BOM" && $0.delimiter == "," })
    func gb18030(_ c: CSVCase) throws {
        let text = String(decoding: c.bytes, as: UTF8.self)
        // Some non-ASCII first, so the start of the file is not valid UTF-8.
        let gbBytes = ReadingFixtures.gb18030("编号\n" + text)
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(gbBytes, name: "gb.csv", in: dir)
        let expected = c.rows.map { Row($0.0 + 1, $0.1) }
        for size in chunkSizes {
            let (file, rows) = try ReadingFixtures.rows(path, chunkSize: size)
            #expect(file.format == .csv(.gb18030))
            #expect(Array(rows.dropFirst()) == expected, "chunk size \(size)")
            #expect(rows.first == Row(1, ["编号"]))
        }
    }

    @Test func fieldBytesAndKinds() throws {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array("张三,,\"a\"\"b\"\n".utf8), name: "t.csv", in: dir)
        var seen = 0
        _ = try TableReader.read(path: path) { row in
            seen += 1
            #expect(row.count == 3)
            #expect(Array(row.bytes(0)) == Array("张三".utf8))
            #expect(row.kind(0) == .text)
            #expect(row.kind(1) == .empty)
            #expect(row.string(2) == "a\"b")
            #expect(row.bytes(3).isEmpty)
            #expect(row.string(9) == "")
            #expect(row.cellReference(0) == nil)
            // #expect cannot capture a property of a non-copyable value.
            let isBlank = row.isBlank
            #expect(!isBlank)
        }
        #expect(seen == 1)
    }

    @Test func blankRows() throws {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array("a,b\n , \u{3000}\n,\n\nx\n".utf8), name: "t.csv", in: dir)
        var blanks: [Int] = []
        _ = try TableReader.read(path: path) { row in
            if row.isBlank { blanks.append(row.line) }
        }
        #expect(blanks == [2, 3, 4])
    }

    @Test func aLongRecordGrowsTheBuffer() throws {
        let long = String(repeating: "长字段", count: 5000)
        let text = "a,b\n\"\(long)\n\(long)\",x\ny,z\n"
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array(text.utf8), name: "t.csv", in: dir)
        let (_, rows) = try ReadingFixtures.rows(path, chunkSize: 16)
        #expect(rows == [Row(1, ["a", "b"]), Row(2, ["\(long)\n\(long)", "x"]), Row(4, ["y", "z"])])
    }
}

/// A CSV that must fail, and the error it must fail with.
struct CSVErrorCase: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let error: @Sendable (String) -> ReadError
    var testDescription: String { name }
}

private let errorCases: [CSVErrorCase] = [
    CSVErrorCase(name: "unterminated quote names the line it opened on",
                 bytes: Array("a,b\n1,\"open\nmore\n".utf8)) { .unterminatedQuote(path: $0, line: 2) },
    CSVErrorCase(name: "unterminated quote in a record's second line",
                 bytes: Array("a,\"x\ny\",\"z\nw\n".utf8)) { .unterminatedQuote(path: $0, line: 2) },
    CSVErrorCase(name: "UTF-16 is refused",
                 bytes: [0xFF, 0xFE, 0x61, 0x00]) { .unsupportedEncoding(path: $0, encoding: "UTF-16") },
    CSVErrorCase(name: "a workbook named .csv",
                 bytes: MinimalWorkbook.zip(sheet: "<worksheet/>")) { .misnamedWorkbook(path: $0) },
    CSVErrorCase(name: "neither UTF-8 nor GB18030",
                 bytes: Array("a,b\n".utf8) + [0xFF] + Array(",x\n".utf8)) {
        .invalidGB18030(path: $0, line: 2, offset: 4, bytes: [0xFF])
    },
    CSVErrorCase(name: "GB18030 cut inside a character at the end",
                 bytes: Array("a,b\n".utf8) + [0xC0]) {
        .invalidGB18030(path: $0, line: 2, offset: 4, bytes: [0xC0])
    },
]

@Suite("CSV reader errors")
struct CSVReaderErrorTests {
    @Test(arguments: errorCases)
    func fails(_ c: CSVErrorCase) {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(c.bytes, name: "bad.csv", in: dir)
        for size in [4, 7, CSVReader.defaultChunkSize] {
            #expect(throws: c.error(path), "chunk size \(size)") {
                _ = try ReadingFixtures.rows(path, chunkSize: size)
            }
        }
    }

    @Test func invalidGB18030NamesTheLine() {
        // Valid GB18030 Chinese, then a byte no GB18030 character starts with.
        let bytes = ReadingFixtures.gb18030("编号,名\n1,张三\n\"多\n行\",李\n") + [0x32, 0xFF, 0x0A]
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(bytes, name: "bad.csv", in: dir)
        for size in [4, 5, 64, CSVReader.defaultChunkSize] {
            do {
                _ = try ReadingFixtures.rows(path, chunkSize: size)
                Issue.record("no error at chunk size \(size)")
            } catch {
                guard case .invalidGB18030(_, let line, let offset, let bad) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(line == 5)
                #expect(offset == bytes.count - 2)
                #expect(bad.first == 0xFF)
            }
        }
    }

    @Test func utf8DecisionBrokenLater() {
        // 70 000 bytes of UTF-8 decide the encoding; then a GBK-encoded line.
        var bytes = Array("工号,姓名\n".utf8)
        var line = 1
        while bytes.count < 70_000 {
            bytes += Array("FM-001,张三\n".utf8)
            line += 1
        }
        let badOffset = bytes.count + 2
        bytes += Array("x,".utf8) + ReadingFixtures.gb18030("李四") + [0x0A]
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(bytes, name: "mixed.csv", in: dir)
        let expected = ReadError.invalidUTF8(path: path, line: line + 1, offset: badOffset, bytes: [0xC0])
        for size in [7, 4096, CSVReader.defaultChunkSize] {
            #expect(throws: expected) { _ = try ReadingFixtures.rows(path, chunkSize: size) }
        }
    }

    @Test func gb18030AfterALongASCIIStart() throws {
        // English header aliases and ASCII rows fill the first 64 KiB; Chinese comes later.
        var text = "cadre_id,name\n"
        var expected = [Row(1, ["cadre_id", "name"])]
        while text.utf8.count < 70_000 {
            expected.append(Row(expected.count + 1, ["FM-\(expected.count)", "x"]))
            text += "FM-\(expected.count - 1),x\n"
        }
        text += "FM-9,张三\n\"多\n行\",李四\n"
        expected += [Row(expected.count + 1, ["FM-9", "张三"]), Row(expected.count + 2, ["多\n行", "李四"])]
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(ReadingFixtures.gb18030(text), name: "late.csv", in: dir)
        for size in [7, 4096, CSVReader.defaultChunkSize] {
            let (file, rows) = try ReadingFixtures.rows(path, chunkSize: size)
            #expect(file.format == .csv(.gb18030))
            #expect(rows == expected, "chunk size \(size)")
        }
    }

    @Test func recordTooLong() {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array(("a\n\"" + String(repeating: "x", count: 500)).utf8), name: "t.csv", in: dir)
        #expect(throws: ReadError.recordTooLong(path: path, line: 2, limit: 100)) {
            _ = try TableReader.readAll(path: path, chunkSize: 16, maxRecordBytes: 100)
        }
    }

    @Test func fileProblems() {
        let dir = ReadingFixtures.directory()
        let missing = dir.appendingPathComponent("missing.csv").path
        #expect(throws: ReadError.fileNotFound(path: missing)) { _ = try TableReader.readAll(path: missing) }
        let txt = ReadingFixtures.write([0x61], name: "t.txt", in: dir)
        #expect(throws: ReadError.unsupportedFileType(path: txt, extension: ".txt")) { _ = try TableReader.readAll(path: txt) }
        let folder = dir.appendingPathComponent("folder.csv")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: ReadError.notAFile(path: folder.path, kind: .folder)) {
            _ = try TableReader.readAll(path: folder.path)
        }
        let xls = ReadingFixtures.write([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], name: "old.XLS", in: dir)
        #expect(throws: ReadError.legacyExcelFormat(path: xls)) { _ = try TableReader.readAll(path: xls) }
    }

    @Test func extensionIsCaseInsensitive() throws {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array("a\n".utf8), name: "DUTY.CSV", in: dir)
        #expect(try ReadingFixtures.rows(path).1 == [Row(1, ["a"])])
    }
}
