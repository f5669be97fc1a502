import Exact
import Foundation
import Reports
import Results
import Testing
import TestSupport

/// 积分明细 and 公示表 with what the sample month lacks: a cadre the rules leave out of the
/// ranking (rank 0), a total the rules' 总分范围 moved, and ranks counted in the whole
/// county or in groups other than the community.
struct RankAndBoundTests {
    /// The sample month with 古州社区's best cadre left out of the ranking (joined this month)
    /// and 龙建华's total lifted 5 points by 总分范围.
    static func month(group: (CadreResult) -> String = { $0.community }) -> MonthResults {
        var results = ReportsTests.sample.results
        let guzhou = results.cadres.indices.filter { results.cadres[$0].community == "古州社区" }
        let best = guzhou.min { results.cadres[$0].standing.rank < results.cadres[$1].standing.rank }!
        results.cadres[best].standing.rank = 0
        results.cadres[best].standing.reasons = [.notRanked(why: "本月入职", tier: "称职")]
        let lifted = results.cadres.firstIndex { $0.cadreID == "RJ-006" }!
        let five = Fixed(5)
        results.cadres[lifted].score.lines.append(ScoreLine(kind: .bound, name: "总分范围", citation: "第四条", raw: .zero, points: five,
                                                            clips: [Clip(scope: .floor, limit: Fixed(60), removed: five)]))
        results.cadres[lifted].score.total = results.cadres[lifted].score.total + five
        for i in results.cadres.indices { results.cadres[i].standing.group = group(results.cadres[i]) }
        return results
    }

    static func write(_ results: MonthResults, _ only: Set<ReportKind>) throws -> String {
        let s = ReportsTests.sample
        let folder = PackagePaths.temporaryDirectory("jifen-rank")
        try ReportSet.write(results: results, summary: s.summary, run: s.run, rejected: [], payees: s.payees, settings: ReportsTests.settings,
                            to: folder, only: only)
        return folder
    }

    static func column(_ sheet: XlsxFile.Sheet, _ header: String) -> Int? {
        sheet.rows[2].first { $0.value == header }?.col
    }

    static func value(_ sheet: XlsxFile.Sheet, row: Int, col: Int) -> String? {
        sheet.rows[row].first { $0.col == col }.map(\.value)
    }

    @Test func theCountySheetGivesTheBoundItsOwnColumnAndLeavesAnUnrankedCadresRankBlank() throws {
        let results = Self.month()
        let file = try XlsxFile(path: try Self.write(results, [.scoreBreakdown]) + "/积分明细.xlsx")
        let county = try #require(file.sheet("全县"))
        let headers = county.rows[2].map(\.value)
        #expect(Array(headers.suffix(6)) == ["扣分合计", "调整合计", "总分范围", "总分", "社区排名", "等次"])
        let adjustments = try #require(Self.column(county, "调整合计")), bound = try #require(Self.column(county, "总分范围"))
        let rank = try #require(Self.column(county, "社区排名")), total = try #require(Self.column(county, "总分"))
        for (k, c) in results.cadres.enumerated() {
            let row = 3 + k
            // 调整合计 holds the adjustments only; the bound is beside it.
            let adjusted = c.score.lines.filter { $0.kind == .adjustment }.map(\.points)
            #expect(Self.value(county, row: row, col: adjustments) == (adjusted.isEmpty ? "" : adjusted.reduce(Fixed.zero, +).shortDescription), "\(c.cadreID)")
            #expect(Self.value(county, row: row, col: bound) == (c.cadreID == "RJ-006" ? "5" : ""), "\(c.cadreID)")
            // The value columns still add up to 总分.
            let values = (4..<total).compactMap { Self.value(county, row: row, col: $0) }.compactMap { Fixed($0) }
            #expect(values.reduce(Fixed.zero, +) == c.score.total, "\(c.cadreID)")
            let shown = try #require(county.rows[row].first { $0.col == rank })
            #expect(shown.value == (c.standing.rank == 0 ? "" : String(c.standing.rank)), "\(c.cadreID)")
        }
        // The community sheet: the unranked cadre after the ranked, rank blank on the 合计 row.
        let guzhou = try #require(file.sheet("古州社区"))
        let totals = guzhou.rows.filter { $0.first { $0.col == 3 }?.value == "合计" }
        let ranks = totals.map { row in row.first { $0.col == 14 }?.value ?? "" }
        #expect(ranks.last == "" && ranks.dropLast().allSatisfy { !$0.isEmpty }, "\(ranks)")
        #expect(ranks.dropLast().map { Int($0)! } == ranks.dropLast().map { Int($0)! }.sorted())
        #expect(guzhou.rows[2].map(\.value)[14] == "社区排名")
        // Without a bound in the month, no 总分范围 column (as before).
        let plain = try #require(try ReportsTests.read(.scoreBreakdown).sheet("全县"))
        #expect(!plain.rows[2].map(\.value).contains("总分范围"))
    }

    @Test(arguments: [("county", "全县排名", false), ("groups", "组内排名", true)])
    func theRankColumnSaysWhatTheRankCountsIn(_ ranking: String, _ header: String, _ showsGroup: Bool) throws {
        let results = Self.month { c in ranking == "county" ? "全县" : c.community + "·" + (c.post == "网格员" ? "其他组" : "正职") }
        let file = try XlsxFile(path: try Self.write(results, [.scoreBreakdown]) + "/积分明细.xlsx")
        let county = try #require(file.sheet("全县"))
        let headers = county.rows[2].map(\.value)
        #expect(headers.contains(header) && !headers.contains("社区排名"), "\(headers)")
        #expect(headers.contains("排名分组") == showsGroup)
        if showsGroup {
            let col = try #require(Self.column(county, "排名分组"))
            #expect(Self.value(county, row: 3, col: col) == results.cadres[0].standing.group)
        }
        let community = try #require(file.sheet("古州社区"))
        let detail = community.rows[2].map(\.value)
        #expect(detail[14] == header && (detail[15] == "排名分组") == showsGroup && detail.last == "等次依据", "\(detail)")
    }

    @Test func theNoticeListsUnrankedCadresAfterTheRankedInRosterOrder() throws {
        var results = Self.month()
        // A second unranked cadre in 古州社区, later on the roster than the first.
        let guzhou = results.cadres.indices.filter { results.cadres[$0].community == "古州社区" }
        let second = guzhou.last { results.cadres[$0].standing.rank != 0 }!
        results.cadres[second].standing.rank = 0
        let file = try XlsxFile(path: try Self.write(results, [.publicNotice]) + "/公示表.xlsx")
        let sheet = try #require(file.sheet("公示表"))
        let names = sheet.rows.dropFirst(3).compactMap { row -> String? in
            guard row.first { $0.col == 2 }?.value == "古州社区" else { return nil }
            return row.first { $0.col == 1 }?.value
        }
        let ranked = guzhou.filter { results.cadres[$0].standing.rank != 0 }.sorted { results.cadres[$0].standing.rank < results.cadres[$1].standing.rank }
        let unranked = guzhou.filter { results.cadres[$0].standing.rank == 0 }  // roster order
        #expect(names == (ranked + unranked).map { results.cadres[$0].name })
        // 序号 runs on regardless.
        #expect(sheet.rows[3].first?.value == "1")
    }
}
