import CXlsxWriter
import Exact
import Foundation
import Records
import TestSupport
import Testing

/// The 2020-12 sample saved three ways — UTF-8 CSV, GB18030 CSV as Excel on Chinese Windows
/// saves it, and xlsx with real number and date cells — must read to identical records.
struct SameMonthTests {
    static let month = YearMonth("2020-12")!

    /// Every accepted record of a folder, as text, with its source and line.
    static func records(_ folder: String) -> (rows: [String], roster: [String], check: MonthCheck) {
        var rows: [String] = []
        let check = MonthValidator(month: month).validate(folder: folder) { source, decoder, row in
            let fields = (0..<decoder.fields.count).map { row.present[$0] ? decoder.text($0, row.payload[$0]) : "∅" }
            rows.append("\(source)|\(row.line)|\(row.cadre)|" + fields.joined(separator: "|"))
        }
        let roster = check.roster.cadres.map { c in
            [c.id, c.name, c.idNumber, c.community, c.grid ?? "", c.post, String(c.level), c.hiredOn.description,
             c.leftOn?.description ?? "", c.bankAccount, c.bank ?? "", c.phone ?? "", c.specialDeduction?.description ?? "",
             String(c.origin.line)].joined(separator: "|")
        }
        return (rows, roster, check)
    }

    @Test func utf8GB18030AndXlsxReadToIdenticalRecords() throws {
        let source = PackagePaths.path("samples/2020-12")
        let gb = PackagePaths.temporaryDirectory("gb18030") + "/2020-12"
        let xl = PackagePaths.temporaryDirectory("xlsx") + "/2020-12"
        for dir in [gb, xl] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name.hasSuffix(".csv") {
            let text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
            try Self.iconvGB18030(text).write(to: URL(fileURLWithPath: gb + "/" + name))
            try Self.writeXlsx(csv: text, to: xl + "/" + name.replacingOccurrences(of: ".csv", with: ".xlsx"), sheet: String(name.dropLast(4)))
        }
        let a = Self.records(source), b = Self.records(gb), c = Self.records(xl)
        #expect(!a.check.hasErrors)
        #expect(a.rows.count > 1000)
        #expect(b.check.files.allSatisfy { if case .csv(.gb18030)? = $0.format { true } else { false } })
        #expect(c.check.files.allSatisfy { if case .xlsx? = $0.format { true } else { false } })
        #expect(a.roster == b.roster)
        #expect(a.roster == c.roster)
        #expect(a.rows == b.rows)
        #expect(a.rows == c.rows)
        #expect(b.check.diagnostics.isEmpty)
        #expect(c.check.diagnostics.isEmpty, "\(c.check.diagnostics.prefix(3))")
    }

    static func iconvGB18030(_ text: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        p.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }

    /// Writes a CSV's rows as a clerk's workbook: numbers as numbers, dates as date cells,
    /// times as fractions of a day, ID numbers and accounts as text.
    static func writeXlsx(csv: String, to path: String, sheet: String) throws {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let numeric: Set<String> = ["岗位等级", "学时", "用时", "专项附加扣除", "分值", "金额", "累计收入", "累计社保", "累计专项附加扣除", "累计已预扣税额", "累计月数"]
        let dates: Set<String> = ["日期", "入职日期", "离职日期"]
        let times: Set<String> = ["开始", "结束"]
        let wb = workbook_new(path)!
        let ws = workbook_add_worksheet(wb, sheet)!
        let dateFormat = workbook_add_format(wb)!
        format_set_num_format(dateFormat, "yyyy-mm-dd")
        let timeFormat = workbook_add_format(wb)!
        format_set_num_format(timeFormat, "hh:mm")
        for (r, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (col, value) in cells.enumerated() where !value.isEmpty {
                let name = r == 0 ? "" : header[col]
                let row = lxw_row_t(r), column = lxw_col_t(col)
                if numeric.contains(name), let d = Double(value) {
                    worksheet_write_number(ws, row, column, d, nil)
                } else if dates.contains(name), let date = DateParser.parse(value) {
                    worksheet_write_number(ws, row, column, Double(date.excelSerial), dateFormat)
                } else if times.contains(name), let t = DateParser.parseTime(value) {
                    worksheet_write_number(ws, row, column, Double(t.minutes) / 1440, timeFormat)
                } else {
                    worksheet_write_string(ws, row, column, value, nil)
                }
            }
        }
        #expect(workbook_close(wb) == LXW_NO_ERROR)
    }
}
