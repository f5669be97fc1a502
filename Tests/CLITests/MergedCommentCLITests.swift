import Exact
import Foundation
import TestSupport
import Testing
import ZIPFoundation

/// Merged cells over a column no rule reads do not stop the month (D0036 a warning), through
/// the built binary with the sample rules.
@Suite(.serialized) struct MergedCommentCLITests {
    static let rules = PackagePaths.path("rules")

    // MARK: - Merged cells over a column no rule reads

    /// The sample's duty rows as an xlsx of inline strings, with `merged` ranges.
    static func dutyWorkbook(_ csv: String, merged: [String], to path: String) throws {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var sheet = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, line) in csv.split(whereSeparator: \.isNewline).enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, value) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() where !value.isEmpty {
                let ref = String(Character(Unicode.Scalar(UInt8(65 + c)))) + String(r + 1)
                sheet += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(escape(String(value)))</t></is></c>"
            }
            sheet += "</row>"
        }
        sheet += "</sheetData>"
        if !merged.isEmpty { sheet += "<mergeCells count=\"\(merged.count)\">" + merged.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>" }
        sheet += "</worksheet>"
        let parts: [(String, String)] = [
            ("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#),
            ("_rels/.rels", #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="值班" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// 备注 of 值班 is read by no rule: merged cells over it are a warning and the month
    /// checks clean; over 工号 they stay an error, and without the rules (nothing known of
    /// what is read) so does the 备注 range.
    @Test func mergedCellsOverACommentNoRuleReadsDoNotStopTheMonth() throws {
        let (_, folder) = try SampleMonthCopies.dataRoot("merged-notes", month: "2020-12")
        let csv = try String(contentsOfFile: folder + "/duty.csv", encoding: .utf8)
        try FileManager.default.removeItem(atPath: folder + "/duty.csv")
        try Self.dutyWorkbook(csv, merged: ["G2:G4"], to: folder + "/duty.xlsx")
        let r = try CLI.run(["check-data", folder, "--month", "2020-12", "--rules", Self.rules])
        #expect(r.status == 0, "\(SampleMonthCopies.all(r))")
        #expect(r.stdout.contains("警告[D0036]") && r.stdout.contains("G2:G4 是合并单元格（“备注”列）"), "\(r.stdout)")
        #expect(!r.stdout.contains("错误[D0036]"))

        // Without rules: run where there is no rules folder and no jifen.json (a named rules
        // folder that is missing is an error of its own).
        let bare = folder + "/../无规则"
        try FileManager.default.createDirectory(atPath: bare, withIntermediateDirectories: true)
        let noRules = try CLI.run(["check-data", folder, "--month", "2020-12"], in: bare)
        #expect(noRules.status == 65 && noRules.stdout.contains("错误[D0036]"), "\(SampleMonthCopies.all(noRules))")

        try FileManager.default.removeItem(atPath: folder + "/duty.xlsx")
        try Self.dutyWorkbook(csv, merged: ["G2:G4", "A5:A6"], to: folder + "/duty.xlsx")
        let id = try CLI.run(["check-data", folder, "--month", "2020-12", "--rules", Self.rules])
        #expect(id.status == 65, "\(SampleMonthCopies.all(id))")
        #expect(id.stdout.contains("错误[D0036]") && id.stdout.contains("A5:A6 是合并单元格：取消合并，并在每一行填写"), "\(id.stdout)")
        #expect(id.stdout.contains("警告[D0036]"), "\(id.stdout)")
    }
}
