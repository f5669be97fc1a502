import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

@Suite("docs/rules-language.md")
struct DocumentationTests {
    func document() throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("docs/rules-language.md"), encoding: .utf8)
    }

    @Test("lists every keyword in both spellings")
    func keywordTable() throws {
        let doc = try document()
        for k in Keyword.allCases {
            #expect(doc.contains("| `\(k.chinese)` | `\(k.english)` |"), "\(k) missing from the keyword table")
        }
    }

    @Test("the examples of the reference parse without errors")
    func examplesParse() throws {
        let doc = try document()
        let reference = doc.components(separatedBy: "## 7.")[0]
        let blocks = reference.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        var checked = 0
        for block in blocks where !block.contains("…") {
            let text = block.hasPrefix("\n") ? String(block.dropFirst()) : block
            let (_, diagnostics) = RulesParser.parse(file: SourceFile(path: "doc.jifen", text: text))
            #expect(diagnostics.isEmpty, "\(text)\n\(diagnostics.map(\.code))")
            checked += 1
        }
        #expect(checked >= 10)
    }

    @Test("the complete regulations of the reference check without errors")
    func completeExamplesCheck() throws {
        let doc = try document()
        let reference = doc.components(separatedBy: "## 7.")[0]
        let blocks = reference.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        var checked = 0
        for block in blocks where !block.contains("…") && block.contains("数据源") && block.contains("实发项") {
            let project = RulesProject.parse([SourceFile(path: "doc.jifen", text: String(block.dropFirst()))])
            #expect(project.diagnostics.isEmpty)
            let (_, diagnostics) = Checker.check(project.files)
            let errors = diagnostics.filter(\.isError)
            #expect(errors.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(errors))")
            checked += 1
        }
        #expect(checked >= 1)
    }

    @Test("shows an example of every syntax and checker code")
    func errorCodes() throws {
        let doc = try document()
        let checkerCodes = checkerCases.map(\.code)
        for code in (1...23).map({ String(format: "R%04d", $0) }) + checkerCodes {
            #expect(doc.contains("### \(code) "), "\(code) missing")
            #expect(doc.contains("错误[\(code)]") || doc.contains("警告[\(code)]"), "\(code) has no rendered example")
        }
    }
}
