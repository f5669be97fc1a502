import Batch
import Diagnostics
import Exact
import Foundation
import Records
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
        #expect(fromStore.reports.count == 7)
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
}
