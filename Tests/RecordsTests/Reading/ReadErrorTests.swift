import Diagnostics
import Testing
@testable import Records

@Suite("read error diagnostics")
struct ReadErrorTests {
    static let all: [ReadError] = [
        .fileNotFound(path: "a.csv"), .unreadable(path: "a.csv", reason: "Permission denied"),
        .unsupportedFileType(path: "a.txt", extension: ".txt"), .legacyExcelFormat(path: "a.xls"),
        .misnamedWorkbook(path: "a.csv"), .unsupportedEncoding(path: "a.csv", encoding: "UTF-16"),
        .invalidUTF8(path: "a.csv", line: 9, offset: 120, bytes: [0xC0]),
        .invalidGB18030(path: "a.csv", line: 9, offset: 120, bytes: [0xFF]),
        .converterUnavailable(path: "a.csv", encoding: "GB18030"), .unterminatedQuote(path: "a.csv", line: 3),
        .recordTooLong(path: "a.csv", line: 3, limit: 64 << 20), .notZip(path: "a.xlsx"),
        .corruptPart(path: "a.xlsx", part: "xl/worksheets/sheet1.xml", reason: "CRC-32 mismatch"),
        .missingPart(path: "a.xlsx", part: "xl/workbook.xml"), .noSheets(path: "a.xlsx"),
        .malformedXML(path: "a.xlsx", part: "xl/worksheets/sheet1.xml", offset: 812, reason: "</a> closes <b>"),
        .badSharedString(path: "a.xlsx", sheet: "花名册", reference: "B3", index: 5),
        .tooManyColumns(path: "a.xlsx", sheet: "花名册", row: 2, column: 16385), .protectedWorkbook(path: "a.xlsx"),
        .partTooLarge(path: "a.xlsx", part: "xl/worksheets/sheet1.xml", size: 3 << 30, limit: 2 << 30),
        .compressionRatio(path: "a.xlsx", part: "xl/sharedStrings.xml", compressed: 54_000, inflated: 50 << 20, ratio: 100),
        .cellTooLong(path: "a.xlsx", place: .cell(sheet: "培训", reference: "A1"), excerpt: "AAAA…（共 209715200 字）"),
        .fieldTooLong(path: "a.csv", line: 2, column: 3, quoted: true, excerpt: "坏…（超过 32767 字）"),
        .expansionTooLarge(path: "a.xlsx", sheet: "培训", row: 48, bytes: 8 << 20, compressed: 1_200, ratio: 100),
        .tooManyFields(path: "a.csv", line: 2, limit: 16_384),
    ]

    @Test func codesAreD0001ToD0019ThenD0028ToD0033InOrder() {
        let codes = Self.all.map(\.diagnostic.code)
        #expect(codes == (Array(1...19) + Array(28...33)).map { "D" + String(repeating: "0", count: 4 - String($0).count) + String($0) })
    }

    @Test(arguments: all)
    func everyDiagnosticIsComplete(_ e: ReadError) {
        let d = e.diagnostic
        #expect(d.severity == .error)
        #expect(!d.summary.zh.isEmpty && !d.summary.en.isEmpty)
        #expect(d.help.map { $0.zh.hasSuffix("。") && $0.en.hasSuffix(".") } == true)
        #expect(d.location.path == e.path)
    }

    @Test func rendered() {
        let zh = DiagnosticRenderer(language: .zh)
        let en = DiagnosticRenderer(language: .en)
        let d = ReadError.unterminatedQuote(path: "2020-12/duty.csv", line: 14).diagnostic
        #expect(zh.render(d) == """
            2020-12/duty.csv:14: 错误[D0010]: 第 14 行开始的引号没有结束
               = 注: 引号之后直到文件结尾的内容都被当成了同一个单元格。
               = 帮助: 请在这一行找到多余或缺少的英文双引号（"），补齐或删除后再保存。

            """)
        let bomb = ReadError.compressionRatio(path: "training.xlsx", part: "xl/sharedStrings.xml", compressed: 54_318,
                                              inflated: 52_428_913, ratio: 100).diagnostic
        #expect(zh.render(bomb) == """
            training.xlsx: 错误[D0029]: 工作簿中的“xl/sharedStrings.xml”压缩比超过 100:1，可能是恶意构造的“压缩炸弹”
               = 实际: 53.0 KB → 50.0 MB
               = 应为: 解压后不超过压缩大小的 100 倍（Excel 保存的表格通常为 5–20 倍）
               = 帮助: 请在 Excel 中打开后“另存为”CSV UTF-8 再使用；来源不明的文件请不要使用，并告知管理员。

            """)
        let x = ReadError.badSharedString(path: "s.xlsx", sheet: "服务台账", reference: "C14", index: 99).diagnostic
        #expect(en.header(x) == "s.xlsx[服务台账]!C14 (row 14): error[D0017]: the cell refers to shared string 99, which does not exist")
    }
}
