import CXlsxWriter
import Diagnostics
import Exact
import Foundation
import TestSupport
import Testing
@testable import Records

/// Input files an outside tester broke: each is read as the clerk meant it or refused with a
/// located diagnostic that says what happened, never read silently as something else.
struct BrokenInputTests {
    static let month = YearMonth("2020-12")!
    static let sample = "samples/bad/07-not-employed"

    /// A month folder from the small sample (FM-002 hired 2020-12-14, WL-001 left
    /// 2020-12-10), with `replacing` files written instead of the sample's.
    static func folder(_ name: String = #function, without: Set<String> = [], write: (String) throws -> Void) throws -> String {
        let folder = PackagePaths.temporaryDirectory("broken-" + name.filter { $0.isLetter || $0.isNumber }) + "/2020-12"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in ["cadres.csv", "duty.csv", "service.csv", "training.csv"] where !without.contains(file) {
            try FileManager.default.copyItem(atPath: PackagePaths.path("\(sample)/\(file)"), toPath: folder + "/" + file)
        }
        try write(folder)
        return folder
    }

    static func check(_ folder: String) -> MonthCheck {
        let check = MonthValidator(month: month).validate(folder: folder)
        for f in check.files { #expect(f.isBalanced, "\(f.path) does not balance") }
        return check
    }

    static func codes(_ check: MonthCheck) -> [String] { check.diagnostics.map(\.code) }

    static func sampleCSV(_ file: String) throws -> String {
        try String(contentsOfFile: PackagePaths.path("\(sample)/\(file)"), encoding: .utf8)
    }

    // MARK: - xlsx

    /// A sheet part from CSV text: text as inline strings, the `dates` columns as serial
    /// numbers in the workbook's date system.
    static func sheetXML(csv: String, dates: Set<String>, date1904: Bool) -> String {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, cells) in lines.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            for (c, value) in cells.enumerated() where !value.isEmpty {
                let ref = CellReference.reference(row: r, column: c)
                if r > 0, dates.contains(lines[0][c]), let d = DateParser.parse(value) {
                    let serial = d.excelSerial - (date1904 ? 1462 : 0)
                    xml += "<c r=\"\(ref)\" s=\"1\"><v>\(serial)</v></c>"
                } else {
                    xml += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(value)</t></is></c>"
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    static func workbookXML(sheet: String, date1904: String?) -> String {
        let pr = date1904.map { "<workbookPr date1904=\"\($0)\"/>" } ?? "<workbookPr/>"
        return #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + pr + "<sheets><sheet name=\"\(sheet)\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    }

    /// 1904 date system (Mac Excel, some WPS files): the roster's 入职日期 and 离职日期 and
    /// the duty dates read as the dates the clerk typed, not 4 years and a day early, so a
    /// shift before hiring is refused rather than paid.
    @Test(arguments: ["1", "true"])
    func datesOfA1904WorkbookAreReadAsTyped(_ flag: String) throws {
        let folder = try Self.folder("date1904-\(flag)", without: ["cadres.csv", "duty.csv"]) { folder in
            for (file, sheet, dates) in [("cadres", "花名册", Set(["入职日期", "离职日期"])), ("duty", "值班", Set(["日期"]))] {
                let csv = try Self.sampleCSV(file + ".csv")
                let bytes = MinimalWorkbook.zip(sheet: Self.sheetXML(csv: csv, dates: dates, date1904: true),
                                                workbook: Self.workbookXML(sheet: sheet, date1904: flag))
                try Data(bytes).write(to: URL(fileURLWithPath: folder + "/\(file).xlsx"))
            }
        }
        let check = Self.check(folder)
        let hired = Dictionary(uniqueKeysWithValues: check.roster.cadres.map { ($0.id, $0.hiredOn.description) })
        #expect(hired == ["FM-001": "2018-03-01", "FM-002": "2020-12-14", "WL-001": "2019-01-01", "WL-002": "2017-05-01"])
        #expect(check.roster.cadres.first { $0.id == "WL-001" }?.leftOn?.description == "2020-12-10")
        let notEmployed = check.diagnostics.filter { $0.code == "D0203" }
        #expect(notEmployed.count == 2, "\(check.diagnostics)")
        #expect(notEmployed.contains { $0.summary.zh.contains("FM-002") && $0.summary.zh.contains("2020-12-05") })
        #expect(!Self.codes(check).contains("D0201"))
        let duty = try #require(check.files.first { $0.source == "值班" })
        #expect(duty.accepted == 0 && duty.rejected == 2)
    }

    @Test func theSameWorkbookIn1900IsReadAsBefore() throws {
        let csv = try Self.sampleCSV("cadres.csv")
        let bytes = MinimalWorkbook.zip(sheet: Self.sheetXML(csv: csv, dates: ["入职日期"], date1904: false),
                                        workbook: Self.workbookXML(sheet: "花名册", date1904: "0"))
        let dir = ReadingFixtures.directory()
        let path = ReadingFixtures.write(bytes, name: "cadres.xlsx", in: dir)
        var decoder = FieldDecoder(fields: [FieldSpec("入职日期", .date)])
        var dates: [String] = []
        let file = try TableReader.read(path: path) { row in
            let date1904 = row.date1904
            #expect(!date1904)
            guard row.line > 1 else { return }
            if case .success(let d)? = decoder.decode(0, row.bytes(7), kind: row.kind(7), date1904: row.date1904) {
                dates.append(CivilDate(daysSinceEpoch: Int32(d)).description)
            }
        }
        #expect(!file.date1904)
        #expect(dates == ["2018-03-01", "2020-12-14", "2019-01-01", "2017-05-01"])
    }

    @Test func serialsAsTextAndTimesFollowTheWorkbooksDateSystem() {
        #expect(CivilDate(excelSerial: 44170 - 1462, date1904: true)?.description == "2020-12-05")
        #expect(CivilDate(excelSerial: 0, date1904: true)?.description == "1904-01-01")
        #expect(CivilDate(excelSerial: 44170, date1904: false)?.description == "2020-12-05")
        #expect(DateParser.parse("42708", date1904: true)?.description == "2020-12-05")
        var s = "42708.75"
        let time = s.withUTF8 { FieldDecoder.time($0, kind: .number) }
        #expect(time?.description == "18:00")
        s = "42708.75"
        let date = s.withUTF8 { FieldDecoder.date($0, kind: .number, date1904: true) }
        #expect(date?.description == "2020-12-05")
    }

    /// Writes a duty workbook with libxlsxwriter: `rows` as text under the sample's header.
    static func writeDuty(_ path: String, sheet: String = "值班", rows: [[String]], prepare: (UnsafeMutablePointer<lxw_worksheet>) -> Void = { _ in }) throws {
        let header = try Self.sampleCSV("duty.csv").split(separator: "\n")[0].split(separator: ",").map(String.init)
        let wb = workbook_new(path)!
        let ws = workbook_add_worksheet(wb, sheet)!
        for (r, cells) in ([header] + rows).enumerated() {
            for (c, value) in cells.enumerated() where !value.isEmpty {
                worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), value, nil)
            }
        }
        prepare(ws)
        #expect(workbook_close(wb) == LXW_NO_ERROR)
    }

    static let dutyRows: [[String]] = [
        ["FM-001", "2020-12-01", "白班", "08:00", "16:00", "到岗", ""],
        ["FM-001", "2020-12-02", "白班", "08:00", "16:00", "到岗", "作废"],
        ["FM-001", "2020-12-03", "白班", "08:00", "16:00", "到岗", "重复"],
        ["FM-001", "2020-12-04", "白班", "08:00", "16:00", "到岗", "作废"],
        ["WL-002", "2020-12-05", "白班", "08:00", "16:00", "到岗", ""],
        ["WL-002", "2020-12-06", "白班", "08:00", "16:00", "到岗", "作废"],
    ]

    /// Hidden rows are still read (a warning, not a rejection), named per sheet at the first.
    @Test func hiddenRowsAreReadAndReportedPerSheet() throws {
        let folder = try Self.folder(without: ["duty.csv"]) { folder in
            try Self.writeDuty(folder + "/duty.xlsx", rows: Self.dutyRows) { ws in
                var hidden = lxw_row_col_options(hidden: 1, level: 0, collapsed: 0)
                for row in [2, 3, 4, 6] { worksheet_set_row_opt(ws, lxw_row_t(row), 15, nil, &hidden) }
            }
        }
        let check = Self.check(folder)
        let duty = try #require(check.files.first { $0.source == "值班" })
        #expect(duty.accepted == 6 && duty.rejected == 0)
        let warnings = check.diagnostics.filter { $0.code == "D0035" }
        #expect(warnings.count == 1)
        let w = try #require(warnings.first)
        #expect(w.severity == .warning)
        #expect(w.summary.zh == "工作表“值班”第 3–5、7 行被隐藏，仍按有效记录读取；作废的记录请删除整行")
        #expect(w.location == .cell(path: folder + "/duty.xlsx", sheet: "值班", reference: "3:3", columnName: nil))
        #expect(!check.hasErrors, "\(check.diagnostics)")
    }

    /// Merged cells over the data: one located error per range instead of an empty-cell error
    /// per covered cell; the covered rows are rejected, each row accounted for.
    @Test func mergedCellsAreOneErrorPerRange() throws {
        let folder = try Self.folder(without: ["duty.csv"]) { folder in
            var rows = Self.dutyRows
            for r in 1...3 { rows[r][0] = "" }
            try Self.writeDuty(folder + "/duty.xlsx", rows: rows) { ws in
                // 工号 A2:A5 merged, as a clerk groups one cadre's shifts; a title-like merge
                // in the notes column over rows 6–7 (not required: no row is rejected for it).
                #expect(worksheet_merge_range(ws, 1, 0, 4, 0, "FM-001", nil) == LXW_NO_ERROR)
                #expect(worksheet_merge_range(ws, 5, 6, 6, 6, "", nil) == LXW_NO_ERROR)
            }
        }
        let check = Self.check(folder)
        let duty = try #require(check.files.first { $0.source == "值班" })
        #expect(duty.accepted == 3 && duty.rejected == 3)
        #expect(!Self.codes(check).contains("D0110"), "\(check.diagnostics)")
        let merged = check.diagnostics.filter { $0.code == "D0036" }
        #expect(merged.map(\.summary.zh) == ["A2:A5 是合并单元格：取消合并，并在每一行填写", "G6:G7 是合并单元格：取消合并，并在每一行填写"])
        #expect(merged.allSatisfy { $0.severity == .error })
        #expect(merged.first?.location == .cell(path: folder + "/duty.xlsx", sheet: "值班", reference: "A2:A5", columnName: nil))
        let rejected = check.rejectedRows.filter { $0.origin.path.hasSuffix("duty.xlsx") }
        #expect(rejected.map(\.origin.line) == [3, 4, 5])
        #expect(rejected.allSatisfy { $0.codes == ["D0036"] && $0.reasons == ["A2:A5 是合并单元格：取消合并，并在每一行填写"] })
    }

    /// A blank template sent back, or a CSV with only its header: a warning naming the file
    /// (and sheet). A file of 0 bytes is still an error (D0023).
    @Test func aHeaderOnlyFileOrSheetHasNoRecords() throws {
        let xlsx = try Self.folder("header-only-xlsx", without: ["duty.csv"]) { folder in
            try Self.writeDuty(folder + "/值班-富民.xlsx", sheet: "富民", rows: [])
        }
        let w = try #require(Self.check(xlsx).diagnostics.first { $0.code == "D0037" })
        #expect(w.severity == .warning)
        #expect(w.summary.zh == "“值班-富民.xlsx”的工作表“富民”没有任何记录：只有表头，没有数据行")
        #expect(w.location == .cell(path: xlsx + "/值班-富民.xlsx", sheet: "富民", reference: "1:1", columnName: nil))

        let csv = try Self.folder("header-only-csv") { folder in
            try "工号,日期,班次,开始,结束,状态,备注\r\n\r\n".write(toFile: folder + "/duty.csv", atomically: true, encoding: .utf8)
        }
        let c = Self.check(csv)
        let d = try #require(c.diagnostics.first { $0.code == "D0037" })
        #expect(d.summary.zh == "“duty.csv”没有任何记录：只有表头，没有数据行")
        #expect(d.location == .file(path: csv + "/duty.csv"))
        #expect(!c.hasErrors)

        let empty = try Self.folder("zero-bytes") { folder in
            try Data().write(to: URL(fileURLWithPath: folder + "/duty.csv"))
        }
        let e = Self.codes(Self.check(empty))
        #expect(e.contains("D0023") && !e.contains("D0037"))
    }
}
