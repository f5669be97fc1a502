import Foundation
import Testing
@testable import Records

/// `readAhead` must deliver exactly what `read` does: rows, lines, fields, kinds, the
/// file's facts and its error, across batch boundaries.
@Suite("read ahead")
struct ReadAheadTests {
    struct Seen: Equatable {
        var line: Int
        var fields: [String]
        var kinds: [CellKind]
    }

    static func both(_ path: String) -> (direct: Result<TableFile, ReadError>, [Seen], ahead: Result<TableFile, ReadError>, [Seen]) {
        var a: [Seen] = [], b: [Seen] = []
        let direct = Result { () throws(ReadError) in
            try TableReader.read(path: path) { row in a.append(Seen(line: row.line, fields: row.strings, kinds: row.cellKinds)) }
        }
        let ahead = Result { () throws(ReadError) in
            try TableReader.readAhead(path: path) { row in b.append(Seen(line: row.line, fields: row.strings, kinds: row.cellKinds)) }
        }
        return (direct, a, ahead, b)
    }

    @Test func sameRowsAcrossManyBatches() throws {
        // More rows than one batch holds, with quoted fields spanning lines, escaped
        // quotes, empty lines and CRLF, so rows straddle batch and chunk boundaries.
        var text = "工号,事项,备注\r\n"
        for i in 0..<(RowBatch.defaultRowTarget * 2 + 777) {
            switch i % 7 {
            case 0: text += "FM-\(i),\"多行\n说明 \(i)\",\"他说\"\"好\"\"\"\r\n"
            case 3: text += "\n"
            default: text += "FM-\(i),入户走访,第\(i)户\n"
            }
        }
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array(text.utf8), name: "service.csv", in: dir)
        let (direct, a, ahead, b) = Self.both(path)
        #expect(try direct.get() == ahead.get())
        #expect(a.count == RowBatch.defaultRowTarget * 2 + 778)
        #expect(a == b)
    }

    @Test func sameErrorAfterTheSameRows() throws {
        // An unterminated quote at the end: both deliver the rows before it, then fail alike.
        var text = "工号,事项\n"
        for i in 0..<5_000 { text += "FM-\(i),走访\n" }
        text += "FM-x,\"没有结束\n"
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(Array(text.utf8), name: "bad.csv", in: dir)
        let (direct, a, ahead, b) = Self.both(path)
        #expect(a == b)
        #expect(a.count == 5_001)
        guard case .failure(let e1) = direct, case .failure(let e2) = ahead else {
            Issue.record("both should fail")
            return
        }
        #expect(e1 == e2)
    }

    @Test func sameCellsOfAWorkbook() throws {
        let dir = ReadingFixtures.directory()
        let path = dir.appendingPathComponent("training.xlsx").path
        var cells: [(Int, Int, WorkbookWriter.Value)] = [(0, 0, .text("工号")), (0, 1, .text("日期")), (0, 2, .text("学时"))]
        for r in 1...3_000 where r % 11 != 0 {
            cells.append((r, 0, .text("FM-\(r)")))
            cells.append((r, 1, .date(year: 2020, month: 12, day: r % 28 + 1)))
            if r % 5 != 0 { cells.append((r, 2, .number(Double(r % 8) / 2))) }
        }
        WorkbookWriter.write(path, constantMemory: true, sheets: [("培训", cells)])
        let (direct, a, ahead, b) = Self.both(path)
        #expect(try direct.get() == ahead.get())
        #expect(a == b)
        #expect(a.contains { $0.kinds.contains(.number) })
    }
}
