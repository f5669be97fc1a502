import Foundation
import TestSupport
import Testing

/// The year to date behind cumulative withholding, through the built binary in a county's
/// own project folder (jifen.json naming the data, rules and store), as the outside test of
/// a second county found it (check-s11 findings 1, 3, 7, 9, 11).
struct YearToDateCLITests {
    /// A project folder: the sample months under `data/`, the sample rules (or `rulesFrom`)
    /// in `rules`, and a jifen.json naming them and the store.
    static func project(_ name: String, months: [String], rules: String = "rules", rulesFrom: String = "rules",
                        dataFrom: String = "samples") throws -> String {
        let root = PackagePaths.temporaryDirectory(name)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        for m in months { try fm.copyItem(atPath: PackagePaths.path(dataFrom + "/" + m), toPath: root + "/data/" + m) }
        try fm.createDirectory(atPath: root + "/" + rules, withIntermediateDirectories: true)
        for f in try fm.contentsOfDirectory(atPath: PackagePaths.path(rulesFrom)) where f != "samples" && f != "examples" {
            try fm.copyItem(atPath: PackagePaths.path(rulesFrom + "/" + f), toPath: root + "/" + rules + "/" + f)
        }
        try """
            {
              "data": "data",
              "rules": "\(rules)",
              "store": "store/jifen.sqlite",
              "out": "out"
            }

            """.write(toFile: root + "/jifen.json", atomically: true, encoding: .utf8)
        return root
    }

    static func jifen(_ arguments: [String], in root: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLI.run(arguments, in: root)
    }

    // Finding 9: a county's first month after January, no earlier month stored, no 期初 file.
    @Test func aYearsFirstRunAfterJanuaryWithoutAnOpeningFileStopsUnlessTheClerkSaysThereWasNoIncome() throws {
        let root = try Self.project("first-month", months: ["2020-12"])
        let refused = try Self.jifen(["batch", "run", "--month", "2020-12", "--quiet"], in: root)
        #expect(refused.status == 65, "\(refused.stdout)")
        #expect(refused.stdout.contains("错误[S0007]"), "\(refused.stdout)")
        #expect(refused.stdout.contains("2020-01、2020-02、2020-03、2020-04、2020-05、2020-06、2020-07、2020-08、2020-09、2020-10、2020-11"), "\(refused.stdout)")
        #expect(refused.stdout.contains("期初") && refused.stdout.contains("--no-earlier-income"), "\(refused.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
        // The clerk states the cadres had no income earlier this year: the run goes ahead.
        let stated = try Self.jifen(["batch", "run", "--month", "2020-12", "--quiet", "--no-earlier-income"], in: root)
        #expect(stated.status == 0, "\(stated.stdout)")
        // Once the month is stored, running it again needs no new statement.
        let again = try Self.jifen(["batch", "run", "--month", "2020-12", "--quiet"], in: root)
        #expect(again.status == 0, "\(again.stdout)")
        // A first month with its opening file (the samples' 2020-10) needs none either.
        let opened = try Self.project("first-month-opening", months: ["2020-10"])
        #expect(try Self.jifen(["batch", "run", "--month", "2020-10", "--quiet"], in: opened).status == 0)
    }

