import Diagnostics
import Exact
import Testing

@testable import RulesLanguage

@Suite("Parser")
struct ParserTests {
    func parse(_ text: String) -> (RuleFile, [SyntaxError]) {
        RulesParser.parseErrors(file: SourceFile(path: "t.jifen", text: text))
    }

    let chinese = """
        积分项 夜间值班 （依据 第五条第一款，自 2021-01-01 起） {
          取 值班 其中 班次 = 夜班 且 状态 属于（到岗、替班）
          每条 2 分，每日上限 2 分，每月上限 20 分
        }
        等次评定 {
          优秀：得分 ≥ 90 分，名额 20% 按 社区
          不称职：其余
          排序 得分 从高到低、工号 从低到高
        }
        应发项 夜班补贴 = 夜班补贴标准 × 条数（来自 值班 其中 班次 = 夜班） {
          舍入 四舍五入 到元
          不适用 岗位 = 网格员
        }
        """

    @Test("Chinese and English keywords give the same tree")
    func bilingual() {
        let english = """
            item 夜间值班 (per 第五条第一款, since 2021-01-01 onward) {
              take 值班 where 班次 = 夜班 and 状态 in(到岗, 替班)
              each 2 pt, daily_cap 2 pt, monthly_cap 20 pt
            }
            tiers {
              优秀: score >= 90 pt, quota 20% by 社区
              不称职: otherwise
              order score descending, 工号 ascending
            }
            earning 夜班补贴 = 夜班补贴标准 * count(from 值班 where 班次 = 夜班) {
              round half_up to_yuan
              exempt 岗位 = 网格员
            }
            """
        let (a, e1) = parse(chinese), (b, e2) = parse(english)
        #expect(e1.isEmpty && e2.isEmpty, "\(e1) \(e2)")
        #expect(spanless(a) == spanless(b))
        #expect(a.keywordLanguage == .chinese && b.keywordLanguage == .english)
    }

    @Test("reads the parts of an item, a tier table and a pay line")
    func structure() throws {
        let (file, errors) = parse(chinese)
        #expect(errors.isEmpty)
        guard case .item(let item) = file.declarations[0] else { Issue.record("not an item"); return }
        #expect(item.name.name == "夜间值班")
        #expect(item.attributes.citation?.article == 5 && item.attributes.citation?.paragraph == 1)
        #expect(item.attributes.since?.date == CivilDate(year: 2021, month: 1, day: 1))
        #expect(item.selection?.source.name == "值班")
        #expect(item.caps.map(\.period) == [.day, .month])
        #expect(item.scoring?.amount.kind == .number(Fixed(2), unit: .points))
        guard case .tiers(let tiers) = file.declarations[1] else { Issue.record("not tiers"); return }
        #expect(tiers.rules.map(\.tier.name) == ["优秀", "不称职"])
        #expect(tiers.rules[0].quota?.groups.names.map(\.name) == ["社区"])
        #expect(tiers.rules[1].condition == nil)
        #expect(tiers.ordering.map(\.direction) == [.descending, .ascending])
        guard case .payLine(let pay) = file.declarations[2] else { Issue.record("not a pay line"); return }
        #expect(pay.rounding?.place == .yuan && pay.rounding?.mode == .halfUp)
        #expect(pay.exemptions.count == 1)
    }

    @Test("precedence: × before +, comparisons before 且, 且 before 或")
    func precedence() {
        let (file, _) = parse("参数 甲 = 1 + 2 × 3 = 7 且 非 a 或 b")
        guard case .parameter(let p) = file.declarations[0] else { return }
        guard case .binary(.or, let left, _) = p.values[0].value.kind,
              case .binary(.and, let cmp, let not) = left.kind,
              case .comparison(let sum, _) = cmp.kind,
              case .binary(.add, _, let product) = sum.kind,
              case .binary(.multiply, _, _) = product.kind,
              case .unary(.not, _) = not.kind
        else {
            Issue.record("wrong tree: \(p.values[0].value)")
            return
        }
    }

    @Test("chained comparison for a tier band")
    func chain() {
        let (file, errors) = parse("等次评定 {\n  称职：70 分 ≤ 得分 < 90 分\n}")
        #expect(errors.isEmpty)
        guard case .tiers(let t) = file.declarations[0], case .comparison(_, let rest) = t.rules[0].condition?.kind else {
            Issue.record("no chain")
            return
        }
        #expect(rest.map(\.op) == [.lessEqual, .less])
    }

    @Test("a test file: records as a table, expectations by name")
    func testFile() {
        let text = """
            测试 甲 {
              月份 2020-12
              参数 分值 = 18 元
              记录 值班 {
                工号   日期        开始   状态
                FM001  2020-12-01  22:00  到岗
              }
              期望 FM001 {
                得分 = 62 分
                等次 = 不称职
                夜间值班 = 2 分
              }
            }
            """
        let (file, errors) = parse(text)
        #expect(errors.isEmpty, "\(errors)")
        guard case .test(let t) = file.declarations[0] else { Issue.record("not a test"); return }
        guard case .records(let r) = t.clauses[2] else { Issue.record("no records"); return }
        #expect(r.header.map(\.text) == ["工号", "日期", "开始", "状态"])
        #expect(r.rows[0].map(\.text) == ["FM001", "2020-12-01", "22:00", "到岗"])
        guard case .expect(let e) = t.clauses[3] else { Issue.record("no expectation"); return }
        #expect(e.cadre.text == "FM001")
        #expect(e.checks.map(\.target.label) == ["得分", "等次", "夜间值班"])
    }

