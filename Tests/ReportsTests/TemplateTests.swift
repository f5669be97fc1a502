import Exact
import Foundation
import Records
import Reports
import TestSupport
import Testing

/// The data-entry templates (`TemplateSet`): one workbook per source, every dropdown and
/// limit made from the source's schema, read back from the sheet XML.
struct TemplateTests {
    static let month = YearMonth("2021-01")!
    static let cadres = [
        TemplateCadre(id: "FM-001", name: "张三", community: "富民"),
        TemplateCadre(id: "FM-002", name: "李四", community: "富民"),
        TemplateCadre(id: "WL-001", name: "王五", community: "卧龙"),
    ]
    /// A source a county might add, with a list too long for Excel's 255 characters.
    static let volunteer = SourceSchema(
        name: "志愿服务", fileStems: ["志愿服务"], role: .activity,
        fields: [
            FieldSpec("工号", .text),
            FieldSpec("日期", .date),
            FieldSpec("项目", .enumeration((1...40).map { "志愿服务项目第\($0)项" })),
            FieldSpec("时长", .decimal(scale: 1, min: Fixed(0), max: Fixed(16))),
        ],
        dateField: "日期")
    static let sources = StandardSchemas.all + [volunteer]

    static func write(community: String? = nil) throws -> (folder: String, paths: [String]) {
        let folder = PackagePaths.temporaryDirectory("jifen-templates")
        let settings = TemplateSettings(
            month: month, community: community, cadres: cadres.filter { c in community.map { c.community == $0 } ?? true },
            communities: ["富民", "卧龙"], rosterNote: "samples/2020-12/cadres.csv")
        return (folder, try TemplateSet.write(sources: sources, settings: settings, to: folder))
    }

    @Test func oneWorkbookPerSourceNamedForTheMonthFolder() throws {
        let (_, paths) = try Self.write()
        #expect(paths.map { ($0 as NSString).lastPathComponent } == Self.sources.map { "\($0.name).xlsx" })
        let (_, community) = try Self.write(community: "富民")
        #expect(community.map { ($0 as NSString).lastPathComponent }.first == "花名册-富民.xlsx")
    }

