import Diagnostics
import Records
import Testing

@testable import RulesLanguage

/// A county's own ledgers are what its rules declare: a source read from a file name the
/// standard sources also use (`duty`, `service`) keeps the county's name and fields, rather
/// than taking on Rongjiang's 值班 or 服务台账 with their required columns.
struct DeclaredSourceTests {
    static func check(_ text: String) -> CheckedRules {
        let project = RulesProject.parse([SourceFile(path: "rules/示例.jifen", text: text)])
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty, "\(DiagnosticRenderer(language: .zh, sources: project.sources).render(diagnostics))")
        return rules
    }

    @Test func anActivityLedgerReadFromAStandardFileNameIsTheCountysOwn() throws {
        let rules = Self.check("""
            数据源 考勤 （文件 “duty”、“考勤”） {
              工号：文本
              日期：日期型
              状态：枚举（到岗、缺勤）
            }
            数据源 服务 （文件 “service”） {
              编号：文本
              工号：文本
              日期：日期型
              类别：枚举（全程代办、入户走访）
            }
            基础分 100 分
            扣分项 缺勤 { 取 考勤 其中 状态 = 缺勤，每条 5 分 }
            积分项 代办 { 取 服务 其中 类别 = 全程代办，每条 1 分 }
            实发项 实发工资 = 0 元
            """)
        let attendance = try #require(rules.sources.first { $0.name == "考勤" })
        #expect(attendance.schema.name == "考勤")
        #expect(attendance.schema.fields.map(\.name) == ["工号", "日期", "状态"])
        #expect(attendance.schema.fileStems == ["duty", "考勤"])
        let service = try #require(rules.sources.first { $0.name == "服务" })
        #expect(service.schema.name == "服务")
        #expect(service.schema.fields.map(\.name) == ["编号", "工号", "日期", "类别"])
        #expect(!rules.sources.contains { $0.schema.name == "值班" || $0.schema.name == "服务台账" })
    }

    @Test func theRosterIsFoundByItsFileWhateverTheRulesCallIt() throws {
        let rules = Self.check("""
            数据源 人员名单 （文件 “cadres”） {
              工号：文本
              姓名：文本
              社区：文本
              岗位：文本
              入职日期：日期型
            }
            基础分 100 分
            实发项 实发工资 = 0 元
            """)
        #expect(rules.sources.filter { $0.schema.role == .roster }.count == 1)
    }
}
