import Exact
import Foundation
import Pay
import Results
import Store
import TestSupport
import Testing

/// `jifen year …` with the built binary on a real store: the sample months run and closed by
/// `jifen batch`, `year run` refused for rules without a 年度考核, a year run recorded beside
/// them, then shown, listed, published, made stale by `batch correct`, and refused closing.
/// (The sample year run end to end is SampleYearCLITests'.)
@Suite(.serialized) struct YearCLITests {
    static func year(_ months: [YearMonthRun]) -> YearResults {
        let cadre = CadreYearResult(
            cadreID: "FM-001", name: "张三", community: "富民", grid: nil, post: "网格员", level: 3,
            months: months.map { MonthOfYear(month: $0.month, score: Fixed(90), tier: "优秀", rank: 1, vetoes: [], pay: [Money(yuan: 3000)]) },
            monthsInPost: months.count, score: Fixed("90.00")!, scoreText: nil,
            standing: Standing(group: "全县", rank: 1, groupSize: 1, tier: "优秀", reasons: [.threshold(tier: "优秀", condition: "年度得分 ≥ 90")]),
            pay: PaySlip(lines: [PayLineResult(name: "年终绩效奖", kind: .earning, amount: Money(yuan: 2250)),
                                 PayLineResult(name: "年终奖个税", kind: .deduction, amount: Money(fen: 6_750))]),
            bonusTax: [BonusTaxChoice(line: "年终绩效奖", bonus: Money(yuan: 2250), separate: Money(fen: 6_750), separateTrace: nil,
                                      merged: Money(fen: 9_000), mergedTrace: nil, chosen: .separate, why: "取低者")])
        return YearResults(year: 2020, months: months, tierOrder: ["优秀", "称职", "不定等次"],
                           monthPayLines: [MonthPayLineName(name: "基本报酬", kind: .earning)], cadres: [cadre])
    }

    @Test func aYearIsRefusedWithoutItsArticleThenShownPublishedMadeStaleAndRefusedClosing() throws {
        let root = PackagePaths.temporaryDirectory("year-cli")
        let store = root + "/jifen.sqlite", out = root + "/out"
        let common = ["--store", store, "--out", out]
        let data = PackagePaths.path("samples"), rules = PackagePaths.path("rules")
        for m in ["2020-10", "2020-11", "2020-12"] {
            let run = try CLI.run(["batch", "run", "--month", m, "--data", data, "--rules", rules, "--quiet"] + common)
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let close = try CLI.run(["batch", "close", "--month", m, "--actor", "民政局"] + common)
            #expect(close.status == 0, "\(close.stdout)")
        }
        // No year yet
        let none = try CLI.run(["year", "show", "--year", "2020"] + common)
        #expect(none.status == 65 && none.stdout.contains("S0012") && none.stdout.contains("jifen year run --year 2020"), "\(none.stdout)")
        #expect(try CLI.run(["year", "list"] + common).stdout.contains("还没有年度考核运行"))
        // Rules with no annual article (the 百分制 example's): refused, located, nothing stored
        let refused = try CLI.run(["year", "run", "--year", "2020", "--rules", PackagePaths.path("rules/examples/百分制")] + common)
        #expect(refused.status == 65, "\(refused.stdout)")
        #expect(refused.stdout.contains("B0060") && refused.stdout.contains("年度考核"), "\(refused.stdout)")
        #expect(try CLI.run(["year", "run", "--year", "20", "--rules", rules] + common).status == 64)

        // Given a year run over the three closed months
        let s = try RunStore(path: store)
        let months = try ["2020-10", "2020-11", "2020-12"].map { m in
            YearMonthRun(month: YearMonth(m)!, runID: try #require(try s.currentRun(month: YearMonth(m)!)).id, closed: true)
        }
        let id = try s.recordYear(NewYearRun(year: 2020, rulesHash: "abc", rulesVersion: "2020", engineVersion: "test", actor: "民政局",
                                             at: "2021-01-05T09:00:00Z", results: Self.year(months)))
        // Then show and list tell the clerk what it is
        let show = try CLI.run(["year", "show", "--year", "2020"] + common)
        #expect(show.status == 0, "\(show.stdout)")
        for text in ["2020 年度考核：年度运行 #\(id)  草稿", "读取月份（运行）：10月#\(months[0].runID)、11月#\(months[1].runID)、12月#\(months[2].runID)",
                     "干部 1 人；等次 优秀 1、称职 0、不定等次 0", "单独计税 1 人，奖金 2,250.00 元，税 67.50 元", "并入综合所得 0 人",
                     "没有本次年度运行的报表", "year-run"] {
            #expect(show.stdout.contains(text), "\(text) in \(show.stdout)")
        }
        let en = try CLI.run(["year", "show", "--year", "2020", "--lang", "en"] + common)
        #expect(en.stdout.contains("2020 annual assessment: year run #\(id)  draft"), "\(en.stdout)")
        let list = try CLI.run(["year", "list"] + common)
        #expect(list.stdout.contains("#\(id)") && list.stdout.contains("2020") && list.stdout.contains("2,182.50"), "\(list.stdout)")
        // Published for the annual 公示
        #expect(try CLI.run(["year", "publish", "--year", "2020", "--objections-until", "2021-1-15", "--actor", "民政局"] + common).status == 0)
        #expect(try CLI.run(["year", "publish", "--year", "2020", "--objections-until", "明天"] + common).status == 64)
        #expect(try CLI.run(["year", "show", "--year", "2020"] + common).stdout.contains("申诉截止 2021-01-15"))
        // When November is corrected after the year was run
        let correct = try CLI.run(["batch", "correct", "--month", "2020-11", "--data", PackagePaths.path("samples/2020-11-补报"), "--rules", rules,
                                   "--reason", "卧龙社区夜班记录关账后补报", "--actor", "民政局"] + common)
        #expect(correct.status == 0, "\(correct.stdout)\(correct.stderr)")
        // Then the year is stale, show says what to do, and close refuses
        let stale = try CLI.run(["year", "show", "--year", "2020"] + common)
        #expect(stale.stdout.contains("年度结果已过期——2020年11月在年度运行之后更正") && stale.stdout.contains("请重新运行 jifen year run --year 2020"),
                "\(stale.stdout)")
        #expect(try CLI.run(["year", "list"] + common).stdout.contains("是"))
        let close = try CLI.run(["year", "close", "--year", "2020", "--actor", "民政局"] + common)
        #expect(close.status == 65 && close.stdout.contains("S0015") && close.stdout.contains("jifen year run --year 2020"), "\(close.stdout)")
        let audit = try CLI.run(["year", "show", "--year", "2020"] + common).stdout
        #expect(audit.contains("year-publish") && audit.contains("year-stale"), "\(audit)")
    }
}
