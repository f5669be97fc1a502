import Diagnostics
import Exact
import Testing

@testable import RulesLanguage

/// Times of day (issue 12, item 4) and the month's calendar values and headcounts (item 5):
/// how they lex, parse, check and format.
@Suite("Times, days in post and headcounts")
struct TimeAndCalendarTests {
    func kinds(_ text: String) -> [Token.Kind] {
        var lexer = Lexer(bytes: Array(text.utf8))
        return lexer.tokenize().map(\.kind).dropLast()
    }

    func checked(_ extra: String) -> (CheckedRules, [Diagnostic], String) {
        let text = regulation { $0.sources = """
            数据源 值班 （文件 “duty”） {
              工号：文本
              日期：日期型
              班次：枚举（白班、夜班）
              开始：时间型
              结束：时间型
              状态：枚举（到岗、缺勤）
            }
            """; $0.extra = extra }
        let project = RulesProject.parse([SourceFile(path: "rules/示例.jifen", text: text)])
        let (rules, diagnostics) = Checker.check(project.files)
        let errors = diagnostics.filter(\.isError)
        return (rules, errors, DiagnosticRenderer(language: .zh, sources: project.sources).render(errors))
    }

    @Test("08:30 and 08：30 are times; 1：30 at the start of a line stays a table row")
    func timesLex() {
        let t = TimeOfDay(hour: 8, minute: 30)!
        #expect(kinds("开始 > 08:30") == [.identifier("开始"), .greater, .time(t)])
        #expect(kinds("开始 > 8：30") == [.identifier("开始"), .greater, .time(t)])
        #expect(kinds("白班：08:30") == [.identifier("白班"), .colon, .time(t)])
        #expect(kinds("x = 24:00") == [.identifier("x"), .equal, .time(TimeOfDay(hour: 24, minute: 0)!)])
        // A table row keyed by number: key 1, value 30 元.
        #expect(kinds("{\n1：30 元") == [.lBrace, .newline, .number(Fixed(1)), .colon, .number(Fixed(30)), .keyword(.unitYuan)])
        // Three digits after the colon are not minutes: 18：3500 元 reads as before.
        #expect(kinds("x 18：3500 元") == [.identifier("x"), .number(Fixed(18)), .colon, .number(Fixed(3500)), .keyword(.unitYuan)])
    }

    @Test("a time that does not exist is R0023")
    func invalidTime() {
        var lexer = Lexer(bytes: Array("开始 > 25:00".utf8))
        _ = lexer.tokenize()
        #expect(lexer.errors.map(\.code) == ["R0023"])
        var minutes = Lexer(bytes: Array("开始 > 08:75".utf8))
        _ = minutes.tokenize()
        #expect(minutes.errors.map(\.code) == ["R0023"])
    }

    @Test("times, calendar values and headcounts format back as written")
    func formatRoundTrip() throws {
        let text = """
            对照表 应到时间 按 班次 {
              白班：08:30
              夜班：20:00
            }

            应发项 基本报酬 = 2000 元 × 在岗天数 ÷ 本月天数 + （若 本月入职 或 本月离职 则 0 元 否则 100 元） + 10 元 × 在岗人数（社区） + 在岗人数（社区、岗位） × 1 元 {
              舍入 四舍五入 到分
            }

            """
        let source = SourceFile(path: "rules/示例.jifen", text: text)
        let (_, diagnostics) = RulesParser.parse(file: source)
        #expect(diagnostics.isEmpty)
        let formatted = RulesFormatter.format(source)
        #expect(formatted == text, "\(formatted)")
    }

