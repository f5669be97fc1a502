import Diagnostics
import Foundation
import Testing

struct RendererTests {
    @Test func sourceDiagnosticPutsTheCaretUnderTheSpanCountingWideCharacters() {
        let text = "积分项 值班 {\n  当 时长 > \"40\"\n}\n"
        let file = SourceFile(path: "rules/x.jifen", text: text)
        let start = Array(text.utf8).firstIndex(of: UInt8(ascii: "\""))!
        let d = Diagnostic(
            .error, code: "R0201", at: .source(path: file.path, span: Span(start: start, end: start + 4)),
            summary: Localized(zh: "不能把积分与文本比较", en: "cannot compare points with text"),
            label: Localized(zh: "这是文本", en: "this is text"),
            help: Localized(zh: "去掉引号，写成 40。", en: "Write 40 without quotes."))
        let zh = DiagnosticRenderer(language: .zh, sources: [file]).render(d)
        #expect(zh == """
            rules/x.jifen:2:10: 错误[R0201]: 不能把积分与文本比较
              |
            2 |   当 时长 > "40"
              |             ^^^^ 这是文本
              |
               = 帮助: 去掉引号，写成 40。

            """)
        let en = DiagnosticRenderer(language: .en, sources: [file]).header(d)
        #expect(en == "rules/x.jifen:2:10: error[R0201]: cannot compare points with text")
    }

    @Test func dataDiagnosticsNameFileLineColumnOrCell() {
        let row = Diagnostic(.error, code: "D0104", at: .row(path: "duty.csv", line: 14, column: 3, columnName: "日期"),
                             summary: Localized(zh: "日期无效", en: "invalid date"), found: "2020-13-01")
        let cell = Diagnostic(.warning, code: "D0202", at: .cell(path: "service.xlsx", sheet: "服务台账", reference: "C14", columnName: nil),
                              summary: Localized(zh: "未知工号", en: "unknown cadre"))
        let r = DiagnosticRenderer(language: .en)
        #expect(r.header(row) == "duty.csv:14:3: error[D0104]: invalid date")
        #expect(r.header(cell) == "service.xlsx[服务台账]!C14 (row 14): warning[D0202]: unknown cadre")
        #expect(r.render(row).contains("= found: 2020-13-01"))
        #expect(r.tally([row, cell]) == "1 error, 1 warning")
    }

    /// A clerk looks for the sheet and the cell, and a row count gives the row: both shown.
    @Test func xlsxDiagnosticsNameSheetCellAndRow() {
        let cell = Diagnostic(.error, code: "D0107", at: .cell(path: "值班-富民.xlsx", sheet: "值班", reference: "C12", columnName: "班次"),
                              summary: Localized(zh: "“班次”的取值不在允许范围内", en: "'班次' is not one of the allowed values"))
        let row = Diagnostic(.error, code: "D0205", at: .cell(path: "值班-富民.xlsx", sheet: "值班", reference: "12:12", columnName: nil),
                             summary: Localized(zh: "重复行", en: "repeated row"))
        let zh = DiagnosticRenderer(language: .zh), en = DiagnosticRenderer(language: .en)
        #expect(zh.header(cell) == "值班-富民.xlsx 工作表“值班” C12（第 12 行）: 错误[D0107]: “班次”的取值不在允许范围内")
        #expect(zh.header(row) == "值班-富民.xlsx 工作表“值班” 第 12 行: 错误[D0205]: 重复行")
        #expect(en.header(cell) == "值班-富民.xlsx[值班]!C12 (row 12): error[D0107]: '班次' is not one of the allowed values")
        #expect(en.header(row) == "值班-富民.xlsx[值班] row 12: error[D0205]: repeated row")
        #expect(CellReference.row("12:12") == 12 && CellReference.column("12:12") == nil)
        #expect([cell, row].sortedByLocation().map(\.code) == ["D0205", "D0107"])
    }

    @Test func limitsRepeatedCodesPerFile() {
        let ds = (1...5).map {
            Diagnostic(.error, code: "D0104", at: .row(path: "a.csv", line: $0, column: 1, columnName: nil),
                       summary: Localized(zh: "坏日期", en: "bad date"))
        }
        let text = DiagnosticRenderer(language: .zh).render(ds, limitPerCode: 2)
        #expect(text.components(separatedBy: "错误[D0104]").count - 1 == 2)
        #expect(text.contains("另有 3 条 [D0104] 未显示"))
    }

    @Test func sortsByFileThenPosition() {
        let a = Diagnostic(.error, code: "X", at: .row(path: "b.csv", line: 2, column: nil, columnName: nil), summary: Localized(zh: "", en: ""))
        let b = Diagnostic(.error, code: "Y", at: .row(path: "a.csv", line: 9, column: nil, columnName: nil), summary: Localized(zh: "", en: ""))
        let c = Diagnostic(.error, code: "Z", at: .row(path: "a.csv", line: 3, column: nil, columnName: nil), summary: Localized(zh: "", en: ""))
        #expect([a, b, c].sortedByLocation().map(\.code) == ["Z", "Y", "X"])
    }

    @Test(arguments: [
        ("522632198503120011", "522632********0011"), ("6217000012345678901", "***************8901"),
    ])
    func masksPersonalData(_ raw: String, _ masked: String) {
        let result = raw.count == 18 ? PersonalData.maskIDNumber(raw) : PersonalData.maskBankAccount(raw)
        #expect(result == masked)
        #expect(PersonalData.maskPhone("13800001111") == "138****1111")
    }

    @Test func columnsCountScalarsNotBytes() {
        let f = SourceFile(path: "x", text: "张三，李四\nab")
        let offset = "张三，".utf8.count
        #expect(f.lineAndColumn(of: offset) == (1, 4))
        #expect(f.lineAndColumn(of: f.lineStarts[1] + 1) == (2, 2))
        #expect(CellReference.reference(row: 13, column: 2) == "C14")
        #expect(CellReference.columnName(27) == "AB")
        #expect(CellReference.column("AB3") == 28)
    }
}