    // Finding 3: re-running an earlier month makes the later months' runs stale.
    @Test func rerunningAnEarlierMonthMakesTheLaterMonthsStaleUntilTheyAreRunAgain() throws {
        let root = try Self.project("stale-month", months: ["2020-10", "2020-11"])
        #expect(try Self.jifen(["batch", "run", "--month", "2020-10", "--quiet"], in: root).status == 0)  // #1
        #expect(try Self.jifen(["batch", "run", "--month", "2020-11", "--quiet"], in: root).status == 0)  // #2
        // October's adjustments get a forgotten 5,000 yuan for FM-002; October is run again.
        let adjustments = root + "/data/2020-10/adjustments.csv"
        let text = try String(contentsOfFile: adjustments, encoding: .utf8)
        try (text + "FM-002,值班补助,,5000.00,10月漏发的加班补助补发,吴荣春\n").write(toFile: adjustments, atomically: true, encoding: .utf8)
        let rerun = try Self.jifen(["batch", "run", "--month", "2020-10", "--quiet"], in: root)  // #3
        #expect(rerun.status == 0)
        #expect(rerun.stdout.contains("警告 S0024：2020-11 的运行已过期"), "\(rerun.stdout)")
        let list = try Self.jifen(["batch", "list"], in: root)
        #expect(list.stdout.contains("#2    2020-11  草稿（已过期）"), "\(list.stdout)")
        let show = try Self.jifen(["batch", "show", "--month", "2020-11"], in: root)
        #expect(show.stdout.contains("已过期（S0024）：2020年10月在本月之后重新运行（运行 #3）"), "\(show.stdout)")
        let publish = try Self.jifen(["batch", "publish", "--month", "2020-11"], in: root)
        #expect(publish.status == 65, "\(publish.stdout)")
        #expect(publish.stdout.contains("错误[S0024]") && publish.stdout.contains("jifen batch run --month 2020-11"), "\(publish.stdout)")
        let close = try Self.jifen(["batch", "close", "--month", "2020-11"], in: root)
        #expect(close.status == 65 && close.stdout.contains("错误[S0024]"), "\(close.stdout)")
        // Run again, November carries October's current results and may be published.
        #expect(try Self.jifen(["batch", "run", "--month", "2020-11", "--quiet"], in: root).status == 0)  // #4
        let diff = try Self.jifen(["batch", "diff", "2", "4"], in: root)
        #expect(diff.stdout.contains("本年累计（个税累计预扣的依据）不同：#2 接续运行 #1 的本年累计，#4 接续运行 #3 的本年累计"), "\(diff.stdout)")
        #expect(diff.stdout.contains("#2 已过期"), "\(diff.stdout)")
        let published = try Self.jifen(["batch", "publish", "--month", "2020-11"], in: root)
        #expect(published.status == 0, "\(published.stdout)")
        #expect(!(try Self.jifen(["batch", "list"], in: root)).stdout.contains("#4    2020-11  公示中（已过期）"))
    }

    // Finding 1: explain reads the project's store, as the batch does.
    @Test func explainReadsTheProjectsStoreAndSaysSoWhenThereIsNone() throws {
        let root = try Self.project("explain-store", months: ["2020-10", "2020-11"])
        #expect(try Self.jifen(["batch", "run", "--month", "2020-10", "--quiet"], in: root).status == 0)
        #expect(try Self.jifen(["batch", "run", "--month", "2020-11", "--quiet"], in: root).status == 0)
        let named = try Self.jifen(["explain", "data/2020-11", "--cadre", "FM-002", "--store", "store/jifen.sqlite"], in: root)
        let found = try Self.jifen(["explain", "data/2020-11", "--cadre", "FM-002"], in: root)
        #expect(named.status == 0 && found.status == 0)
        #expect(found.stdout == named.stdout, "\(found.stdout)")
        #expect(!found.stdout.contains("没有找到数据库"))
        // With no store the tax starts from nothing, and the explanation says so first.
        try FileManager.default.moveItem(atPath: root + "/store", toPath: root + "/store-away")
        let bare = try Self.jifen(["explain", "data/2020-11", "--cadre", "FM-002"], in: root)
        #expect(bare.status == 0)
        #expect(bare.stdout.hasPrefix("注意：没有找到数据库 store/jifen.sqlite，本年此前月份（1 月至上月）的累计收入"), "\(bare.stdout)")
        #expect(bare.stdout != named.stdout)
        // A store without the year's earlier months (November alone, stated to have had no
        // earlier income): the explanation says the year to date counts as nothing.
        try FileManager.default.removeItem(atPath: root + "/store-away")
        #expect(try Self.jifen(["batch", "run", "--month", "2020-11", "--quiet", "--no-earlier-income"], in: root).status == 0)
        let alone = try Self.jifen(["explain", "data/2020-11", "--cadre", "FM-002"], in: root)
        #expect(alone.status == 0)
        #expect(alone.stdout.hasPrefix("注意：数据库 store/jifen.sqlite 中没有本年此前月份的运行，data/2020-11 中也没有期初余额文件"), "\(alone.stdout)")
        // October's own folder brings its opening balances: nothing to say.
        let october = try Self.jifen(["explain", "data/2020-10", "--cadre", "FM-002"], in: root)
        #expect(october.status == 0 && !october.stdout.hasPrefix("注意"), "\(october.stdout)")
    }

