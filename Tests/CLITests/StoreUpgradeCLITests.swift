import Foundation
import TestSupport
import Testing

/// Stores outlive versions: a store written by an earlier main opens with this one, migrates,
/// and serves its whole history. `store-caebf9e` has schema v1–v3; `store-7902ee3`, v1–v5
/// with results as JSON and inputs uncompressed.
struct StoreUpgradeCLITests {
    static let fixtures = ["store-caebf9e", "store-7902ee3"]

    /// A copy of the fixture store, so that the committed file is never migrated in place.
    static func copy(_ fixture: String) throws -> (root: String, store: String) {
        let root = PackagePaths.temporaryDirectory("upgrade-" + fixture)
        try FileManager.default.copyItem(atPath: PackagePaths.path("Tests/CLITests/Fixtures/\(fixture)/jifen.sqlite"), toPath: root + "/jifen.sqlite")
        return (root, root + "/jifen.sqlite")
    }

    @Test(arguments: fixtures) func anEarlierMainsStoreOpensMigratesAndServesItsHistory(_ fixture: String) throws {
        let (root, store) = try Self.copy(fixture)
        let out = root + "/out"
        // Given a store of the earlier schema, when this main lists and shows its runs:
        let list = try CLI.run(["batch", "list", "--store", store, "--out", out])
        #expect(list.status == 0, "\(list.stderr)")
        for text in ["#5", "#1", "181,974.23", "201,701.23", "已关账", "公示中", "已被替代"] {
            #expect(list.stdout.contains(text), "\(text) in \(list.stdout)")
        }
        let show = try CLI.run(["batch", "show", "--month", "2020-12", "--store", store, "--out", out])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("运行 #5") && show.stdout.contains("申诉调整.csv"), "\(show.stdout)")
        // No reports here yet: show says so and how to make them.
        #expect(show.stdout.contains("jifen report --run 5"))
        // Then its runs compare, and its reports are written again from the store alone.
        let diff = try CLI.run(["batch", "diff", "4", "5", "--store", store, "--out", out])
        #expect(diff.status == 0 && diff.stdout.contains("变化 1 人"), "\(diff.stdout)")
        #expect(diff.stdout.contains("FM-001"))
        let report = try CLI.run(["report", "--run", "5", "--store", store, "--out", out])
        #expect(report.status == 0, "\(report.stdout)\(report.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/2020-12").filter { $0.hasSuffix(".xlsx") }.count == 8)
        let again = try CLI.run(["batch", "show", "--month", "2020-12", "--store", store, "--out", out])
        #expect(again.stdout.contains("为本次运行所生成"), "\(again.stdout)")
        // A closed month of the old store stays closed.
        let closed = try CLI.run(["batch", "run", "--month", "2020-10", "--store", store, "--out", out, "--quiet"])
        #expect(closed.status != 0)
        // A new run of the open month includes the adjustment the old portal accepted (FM-001
        // does not change against the old run); the sample rules now also pay the adjustments
        // file's amounts (报酬调整), which the old rules dropped: those three cadres change.
        let rerun = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--store", store, "--out", out, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stdout)")
        #expect(rerun.stdout.contains("运行 #6"))
        let same = try CLI.run(["batch", "diff", "5", "6", "--store", store, "--out", out])
        #expect(same.stdout.contains("变化 3 人"), "\(same.stdout)")
        for change in ["TH-002 吴丹慧：实发 3,936.21 → 4,086.21（+150.00）", "WL-007 杨华文：实发 3,484.00 → 3,284.00（-200.00）",
                       "YG-005 吴明刚：实发 3,933.23 → 4,083.23（+150.00）"] {
            #expect(same.stdout.contains(change), "\(same.stdout)")
        }
        #expect(!same.stdout.contains("FM-001"), "\(same.stdout)")
    }
}
