import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Pay
import Portal
import Results
import Store
import Testing

/// A cadre's year in the portal: hidden while a draft, shown once published (months, annual
/// score, tier and why, the bonus and its tax both ways), objections in the annual 公示.
@Suite struct YearPortalTests {
    static let cadre = "FM-001"
    static let other = "WL-002"
    static let password = "cadre-pass-1"

    /// A year run over the fixture's three months (all closed), from the cadres' stored months.
    static func recordYear(_ f: PortalFixture) throws -> Int64 {
        try f.store.close(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-04T09:00:00Z")
        var months: [YearMonthRun] = []
        var byCadre: [String: [MonthOfYear]] = [:]
        var rows: [String: CadreResult] = [:]
        for m in ["2020-10", "2020-11", "2020-12"] {
            let run = try #require(try f.store.currentRun(month: YearMonth(m)!))
            months.append(YearMonthRun(month: run.month, runID: run.id, closed: true))
            for c in try f.store.results(runID: run.id, detail: .lines).cadres {
                byCadre[c.cadreID, default: []].append(MonthOfYear(month: run.month, score: c.score.total, tier: c.standing.tier, rank: c.standing.rank,
                                                                  vetoes: [], pay: [c.pay.net]))
                rows[c.cadreID] = c
            }
        }
        let cadres = byCadre.keys.sorted().map { id -> CadreYearResult in
            let c = rows[id]!, ms = byCadre[id]!
            let bonus = Money(yuan: 1500)
            let taxStep = PayStep(label: PayText(zh: "单独计税", en: "separate"), formula: PayText(zh: "1,500.00 × 3% − 0", en: "1,500.00 × 3% − 0"),
                                  inputs: [], result: .money(Money(fen: 4_500)))
            return CadreYearResult(
                cadreID: id, name: c.name, community: c.community, grid: c.grid, post: c.post, level: c.level, months: ms, monthsInPost: ms.count,
                score: Fixed("88.40")!, scoreText: "平均（得分）=（…）÷ \(ms.count)",
                standing: Standing(group: "全县", rank: 0, groupSize: byCadre.count, tier: "不定等次", reasons: [.tooFewMonths(months: ms.count, minimum: 6, tier: "不定等次")]),
                pay: PaySlip(lines: [PayLineResult(name: "年终绩效奖", kind: .earning, amount: bonus, citation: "第二十一条"),
                                     PayLineResult(name: "年终奖个税", kind: .deduction, amount: Money(fen: 4_500), trace: PayTrace(steps: [taxStep]))]),
                bonusTax: [BonusTaxChoice(line: "年终绩效奖", bonus: bonus, separate: Money(fen: 4_500), separateTrace: PayTrace(steps: [taxStep]),
                                          merged: Money(fen: 6_000), mergedTrace: nil, chosen: .separate, why: "取低者：单独计税 45.00 元 < 并入综合所得 60.00 元")])
        }
        let results = YearResults(year: 2020, months: months, tierOrder: ["优秀", "称职", "不定等次"],
                                  monthPayLines: [MonthPayLineName(name: "实发工资", kind: .info)], cadres: cadres)
        return try f.store.recordYear(NewYearRun(year: 2020, rulesHash: "abc", rulesVersion: "2020", engineVersion: "test", actor: "测试",
                                                 at: "2021-01-05T00:00:00Z", results: results))
    }

    @Test func theYearIsShownOncePublishedAndObjectedToInTheAnnualNotice() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        let id = try Self.recordYear(f)
        try await f.application().test(.router) { client in
            let cadre = Browser(client)
            try await cadre.activate(Self.cadre, code: code, password: Self.password)
            // A draft is staff's alone
            #expect(try await cadre.get("/cadre/\(Self.cadre)/year/2020").status == .notFound)
            #expect(try await cadre.get("/api/cadres/\(Self.cadre)/years/2020").status == .notFound)
            #expect(try await cadre.get("/cadre/\(Self.cadre)/2020-12").body.contains("year-link") == false)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let draft = try await staff.get("/cadre/\(Self.cadre)/year/2020")
            #expect(draft.status == .ok && draft.body.contains("草稿") && draft.body.contains("工作人员查看"))

            // Published for the annual 公示 until 12 January (today is 5 January)
            try f.store.publishYear(year: 2020, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
            let page = try await cadre.get("/cadre/\(Self.cadre)/year/2020")
            #expect(page.status == .ok)
            for text in ["2020 年度考核", "<span class=\"big\" id=\"year-score\">88.4 分</span>", "<strong id=\"year-tier\">不定等次</strong>", "3 个月",
                         "2020年10月", "2020年12月", "年终绩效奖", "1,500.00", "<span id=\"tax-separate\">45.00 元（采用）</span>",
                         "<span id=\"tax-merged\">60.00 元</span>", "取低者：单独计税 45.00 元 &lt; 并入综合所得 60.00 元", "申诉截止 2021-01-12",
                         "1,500.00 × 3% − 0"] {
                #expect(page.body.contains(text), "\(text)")
            }
            #expect(try await cadre.get("/cadre/\(Self.cadre)/2020-12").body.contains("href=\"/cadre/\(Self.cadre)/year/2020\""))
            let api = try await cadre.get("/api/cadres/\(Self.cadre)/years/2020")
            #expect(api.status == .ok && api.body.contains("\"bonusTax\"") && api.body.contains("\"objectionsOpen\":true"), "\(api.body)")
            // Another cadre's year is not theirs to see
            #expect(try await cadre.get("/cadre/\(Self.other)/year/2020").status == .forbidden)

            // An objection to the annual tier
            let sent = try await cadre.post("/cadre/\(Self.cadre)/year/2020/objections", [("reference", "year:tier"), ("reason", "我全年在岗，不应为不定等次")])
            #expect(sent.status == .seeOther)
            #expect(try await cadre.post("/cadre/\(Self.cadre)/year/2020/objections", [("reference", "tier"), ("reason", "x")]).status == .badRequest)
            let objection = try #require(try f.store.objections(cadreID: Self.cadre).first)
            #expect(objection.month == "2020-年度" && objection.yearRunID == id && objection.reference == "year:tier")
            #expect(try await cadre.get("/cadre/\(Self.cadre)/year/2020").body.contains("我全年在岗，不应为不定等次"))
            // Staff decide it as a month's, but never with an adjustment of the year
            let queue = try await staff.get("/staff/objections")
            #expect(queue.body.contains("2020-年度") && queue.body.contains("我全年在岗"))
            #expect(try await staff.post("/staff/objections/\(objection.id)/decide", [("decision", "adjustment"), ("reply", "改"), ("points", "1"), ("reason", "x")]).status == .badRequest)
            #expect(try await staff.post("/staff/objections/\(objection.id)/decide", [("decision", "rejected"), ("reply", "在岗月数按各月运行计算，10 月起在岗")]).status == .seeOther)
            #expect(try await cadre.get("/cadre/\(Self.cadre)/year/2020").body.contains("在岗月数按各月运行计算"))

            // Once the window ends, no more objections
            try f.store.markYearStale(year: 2020, reason: "2020年11月在年度运行之后更正", actor: "测试", at: "2021-01-06")
            let stale = try await cadre.get("/cadre/\(Self.cadre)/year/2020")
            #expect(stale.body.contains("年度结果已过期：2020年11月在年度运行之后更正"))
        }
        let audit = try f.store.yearAuditLog(year: 2020)
        #expect(audit.contains { $0.action == "objection" && $0.actor == Self.cadre })
        #expect(try f.store.auditLog().contains { $0.action == "objection-rejected" && $0.month == "2020-年度" })
    }

    @Test func objectionsAreRefusedOutsideTheAnnualWindow() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        _ = try Self.recordYear(f)
        try f.store.publishYear(year: 2020, actor: "测试", at: "2020-12-20T01:00:00Z", objectionsUntil: "2021-01-04")
        try await f.application().test(.router) { client in
            let cadre = Browser(client)
            try await cadre.activate(Self.cadre, code: code, password: Self.password)
            let page = try await cadre.get("/cadre/\(Self.cadre)/year/2020")
            #expect(page.body.contains("申诉期已于 2021-01-04 结束") && !page.body.contains("提交申诉"))
            #expect(try await cadre.post("/cadre/\(Self.cadre)/year/2020/objections", [("reference", "year:tier"), ("reason", "x")]).status == .conflict)
            #expect(try await cadre.get("/cadre/\(Self.cadre)/year/1999").status == .notFound)
            #expect(try await cadre.get("/cadre/\(Self.cadre)/year/abcd").status == .notFound)
        }
    }
}
