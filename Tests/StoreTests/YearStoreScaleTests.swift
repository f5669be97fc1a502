import Foundation
import Store
import Testing

/// The read of a year's stored months at province scale, on a store given by
/// `JIFEN_YEAR_BENCH_STORE` (12 closed months of 50,000 cadres, made by `scripts/year-bench-store.sh`). Skipped without
/// it: a store of that size is not made in every test run.
struct YearStoreScaleTests {
    static let path = ProcessInfo.processInfo.environment["JIFEN_YEAR_BENCH_STORE"]

    @Test(.enabled(if: path != nil)) func twelveMonthsOfFiftyThousandCadresAreReadInSeconds() throws {
        let store = try RunStore(path: Self.path!)
        let clock = ContinuousClock()
        let start = clock.now
        let year = try store.yearMonths(year: 2021, items: ["积分项1"], payLines: ["工资项0", "工资项7"])
        let took = clock.now - start
        print("yearMonths: \(year.cadres.count) cadres × \(year.months.count) months in \(took)")
        #expect(year.months.count == 12)
        #expect(year.cadres.count == 50_000)
        #expect(year.cadres.allSatisfy { $0.months.count == 12 && $0.yearEnd != nil })
        #expect(took < .seconds(10))
    }
}
