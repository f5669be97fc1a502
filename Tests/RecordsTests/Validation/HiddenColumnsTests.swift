import CXlsxWriter
import Diagnostics
import Exact
import Foundation
import TestSupport
import Testing
@testable import Records

/// Hidden columns of a workbook's data sheet: read all the same, and said (D0038).
struct HiddenColumnsTests {
    typealias Broken = BrokenInputTests

    // MARK: - Hidden columns

    /// A hidden column of a field is read all the same: one warning per sheet naming the
    /// sheet, the columns and their fields, at the first one's header cell. A hidden column
    /// the source has no field for is not the source's business.
    @Test func hiddenColumnsOfFieldsAreReadAndReported() throws {
        let folder = try Broken.folder(without: ["duty.csv"]) { folder in
            try Broken.writeDuty(folder + "/duty.xlsx", rows: Broken.dutyRows) { ws in
                var hidden = lxw_row_col_options(hidden: 1, level: 0, collapsed: 0)
                // 开始 (D) and 结束 (E) hidden; I, beyond the header, too.
                #expect(worksheet_set_column_opt(ws, 3, 4, 10, nil, &hidden) == LXW_NO_ERROR)
                #expect(worksheet_set_column_opt(ws, 8, 8, 10, nil, &hidden) == LXW_NO_ERROR)
            }
        }
        let check = Broken.check(folder)
        let duty = try #require(check.files.first { $0.source == "值班" })
        #expect(duty.accepted == 6 && duty.rejected == 0)
        let warnings = check.diagnostics.filter { $0.code == "D0038" }
        #expect(warnings.count == 1, "\(check.diagnostics)")
        let w = try #require(warnings.first)
        #expect(w.severity == .warning)
        #expect(w.summary.zh == "工作表“值班”的 D 列（开始）、E 列（结束）被隐藏，仍按数据读取")
        #expect(w.location == .cell(path: folder + "/duty.xlsx", sheet: "值班", reference: "D1", columnName: "开始"))
        #expect(w.help?.zh.contains("取消隐藏") == true)
        #expect(!check.hasErrors, "\(check.diagnostics)")
    }

    @Test func aWorkbookWithoutHiddenColumnsHasNoSuchWarning() throws {
        let folder = try Broken.folder(without: ["duty.csv"]) { folder in
            try Broken.writeDuty(folder + "/duty.xlsx", rows: Broken.dutyRows) { ws in
                #expect(worksheet_set_column(ws, 0, 6, 14, nil) == LXW_NO_ERROR)
            }
        }
        #expect(!Broken.codes(Broken.check(folder)).contains("D0038"))
    }
}
