import Batch
import Diagnostics
import Exact
import Foundation
import Store
import TestSupport
import Testing

/// The year to date cumulative withholding carries from month to month, on a real store and
/// the sample folders: the year's first month needs its earlier income (S0007), and a month
/// run again makes the later months that carried its old results stale (S0024).
struct YearToDateTests {
    static func options(_ month: String, store: String, out: String, data: String? = nil) -> BatchOptions {
        var o = BatchTests.options(month: month, data: data ?? PackagePaths.path("samples/\(month)"), store: store, out: out)
        o.noEarlierIncome = false
        return o
    }

    @Test func theYearsFirstRunAfterJanuaryNeedsAnOpeningFileOrTheClerksWord() throws {
        let root = PackagePaths.temporaryDirectory("first-month")
        let store = root + "/s.sqlite", out = root + "/out"
        // An empty store, December without an opening file: January–November would count as
        // no income against eleven months' allowance.
        let refused = BatchRunner(options: Self.options("2020-12", store: store, out: out)).run()
        #expect(refused.stopped)
        let d = try #require(refused.diagnostics.first { $0.code == "S0007" }, "\(refused.diagnostics.map(\.code))")
        #expect(d.summary.zh.contains("2020年12月是本年第一个运行的月份"), "\(d.summary.zh)")
        #expect(d.summary.zh.contains("2020-01、2020-02") && d.summary.zh.contains("2020-11"), "\(d.summary.zh)")
        #expect(d.help?.zh.contains("--no-earlier-income") == true)
        #expect(try RunStore(path: store).runs().isEmpty)
        // Stated by the clerk: the run goes ahead, and a re-run of the stored month needs no
        // new statement.
        var stated = Self.options("2020-12", store: store, out: out)
        stated.noEarlierIncome = true
        #expect(!BatchRunner(options: stated).run().stopped)
        #expect(!BatchRunner(options: Self.options("2020-12", store: store, out: out)).run().stopped)
        // October brings its opening file (期初): no statement needed.
        let other = PackagePaths.temporaryDirectory("first-month-opening")
        #expect(!BatchRunner(options: Self.options("2020-10", store: other + "/s.sqlite", out: other + "/out")).run().stopped)
    }
}
