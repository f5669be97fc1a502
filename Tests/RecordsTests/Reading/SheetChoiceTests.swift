import Foundation
import Testing
@testable import Records

/// Which sheet of a workbook is the table: a filled template keeps its hidden list sheet, a
/// clerk renames the data sheet or puts a sheet of notes first.
struct SheetChoiceTests {
    static let header: [(Int, Int, WorkbookWriter.Value)] = [
        (0, 0, .text("工号")), (0, 1, .text("日期")), (0, 2, .text("班次")),
        (1, 0, .text("FM-001")), (1, 1, .date(year: 2020, month: 12, day: 1)), (1, 2, .text("白班")),
    ]
    static let list: [(Int, Int, WorkbookWriter.Value)] = [(0, 0, .text("工号")), (1, 0, .text("FM-001"))]
    static let notes: [(Int, Int, WorkbookWriter.Value)] = [(0, 0, .text("填表说明")), (1, 0, .text("每人每班一行。"))]
    /// The validator's test: a row naming at least two of the duty fields.
    static let isDutyHeader: SheetHeaderTest = { cells in Set(cells).intersection(["工号", "日期", "班次"]).count >= 2 }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var sheets: [String]
        var hidden: Set<String> = []
        var candidates: [String] = ["值班", "duty"]
        var byHeader = true
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "the named sheet", sheets: ["说明", "值班"], expected: "值班"),
        Case(name: "a hidden list sheet first is never read", sheets: ["列表", "Sheet1"], hidden: ["列表"], byHeader: false, expected: "Sheet1"),
        Case(name: "a hidden sheet of the source's name is not read", sheets: ["值班", "我的值班"], hidden: ["值班"], expected: "我的值班"),
        Case(name: "any name: the first sheet with the source's header", sheets: ["说明", "我的值班"], expected: "我的值班"),
        Case(name: "without a header test, the first visible sheet", sheets: ["说明", "我的值班"], byHeader: false, expected: "说明"),
        Case(name: "no sheet with the header: the first visible", sheets: ["列表", "说明", "备忘"], hidden: ["列表"], expected: "说明"),
    ]

    @Test(arguments: cases)
    func choosesTheDataSheet(_ c: Case) throws {
        let dir = ReadingFixtures.directory("sheet-choice-\(c.name.hashValue)")
        let path = dir.appendingPathComponent("值班.xlsx").path
        WorkbookWriter.write(path, sheets: c.sheets.map { name in
            (name, name == "说明" || name == "备忘" ? Self.notes : name == "列表" ? Self.list : Self.header)
        }, hidden: c.hidden)
        var rows = 0
        let file = try TableReader.read(path: path, sheetCandidates: c.candidates, sheetHeader: c.byHeader ? Self.isDutyHeader : nil) { _ in rows += 1 }
        #expect(file.format == .xlsx(sheet: c.expected))
        #expect(rows == 2)
    }
}
