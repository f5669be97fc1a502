import Foundation
@testable import Reports
import Testing
import TestSupport

/// Constant-memory sheets start with a row of `CellRow.initial` cells rather than
/// libxlsxwriter's 16,384 and grow on demand; every cell still lands where it was written,
/// and a workbook freed without being written frees its pending cells.
struct CellRowTests {
    @Test func cellsBeyondTheFirstColumnsAndOnManySheetsReadBack() throws {
        let dir = PackagePaths.temporaryDirectory("cell-row")
        let path = dir + "/wide.xlsx"
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: dir)
        // Columns inside the first row, just past it, far past it and Excel's last one.
        let columns = [0, 1, CellRow.initial - 1, CellRow.initial, CellRow.initial * 4 + 3, 1000, 16383]
        var sheets: [XlsxSheet] = []
        for k in 0..<300 { sheets.append(try wb.addSheet("表\(k)")) }
        for (k, ws) in sheets.enumerated() {
            for row in 0..<3 {
                // Sheets other than every seventh stay narrow.
                for col in columns where k % 7 == 0 || col < CellRow.initial {
                    try ws.integer(row, col, k * 100_000 + row * 20_000 + col)
                }
            }
        }
        try wb.close()
        let file = try XlsxFile(path: path)
        #expect(file.sheets.count == 300)
        for (k, sheet) in file.sheets.enumerated() {
            var expected: [String: String] = [:]
            for row in 0..<3 {
                for col in columns where k % 7 == 0 || col < CellRow.initial {
                    expected[XlsxSheet.reference(row, col)] = String(k * 100_000 + row * 20_000 + col)
                }
            }
            let got = Dictionary(uniqueKeysWithValues: sheet.cells.map { ($0.ref, $0.value) })
            #expect(got == expected, "sheet \(sheet.name)")
        }
    }

    /// A column format counts as written up to its last column (libxlsxwriter flushes a row
    /// over every column written so far): the row grows to hold it.
    @Test func wideColumnFormatsAndValidationsGrowTheRow() throws {
        let dir = PackagePaths.temporaryDirectory("cell-row-format")
        let path = dir + "/formats.xlsx"
        let wb = try XlsxWorkbook(path: path, constantMemory: true, temporaryDirectory: dir)
        let ws = try wb.addSheet("格式")
        try ws.columnFormat(0...300, width: 12, CellStyle(numberFormat: "0.00"))
        try ws.columnFormat(5000, width: 8, CellStyle(bold: true))
        for row in 0..<4 {
            try ws.integer(row, 0, row)
            try ws.formula(row, 299, "=A\(row + 1)&\"x\"", cachedText: "\(row)x", wb.resolve(nil))
        }
        try wb.close()
        let sheet = try #require(try XlsxFile(path: path).sheet("格式"))
        #expect(sheet.cell(XlsxSheet.reference(3, 0))?.value == "3")
        #expect(sheet.cell(XlsxSheet.reference(3, 299))?.formula != nil)
    }

    @Test func aWorkbookFreedWithoutWritingFreesItsRows() throws {
        let dir = PackagePaths.temporaryDirectory("cell-row-free")
        do {
            let wb = try XlsxWorkbook(path: dir + "/never.xlsx", constantMemory: true, temporaryDirectory: dir)
            let narrow = try wb.addSheet("窄")
            let wide = try wb.addSheet("宽")
            try narrow.text(0, 3, "未写出")
            try wide.text(0, 5000, "未写出")
            try wide.text(1, 16383, "最后一行")
            // Dropped here, not closed: libxlsxwriter frees every sheet's row.
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/never.xlsx"))
    }
}
