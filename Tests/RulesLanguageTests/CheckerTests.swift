import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

/// A small regulation the checker cases below extend with one mistake each.
let checkerPrelude = """
    数据源 值班 {
      日期：日期型
      班次：枚举（白班、夜班）
      状态：枚举（到岗、缺勤）
    }
    等次评定 {
      优秀：得分 ≥ 90 分
      不称职：其余
      排序 得分 从高到低、工号 从低到高
    }

    """

let checkerCases: [DiagnosticCase] = [
    DiagnosticCase(code: "R0101", name: "unknown-source", source: checkerPrelude + """
        积分项 夜间值班 {
          取 值班表 其中 班次 = 夜班
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0102", name: "unknown-name", source: checkerPrelude + """
        积分项 夜间值班 {
          取 值班 其中 班别 = 夜班
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0103", name: "unknown-enumeration-value", source: checkerPrelude + """
        积分项 夜间值班 {
          取 值班 其中 班次 = 夜半 且 状态 属于（到岗）
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0104", name: "unknown-tier", source: checkerPrelude + """
        一票否决 连续缺勤 {
          取 值班 其中 状态 = 缺勤
          当 天数（日期） ≥ 3
          定为 不合格
        }
        """),
    DiagnosticCase(code: "R0105", name: "not-a-table", source: checkerPrelude + """
        应发项 基本工资 = 岗位工资（岗位等级）
        """),
    DiagnosticCase(code: "R0106", name: "unknown-group-field", source: """
        等次评定 {
          优秀：得分 ≥ 90 分，名额 20% 按 小区
          称职：其余
        }
        """),
    DiagnosticCase(code: "R0107", name: "duplicate-definition", source: checkerPrelude + """
        参数 分值 = 15 元
        参数 分值 （自 2021-01-01 起） = 18 元
        应发项 绩效工资 = 得分 × 分值
        """),
    DiagnosticCase(code: "R0108", name: "unused-definition", source: checkerPrelude + """
        参数 夜班补贴标准 = 50 元
        """),
    DiagnosticCase(code: "R0109", name: "unknown-column", path: "rules/tests/示例.jifen-test", source: """
        测试 夜班 {
          记录 花名册 {
            工号   姓名  社区  职务
            FM001  张三  富民  网格员
          }
        }
        """),
    DiagnosticCase(code: "R0110", name: "cyclic-definition", source: checkerPrelude + """
        计算项 应发合计 = 基本工资 + 绩效工资
        应发项 基本工资 = 2000 元
        应发项 绩效工资 = 应发合计 × 10%
        """),
]

@Suite("Name resolution")
struct CheckerTests {
    func check(_ c: DiagnosticCase) -> (String, String, [Diagnostic]) {
        let source = SourceFile(path: c.path, text: c.source)
        var files = [source]
        // A test file is checked against the prelude's rules.
        if c.path.hasSuffix(".jifen-test") { files.append(SourceFile(path: "rules/示例.jifen", text: checkerPrelude)) }
        let project = RulesProject.parse(files)
        let diagnostics = RulesChecker.check(project).filter { d in
            if case .source(let p, _) = d.location { return p == c.path }
            return true
        }
        let zh = DiagnosticRenderer(language: .zh, sources: project.sources).render(diagnostics)
        let en = DiagnosticRenderer(language: .en, sources: project.sources).render(diagnostics)
        #expect(project.diagnostics.isEmpty, "\(project.diagnostics.map(\.code))")
        return (zh, en, diagnostics)
    }

    @Test("each code renders as its golden file", arguments: checkerCases)
    func golden(_ c: DiagnosticCase) throws {
        let (zh, en, diagnostics) = check(c)
        #expect(diagnostics.map(\.code) == [c.code], "\(zh)")
        try assertSnapshot("\(c.code)-\(c.name)", source: c.source, output: zh + "\n" + en)
    }

    @Test("the sample rules and their tests resolve every name")
    func sampleIsClean() throws {
        let project = try sampleRules()
        let diagnostics = RulesChecker.check(project)
        #expect(diagnostics.isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
    }

    @Test("the prelude itself is clean, so each case shows only its own mistake")
    func preludeIsClean() {
        let project = RulesProject.parse([SourceFile(path: "rules/示例.jifen", text: checkerPrelude)])
        #expect(RulesChecker.check(project).isEmpty)
    }

    @Test("suggests the closest name for a slip of the keyboard")
    func suggestion() {
        let c = checkerCases[0]
        let (zh, _, _) = check(c)
        #expect(zh.contains("你是不是想写“值班”？"))
    }
}
