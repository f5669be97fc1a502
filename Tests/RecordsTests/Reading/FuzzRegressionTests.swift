import Diagnostics
import Foundation
import Testing
@testable import Records

/// Inputs the fuzz targets (Sources/Fuzz, `make fuzz`) found, each reduced to what it takes
/// and checked for the behaviour that the fix gives.
@Suite("fuzz regressions")
struct FuzzRegressionTests {
    static func error(_ bytes: [UInt8], name: String) -> ReadError? {
        do {
            _ = try bytes.withUnsafeBytes { b in try TableReader.read(bytes: b, name: name) { _ in } }
            return nil
        } catch {
            return error as? ReadError
        }
    }

    static func rendered(_ e: ReadError) -> [String] {
        Language.allCases.map { DiagnosticRenderer(language: $0).render(e.diagnostic) }
    }

    /// jifen-fuzz-xlsx: a sheet name as long as a tag (xl/workbook.xml) was printed whole in
    /// every diagnostic located in the sheet (here D0017, 1,120 characters).
    @Test func longSheetNameIsShownAsAnExcerpt() throws {
        let name = String(repeating: "表", count: 1000)
        let bytes = MinimalWorkbook.zip(
            sheet: #"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>5</v></c></row></sheetData></worksheet>"#,
            workbook: #"<workbook xmlns:r="r"><sheets><sheet name="\#(name)" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        let e = try #require(Self.error(bytes, name: "t.xlsx"))
        #expect(e == .badSharedString(path: "t.xlsx", sheet: String(repeating: "表", count: 40) + "…（共 1000 字）", reference: "A1", index: 5))
        for text in Self.rendered(e) { #expect(text.count < 300, "\(text)") }
    }

    /// A part name as long as a tag (a relationship's Target) in "missing part" errors.
    @Test func longPartNameIsShownAsAnExcerpt() throws {
        let target = String(repeating: "p", count: 5000)
        let bytes = MinimalWorkbook.zip(
            sheet: "<worksheet/>",
            rels: #"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="\#(target)"/></Relationships>"#)
        let e = try #require(Self.error(bytes, name: "t.xlsx"))
        #expect(e.diagnostic.code == "D0014")
        for text in Self.rendered(e) { #expect(text.count < 300, "\(text)") }
    }
}
