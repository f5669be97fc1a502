import Foundation
import TestSupport
import Testing

/// The other counties' regulations in `rules/examples/` (docs/samples.md): each checks clean,
/// is already formatted, its own test cases pass, and it runs a month of its sample records.
/// The county's own `rules/` folder does not read them.
struct ExampleRegulationsCLITests {
    /// Every example folder, by name.
    static var examples: [String] {
        let root = PackagePaths.path("rules/examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func thereAreAtLeastTwoExamples() {
        #expect(Self.examples.count >= 2, "\(Self.examples)")
    }

    @Test(arguments: examples)
    func checksCleanIsFormattedAndItsTestsPass(_ name: String) throws {
        let folder = "rules/examples/" + name
        let check = try CLI.run(["check", folder])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("发现 0 个错误、0 个警告"), "\(check.stdout)")
        let fmt = try CLI.run(["fmt", "--check", folder])
        #expect(fmt.status == 0, "\(fmt.stdout)")
        let test = try CLI.run(["test", folder])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains(" 0 failed") || !test.stdout.contains("failed"), "\(test.stdout)")
        #expect(!test.stdout.contains("（0 项检查）"), "a test case that checks nothing: \(test.stdout)")
    }

    @Test func theCountysRulesFolderDoesNotReadTheExamples() throws {
        let check = try CLI.run(["check", "rules"])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("已检查 1 个规则文件"), "\(check.stdout)")
    }

    /// The tier-coefficient regulation reads the same ledgers as the county's samples: three
    /// months run, and 绩效报酬 follows the tier (a cadre at 优秀 is paid 1.3 × 得分 × 12 元).
    @Test func theTierCoefficientExampleRunsTheSampleMonths() throws {
        let dir = PackagePaths.temporaryDirectory("example-tier")
        for month in ["2020-10", "2020-11", "2020-12"] {
            let r = try CLI.run(["batch", "run", "--rules", "rules/examples/等次系数", "--month", month,
                                 "--store", dir + "/s.sqlite", "--out", dir + "/out", "--quiet"])
            #expect(r.status == 0, "\(month): \(r.stdout)\(r.stderr)")
        }
        let show = try CLI.run(["batch", "show", "--month", "2020-12", "--store", dir + "/s.sqlite"])
        #expect(show.status == 0, "\(show.stdout)")
        for tier in ["优秀", "称职", "基本称职"] { #expect(show.stdout.contains(tier), "\(show.stdout)") }
        let explain = try CLI.run(["explain", "samples/2020-12", "--cadre", "FM-001", "--rules", "rules/examples/等次系数",
                                   "--store", dir + "/s.sqlite"])
        #expect(explain.status == 0, "\(explain.stdout)\(explain.stderr)")
        #expect(explain.stdout.contains("等次系数"), "\(explain.stdout)")
    }

    /// The 百分制 regulation runs its own two months: a leaver in January, a joiner in
    /// February; every cadre is paid, the 好 quota is used, and the 公益性岗位 pay no pension.
    @Test func theHundredPointExampleRunsItsOwnMonths() throws {
        let dir = PackagePaths.temporaryDirectory("example-hundred")
        for month in ["2021-01", "2021-02"] {
            let r = try CLI.run(["batch", "run", "--rules", "rules/examples/百分制", "--data", "rules/examples/百分制/samples",
                                 "--month", month, "--store", dir + "/s.sqlite", "--out", dir + "/out", "--quiet"])
            #expect(r.status == 0, "\(month): \(r.stdout)\(r.stderr)")
        }
        let show = try CLI.run(["batch", "show", "--month", "2021-02", "--store", dir + "/s.sqlite"])
        #expect(show.status == 0, "\(show.stdout)")
        #expect(show.stdout.contains("好"), "\(show.stdout)")
        let explain = try CLI.run(["explain", "rules/examples/百分制/samples/2021-02", "--cadre", "HX-007", "--rules", "rules/examples/百分制",
                                   "--store", dir + "/s.sqlite"])
        #expect(explain.status == 0, "\(explain.stdout)\(explain.stderr)")
        #expect(explain.stdout.contains("在岗天数"), "\(explain.stdout)")
        #expect(explain.stdout.contains("不参加排名"), "\(explain.stdout)")
    }
}
