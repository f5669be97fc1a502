import Exact
import Foundation
import Testing
@testable import Generator

@Suite struct ScaleTests {
    @Test func aboutTwoHundredActivityRowsPerCadre() throws {
        let (_, m, summary) = try Fixtures.scale(cadres: 200)
        #expect(m.roster.rows.count == 200)
        #expect(summary.cadres == 200)
        let activity = m.duty.rows.count + m.service.rows.count + m.training.rows.count + m.adjustments.rows.count
        #expect((180 * 200...220 * 200).contains(activity), "\(activity) rows")
        #expect(m.duty.rows.count > m.training.rows.count && m.service.rows.count > m.duty.rows.count)
        #expect(summary.rowsByFile["service.csv"] == m.service.rows.count)
    }

    @Test func communitiesAreGenericAndSmall() throws {
        let (_, m, _) = try Fixtures.scale(cadres: 200)
        let sizes = Dictionary(grouping: m.roster.column("社区"), by: { $0 }).mapValues(\.count)
        #expect(sizes.keys.allSatisfy { $0.wholeMatch(of: /社区\d{4}/) != nil })
        #expect(sizes.values.allSatisfy { (12...27).contains($0) })
        let ids = m.service.column("编号")
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.wholeMatch(of: /SQ\d{4}-2020-12-\d{5}/) != nil })
    }

    @Test func nightDutyEveryNightInEveryCommunityAtScale() throws {
        let (_, m, _) = try Fixtures.scale(cadres: 200, month: "2020-11")
        let community = Dictionary(uniqueKeysWithValues: m.roster.records.map { ($0["工号"]!, $0["社区"]!) })
        let nights = Set(m.shifts.filter { $0.kind == "夜班" && ($0.status == "到岗" || $0.status == "替班") }
            .map { "\(community[$0.cadre]!) \($0.date)" })
        for c in Set(community.values) {
            for d in m.month.firstDay...m.month.lastDay { #expect(nights.contains("\(c) \(d)")) }
        }
    }

    @Test func refusesANonPositiveCount() {
        #expect(throws: GeneratorError.self) {
            _ = try DataGenerator.writeScaleMonth(
                cadres: 0, month: YearMonth("2020-12")!, seed: 1, to: Fixtures.temporaryFolder("zero"))
        }
    }

    @Test func openingBalancesOnRequest() throws {
        let root = Fixtures.temporaryFolder("opening")
        let s = try DataGenerator.writeScaleMonth(cadres: 50, month: YearMonth("2020-12")!, seed: 3, to: root, opening: true)
        #expect(s.rowsByFile["opening.csv"].map { $0 > 40 } ?? false)
    }
}
