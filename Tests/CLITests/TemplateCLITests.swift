import Foundation
import TestSupport
import Testing

/// `jifen template`, and the templates' round trip: made from the rules, filled in as a clerk
/// fills them, read by `check-data` and `batch run` as they are.
struct TemplateCLITests {
    typealias Value = TemplateFiller.Value
    /// The month after the last sample month (2021-12): no folder of its own yet.
    static let month = "2022-01"
    /// 2022-01-01 as a spreadsheet date serial.
    static let firstDay = 44562

    /// The sample roster's rows (2021-12), by header, of cadres still employed in 2022-01.
    static let cadres: [[String: String]] = {
        let text = (try? String(contentsOfFile: PackagePaths.path("samples/2021-12/cadres.csv"), encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
            .filter { ($0["离职日期"] ?? "").isEmpty || $0["离职日期"]! >= "2022-01-01" }
    }()
    static let names = Dictionary(cadres.map { ($0["工号"]!, $0["姓名"]!) }, uniquingKeysWith: { a, _ in a })

    /// The sources the sample rules declare, with their enumerations (`班次：枚举（白班、…）`),
    /// read from the rules text itself.
    static let declared: [(source: String, enums: [String: [String]], booleans: [String])] = {
        let dir = PackagePaths.path("rules")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".jifen") }.sorted() ?? []
        var out: [(String, [String: [String]], [String])] = []
        for f in files {
            let text = (try? String(contentsOfFile: dir + "/" + f, encoding: .utf8)) ?? ""
            var current: (String, [String: [String]], [String])? = nil
            for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                // The corrections source (补发补扣) is the batch's, never typed by a clerk: no template.
                if line.hasPrefix("数据源 ") && !line.contains("补发") {
                    current = (String(line.dropFirst(4).prefix { $0 != " " && $0 != "（" && $0 != "(" }), [:], [])
                } else if line.hasPrefix("}"), let c = current {
                    out.append(c)
                    current = nil
                } else if current != nil, let colon = line.firstIndex(of: "：") {
                    let name = String(line[..<colon]), type = line[line.index(after: colon)...]
                    if type.hasPrefix("枚举（"), let close = type.firstIndex(of: "）") {
                        current!.1[name] = type[type.index(type.startIndex, offsetBy: 3)..<close].split(separator: "、").map(String.init)
                    } else if type.hasPrefix("是否型") {
                        current!.2.append(name)
                    }
                }
            }
        }
        return out
    }()

    static func template(_ extra: [String] = []) throws -> String {
        let out = PackagePaths.temporaryDirectory("jifen-template")
        let r = try CLI.run(["template", "--month", month, "--out", out] + extra)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        return out
    }

    // MARK: - Templates from the rules

    @Test func oneTemplatePerDeclaredSourceWithEveryEnumerationAndRosterDropdown() throws {
        let out = PackagePaths.temporaryDirectory("jifen-template")
        let r = try CLI.run(["template", "--month", Self.month, "--out", out])
        #expect(r.status == 0)
        // No 2022-01 folder yet: the latest month's roster, and it says so.
        #expect(r.stdout.contains("[B0031]") && r.stdout.contains("2021-12"))
        #expect(Self.declared.count >= 5)
        let ids = Self.cadres.map { $0["工号"]! }
        for (source, enums, booleans) in Self.declared {
            let t = try TemplateFiller(out + "/\(source).xlsx")
            #expect(t.sheet.name == source && t.sheet.isProtected && t.sheet.settings.contains("freeze A2"))
            for (field, words) in enums {
                let v = try #require(t.validation(field), "\(source).\(field) has no dropdown")
                #expect(v.type == "list" && t.listValues(v) == words, "\(source).\(field)")
            }
            for field in booleans {
                let v = try #require(t.validation(field))
                #expect(v.type == "list" && t.listValues(v) == ["是", "否"])
            }
            if source != "花名册", let id = t.column("工号") {
                let v = try #require(t.validation("工号"))
                #expect(t.isCadreList(v) && t.listValues(v) == ids, "\(source).工号")
                #expect(t.headers[id + 1] == "姓名（自动）")
                #expect(try #require(t.file.sheet("列表")).isHidden)
            }
            if let date = t.validation("日期") {
                #expect(date.type == "date" && date.formula1 == String(Self.firstDay) && date.formula2 == String(Self.firstDay + 30))
            }
        }
    }

    @Test func oneCommunityAndAnUnknownOne() throws {
        let out = try Self.template(["--community", "卧龙"])
        let t = try TemplateFiller(out + "/值班-卧龙.xlsx")
        #expect(t.listValues(try #require(t.validation("工号"))) == Self.cadres.filter { $0["社区"] == "卧龙" }.map { $0["工号"]! })
        let r = try CLI.run(["template", "--month", Self.month, "--community", "不存在", "--out", PackagePaths.temporaryDirectory("jifen-template")])
        #expect(r.status == 65)
        #expect(r.stdout.contains("[B0030]") && r.stdout.contains("富民"))
    }

    // MARK: - Filled in, read as they are

    /// A valid row of a template, the `k`-th: each cadre field a different cadre, every
    /// required cell filled, by what the column's validation accepts.
    static func validRow(_ t: TemplateFiller, _ k: Int) -> [String: Value] {
        let cadre = cadres[k % cadres.count]
        var row: [String: Value] = [:]
        for h in t.headers where h != "姓名（自动）" {
            let required = t.required.contains(h)
            guard let v = t.validation(h) else { continue }
            switch v.type {
            case "list" where t.isCadreList(v): row[h] = .text(cadre["工号"]!)
            case "list": row[h] = .text(t.listValues(v).last == "否" ? "否" : t.listValues(v)[0])
            case "date" where v.formula1 == String(firstDay): row[h] = .number(String(firstDay + k % 31))
            case "date" where required: row[h] = .number("43525")  // 2019-03-01
            case "time": row[h] = .number(h == "结束" ? "0.6666666666666666" : "0.3333333333333333")  // 08:00–16:00
            case "whole" where required: row[h] = .number(v.formula1.map { max(1, Int($0) ?? 1) }.map(String.init) ?? "1")
            case "decimal" where required || h == "分值": row[h] = .number("2")
            case "custom": row[h] = .text("K-\(month)-\(1000 + k)")
            case "" where required: row[h] = .text("文本\(k)")
            default: break
            }
        }
        return row
    }

    /// A value the batch refuses in column `h`, or nil where any value is right (an optional
    /// text). A required cell left blank counts.
    static func invalidValue(_ t: TemplateFiller, _ h: String, valid: [[String: Value]]) -> Value? {
        guard let v = t.validation(h) else { return nil }
        let required = t.required.contains(h)
        switch v.type {
        case "list" where t.isCadreList(v): return .text("XX-999")
        case "list" where v.errorStyle == "information": return required ? .text("") : nil
        case "list": return .text("不在列表中")
        case "date" where v.formula1 == String(firstDay): return .number(String(firstDay - 1))
        case "date": return .text("2021-13-45")
        case "time": return .text("25:99")
        case "whole", "decimal": return .text("abc")
        case "textLength": return .text(v.formula1 == "18" ? "123" : "12")
        case "custom": return valid.first?[h]  // the key of a row above: a duplicate
        default: return required ? .text("") : nil
        }
    }

    /// A roster row of a cadre not on the sample roster, valid: a fresh 工号 and ID number.
    static func newCadre(_ k: Int) -> [String: String] {
        let body = "52263219900101" + String(format: "%03d", 100 + k)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        return ["工号": "TX-\(100 + k)", "姓名": "测试\(k)", "身份证号": body + String(check), "社区": "富民", "岗位": "委员",
                "岗位等级": "3", "入职日期": "2019-03-01", "银行账号": "62220202001122\(String(format: "%05d", 10_000 + k))"]
    }

    static func rosterRows(_ rows: [[String: String]]) -> [[String: Value]] {
        rows.map { $0.filter { !$0.value.isEmpty }.mapValues { Value.text($0) } }
    }

    @Test func filledCommunityTemplatesPassCheckDataAndTheBatchWithEveryRowAccountedFor() throws {
        let root = PackagePaths.temporaryDirectory("jifen-filled")
        let folder = root + "/" + Self.month
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var expected: [String: Int] = [:]
        for community in ["富民", "卧龙"] {
            let out = try Self.template(["--community", community])
            let members = Self.cadres.filter { $0["社区"] == community }
            for name in try FileManager.default.contentsOfDirectory(atPath: out).sorted() {
                let t = try TemplateFiller(out + "/" + name)
                let rows: [[String: Value]]
                switch t.sheet.name {
                case "花名册": rows = Self.rosterRows(members)
                case "期初": rows = []  // sent back empty: the county started in January
                case "培训", "调整": rows = [Self.validRow(t, Self.cadres.firstIndex { $0["社区"] == community }!)]
                default: rows = members.map { m in Self.validRow(t, Self.cadres.firstIndex { $0["工号"] == m["工号"] }!) }
                }
                try t.write(rows: rows, names: Self.names, to: folder + "/" + name)
                expected[name] = rows.count
            }
        }
        #expect(expected.count == 12)
        let check = try CLI.run(["check-data", folder, "--month", Self.month])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("发现 0 个错误、0 个警告"))
        // Every file on its own line of the reconciliation: read = accepted + ignored, the
        // accepted rows exactly those typed.
        for (name, count) in expected {
            let line = try #require(check.stdout.split(separator: "\n").first { $0.contains(name) }, "\(name) missing")
            let n = line.split(separator: " ").compactMap { Int($0) }
            #expect(n.count == 4 && n[0] == n[1] + n[2] + n[3] && n[1] == count && n[2] == 0, "\(line)")
        }
        let store = root + "/store.sqlite"
        let run = try CLI.run(["batch", "run", "--month", Self.month, "--data", root, "--store", store, "--out", root + "/out", "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/out/\(Self.month)/工资表.xlsx"))
    }

    @Test func oneInvalidValuePerColumnIsNamedByItsCell() throws {
        let out = try Self.template()
        let folder = PackagePaths.temporaryDirectory("jifen-invalid") + "/" + Self.month
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var expected: [String] = []  // `值班.xlsx 工作表“值班” C5（第 5 行）`
        for name in try FileManager.default.contentsOfDirectory(atPath: out).sorted() {
            let t = try TemplateFiller(out + "/" + name)
            var rows: [[String: Value]]
            if t.sheet.name == "花名册" {
                rows = Self.rosterRows(Self.cadres)
                for h in t.headers {
                    var row = Self.rosterRows([Self.newCadre(rows.count)])[0]
                    guard let bad = Self.invalidValue(t, h, valid: rows) else { continue }
                    row[h] = bad
                    rows.append(row)
                    expected.append("\(name) 工作表“\(t.sheet.name)” \(XlsxFile.columnName(t.column(h)!))\(rows.count + 1)（第 \(rows.count + 1) 行）")
                }
            } else {
                rows = [Self.validRow(t, 0)]
                for h in t.headers where h != "姓名（自动）" {
                    var row = Self.validRow(t, rows.count)
                    guard let bad = Self.invalidValue(t, h, valid: rows) else { continue }
                    row[h] = bad
                    if t.sheet.name == "值班", h != "备注" { row["备注"] = .text("=HYPERLINK(\"http://x.example\")") }
                    rows.append(row)
                    expected.append("\(name) 工作表“\(t.sheet.name)” \(XlsxFile.columnName(t.column(h)!))\(rows.count + 1)（第 \(rows.count + 1) 行）")
                }
            }
            try t.write(rows: rows, names: Self.names, to: folder + "/" + name)
        }
        #expect(expected.count >= 40)
        let rejected = folder + "/../rejected.xlsx"
        let r = try CLI.run(["check-data", folder, "--month", Self.month, "--limit", "1000", "--rejected", rejected])
        #expect(r.status == 65)
        for place in expected {
            #expect(r.stdout.contains(place), "no diagnostic at \(place)")
        }

        // The rejected rows as a workbook: a sheet per file, the problems with their cells,
        // nothing that runs, identifiers as text.
        let book = try XlsxFile(path: rejected)
        let duty = try #require(book.sheet("值班"))
        #expect(duty.cell("A1")?.value == "原行号（自动）" && duty.cell("B1")?.value == "问题（自动）")
        let problems = duty.cells.filter { $0.col == 1 && $0.row > 0 }.map(\.value)
        #expect(problems.contains { $0.contains("D0107") && $0.contains("班次") })
        #expect(duty.cells.allSatisfy { $0.formula == nil })
        #expect(duty.cells.contains { $0.value.hasPrefix("=HYPERLINK") && $0.numberFormat == "@" && ($0.type == "s" || $0.type == "inlineStr") })
        let roster = try #require(book.sheet("花名册"))
        #expect(roster.columns.contains { $0.numberFormat == "@" })

        // Sent back as it is, the sheet reads as a data file: the derived columns are skipped.
        let back = PackagePaths.temporaryDirectory("jifen-back") + "/" + Self.month
        try FileManager.default.createDirectory(atPath: back, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2021-12/cadres.csv"), toPath: back + "/cadres.csv")
        try FileManager.default.copyItem(atPath: rejected, toPath: back + "/值班.xlsx")
        let again = try CLI.run(["check-data", back, "--month", Self.month, "--limit", "1000"])
        #expect(!again.stdout.contains("[D0026]"), "\(again.stdout)")
        #expect(again.stdout.contains("值班.xlsx 工作表“值班”") && again.stdout.contains("[D0107]"))
    }

    /// A rejected row's numbers go back as the input stored them, however many digits: 22:00
    /// is 0.9166666666666666, an ID number typed as a number 5.22632199001011E+17 (more than a
    /// double's 2^53 in units, which exact report values refuse).
    @Test func rejectedRowsKeepEveryNumberAsStored() throws {
        let out = try Self.template()
        let folder = PackagePaths.temporaryDirectory("jifen-numbers") + "/" + Self.month
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let roster = try TemplateFiller(out + "/花名册.xlsx")
        var typed = Self.rosterRows([Self.newCadre(0)])[0]
        typed["身份证号"] = .number("5.22632199001011E+17")
        try roster.write(rows: Self.rosterRows(Self.cadres) + [typed], names: Self.names, to: folder + "/花名册.xlsx")
        let duty = try TemplateFiller(out + "/值班.xlsx")
        var late = Self.validRow(duty, 0)
        late["班次"] = .text("晚 班")
        late["开始"] = .number("0.5833333333333334")  // 14:00
        late["结束"] = .number("0.9166666666666666")  // 22:00
        try duty.write(rows: [late], names: Self.names, to: folder + "/值班.xlsx")
        let rejected = folder + "/../rejected.xlsx"
        let r = try CLI.run(["check-data", folder, "--month", Self.month, "--rejected", rejected])
        #expect(r.status == 65, "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("无法写出"), "\(r.stdout)")
        let book = try XlsxFile(path: rejected)
        let shift = try #require(book.sheet("值班"))
        let end = try #require(shift.cells.first { $0.row == 1 && $0.type == "n" && Double($0.value) == 0.9166666666666666 })
        #expect(end.numberFormat == "hh:mm")
        let people = try #require(book.sheet("花名册"))
        #expect(people.rows.count == 2)
        #expect(people.cells.contains { $0.row == 1 && $0.value.contains("D0") })
    }
}
