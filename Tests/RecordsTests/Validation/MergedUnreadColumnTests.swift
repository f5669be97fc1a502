import CXlsxWriter
import Diagnostics
import Exact
import Foundation
import TestSupport
import Testing
@testable import Records

/// Merged cells over a column nothing reads lose nothing: a warning, not an error (D0036).
struct MergedUnreadColumnTests {
    typealias Broken = BrokenInputTests

    // MARK: - Merged cells over a column nothing reads

    /// Merged cells over an optional 备注 no rule reads (`FieldSpec.isUnread`, set from the
    /// rules) lose nothing: a warning naming the column, every row used. A range over a
    /// column that counts stays an error with its rows rejected, in the same sheet.
    @Test func mergedCellsOverAColumnNothingReadsAreAWarning() throws {
        let folder = try Broken.folder(without: ["duty.csv"]) { folder in
            var rows = Broken.dutyRows
            for r in 1...3 { rows[r][0] = "" }
            try Broken.writeDuty(folder + "/duty.xlsx", rows: rows) { ws in
                #expect(worksheet_merge_range(ws, 1, 0, 4, 0, "FM-001", nil) == LXW_NO_ERROR)
                #expect(worksheet_merge_range(ws, 5, 6, 6, 6, "作废", nil) == LXW_NO_ERROR)
            }
        }
        var schemas = StandardSchemas.all
        let duty = try #require(schemas.firstIndex { $0.name == "值班" })
        let notes = try #require(schemas[duty].fieldIndex("备注"))
        schemas[duty].fields[notes].isUnread = true
        let check = MonthValidator(month: Broken.month, schemas: schemas).validate(folder: folder)
        for f in check.files { #expect(f.isBalanced) }
        let report = try #require(check.files.first { $0.source == "值班" })
        #expect(report.accepted == 3 && report.rejected == 3)
        let merged = check.diagnostics.filter { $0.code == "D0036" }
        #expect(merged.count == 2)
        let counting = try #require(merged.first { $0.summary.zh.hasPrefix("A2:A5") })
        #expect(counting.severity == .error)
        let harmless = try #require(merged.first { $0.summary.zh.hasPrefix("G6:G7") })
        #expect(harmless.severity == .warning)
        #expect(harmless.summary.zh == "G6:G7 是合并单元格（“备注”列）：取消合并，并在每一行填写")
        #expect(harmless.notes.contains { $0.zh.contains("规则不读取这一列") })
        #expect(harmless.location == .cell(path: folder + "/duty.xlsx", sheet: "值班", reference: "G6:G7", columnName: nil))
        #expect(check.rejectedRows.filter { $0.origin.path.hasSuffix("duty.xlsx") }.map(\.origin.line) == [3, 4, 5])

        // Without the rules' word (no rules, or a rule reads 备注) it counts: an error as before.
        let plain = Broken.check(folder)
        #expect(plain.diagnostics.filter { $0.code == "D0036" }.allSatisfy { $0.severity == .error })
    }
}
