import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

@Suite("RulesProject.load")
struct RulesProjectTests {
    @Test("reads every .jifen and .jifen-test file under the folder, in path order, with relative paths")
    func loadsFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-rules-\(UUID().uuidString)")
        let rules = root.appendingPathComponent("rules")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: rules.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try "基础分 60 分\n".write(to: rules.appendingPathComponent("b.jifen"), atomically: true, encoding: .utf8)
        try "参数 分值 = 15 元\n参数 错 = \n".write(to: rules.appendingPathComponent("a.jifen"), atomically: true, encoding: .utf8)
        try "测试 甲 {\n  月份 2020-12\n}\n".write(to: rules.appendingPathComponent("tests/t.jifen-test"), atomically: true, encoding: .utf8)
        try "not rules".write(to: rules.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)

        let project = try RulesProject.load(directory: rules)
        #expect(project.files.map(\.path) == ["rules/a.jifen", "rules/b.jifen"])
        #expect(project.testFiles.map(\.path) == ["rules/tests/t.jifen-test"])
        // The broken parameter is reported and left out; the others are read.
        #expect(project.declarations.count == 2)
        #expect(project.diagnostics.map(\.code) == ["R0010"])
        let rendered = DiagnosticRenderer(sources: project.sources).render(project.diagnostics)
        #expect(rendered.hasPrefix("rules/a.jifen:2:8: 错误[R0010]"))
    }

    @Test("a folder named examples holds other regulations: loading the folder around it skips it, loading it by name reads it")
    func skipsExamples() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-rules-\(UUID().uuidString)")
        let rules = root.appendingPathComponent("rules")
        let example = rules.appendingPathComponent("examples/甲县")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: example, withIntermediateDirectories: true)
        try "基础分 60 分\n".write(to: rules.appendingPathComponent("本县.jifen"), atomically: true, encoding: .utf8)
        try "基础分 80 分\n".write(to: example.appendingPathComponent("甲县.jifen"), atomically: true, encoding: .utf8)
        try "测试 甲 {\n  月份 2020-12\n}\n".write(to: example.appendingPathComponent("甲县.jifen-test"), atomically: true, encoding: .utf8)

        let county = try RulesProject.load(directory: rules)
        #expect(county.files.map(\.path) == ["rules/本县.jifen"])
        #expect(county.testFiles.isEmpty)
        let other = try RulesProject.load(directory: example)
        #expect(other.files.map(\.path) == ["甲县/甲县.jifen"])
        #expect(other.testFiles.map(\.path) == ["甲县/甲县.jifen-test"])
    }

    @Test("a missing folder is an error, not an empty project")
    func missingFolder() {
        #expect(throws: (any Error).self) {
            try RulesProject.load(directory: URL(fileURLWithPath: "/nonexistent/jifen/rules"))
        }
    }
}
