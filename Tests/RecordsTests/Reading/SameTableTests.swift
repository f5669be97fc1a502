import Foundation
import Testing
@testable import Records

/// The same table saved as UTF-8 CSV, UTF-8 CSV with BOM, GB18030 CSV and xlsx reads to the
/// same field strings on the same lines.
@Suite("same table, every format")
struct SameTableTests {
    /// A month's service log as a clerk types it; row 4 is left blank.
    static let table: [[String]] = [
        ["编号", "工号", "日期", "类别", "事项", "满意度", "用时", "评分"],
        ["S-0001", "FM-001", "44166", "全程代办", "低保年审，代交材料", "满意", "35", "0.375"],
        ["S-0002", "WL-003", "2020年12月1日", "矛盾调解", "邻里纠纷 \"漏水\"", "", "120", "-12.5"],
        [],
        ["S-0003", "YG-010", "2020/12/2", "四点半课堂", "作业辅导\n（两节）", "基本满意", "90", "3"],
        ["S-0004", "TH-002", "2020-12-31", "上门服务", "𠮷 (U+20BB7) 与 ＡＢＣ１２３", "不满意", "15", "1234567.89"],
    ]

    static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { f in
                f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    @Test func identicalFields() throws {
        let dir = ReadingFixtures.directory()
        let text = Self.csv(Self.table)
        let utf8 = ReadingFixtures.write(Array(text.utf8), name: "service.csv", in: dir)
        let bom = ReadingFixtures.write([0xEF, 0xBB, 0xBF] + Array(text.utf8), name: "service-bom.csv", in: dir)
        let gb = ReadingFixtures.write(ReadingFixtures.gb18030(text), name: "service-gb.csv", in: dir)
        let xlsx = dir.appendingPathComponent("service.xlsx").path
        // Excel rows: the CSV line where each record starts (the quoted newline takes two).
        var cells: [(Int, Int, WorkbookWriter.Value)] = []
        var line = 0
        for row in Self.table {
            for (c, f) in row.enumerated() where !f.isEmpty {
                let isNumber = f.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") } && c >= 6
                cells.append((line, c, isNumber ? .number(Double(f)!) : .text(f)))
            }
            line += 1 + row.joined().filter { $0 == "\n" }.count
        }
        WorkbookWriter.write(xlsx, sheets: [("服务台账", cells)])

        func nonBlank(_ path: String) throws -> [ReadingFixtures.Row] {
            try ReadingFixtures.rows(path).1.filter { !$0.fields.allSatisfy(\.isEmpty) }
        }
        let expected = try nonBlank(utf8)
        #expect(expected.map(\.fields) == Self.table.filter { !$0.isEmpty })
        #expect(expected.map(\.line) == [1, 2, 3, 5, 7])
        #expect(try nonBlank(bom) == expected)
        #expect(try nonBlank(gb) == expected)
        #expect(try nonBlank(xlsx) == expected)
        #expect(try ReadingFixtures.rows(gb, chunkSize: 5).1.filter { !$0.fields.allSatisfy(\.isEmpty) } == expected)
    }
}
