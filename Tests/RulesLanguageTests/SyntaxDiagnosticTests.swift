import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

/// One rules text per syntax error code, with its rendered diagnostics kept as a golden file.
struct DiagnosticCase: CustomTestStringConvertible, Sendable {
    var code: String
    var name: String
    var path = "rules/示例.jifen"
    var source: String
    var testDescription: String { "\(code) \(name)" }
}

let diagnosticCases: [DiagnosticCase] = [
    DiagnosticCase(code: "R0001", name: "unexpected-character", source: """
        积分项 夜间值班 {
          取 值班
          每条 2 分 @
        }
        """),
    DiagnosticCase(code: "R0002", name: "unterminated-string", source: """
        积分项 培训学时 {
          取 培训 其中 考核 = “合格
          每条 学时 × 0.5 分
        }
        """),
    DiagnosticCase(code: "R0003", name: "invalid-number", source: """
        参数 夜班补贴标准 = 12345678901234567890 元
        """),
    DiagnosticCase(code: "R0004", name: "invalid-date", source: """
        参数 分值 {
          自 2020-10-01 起 15 元
          自 2021-02-30 起 18 元
        }
        """),
    DiagnosticCase(code: "R0005", name: "expected-declaration", source: """
        夜间值班 每条 2 分

        基础分 60 分
        """),
    DiagnosticCase(code: "R0006", name: "expected-name", source: """
        积分项 （依据 第五条第一款） {
          取 值班 其中 班次 = 夜班
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0007", name: "expected-token", source: """
        数据源 值班 {
          工号 文本
          日期：日期型
        }
        """),
    DiagnosticCase(code: "R0008", name: "unclosed-block", source: """
        积分项 夜间值班 {
          取 值班 其中 班次 = 夜班
          每条 2 分

        积分项 节假日值班 {
          取 值班 其中 班次 = 节假日
          每条 3 分
        }
        """),
    DiagnosticCase(code: "R0009", name: "unknown-clause", source: """
        积分项 夜间值班 {
          取 值班 其中 班次 = 夜班
          每次 2 分
        }
        """),
    DiagnosticCase(code: "R0010", name: "expected-expression", source: """
        积分项 夜间值班 {
          取 值班 其中 班次 = 夜班
          每条
        }
        """),
    DiagnosticCase(code: "R0011", name: "unclosed-parenthesis", source: """
        应发项 基本工资 = 岗位工资标准（岗位等级
        """),
    DiagnosticCase(code: "R0012", name: "nesting-too-deep", source: """
        参数 甲 = \(String(repeating: "（", count: 101))1\(String(repeating: "）", count: 101))
        """),
    DiagnosticCase(code: "R0013", name: "unexpected-after-clause", source: """
        积分项 夜间值班 {
          取 值班 其中 班次 = 夜班
          每条 2 分 3 分
        }
        """),
    DiagnosticCase(code: "R0014", name: "keyword-joined-to-name", source: """
        积分项 夜间值班 {
          取值班 其中 班次 = 夜班
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0015", name: "duplicate-clause", source: """
        积分项 夜间值班 {
          取 值班 其中 班次 = 夜班
          每条 2 分
          每月上限 20 分
          每月上限 30 分
        }
        """),
    DiagnosticCase(code: "R0016", name: "missing-clause", source: """
        积分项 夜间值班 {
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0017", name: "expected-field-type", source: """
        数据源 值班 {
          日期：日子
        }
        """),
    DiagnosticCase(code: "R0018", name: "empty-citation", source: """
        积分项 夜间值班 （依据） {
          取 值班
          每条 2 分
        }
        """),
    DiagnosticCase(code: "R0019", name: "expected-rounding", source: """
        应发项 绩效工资 = 得分 × 分值 {
          舍入 到毛
        }
        """),
    DiagnosticCase(code: "R0020", name: "record-cell-count", path: "rules/tests/示例.jifen-test", source: """
        测试 夜班 {
          月份 2020-12
          记录 值班 {
            工号   日期        班次  状态
            FM001  2020-12-01  夜班
          }
        }
        """),
    DiagnosticCase(code: "R0021", name: "empty-enumeration", source: """
        数据源 值班 {
          班次：枚举（）
        }
        """),
    DiagnosticCase(code: "R0022", name: "keyword-as-name", source: """
        参数 测试 = 5 元
        """),
    DiagnosticCase(code: "R0023", name: "invalid-time", source: """
        对照表 应到时间 按 班次 {
          白班：08:30
          夜班：25:00
        }
        """),
]

/// Keywords where a name is expected (issue 12, item 10): each message says it is a
/// keyword, what the keyword is for, and what to write.
let keywordAsNameCases: [(String, String, String)] = [
    // A declaration's name.
    ("积分项 一票否决 {\n  取 值班\n  每条 2 分\n}\n", "“一票否决”是关键字", "例如“一票否决项目”"),
    // A field's name.
    ("数据源 值班 {\n  工号：文本\n  等次：文本\n}\n", "“等次”是关键字", "等次系数（等次）"),
    // What a table is looked up by.
    ("对照表 系数 按 测试 {\n  1：2\n}\n", "“测试”是关键字", "用在测试用例文件里"),
    // A name in a formula.
    ("应发项 补贴 = 月份 × 10 元\n", "“月份”是关键字", "关键字不能单独用作名称"),
]

@Suite("Syntax diagnostics")
struct SyntaxDiagnosticTests {
    @Test("each code renders as its golden file", arguments: diagnosticCases)
    func golden(_ c: DiagnosticCase) throws {
        let source = SourceFile(path: c.path, text: c.source)
        let (zh, diagnostics) = renderDiagnostics(source)
        let (en, _) = renderDiagnostics(source, language: .en)
        #expect(diagnostics.map(\.code) == [c.code], "\(zh)")
        try assertSnapshot("\(c.code)-\(c.name)", source: c.source, output: zh + "\n" + en)
    }

    @Test("every syntax error case has a golden case")
    func everyCodeCovered() {
        let codes = Set(diagnosticCases.map(\.code))
        #expect(codes.count == diagnosticCases.count)
        #expect(codes == Set((1...23).map { String(format: "R%04d", $0) }))
    }

    @Test("a keyword where a name is expected says it is a keyword and what to write", arguments: keywordAsNameCases.indices)
    func keywordAsName(_ i: Int) {
        let (text, summary, help) = keywordAsNameCases[i]
        let (zh, diagnostics) = renderDiagnostics(SourceFile(path: "rules/示例.jifen", text: text))
        #expect(diagnostics.map(\.code) == ["R0022"], "\(zh)")
        #expect(zh.contains(summary) && zh.contains(help), "\(zh)")
        #expect(!zh.contains("R0007") && !zh.contains("R0010") && !zh.contains("缺少名称"))
    }

    @Test("等次 and 排名 read as the tier and the rank in formulas, and a table may be keyed by 等次")
    func tierAndRankParse() {
        let text = "对照表 等次系数 按 等次 {\n  优秀：1.2\n  其余：1\n}\n\n应发项 绩效报酬 = 得分 × 分值 × 等次系数（等次） + （若 排名 ≤ 3 则 100 元 否则 0 元）\n"
        let (file, diagnostics) = RulesParser.parse(file: SourceFile(path: "rules/示例.jifen", text: text))
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.code))")
        guard case .table(let t) = file.declarations.first else { Issue.record("no table"); return }
        #expect(t.key?.name == "等次")
    }

    @Test("one run reports every error and still reads the good declarations")
    func recovery() {
        let text = """
            积分项 甲 {
              取 值班
              每次 2 分
              每月上限
            }

            垃圾 一行

            积分项 乙 {
              取 值班
              每条 （1 + 2 分
            }

            基础分 60 分
            """
        let (file, errors) = RulesParser.parseErrors(file: SourceFile(path: "x.jifen", text: text))
        #expect(errors.map(\.code) == ["R0009", "R0010", "R0005", "R0011"])
        #expect(file.declarations.count == 3)
        if case .baseScore = file.declarations.last {} else { Issue.record("the base score after the errors was not read") }
    }

    /// `到 0.0001 元` is a rounding place the language does not have: R0019 says which it has,
    /// where R0013 said only that “到” was more than the line needed.
    @Test("a rounding place the language lacks names the places it has", arguments: [
        ("舍入 四舍五入 到 0.0001 元", "“到 0.0001 元”"),
        ("舍入 舍去 到 0.01 元", "“到 0.01 元”"),
        ("舍入 到毛", "“到毛”"),
        ("舍入 进一 到厘", "“到厘”"),
    ])
    func roundingPlace(_ clause: String, _ written: String) {
        let source = SourceFile(path: "rules/示例.jifen", text: "应发项 绩效工资 = 得分 × 分值 {\n  \(clause)\n}\n\n基础分 60 分\n")
        let (zh, diagnostics) = renderDiagnostics(source)
        #expect(diagnostics.map(\.code) == ["R0019"], "\(zh)")
        #expect(zh.contains("金额只能舍入到分、角或元，这里写的是\(written)"), "\(zh)")
        #expect(zh.contains("到分（0.01 元）、到角（0.1 元）或 到元（1 元）"), "\(zh)")
        // The caret covers the place as written, to the end of the clause.
        let (en, _) = renderDiagnostics(source, language: .en)
        #expect(en.contains("to_fen (0.01), to_jiao (0.1) or to_yuan (1)"), "\(en)")
        let caret = zh.split(separator: "\n").first { $0.contains("^") }.map { $0.filter { $0 == "^" }.count } ?? 0
        #expect(caret >= written.count - 2, "\(zh)")
    }

    @Test("renders with the file, line, column and caret the clerk needs")
    func renderedShape() {
        let source = SourceFile(path: "rules/x.jifen", text: "积分项 甲 {\n  取 值班\n  每条 2 分 3 分\n}\n")
        let (out, _) = renderDiagnostics(source)
        #expect(out.hasPrefix("rules/x.jifen:3:10: 错误[R0013]: 这一行末尾多出了“3”"))
        #expect(out.contains("3 |   每条 2 分 3 分\n  |             ^ 多余的内容"))
        #expect(out.contains("= 帮助: "))
    }
}