    /// Every enumeration (and 是否) field has a dropdown of exactly its values, and every
    /// field naming a cadre a dropdown of the roster's 工号 from the hidden list sheet.
    @Test(arguments: sources)
    func everyEnumerationAndCadreFieldHasItsDropdown(_ schema: SourceSchema) throws {
        let (folder, _) = try Self.write()
        let file = try XlsxFile(path: folder + "/\(schema.name).xlsx")
        let sheet = try #require(file.sheets.first)
        #expect(sheet.name == schema.name)
        #expect(!sheet.isHidden && sheet.isProtected)
        #expect(sheet.settings.contains("freeze A2"))
        let headers = sheet.rows[0].map(\.value)
        for field in schema.fields {
            let column = try #require(headers.firstIndex { $0 == field.name || $0 == "*" + field.name }, "no column \(field.name)")
            let v = try #require(sheet.validation(column: column), "\(schema.name).\(field.name) has no validation")
            #expect(v.range == "\(XlsxFile.columnName(column))2:\(XlsxFile.columnName(column))1048576")
            #expect(v.promptTitle == field.name && !v.prompt.isEmpty)
            #expect(v.prompt.hasPrefix(field.isOptionalValue && !(schema.role == .adjustments && field.name == "原因") ? "可不填" : "必填")
                    || schema.role == .adjustments)
            let format = try #require(sheet.columns.first { $0.first <= column && column <= $0.last })
            #expect(!format.isLocked, "\(field.name) cells are locked")
            switch field.type {
            case .enumeration(let words):
                #expect(v.type == "list")
                let values = try Self.listValues(v, file)
                #expect(values == words, "\(schema.name).\(field.name)")
            case .boolean:
                #expect(v.type == "list" && v.formula1 == "\"是,否\"")
            case .text where field.name == schema.cadreField && schema.role != .roster:
                #expect(v.type == "list" && v.formula1 == "'列表'!$A$2:$A$4")
                #expect(try Self.listValues(v, file) == Self.cadres.map(\.id))
                // 姓名 beside it, by formula over the list sheet, locked.
                #expect(headers[column + 1] == "姓名（自动）")
                let name = try #require(sheet.cell("\(XlsxFile.columnName(column + 1))2"))
                #expect(name.formula?.contains("INDEX('列表'!$B$2:$B$4,MATCH($\(XlsxFile.columnName(column))2,'列表'!$A$2:$A$4,0))") == true)
                #expect(sheet.columns.first { $0.first == column + 1 }?.isLocked == true)
            case .date where field.name == schema.dateField:
                #expect(v.type == "date" && v.formula1 == "44197" && v.formula2 == "44227")  // 2021-01-01 … 2021-01-31
                #expect(format.numberFormat == "yyyy-mm-dd")
            case .time:
                #expect(v.type == "time" && format.numberFormat == "hh:mm")
            case .integer(let lo, let hi):
                #expect(v.type == "whole")
                if let lo { #expect(v.formula1 == String(lo)) }
                if let hi { #expect(v.formula2 == String(hi)) }
            case .decimal(_, let lo, let hi):
                #expect(v.type == "decimal")
                if let lo { #expect(Double(v.formula1 ?? "") == Double(lo.shortDescription)) }
                if let hi { #expect(Double(v.formula2 ?? "") == Double(hi.shortDescription)) }
            case .idNumber, .bankAccount:
                #expect(v.type == "textLength" && format.numberFormat == "@")
            default:
                break
            }
        }
    }

    @Test func aListLongerThanExcelsLimitGoesToTheHiddenListSheet() throws {
        let (folder, _) = try Self.write()
        let file = try XlsxFile(path: folder + "/志愿服务.xlsx")
        let lists = try #require(file.sheet("列表"))
        #expect(lists.isHidden)
        let v = try #require(file.sheets[0].validation(column: 3))
        #expect(v.formula1 == "'列表'!$D$2:$D$41")
        #expect(try Self.listValues(v, file).count == 40)
    }

    @Test func oneCommunityOffersOnlyItsCadres() throws {
        let (folder, _) = try Self.write(community: "富民")
        let file = try XlsxFile(path: folder + "/值班-富民.xlsx")
        let v = try #require(file.sheets[0].validation(column: 0))
        #expect(try Self.listValues(v, file) == ["FM-001", "FM-002"])
        #expect(v.prompt.contains("富民社区"))
        let roster = try XlsxFile(path: folder + "/花名册-富民.xlsx")
        let headers = roster.sheets[0].rows[0].map(\.value)
        let community = try #require(headers.firstIndex(of: "*社区"))
        #expect(roster.sheets[0].validation(column: community)?.formula1 == "\"富民\"")
    }

    @Test func theSameMonthGivesTheSameBytes() throws {
        let (a, paths) = try Self.write()
        let (b, _) = try Self.write()
        for p in paths {
            let name = (p as NSString).lastPathComponent
            #expect(FileManager.default.contents(atPath: a + "/" + name) == FileManager.default.contents(atPath: b + "/" + name), "\(name)")
        }
    }

    /// The whole duty template as text: headers, formats, validations and messages.
    @Test func theDutyTemplate() throws {
        let (folder, _) = try Self.write(community: "富民")
        let file = try XlsxFile(path: folder + "/值班-富民.xlsx")
        var dump = file.dump.split(separator: "\n", omittingEmptySubsequences: false)
        // The 姓名 formula repeats down every prepared row: keep the first two.
        dump.removeAll { line in line.hasPrefix("  B") && !line.hasPrefix("  B1 ") && !line.hasPrefix("  B2 ") && !line.hasPrefix("  B3 ") && line.contains("={IF(") }
        Snapshot.assertMatches(dump.joined(separator: "\n"), named: "template-duty.txt")
    }

    /// The values a list validation offers: inline, or the cells of the list sheet it names.
    static func listValues(_ v: XlsxFile.Validation, _ file: XlsxFile) throws -> [String] {
        let f = try #require(v.formula1)
        if f.hasPrefix("\"") { return f.dropFirst().dropLast().split(separator: ",").map(String.init) }
        // '列表'!$A$2:$A$4
        let parts = f.split(separator: "!")
        let sheet = try #require(file.sheet(String(parts[0].dropFirst().dropLast())))
        let refs = parts[1].replacingOccurrences(of: "$", with: "").split(separator: ":").map { XlsxFile.position(String($0)) }
        return sheet.cells.filter { $0.col == refs[0].1 && $0.row >= refs[0].0 && $0.row <= refs[1].0 }.map(\.value)
    }
}

extension SourceSchema: CustomTestStringConvertible {
    public var testDescription: String { name }
}
