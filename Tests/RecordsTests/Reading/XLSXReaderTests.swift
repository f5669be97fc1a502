import CXlsxWriter
import Foundation
import Testing
@testable import Records

private typealias Row = ReadingFixtures.Row

/// Writes workbooks with libxlsxwriter, as the reports will.
enum WorkbookWriter {
    /// One cell value in a test workbook.
    enum Value {
        case text(String)
        case number(Double)
        case date(year: Int, month: Int, day: Int)
        case boolean(Bool)
        case formulaText(formula: String, result: String)
    }

    /// Writes sheets of (zero-based row, column, value) cells.
    static func write(_ path: String, constantMemory: Bool = false, sheets: [(String, [(Int, Int, Value)])], hidden: Set<String> = []) {
        var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: nil, use_zip64: 0)
        let wb = workbook_new_opt(path, &options)!
        let dateFormat = workbook_add_format(wb)
        format_set_num_format(dateFormat, "yyyy-mm-dd")
        var activated = false
        for (name, cells) in sheets {
            let ws = workbook_add_worksheet(wb, name)!
            for (r, c, v) in cells {
                let row = lxw_row_t(r), col = lxw_col_t(c)
                switch v {
                case .text(let s): worksheet_write_string(ws, row, col, s, nil)
                case .number(let d): worksheet_write_number(ws, row, col, d, nil)
                case .date(let y, let m, let d):
                    var dt = lxw_datetime(year: Int32(y), month: Int32(m), day: Int32(d), hour: 0, min: 0, sec: 0)
                    worksheet_write_datetime(ws, row, col, &dt, dateFormat)
                case .boolean(let b): worksheet_write_boolean(ws, row, col, b ? 1 : 0, nil)
                case .formulaText(let f, let result): worksheet_write_formula_str(ws, row, col, f, nil, result)
                }
            }
            // A hidden sheet cannot be the one shown: the first visible sheet is.
            if hidden.contains(name) {
                worksheet_hide(ws)
            } else if !activated {
                worksheet_activate(ws)
                activated = true
            }
        }
        precondition(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter failed")
    }
}

private let roster: [(Int, Int, WorkbookWriter.Value)] = [
    (0, 0, .text("工号")), (0, 1, .text("姓名")), (0, 2, .text("入职日期")), (0, 3, .text("岗位等级")),
    (0, 4, .text("在岗")), (0, 5, .text("系数")), (0, 6, .text("身份证号")),
    (1, 0, .text("FM-001")), (1, 1, .text("张三")), (1, 2, .date(year: 2020, month: 12, day: 1)),
    (1, 3, .number(3)), (1, 4, .boolean(true)), (1, 5, .number(0.375)), (1, 6, .number(Double("522632199001011234")!)),  // an ID typed as a number loses digits: the file holds the double's shortest text, 5.2263219900101126E+17
    // Row 3 (index 2) is absent; row 4 has a gap in column B and stops at column D.
    (3, 0, .text("FM-002 & \"李四\" <副主任>")), (3, 2, .number(-12.5)), (3, 3, .number(0.015)),
    (3, 4, .boolean(false)),
    (4, 1, .formulaText(formula: "=\"合\"&\"计\"", result: "合计")), (4, 3, .number(1e-7)),
]

private let expectedRoster: [Row] = [
    Row(1, ["工号", "姓名", "入职日期", "岗位等级", "在岗", "系数", "身份证号"]),
    Row(2, ["FM-001", "张三", "44166", "3", "TRUE", "0.375", "522632199001011260"]),
    Row(4, ["FM-002 & \"李四\" <副主任>", "", "-12.5", "0.015", "FALSE"]),
    Row(5, ["", "合计", "", "0.0000001"]),
]

@Suite("xlsx reader")
struct XLSXReaderTests {
    @Test("shared strings (normal mode) and inline strings (constant memory)", arguments: [false, true])
    func readsAWorkbook(constantMemory: Bool) throws {
        let dir = ReadingFixtures.directory()
        let path = dir.appendingPathComponent("花名册.xlsx").path
        WorkbookWriter.write(path, constantMemory: constantMemory, sheets: [("花名册", roster)])
        let (file, rows) = try ReadingFixtures.rows(path)
        #expect(rows == expectedRoster)
        #expect(file.format == .xlsx(sheet: "花名册"))
        #expect(file.rowCount == 4)
        #expect(file.delimiter == nil)
    }

