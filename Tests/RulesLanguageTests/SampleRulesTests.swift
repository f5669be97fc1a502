import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

@Suite("The sample rules in rules/")
struct SampleRulesTests {
    @Test("parse without a single diagnostic")
    func parsesCleanly() throws {
        let project = try sampleRules()
        let rendered = DiagnosticRenderer(sources: project.sources).render(project.diagnostics)
        #expect(project.diagnostics.isEmpty, "\(rendered)")
        #expect(!project.files.isEmpty)
        #expect(!project.testFiles.isEmpty)
    }

    @Test("use every construct of the language")
    func coverEveryConstruct() throws {
        let project = try sampleRules()
        let decls = project.declarations
        var seen: Set<String> = []
        for d in decls {
            switch d {
            case .source(let s):
                seen.insert("source")
                if s.fields.contains(where: { if case .enumeration = $0.type.kind { true } else { false } }) { seen.insert("enumeration") }
                if s.fields.contains(where: \.isOptional) { seen.insert("optional field") }
            case .item(let item):
                seen.insert("item \(item.kind)")
                if item.caps.contains(where: { $0.period == .day }) { seen.insert("daily cap") }
                if item.caps.contains(where: { $0.period == .month }) { seen.insert("monthly cap") }
                if let f = item.floor { seen.insert(f.amount == nil ? "until zero" : "floor") }
                if !item.requiredFields.isEmpty { seen.insert("reason") }
                if item.scoring?.mode == .total { seen.insert("total scoring") }
                if item.attributes.since != nil { seen.insert("rule in force from a date") }
                if item.attributes.citation?.article != nil { seen.insert("citation") }
            case .baseScore: seen.insert("base score")
            case .veto(let v): if v.tier != nil { seen.insert("veto") }
            case .tiers(let t):
                if t.rules.contains(where: { $0.quota != nil }) { seen.insert("quota") }
                if !t.ordering.isEmpty { seen.insert("tie-break") }
            case .parameter(let p): if p.values.count > 1 { seen.insert("dated parameter") }
            case .table: seen.insert("lookup table")
            case .brackets: seen.insert("bracket table")
            case .payLine(let p):
                seen.insert("pay \(p.kind)")
                if let r = p.rounding { seen.insert("round to \(r.place)") }
                if !p.exemptions.isEmpty { seen.insert("exemption") }
            case .year(let y):
                seen.insert("year")
                if y.clauses.contains(where: { if case .bonusTax = $0 { true } else { false } }) { seen.insert("bonus tax") }
            case .test, .scoreRange, .groupCap, .grouping: break
            }
        }
        let text = spanless(RuleFile(path: "", declarations: decls, comments: [], keywordLanguage: .chinese, span: .at(0)))
        for builtin in ["clamp", "yearToDate", "priorToDate", "poolShare"] where text.contains(".\(builtin)") { seen.insert(builtin) }
        for agg in ["count", "distinctDays", "max"] where text.contains("RulesLanguage.Aggregate.\(agg)") { seen.insert(agg) }
        let expected: Set<String> = [
            "source", "enumeration", "optional field", "item points", "item deduction", "item adjustment",
            "daily cap", "monthly cap", "until zero", "floor", "reason", "total scoring", "rule in force from a date",
            "citation", "base score", "veto", "quota", "tie-break", "dated parameter", "lookup table", "bracket table",
            "pay earning", "pay withholding", "pay net", "pay value", "round to fen", "round to yuan", "exemption",
            "clamp", "yearToDate", "priorToDate", "poolShare", "count", "distinctDays", "max", "year", "bonus tax",
        ]
        #expect(expected.subtracting(seen).isEmpty, "missing: \(expected.subtracting(seen).sorted())")
    }

    @Test("are formatted: fmt is idempotent and keeps the tree")
    func formatting() throws {
        let project = try sampleRules()
        for source in project.sources {
            let once = RulesFormatter.format(source)
            let twice = RulesFormatter.format(SourceFile(path: source.path, text: once))
            #expect(once == twice, "\(source.path) is not stable under fmt")
            let (a, _) = RulesParser.parse(file: source)
            let (b, diags) = RulesParser.parse(file: SourceFile(path: source.path, text: once))
            #expect(diags.isEmpty)
            #expect(spanless(a) == spanless(b), "\(source.path): fmt changed the tree")
            #expect(a.comments.map(\.text) == b.comments.map(\.text), "\(source.path): fmt lost or reordered comments")
            // The shipped files are already in canonical layout.
            #expect(once == String(decoding: source.bytes, as: UTF8.self), "\(source.path) is not in canonical layout")
        }
    }
}

@Suite("The sample rules pass the checker")
struct SampleRulesCheckTests {
    @Test("jifen check rules/ is clean: no error and no warning")
    func checkerClean() throws {
        let loaded = try LoadedRules.load(directory: repositoryRoot.appendingPathComponent("rules").path)
        let rendered = DiagnosticRenderer(sources: loaded.project.sources).render(loaded.diagnostics)
        #expect(loaded.diagnostics.isEmpty, "\(rendered)")
    }
}

extension SampleRulesCheckTests {
    @Test("a slip in an enumeration value is caught and names its field")
    func enumerationSlip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-typo-\(UUID().uuidString)")
        let rules = dir.appendingPathComponent("rules")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("rules/榕江县积分管理考核办法.jifen"), encoding: .utf8)
        text = text.replacingOccurrences(of: "班次 = 夜班 且 状态 属于（到岗、替班）\n  每条 2 分", with: "班次 = 夜半 且 状态 属于（到岗、替补）\n  每条 2 分")
        try text.write(to: rules.appendingPathComponent("x.jifen"), atomically: true, encoding: .utf8)
        let loaded = try LoadedRules.load(directory: rules.path)
        #expect(loaded.diagnostics.map(\.code) == ["R0107", "R0107"])
        #expect(loaded.diagnostics.map(\.summary.zh) == ["“夜半”不是“班次”的取值", "“替补”不是“状态”的取值"])
    }
}
