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

    /// A copy of a sample month with one more paid adjustment: a re-run from it changes
    /// FM-002's year to date.
    static func changed(_ month: String, root: String) throws -> String {
        let folder = root + "/" + month
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/" + month), toPath: folder)
        let file = folder + "/adjustments.csv"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "FM-002,值班补助,,5000.00,漏发的加班补助补发,吴荣春\n").write(toFile: file, atomically: true, encoding: .utf8)
        return folder
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

    @Test func aRerunOfAnEarlierMonthMakesEveryLaterRunOfTheYearStale() throws {
        let root = PackagePaths.temporaryDirectory("stale-months")
        let store = root + "/s.sqlite", out = root + "/out"
        func run(_ month: String, data: String? = nil) throws -> Int64 {
            let o = BatchRunner(options: Self.options(month, store: store, out: out, data: data)).run()
            return try #require(o.runID, "\(o.diagnostics.map(\.code))")
        }
        let oct = try run("2020-10"), nov = try run("2020-11"), dec = try run("2020-12")
        let s = try RunStore(path: store)
        #expect(try s.run(id: nov).yearToDateRunID == oct)
        #expect(try s.run(id: dec).yearToDateRunID == nov)
        #expect(try s.runs().allSatisfy { $0.staleReason == nil })
        // October run again from the same files: no one's year to date changes, nothing the
        // later months carried is out of date.
        _ = try run("2020-10")
        #expect(try s.runs().allSatisfy { $0.staleReason == nil })

        // October with a forgotten 5,000 yuan: November and December carried the old figures.
        let oct2 = try run("2020-10", data: try Self.changed("2020-10", root: root))
        #expect(try s.run(id: oct2).staleReason == nil)
        let staleNov = try #require(try s.currentRun(month: YearMonth("2020-11")!))
        #expect(staleNov.id == nov)
        #expect(staleNov.staleReason?.contains("2020年10月在本月之后重新运行（运行 #\(oct2)）") == true, "\(staleNov.staleReason ?? "")")
        #expect(try s.currentRun(month: YearMonth("2020-12")!)?.staleReason != nil)
        #expect(try s.auditLog(month: YearMonth("2020-12")!).contains { $0.action == "stale" && $0.runID == dec })
        // Neither may be published or closed: their tax carried October's superseded results.
        #expect(throws: StoreError.monthStale(YearMonth("2020-11")!, runID: nov, reason: staleNov.staleReason!)) {
            try s.publish(month: YearMonth("2020-11")!, actor: "测试", at: "2021-01-06T09:00:00Z", objectionsUntil: "2021-01-13")
        }
        #expect(throws: StoreError.self) { try s.close(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-06T09:00:00Z") }
        #expect(try s.currentRun(month: YearMonth("2020-11")!)?.state == .draft)

        // November run again carries October's new run and is current again; December, run
        // before it, stays stale until it is run again too.
        let nov2 = try run("2020-11")
        #expect(try s.run(id: nov2).staleReason == nil)
        #expect(try s.run(id: nov2).yearToDateRunID == oct2)
        #expect(try s.currentRun(month: YearMonth("2020-12")!)?.staleReason != nil)
        let dec2 = try run("2020-12")
        #expect(try s.run(id: dec2).staleReason == nil)
        try s.publish(month: YearMonth("2020-11")!, actor: "测试", at: "2021-01-06T09:00:00Z", objectionsUntil: "2021-01-13")
        try s.close(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-06T09:00:00Z")
    }

    @Test func aMonthRunFromAStaleMonthIsStaleItself() throws {
        let root = PackagePaths.temporaryDirectory("stale-chain")
        let store = root + "/s.sqlite", out = root + "/out"
        let changed = try Self.changed("2020-10", root: root)
        for (m, data) in [("2020-10", nil), ("2020-11", nil), ("2020-10", changed)] {
            #expect(!BatchRunner(options: Self.options(m, store: store, out: out, data: data)).run().stopped)
        }
        // December carries November's year to date, which October's re-run made stale.
        let dec = BatchRunner(options: Self.options("2020-12", store: store, out: out)).run()
        let id = try #require(dec.runID)
        #expect(dec.staleMonths.map(\.description) == ["2020-12"])
        let reason = try #require(try RunStore(path: store).run(id: id).staleReason)
        #expect(reason.contains("本年累计接续的2020年11月运行 #2 已过期"), "\(reason)")
        // A year's runs are its own: January 2021 is not made stale by 2020.
        var jan = Self.options("2021-01", store: store, out: out)
        jan.noEarlierIncome = false
        #expect(!BatchRunner(options: jan).run().stopped)
        #expect(!BatchRunner(options: Self.options("2020-10", store: store, out: out)).run().stopped)
        #expect(try RunStore(path: store).currentRun(month: YearMonth("2021-01")!)?.staleReason == nil)
    }
}