    @Test("citation numbers in Chinese numerals", arguments: [
        ("第五条第二款", 5, 2), ("第十二条", 12, nil), ("第二十一条第三款", 21, 3), ("第5条第2款", 5, 2), ("《个人所得税法》第十一条", 11, nil),
    ] as [(String, Int?, Int?)])
    func citations(_ text: String, _ article: Int?, _ paragraph: Int?) {
        #expect(RulesParser.chineseOrdinal(in: text, before: "条") == article)
        #expect(RulesParser.chineseOrdinal(in: text, before: "款") == paragraph)
    }
}

extension ExpectedValue.Target {
    var label: String {
        switch self {
        case .score: "得分"
        case .tier: "等次"
        case .rank: "排名"
        case .name(let id): id.name
        }
    }
}

@Suite("English names that are also keywords")
struct SoftKeywordTests {
    @Test("a field called date or hours still reads as a name in an English file")
    func softNames() {
        let text = """
            source training {
              date: date
              hours: decimal
            }
            item study {
              take training where date >= 2020-12-01
              each hours * 0.5 pt
            }
            """
        let (file, errors) = RulesParser.parseErrors(file: SourceFile(path: "t.jifen", text: text))
        #expect(errors.isEmpty, "\(errors)")
        guard case .source(let s) = file.declarations[0], case .item(let item) = file.declarations[1] else {
            Issue.record("not read")
            return
        }
        #expect(s.fields.map(\.name.name) == ["date", "hours"])
        guard case .binary(.multiply, let l, _) = item.scoring?.amount.kind, case .name(let id) = l.kind else {
            Issue.record("hours not a name")
            return
        }
        #expect(id.name == "hours")
        let formatted = RulesFormatter.format(SourceFile(path: "t.jifen", text: text))
        #expect(RulesFormatter.format(SourceFile(path: "t.jifen", text: formatted)) == formatted)
    }
}

/// 分组, group keys of quotas and ranks, 排名不含 and 在岗人数 by groups (issue 12, items 5, 6 and 8).
@Suite("Groups other than the community")
struct GroupSyntaxTests {
    static let text = """
        分组 考核组 （依据 第八条） {
          正职：岗位 属于（“书记”、“主任”）
          其他组：其余
        }

        等次评定 {
          优秀：得分 ≥ 90 分，名额 20% 按 社区、考核组
          良好：80 分 ≤ 得分 < 90 分，名额 30% 按 全县
          称职：其余
          排序 得分 从高到低、工号 从低到高
          排名 按 考核组
          排名不含 一票否决者、本月入职、本月离职
        }

        应发项 绩效 = 按比例分配（在岗人数（社区、考核组） × 1500 元，得分，社区、考核组）

        实发项 实发工资 = 绩效

        """

    @Test func parsesAndFormatsBackTheSame() throws {
        let (file, diagnostics) = RulesParser.parse(file: SourceFile(path: "g.jifen", text: Self.text))
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.code))")
        guard case .grouping(let g) = file.declarations[0], case .tiers(let t) = file.declarations[1] else {
            Issue.record("expected a grouping and tiers")
            return
        }
        #expect(g.groups.map(\.label.name) == ["正职", "其他组"])
        #expect(g.groups[1].condition == nil)
        #expect(t.rules[0].quota?.groups.names.map(\.name) == ["社区", "考核组"])
        #expect(t.rules[1].quota?.groups.names.isEmpty == true)
        #expect(t.rankGroups?.names.map(\.name) == ["考核组"])
        #expect(t.rankExclusions.map(\.name) == ["一票否决者", "本月入职", "本月离职"])
        let formatted = RulesFormatter.format(SourceFile(path: "g.jifen", text: Self.text))
        #expect(formatted == Self.text, "\(formatted)")
    }

    @Test func checksTheKeysAndTheExclusions() throws {
        let (file, _) = RulesParser.parse(file: SourceFile(path: "g.jifen", text: Self.text + """
            数据源 值班 （文件 “duty”） {
              工号：文本
              日期：日期型
            }

            积分项 值班 {
              取 值班
              每条 1 分
            }

            """))
        let (rules, diagnostics) = Checker.check([file])
        #expect(diagnostics.filter(\.isError).isEmpty, "\(diagnostics.map(\.code))")
        #expect(rules.groupings["考核组"]?.labels == ["正职", "其他组"])
        #expect(rules.tiers[0].rankGroups == ["考核组"])
        #expect(rules.tiers[0].exclusions == RankExclusions(vetoed: true, joined: true, left: true))
        #expect(rules.tiers[0].rules[1].quota?.groups == [])
        // An unknown group key is an unknown roster field that lists the groupings too.
        let (bad, _) = RulesParser.parse(file: SourceFile(path: "g.jifen", text: Self.text.replacingOccurrences(of: "排名 按 考核组", with: "排名 按 考核小组")))
        let (_, errors) = Checker.check([bad])
        let e = try #require(errors.first { $0.code == "R0103" })
        #expect(e.help?.zh.contains("考核组") == true, "\(e)")
    }
}
