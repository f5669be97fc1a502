import Batch
import Diagnostics
import Exact
import Foundation
import Records
import Reports
import RulesLanguage
import Results
import Store
import TestSupport
import Testing

/// A month's records as an `InputSet`: from a folder or from a stored run's inputs held in
/// memory, with accepted objections' adjustments in memory too; nothing is written to a
/// temporary folder.
struct InputSetTests {
    /// Every data input of a run: name and SHA-256.
    static func dataInputs(_ run: RunRecord) -> [String] {
        run.inputs.filter { $0.role == "data" }.map { "\($0.name) \($0.sha256)" }
    }

    @Test func aRunFromStoredInputsEqualsOneFromTheFolder() throws {
        let root = PackagePaths.temporaryDirectory("inputset")
        let month = "2020-10"
        let fromFolder = BatchRunner(options: BatchTests.options(month: month, data: PackagePaths.path("samples/\(month)"),
                                                                 store: root + "/a.sqlite", out: root + "/a-out")).run()
        let a = try #require(fromFolder.runID, "\(fromFolder.diagnostics.prefix(3))")
        let storeA = try RunStore(path: root + "/a.sqlite")
        let stored = try StoredInputs.load(store: storeA, run: try storeA.run(id: a))
        #expect(stored.month.files.allSatisfy { $0.bytes != nil })
        #expect(stored.month.files.map(\.path).first?.hasPrefix("\(month)/") == true)

        // The same month from the stored copies only, into a fresh store: no folder exists.
        var options = BatchTests.options(month: month, data: month, store: root + "/b.sqlite", out: root + "/b-out")
        options.inputs = stored.month
        let fromStore = BatchRunner(options: options).run()
        let b = try #require(fromStore.runID, "\(fromStore.diagnostics.prefix(3))")
        let storeB = try RunStore(path: root + "/b.sqlite")
        #expect(try storeA.results(runID: a) == storeB.results(runID: b))
        #expect(Self.dataInputs(try storeA.run(id: a)) == Self.dataInputs(try storeB.run(id: b)))
        #expect(fromFolder.diagnostics.map(\.code) == fromStore.diagnostics.map(\.code))
        #expect(fromStore.reports.count == 8)
        for (kind, path) in fromFolder.reports {
            #expect(FileManager.default.contents(atPath: path) == fromStore.reports[kind].flatMap { FileManager.default.contents(atPath: $0) },
                    "\(kind) differs")
        }
    }

    @Test func aStoredFileIsCitedByTheNameTheClerkKnows() throws {
        // A problem in a file held in memory names it as in the folder: 2020-10/值班.csv:3.
        let text = "工号,姓名,身份证号,社区,岗位,岗位等级,入职日期,银行账号\nT-001,王五,11010519491231002X,富民,主任,10,2015-01-01,6217000012345678901\nT-001,王五,11010519491231002X,富民,主任,10,2015-01-01,6217000012345678901\n"
        let file = InputSet.File(path: "2020-10/cadres.csv", bytes: Array(text.utf8))
        let (roster, reports) = RosterReader(month: YearMonth("2020-10")!).read(files: [file])
        #expect(roster.count == 1)
        let problem = try #require(reports.first?.problems.first { $0.diagnostic.isError })
        guard case .row(let path, let line, _, _) = problem.diagnostic.location else {
            Issue.record("\(problem.diagnostic.location)")
            return
        }
        #expect(path == "2020-10/cadres.csv" && line == 3)
    }

    /// The batch with an accepted objection, `batch preview`, `report --run`, `explain
    /// --store`, `jifen test` and a portal re-run from stored inputs (`batch work`, the data
    /// folder gone) each run in their own process with `TMPDIR` naming a plain file, not a
    /// folder: anything that made a temporary folder or file there would fail (a folder that
    /// is removed afterwards would leave an empty `TMPDIR` behind and go unseen; and root
    /// ignores a read-only folder's mode).
    @Test func noCommandWritesATemporaryFolder() throws {
        let root = PackagePaths.temporaryDirectory("inputset-tmp")
        let tmp = root + "/tmp-is-a-file"
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: tmp))
        let data = root + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-10"), toPath: data + "/2020-10")
        let common = ["--data", data, "--rules", PackagePaths.path("rules"), "--store", root + "/s.sqlite", "--out", root + "/out"]
        let env = ["TMPDIR": tmp]
        func jifen(_ args: [String]) throws {
            let r = try CLI.run(args, environment: env)
            #expect(r.status == 0, "\(args): \(r.stdout.suffix(600)) \(r.stderr.suffix(600))")
        }

        try jifen(["batch", "run", "--month", "2020-10", "--quiet"] + common)
        // An objection accepted with 2 points for FM-001: the next run scores 申诉调整.csv.
        let store = try RunStore(path: root + "/s.sqlite")
        let objection = try store.addObjection(NewObjection(runID: 1, month: YearMonth("2020-10")!, cadreID: "FM-001", reference: "tier",
                                                            referenceLabel: "等次", reason: "协助防汛未计分"), at: "2020-11-03T01:00:00Z")
        try store.acceptObjection(id: objection, .adjustment(points: Fixed(2), amount: nil, reason: "10月20日协助防汛", approver: "李主任"),
                                  reply: "属实", actor: "staff", at: "2020-11-03T02:00:00Z")
        try jifen(["batch", "run", "--month", "2020-10", "--quiet"] + common)
        let second = try #require(try store.currentRun(month: YearMonth("2020-10")!))
        #expect(second.inputs.contains { $0.name == StoredAdjustments.fileName })
        let before = try #require(try store.result(runID: 1, cadreID: "FM-001"))
        let after = try #require(try store.result(runID: second.id, cadreID: "FM-001"))
        #expect(after.score.total == before.score.total + Fixed(2))

        try jifen(["batch", "preview", "--month", "2020-10", "--rules", PackagePaths.path("rules"), "--store", root + "/s.sqlite"])
        try jifen(["report", "--run", "\(second.id)"] + common)
        try jifen(["explain", data + "/2020-10", "--cadre", "FM-001", "--rules", PackagePaths.path("rules"), "--store", root + "/s.sqlite"])
        try jifen(["test", PackagePaths.path("rules")])

        // The data folder is gone: the portal's re-run reads the run's stored inputs.
        try FileManager.default.removeItem(atPath: data + "/2020-10")
        let request = try store.enqueueRerun(month: YearMonth("2020-10")!, actor: "staff", at: "2020-11-04T01:00:00Z").request
        try jifen(["batch", "work", "--request", "\(request.id)"] + common)
        let rerun = try #require(try store.currentRun(month: YearMonth("2020-10")!))
        #expect(rerun.id == second.id + 1)
        #expect(Self.dataInputs(rerun) == Self.dataInputs(second))
        #expect(try store.results(runID: rerun.id) == store.results(runID: second.id))

        #expect(FileManager.default.contents(atPath: tmp) == Data("not a folder".utf8))
    }

    /// A test whose record has a problem points at that record's line of the .jifen-test
    /// file and shows the cell, not a temporary file.
    @Test func aTestRecordsProblemPointsAtTheTestFilesLine() throws {
        let root = PackagePaths.temporaryDirectory("inputset-rules")
        try FileManager.default.createDirectory(atPath: root + "/tests", withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: PackagePaths.path("rules")) where name.hasSuffix(".jifen") {
            try FileManager.default.copyItem(atPath: PackagePaths.path("rules/" + name), toPath: root + "/" + name)
        }
        let test = """
            测试 坏日期 {
              月份 2020-12
              记录 花名册 {
                工号   姓名  社区  岗位  岗位等级  入职日期
                FM001  张三  富民  委员  3         2019-03-01
              }
              记录 值班 {
                工号   日期        班次  开始   结束   状态
                FM001  2020-12-01  夜班  22:00  08:00  到岗
                FM001  2021-01-05  夜班  22:00  08:00  到岗
              }
              期望 FM001 {
                得分 = 80 分
              }
            }

            """
        try test.write(toFile: root + "/tests/坏日期.jifen-test", atomically: true, encoding: .utf8)
        let loaded = try LoadedRules.load(directory: root)
        #expect(!loaded.hasErrors)
        let report = RulesTestRunner(rules: loaded.rules, project: loaded.project).run()
        let failure = try #require(report.cases.first?.failures.first)
        let source = try #require(loaded.project.sources.first { $0.path == failure.site.path })
        #expect(failure.site.path.hasSuffix("坏日期.jifen-test"))
        #expect(source.lineAndColumn(of: failure.site.span.start).line == 10)
        #expect(failure.message.zh.contains("2021-01-05"))
        #expect(!failure.message.zh.contains("/tmp"))
    }

    /// `report --run` reads the run's roster back from the store, every file of it: with a
    /// roster kept as a file per community, the bank transfer lists every payee, byte for
    /// byte as the batch wrote it.
    @Test func reportRunReadsAPerCommunityRosterWhole() throws {
        let root = PackagePaths.temporaryDirectory("inputset-roster")
        let data = root + "/2020-10"
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-10"), toPath: data)
        let lines = try String(contentsOfFile: data + "/cadres.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        try FileManager.default.removeItem(atPath: data + "/cadres.csv")
        var byCommunity: [String: [Substring]] = [:]
        for line in lines.dropFirst() { byCommunity[String(line.split(separator: ",", omittingEmptySubsequences: false)[3]), default: []].append(line) }
        #expect(byCommunity.count > 1)
        for (community, rows) in byCommunity {
            try (([lines[0]] + rows).joined(separator: "\n") + "\n").write(toFile: data + "/cadres-\(community).csv", atomically: true, encoding: .utf8)
        }
        var options = BatchTests.options(month: "2020-10", data: data, store: root + "/s.sqlite", out: root + "/out")
        options.reports = [.bankTransfer]
        let outcome = BatchRunner(options: options).run()
        let runID = try #require(outcome.runID, "\(outcome.diagnostics.prefix(3))")
        let written = try #require(outcome.reports[.bankTransfer].flatMap { FileManager.default.contents(atPath: $0) })
        let store = try RunStore(path: root + "/s.sqlite")
        #expect(try StoredInputs.roster(store: store, run: try store.run(id: runID)).count == byCommunity.count)
        let again = try ReportRewriter.write(store: store, runID: runID, settings: ReportSettings(), outFolder: root + "/again")
        #expect(again[.bankTransfer].flatMap { FileManager.default.contents(atPath: $0) } == written)
    }
}
