import Batch
import Diagnostics
import Exact
import Foundation
import Reports
import Results
import TestSupport
import Testing

/// `ProjectConfig`: the one reader of `jifen.json` (issue 12 item 11).
struct ProjectConfigTests {
    @Test func theRepositorysConfigReadsEveryKeyItHas() throws {
        let loaded = ProjectConfig.load(path: PackagePaths.path("jifen.json"))
        #expect(loaded.diagnostics.isEmpty)
        let c = loaded.config
        #expect(c.data == "samples" && c.rules == "rules" && c.store == "store/jifen.sqlite" && c.out == "out")
        #expect(c.noticeWorkingDays == 5)
        #expect(c.reports?.performancePayLine == "绩效工资")
        #expect(c.reports?.bankColumns.map(\.field) == [.account, .accountName, .amount])
        #expect(c.reports?.objectionContact.hasPrefix("榕江县民政局") == true)
    }

    @Test func aPartialReportsObjectKeepsTheOtherDefaults() {
        let loaded = ProjectConfig.parse(path: "j.json", text: #"{"reports": {"county": "从江县", "bankColumns": [{"field": "remark"}]}}"#)
        #expect(loaded.diagnostics.isEmpty)
        var expected = ReportSettings()
        expected.county = "从江县"
        expected.bankColumns = [BankColumn(.remark)]
        #expect(loaded.config.reports == expected)
        #expect(loaded.config.reports?.bankColumns.first?.header == "备注")
    }

    @Test func everyKeyIsRead() {
        let text = #"""
        {"data": "d", "rules": "r", "store": "s", "out": "o", "noticeWorkingDays": 7,
         "reports": {"county": "c", "bureau": "b", "bankColumns": [{"field": "idNumber", "header": "证件号"}], "bankRemark": "x",
                     "noticeShowsPerformancePay": true, "performancePayLine": "p", "noticeIdentifier": "cadreID",
                     "noticePeriod": {"from": "2021-01-04", "to": "2021-01-08"}, "objectionContact": "o", "tierOrder": ["甲", "乙"],
                     "temporaryDirectory": "/tmp/x", "writesInParallel": false, "noticeWorkingDays": 3}}
        """#
        let loaded = ProjectConfig.parse(path: "j.json", text: text)
        #expect(loaded.diagnostics.isEmpty)
        let expected = ReportSettings(
            county: "c", bureau: "b", bankColumns: [BankColumn(.idNumber, header: "证件号")], bankRemark: "x", noticeShowsPerformancePay: true,
            performancePayLine: "p", noticeIdentifier: .cadreID,
            noticePeriod: NoticePeriod(from: CivilDate(year: 2021, month: 1, day: 4)!, to: CivilDate(year: 2021, month: 1, day: 8)!),
            objectionContact: "o", tierOrder: ["甲", "乙"], temporaryDirectory: "/tmp/x", writesInParallel: false, noticeWorkingDays: 3)
        var project = ProjectConfig(data: "d", rules: "r", store: "s", out: "o", noticeWorkingDays: 7, reports: expected)
        project.tierOrder = loaded.config.tierOrder
        #expect(loaded.config == project)
        #expect(loaded.config.tierOrder?.names == ["甲", "乙"])
    }

    // MARK: - reports.tierOrder against the rules' tiers (C0007)

    static let rulesTiers = ["优秀", "合格", "基本合格", "不合格"]

    /// The names of `reports.tierOrder` are the rules' tiers, each once; the rules are read by
    /// the batch, so the check is `ConfiguredTierOrder.check`, located in the config file.
    @Test func aTierOrderNameTheRulesDoNotHaveIsALocatedErrorListingTheirTiers() throws {
        let text = #"{ "reports": { "tierOrder": ["优秀", "称职", "基本合格", "不合格"] } }"#
        let loaded = ProjectConfig.parse(path: "jifen.json", text: text)
        #expect(loaded.diagnostics.isEmpty)
        let order = try #require(loaded.config.tierOrder)
        #expect(order.names == ["优秀", "称职", "基本合格", "不合格"])
        let problems = order.check(against: Self.rulesTiers)
        #expect(problems.map(\.code) == ["C0007", "C0007"])
        let source = try #require(loaded.source)
        let out = DiagnosticRenderer(language: .zh, sources: [source]).render(problems.sortedByLocation())
        // At the name: line 1, the column of "称职".
        let column = text.distance(from: text.startIndex, to: text.range(of: "\"称职\"")!.lowerBound) + 1
        #expect(out.contains("jifen.json:1:\(column): 错误[C0007]: jifen.json 的“reports.tierOrder”写了“称职”，规则里没有这个等次"), "\(out)")
        #expect(out.contains("规则的等次（从好到差）：优秀、合格、基本合格、不合格"), "\(out)")
        // 合格 is then missing: said at the list.
        #expect(out.contains("没有列出规则的等次：合格"), "\(out)")
        let en = DiagnosticRenderer(language: .en, sources: [source]).render(problems)
        #expect(en.contains("'reports.tierOrder' lists '称职', which is not a tier of the rules"), "\(en)")
    }

    @Test func aTierOrderOfTheRulesTiersInAnyOrderIsAccepted() throws {
        let loaded = ProjectConfig.parse(path: "jifen.json", text: #"{"reports": {"tierOrder": ["不合格", "基本合格", "合格", "优秀"]}}"#)
        let order = try #require(loaded.config.tierOrder)
        #expect(order.check(against: Self.rulesTiers).isEmpty)
        #expect(ConfiguredTierOrder.effective(order, rules: Self.rulesTiers) == ["不合格", "基本合格", "合格", "优秀"])
        #expect(ConfiguredTierOrder.effective(nil, rules: Self.rulesTiers) == Self.rulesTiers)
    }

    @Test func aTierGivenTwiceOrAnEmptyTierOrderIsAnInvalidValue() {
        let twice = ProjectConfig.parse(path: "jifen.json", text: #"{"reports": {"tierOrder": ["优秀", "合格", "优秀"]}}"#)
        #expect(twice.diagnostics.map(\.code) == ["C0004"])
        #expect(twice.config.tierOrder == nil)
        let empty = ProjectConfig.parse(path: "jifen.json", text: #"{"reports": {"tierOrder": []}}"#)
        #expect(empty.diagnostics.map(\.code) == ["C0004"])
    }

    /// The batch's summary line and the portal list a run's tiers in its tier order, not by
    /// the characters' code points (不合格 2、优秀 4、合格 9、基本合格 5).
    @Test func aRunsTiersAreListedInItsTierOrder() {
        var summary = RunSummary(cadres: 20, rowsUsed: 0, rowsIgnored: 0, rowsRejected: 0, pointsTotal: .zero, gross: .zero, deductions: .zero,
                                 net: .zero, tiers: ["不合格": 2, "优秀": 4, "合格": 9, "基本合格": 5], files: [])
        summary.tierOrder = Self.rulesTiers
        #expect(summary.orderedTiers.map(\.tier) == ["优秀", "合格", "基本合格", "不合格"])
        summary.tierOrder = Self.rulesTiers.reversed()
        #expect(summary.orderedTiers.map(\.tier) == ["不合格", "基本合格", "合格", "优秀"])
        // A run stored before the order was kept, or a tier outside it (""): after, by name.
        summary.tierOrder = ["优秀"]
        #expect(summary.orderedTiers.map(\.tier) == ["优秀", "不合格", "合格", "基本合格"])
    }

    @Test func banksAndTaxColumnsAreRead() {
        let text = #"""
        {"reports": {"banks": [{"name": "农商行", "match": ["农村商业银行", "农商"], "remark": "{月份}（农商）"},
                               {"name": "邮储银行", "match": ["邮政储蓄"], "columns": [{"field": "account", "header": "收款账号"}, {"field": "amount"}]},
                               {"name": "其他"}],
                     "taxColumns": [{"field": "idNumber", "header": "身份证件号码"}, {"field": "name"}, {"field": "income"}],
                     "taxIDType": "居民身份证"}}
        """#
        let loaded = ProjectConfig.parse(path: "j.json", text: text)
        #expect(loaded.diagnostics.isEmpty)
        let r = loaded.config.reports
        #expect(r?.banks == [
            BankFile(name: "农商行", match: ["农村商业银行", "农商"], remark: "{月份}（农商）"),
            BankFile(name: "邮储银行", match: ["邮政储蓄"], columns: [BankColumn(.account, header: "收款账号"), BankColumn(.amount)]),
            BankFile(name: "其他"),
        ])
        #expect(r?.taxColumns == [TaxColumn(.idNumber, header: "身份证件号码"), TaxColumn(.name), TaxColumn(.income)])
        #expect(r?.taxColumns[1].header == "*姓名")
        // Without banks: one bank file, as before; the tax file has the client's 24 columns.
        let plain = ProjectConfig.parse(path: "j.json", text: #"{"reports": {}}"#).config.reports
        #expect(plain?.banks == nil && plain?.taxColumns.count == 24)
        #expect(plain?.bonusTaxColumns.map(\.header) == ["工号", "*姓名", "*证件类型", "*证件号码", "*全年一次性奖金额", "免税收入", "其他", "准予扣除的捐赠额", "减免税额", "备注"])
    }

    @Test func bonusTaxColumnsAreReadAndCheckedLikeTaxColumns() {
        let text = #"{"reports": {"bonusTaxColumns": [{"field": "idNumber", "header": "身份证件号码"}, {"field": "name"}, {"field": "bonus"}]}}"#
        let loaded = ProjectConfig.parse(path: "j.json", text: text)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.config.reports?.bonusTaxColumns == [BonusTaxColumn(.idNumber, header: "身份证件号码"), BonusTaxColumn(.name), BonusTaxColumn(.bonus)])
        let bad = ProjectConfig.parse(path: "j.json", text: #"{"reports": {"bonusTaxColumns": [{"field": "bonu"}, {"header": "姓名"}]}}"#)
        #expect(bad.diagnostics.map(\.code) == ["C0004", "C0004"])
        #expect(bad.diagnostics[1].help?.zh.contains("bonus") == true)
        #expect(bad.config.reports?.bonusTaxColumns.count == 10)
    }

    @Test func badBanksAndTaxColumnsAreLocatedErrors() {
        let text = #"""
        {"reports": {"banks": [{"name": "农商行", "macth": ["农商"]}, {"match": ["邮政"]}, {"name": "a/b"}, {"name": "x"}, {"name": "x"}],
                     "taxColumns": [{"field": "incom"}, {"header": "姓名"}]}}
        """#
        let loaded = ProjectConfig.parse(path: "j.json", text: text)
        #expect(loaded.diagnostics.map(\.code) == ["C0002", "C0004", "C0004", "C0004", "C0004", "C0004"])
        #expect(loaded.diagnostics[0].help?.zh == "您是不是想写“match”？")
        #expect(loaded.diagnostics[5 - 1].help?.zh.contains("income") == true)
        #expect(loaded.config.reports?.banks == nil)
        #expect(ProjectConfig.parse(path: "j.json", text: #"{"reports": {"banks": []}}"#).diagnostics.map(\.code) == ["C0004"])
    }

    @Test func unknownKeysAtEveryLevelAreErrorsWithTheirPlace() {
        let text = "{\n  \"Store\": \"s\",\n  \"reports\": {\"noticePeriod\": {\"from\": \"2021-01-04\", \"to\": \"2021-01-08\", \"until\": 1},\n    \"zzz\": 1}\n}"
        let loaded = ProjectConfig.parse(path: "j.json", text: text)
        #expect(loaded.diagnostics.map(\.code) == ["C0002", "C0002", "C0002"])
        #expect(loaded.diagnostics.allSatisfy { $0.severity == .error })
        let where_ = loaded.diagnostics.map { d -> (Int, Int) in
            guard case .source(_, let span) = d.location, let file = loaded.source else { return (0, 0) }
            let lc = file.lineAndColumn(of: span.start)
            return (lc.line, lc.column)
        }
        #expect(where_.map(\.0) == [2, 3, 4])
        #expect(where_[0].1 == 3)
        #expect(loaded.diagnostics[0].help?.zh == "您是不是想写“store”？")
        #expect(loaded.diagnostics[2].help?.zh.contains("可用的配置项有：county、") == true)
    }

    @Test func aKeyGivenTwiceIsAnError() {
        let loaded = ProjectConfig.parse(path: "j.json", text: #"{"store": "a.sqlite", "reports": {}, "store": "b.sqlite"}"#)
        #expect(loaded.diagnostics.map(\.code) == ["C0005"])
        #expect(loaded.diagnostics.first?.summary.zh == "配置项“store”写了两次")
    }

    @Test func didYouMeanIsByEditDistance() {
        #expect(DidYouMean.suggestions(for: "bankColum", among: ProjectConfig.reportKeys) == ["bankColumns"])
        #expect(DidYouMean.suggestions(for: "writesInParalel", among: ProjectConfig.reportKeys) == ["writesInParallel"])
        #expect(DidYouMean.suggestions(for: "colour", among: ProjectConfig.reportKeys).isEmpty)
    }

    /// docs/configuration.md lists every key the reader accepts, and nothing else in its tables.
    @Test func everyKeyIsDocumented() throws {
        let doc = try String(contentsOfFile: PackagePaths.path("docs/configuration.md"), encoding: .utf8)
        let all = ProjectConfig.topKeys + ProjectConfig.reportKeys + ProjectConfig.bankColumnKeys + ProjectConfig.noticePeriodKeys
            + ProjectConfig.bankFileKeys + ProjectConfig.taxColumnKeys
        for key in Set(all) where key != "from" && key != "to" {
            #expect(doc.contains("| `\(key)` |"), "docs/configuration.md has no row for \(key)")
        }
        #expect(doc.contains(#"{"from": date, "to": date}"#))
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { $0.dropFirst(3).prefix { $0 != "`" } }.map(String.init)
        for row in rows { #expect(all.contains(row), "docs/configuration.md documents \(row), which jifen does not read") }
    }
}