    @Test func kindsAndReferences() throws {
        let dir = ReadingFixtures.directory()
        let path = dir.appendingPathComponent("t.xlsx").path
        WorkbookWriter.write(path, sheets: [("S", roster)])
        var kinds: [[CellKind]] = []
        var refs: [String?] = []
        _ = try TableReader.read(path: path) { row in
            kinds.append(row.cellKinds)
            refs.append(row.cellReference(2))
        }
        #expect(kinds[1] == [.text, .text, .number, .number, .boolean, .number, .number])
        #expect(kinds[2] == [.text, .empty, .number, .number, .boolean])
        #expect(kinds[3] == [.empty, .text, .empty, .number])
        #expect(refs == ["C1", "C2", "C4", "C5"])
    }

    @Test func choosesASheetByName() throws {
        let dir = ReadingFixtures.directory()
        let path = dir.appendingPathComponent("month.xlsx").path
        WorkbookWriter.write(path, sheets: [
            ("说明", [(0, 0, .text("本表为 12 月台账"))]),
            ("服务台账", [(0, 0, .text("编号")), (1, 0, .text("S-0001"))]),
        ])
        let (first, firstRows) = try ReadingFixtures.rows(path, sheets: ["不存在"])
        #expect(first.format == .xlsx(sheet: "说明"))
        #expect(firstRows == [Row(1, ["本表为 12 月台账"])])
        let (chosen, rows) = try ReadingFixtures.rows(path, sheets: ["不存在", "服务台账", "说明"])
        #expect(chosen.format == .xlsx(sheet: "服务台账"))
        #expect(rows == [Row(1, ["编号"]), Row(2, ["S-0001"])])
    }

    @Test func handWrittenXML() throws {
        // Namespace prefixes, rows and cells without r, rich text with phonetic runs,
        // entities, CDATA, errors, booleans, exponent numbers, an absolute target, CRLF.
        let sheet = """
            <?xml version="1.0" encoding="UTF-8"?>\r
            <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- made by hand -->
            <x:sheetData>
            <x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:t xml:space="preserve"> 张&#x4E09; &amp;&#20004;</x:t></x:is></x:c></x:row>
            <x:row r="7"><x:c r="B7" t="e"><x:v>#N/A</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c><x:v>1.5E-2</x:v></x:c><x:c><x:v>5.22632199001011E+17</x:v></x:c></x:row>
            <x:row r="8" spans="1:3"/>
            <x:row r="9"><x:c r="A9" s="1"/><x:c r="C9" t="str"><x:f>A1</x:f><x:v><![CDATA[a<b]]></x:v></x:c><x:c r="D9" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t>民</x:t></x:r><x:rPh><x:t>fu</x:t></x:rPh></x:is></x:c><x:c r="E9" t="s"><x:v></x:v></x:c></x:row>
            </x:sheetData><x:mergeCells count="0"/></x:worksheet>
            """
        let shared = """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">\
            <si><t>工号</t></si><si><r><t>榕</t></r><r><rPr><b/></rPr><t>江</t></r><rPh sb="0" eb="1"><t>róng</t></rPh></si></sst>
            """
        let rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" TargetMode="External" Type="x" Target="http://example.com/"/></Relationships>"#
        let workbook = #"<workbook xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="A&amp;B" sheetId="1" rel:id="rId9"/></sheets></workbook>"#
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(
            MinimalWorkbook.zip(sheet: sheet, sharedStrings: shared, workbook: workbook, rels: rels,
                                sheetPath: "xl/worksheets/data.xml"),
            name: "hand.xlsx", in: dir)
        let (file, rows) = try ReadingFixtures.rows(path)
        #expect(file.format == .xlsx(sheet: "A&B"))
        #expect(rows == [
            Row(1, ["工号", "榕江", " 张三 &两"]),
            Row(7, ["", "#N/A", "TRUE", "0.015", "522632199001011000"]),
            Row(8, []),
            Row(9, ["", "", "a<b", "富民"]),
        ])
    }
}