    @Test("a time compares with a time literal, parameter or table of times; two times subtract to minutes")
    func timesCheck() throws {
        let (rules, errors, text) = checked("""
            参数 上班时间 = 08:30

            对照表 应到时间 按 班次 {
              白班：08:30
              夜班：20:00
            }

            扣分项 迟到 {
              取 值班 其中 开始 > 应到时间（班次） 且 开始 ≠ 上班时间 且 结束 ≤ 23:59
              每条 若 开始 - 应到时间（班次） > 30 分钟 则 2 分 否则 1 分
            }
            """)
        #expect(errors.isEmpty, "\(text)")
        #expect(rules.parameters["上班时间"]?.type == .time)
        #expect(rules.lookups["应到时间"]?.first?.valueType == .time)
        let item = try #require(rules.items.first { $0.name == "迟到" })
        guard case .each(.conditional(.compare(let difference, _), _, _, _)) = item.scoring else {
            Issue.record("\(item.scoring)")
            return
        }
        #expect(difference.type == .number)
    }

    @Test("a time does not add, mix with numbers in a table or compare with a number")
    func timeMistakes() {
        let (_, errors, text) = checked("""
            对照表 应到时间 按 班次 {
              白班：08:30
              夜班：20
            }

            扣分项 迟到 {
              取 值班 其中 开始 + 30 > 09:00 且 开始 > 830
              每条 1 分
            }
            """)
        #expect(errors.map(\.code) == ["R0202", "R0202", "R0201"], "\(text)")
        #expect(text.contains("时间只能相减或比较"), "\(text)")
    }

    @Test("在岗天数 and the others are cadre values: not in a record's condition")
    func calendarPlaces() {
        let (rules, errors, text) = checked("""
            应发项 基本报酬 = 2000 元 × 在岗天数 ÷ 本月天数 {
              舍入 四舍五入 到分
              不适用 本月离职
            }

            应发项 入职补助 = 若 本月入职 则 200 元 否则 0 元

            应发项 社区奖励 = 1000 元 ÷ 在岗人数（社区） + 1000 元 ÷ 在岗人数（全县） + 1000 元 ÷ 在岗人数（岗位） + 1000 元 ÷ 在岗人数（社区、岗位） + 1000 元 ÷ 在岗人数（岗位，社区） + 1000 元 ÷ 在岗人数（社区） {
              舍入 舍去 到分
            }
            """)
        #expect(errors.isEmpty, "\(text)")
        // Each list of keys once, in the order written; 全县 counts by no key.
        #expect(rules.headcountGroups == [["社区"], [], ["岗位"], ["社区", "岗位"], ["岗位", "社区"]])
        let (_, wrong, wrongText) = checked("""
            积分项 入职当月值班 {
              取 值班 其中 本月入职
              每条 1 分
            }

            应发项 奖励 = 1000 元 ÷ 在岗人数（工号） + 1000 元 ÷ 在岗人数 （社区） × 在岗人数（） + 1000 元 ÷ 在岗人数（社区、姓名） {
              舍入 舍去 到分
            }
            """)
        #expect(wrong.map(\.code) == ["R0101", "R0109", "R0206", "R0109"], "\(wrongText)")
    }

    @Test("在岗人数 counts by a 分组 as by a roster field, alone or with others; R0109 offers the groupings")
    func headcountByGrouping() {
        let grouping = """
            分组 考核组 {
              正职：岗位 属于（“书记”、“主任”）
              其他组：其余
            }

            """
        let (rules, errors, text) = checked(grouping + "应发项 绩效 = 在岗人数（社区、考核组） × 1500 元 + 在岗人数（考核组） × 1 元")
        #expect(errors.isEmpty, "\(text)")
        #expect(rules.headcountGroups == [["社区", "考核组"], ["考核组"]])
        let (_, wrong, wrongText) = checked(grouping + "应发项 绩效 = 在岗人数（正职） × 1500 元")
        #expect(wrong.map(\.code) == ["R0109"], "\(wrongText)")
        #expect(wrongText.contains("在岗人数（考核组）"), "\(wrongText)")
    }

    @Test("a prorated line without rounding needs one (R0308)")
    func prorationNeedsRounding() {
        let (_, errors, text) = checked("应发项 基本报酬 = 2000 元 × 在岗天数 ÷ 本月天数")
        #expect(errors.map(\.code) == ["R0308"], "\(text)")
    }
}