    // Finding 7: check, test, check-data and explain take the rules from jifen.json.
    @Test func theRulesCommandsReadTheRulesFolderJifenJSONNames() throws {
        let root = try Self.project("config-rules", months: ["2021-01"], rules: "规则", rulesFrom: "rules/examples/百分制",
                                    dataFrom: "rules/examples/百分制/samples")
        let check = try Self.jifen(["check"], in: root)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let test = try Self.jifen(["test"], in: root)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        let fmt = try Self.jifen(["fmt", "--check"], in: root)
        #expect(fmt.status == 0, "\(fmt.stdout)\(fmt.stderr)")
        let data = try Self.jifen(["check-data", "data/2021-01", "--month", "2021-01"], in: root)
        #expect(data.status == 0, "\(data.stdout)")
        #expect(!data.stdout.contains("D0020") && !data.stdout.contains("D0022"), "\(data.stdout)")
        let explain = try Self.jifen(["explain", "data/2021-01", "--cadre", "AK-001"], in: root)
        #expect(explain.status == 0, "\(explain.stdout)\(explain.stderr)")
        // A rules folder that is not there is named with where to say which one is meant.
        let missing = try Self.jifen(["check", "--config", "nowhere.json"], in: root)
        #expect(missing.status == 78)
        try FileManager.default.moveItem(atPath: root + "/规则", toPath: root + "/别处")
        let gone = try Self.jifen(["explain", "data/2021-01", "--cadre", "AK-001"], in: root)
        #expect(gone.stderr.contains("无法读取规则文件夹 规则") && gone.stderr.contains("jifen.json"), "\(gone.stderr)")
        // A month whose ledgers are all named other than the rules' sources (a county's own
        // 值守, 走访) was checked against nothing: an error, not "0 errors".
        let month = root + "/data/2020-12"
        try FileManager.default.createDirectory(atPath: month, withIntermediateDirectories: true)
        for (from, to) in [("cadres.csv", "cadres.csv"), ("duty.csv", "值守.csv"), ("service.csv", "走访.csv")] {
            try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12/" + from), toPath: month + "/" + to)
        }
        let wrong = try Self.jifen(["check-data", "data/2020-12", "--month", "2020-12", "--rules", PackagePaths.path("rules")], in: root)
        #expect(wrong.status == 65, "\(wrong.stdout)")
        #expect(wrong.stdout.contains("data/2020-12: 错误[B0086]: 没有一个文件属于规则文件夹"), "\(wrong.stdout)")
    }

    // Finding 11: an opening file the rules do not declare.
    @Test func anOpeningFileTheRulesDoNotDeclareStopsTheMonth() throws {
        let root = try Self.project("undeclared-opening", months: ["2020-10"])
        let file = root + "/rules/榕江县积分管理考核办法.jifen"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let start = try #require(text.range(of: "数据源 期初 （文件 “opening”、“期初”） {"))
        let end = try #require(text.range(of: "}\n", range: start.upperBound..<text.endIndex))
        try (String(text[..<start.lowerBound]) + String(text[end.upperBound...])).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Self.jifen(["check"], in: root).status == 0)
        let data = try Self.jifen(["check-data", "data/2020-10", "--month", "2020-10"], in: root)
        #expect(data.status == 65, "\(data.stdout)")
        #expect(data.stdout.contains("data/2020-10/opening.csv: 错误[B0054]: 规则没有声明“数据源 期初”"), "\(data.stdout)")
        let run = try Self.jifen(["batch", "run", "--month", "2020-10", "--quiet"], in: root)
        #expect(run.status == 65 && run.stdout.contains("错误[B0054]"), "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-10"))
        let skipped = try Self.jifen(["batch", "run", "--month", "2020-10", "--quiet", "--skip-invalid"], in: root)
        #expect(skipped.status == 65 && skipped.stdout.contains("错误[B0054]"), "\(skipped.stdout)")
    }
}