/// A workbook that must fail, and the error code it must fail with.
struct BadWorkbook: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let code: String
    var testDescription: String { name }
}

private let badWorkbooks: [BadWorkbook] = [
    BadWorkbook(name: "not a zip", bytes: Array("工号,姓名\n".utf8), code: "D0012"),
    BadWorkbook(name: "password-protected (OLE)", bytes: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504), code: "D0019"),
    BadWorkbook(name: "truncated zip", bytes: Array(MinimalWorkbook.zip(sheet: "<worksheet/>").prefix(300)), code: "D0012"),
    BadWorkbook(name: "unclosed element", bytes: MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row><c><v>1</v></c>"), code: "D0016"),
    BadWorkbook(name: "mismatched tags", bytes: MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row></c></row></sheetData></worksheet>"), code: "D0016"),
    BadWorkbook(name: "unknown entity", bytes: MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&nbsp;</t></is></c></row></sheetData></worksheet>"), code: "D0016"),
    BadWorkbook(name: "empty part", bytes: MinimalWorkbook.zip(sheet: ""), code: "D0016"),
    BadWorkbook(name: "shared string out of range", bytes: MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row r=\"3\"><c r=\"B3\" t=\"s\"><v>5</v></c></row></sheetData></worksheet>", sharedStrings: "<sst><si><t>a</t></si></sst>"), code: "D0017"),
    BadWorkbook(name: "beyond row 1048576", bytes: MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row r=\"99999999999\"><c><v>1</v></c></row></sheetData></worksheet>"), code: "D0016"),
    BadWorkbook(name: "beyond column XFD", bytes: MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>"), code: "D0018"),
    BadWorkbook(name: "no sheets", bytes: MinimalWorkbook.zip(sheet: "<worksheet/>", workbook: "<workbook><sheets/></workbook>"), code: "D0015"),
    BadWorkbook(name: "sheet part missing", bytes: MinimalWorkbook.zip(sheet: "<worksheet/>", sheetPath: "xl/worksheets/other.xml"), code: "D0014"),
]

@Suite("xlsx reader errors")
struct XLSXReaderErrorTests {
    @Test(arguments: badWorkbooks)
    func fails(_ c: BadWorkbook) {
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(c.bytes, name: "bad.xlsx", in: dir)
        do {
            _ = try TableReader.readAll(path: path)
            Issue.record("no error")
        } catch {
            #expect(error.diagnostic.code == c.code, "\(error)")
            #expect(error.path == path)
        }
    }

    @Test func checksumMismatch() throws {
        // A stored (uncompressed) part changed after its CRC was written: only the CRC tells.
        var bytes = MinimalWorkbook.zip(sheet: "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>")
        let needle = Array("<v>1</v>".utf8)
        let at = (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }!
        bytes[at + 3] = UInt8(ascii: "7")
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(bytes, name: "crc.xlsx", in: dir)
        #expect(throws: ReadError.corruptPart(path: path, part: "xl/worksheets/sheet1.xml", reason: "CRC-32 mismatch")) {
            _ = try TableReader.readAll(path: path)
        }
    }

    @Test func damagedSheetData() throws {
        // A real workbook with bytes flipped inside the sheet's compressed data.
        let dir = ReadingFixtures.directory()
        let path = dir.appendingPathComponent("t.xlsx").path
        let cells = (0..<2000).map { (Int($0), 0, WorkbookWriter.Value.number(Double($0) * 1.25)) }
        WorkbookWriter.write(path, sheets: [("S", cells)])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        let header = (0..<(bytes.count - name.count)).first { i in
            bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 3 && bytes[i + 3] == 4
                && Array(bytes[(i + 30)..<(i + 30 + name.count)]) == name
        }!
        let dataStart = header + 30 + name.count + Int(bytes[header + 28]) + Int(bytes[header + 29]) << 8
        for k in 0..<40 { bytes[dataStart + 200 + k] ^= 0x5A }
        let bad = ReadingFixtures.write(bytes, name: "damaged.xlsx", in: dir)
        do {
            _ = try TableReader.readAll(path: bad)
            Issue.record("no error")
        } catch {
            #expect(["D0013", "D0016"].contains(error.diagnostic.code), "\(error)")
        }
    }
}
