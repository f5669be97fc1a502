import Diagnostics
import Exact
import Foundation
import Records
import TestSupport
import Testing

/// A file in a month folder whose name is a little off is read as meant when the slip is
/// harmless, and stops the month when it names a source but cannot be read: it is never
/// left out with only a warning.
struct FileNameSlipTests {
    static func locate(_ names: [String]) -> (files: [String: [String]], diagnostics: [Diagnostic]) {
        let folder = PackagePaths.temporaryDirectory("name-slips")
        for f in names + ["cadres.csv"] { FileManager.default.createFile(atPath: folder + "/" + f, contents: Data()) }
        let (files, problems) = MonthValidator(month: YearMonth("2020-12")!).locate(folder: folder)
        return (files.mapValues { $0.map { ($0 as NSString).lastPathComponent } }, problems.map(\.diagnostic))
    }

    @Test(arguments: [
        "值班 - 富民.xlsx", " 值班-富民.xlsx", "值班-富民.xlsx ", "值班-富民 .xlsx", "值班　－　富民.xlsx",
        "值班—富民.xlsx", "值班——富民.xlsx", "值班 _富民.csv", "DUTY - 富民.CSV",
    ])
    func aHarmlessSlipIsTheSameName(_ name: String) {
        let (files, diagnostics) = Self.locate([name])
        #expect(files["值班"] == [name])
        #expect(!diagnostics.contains { $0.code == "D0020" || $0.code == "D0040" || $0.code == "D0041" }, "\(diagnostics)")
    }

    @Test func aSlipBesideTheRightNameIsOneFileTooMany() {
        let (files, diagnostics) = Self.locate(["值班 - 富民.xlsx", "值班-富民.xlsx"])
        #expect(files["值班"] == nil)
        #expect(diagnostics.contains { $0.code == "D0021" })
    }

    @Test(arguments: [
        ("值班-富民.xls", "D0041", "值班-富民.xlsx"), ("值班-富民.et", "D0041", "值班-富民.xlsx"),
        ("值班-富民.xlsx.txt", "D0041", "值班-富民.xlsx"), ("值班 - 富民.XLS", "D0041", "值班-富民.xlsx"),
        ("duty.csv.txt", "D0041", "duty.xlsx"), ("服务台账富民.xls", "D0041", "服务台账-富民.xlsx"),
        ("值班富民.xlsx", "D0040", "值班-富民.xlsx"), ("值班 富民.csv", "D0040", "值班-富民.csv"),
        ("值班表（最终版）.xlsx", "D0040", "值班-表（最终版）.xlsx"), ("值班-富民.txt", "D0040", "值班-富民.xlsx"),
        ("培训-.xlsx", "D0040", "培训.xlsx"), ("Cadres2020.csv", "D0040", "cadres-2020.csv"),
    ])
    func aSourcesFileThatCannotBeUsedIsAnErrorNamingTheExpectedName(_ name: String, _ code: String, _ expected: String) throws {
        let (files, diagnostics) = Self.locate([name])
        let d = try #require(diagnostics.first { $0.code == code }, "\(diagnostics)")
        #expect(d.severity == .error)
        #expect(d.location.path.hasSuffix("/" + name))
        #expect(d.expected?.zh.contains(expected) == true, "\(d.expected?.zh ?? "")")
        #expect(d.help?.zh.contains(expected) == true)
        if code == "D0041" { #expect(d.help?.zh.contains("请用 Excel/WPS 另存为 .xlsx") == true) }
        #expect(!diagnostics.contains { $0.code == "D0020" })
        #expect(files.values.joined().allSatisfy { $0 == "cadres.csv" })
        // Not also "no file, no records" for its source: the file is there and must be used.
        let source = d.summary.zh.drop { $0 != "“" }.dropFirst().prefix { $0 != "”" }
        #expect(!diagnostics.contains { $0.code == "D0022" && $0.summary.zh.contains("“\(source)”") }, "\(diagnostics)")
    }

    @Test(arguments: ["说明.docx", "notes.xls", "汇总.xlsx", "readme.txt", "全县-值班.xlsx", "值班说明.docx", "值班表.jpg", "duty.pdf"])
    func aFileLikeNoSourceIsStillAWarning(_ name: String) throws {
        let (_, diagnostics) = Self.locate([name])
        let d = try #require(diagnostics.first { $0.location.path.hasSuffix("/" + name) })
        #expect(d.code == "D0020" && d.severity == .warning)
    }
}
