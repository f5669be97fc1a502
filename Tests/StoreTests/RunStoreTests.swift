import Exact
import Foundation
import Pay
import Results
import Store
import TestSupport
import Testing

/// The store engines every store test runs against, each on a real database with its real
/// migrations. A second engine (PostgreSQL) adds a case here and runs the same tests.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    func open(_ path: String) throws -> any RunStoring {
        switch self {
        case .sqlite: try RunStore(path: path)
        }
    }

    var testDescription: String { rawValue }
}

/// The store behind `RunStoring`, on every engine.
struct RunStoreTests {
    let dir = PackagePaths.temporaryDirectory("store")
    var storePath: String { dir + "/jifen.sqlite" }

    func input(_ name: String, _ text: String) -> InputFile {
        let path = dir + "/" + name
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        return InputFile(role: .data, name: name, path: path)
    }

    func cadre(_ id: String, net: Int64, ytd: YearToDate? = nil) -> CadreResult {
        CadreResult(
            cadreID: id, name: "张三", community: "富民", grid: nil, post: "网格员", level: 3,
            score: ScoreCard(lines: [ScoreLine(kind: .base, name: "基础分", raw: Fixed(60), points: Fixed(60))], total: Fixed(60)),
            standing: Standing(group: "富民", rank: 1, groupSize: 1, tier: "称职", reasons: []),
            pay: PaySlip(lines: [PayLineResult(name: "基本报酬", kind: .earning, amount: Money(fen: net))]), yearToDate: ytd)
    }

    func newRun(_ month: String, net: Int64 = 300_000, inputs: [InputFile] = [], ytd: YearToDate? = nil) -> NewRun {
        let results = MonthResults(month: YearMonth(month)!, cadres: [cadre("FM-001", net: net, ytd: ytd)])
        return NewRun(
            month: YearMonth(month)!, rulesHash: "abc", rulesVersion: "2020", engineVersion: "test", actor: "张科长",
            at: "\(month)-28T10:00:00Z", inputs: inputs, results: results, rejected: [],
            summary: RunSummary(cadres: 1, rowsUsed: 10, rowsIgnored: 0, rowsRejected: 0, pointsTotal: Fixed(60),
                                gross: Money(fen: net), deductions: .zero, net: Money(fen: net), tiers: ["称职": 1], files: []))
    }

    @Test(arguments: StoreEngine.allCases) func rerunningADraftReplacesItAndKeepsHistory(engine: StoreEngine) throws {
        // Given a store with a draft for December
        let store = try engine.open(storePath)
        let first = try store.record(newRun("2020-12", net: 100))
        // When the month is run again
        let second = try store.record(newRun("2020-12", net: 200))
        // Then the new run is current and the old one is kept, superseded
        #expect(try store.currentRun(month: YearMonth("2020-12")!)?.id == second)
        let old = try store.run(id: first)
        #expect(old.state == .superseded)
        #expect(old.supersededBy == second)
        #expect(try store.results(runID: first).cadres[0].pay.net == Money(fen: 100))
        #expect(try store.auditLog().map(\.action) == ["run", "run"])
    }

    @Test(arguments: StoreEngine.allCases) func aClosedMonthCannotBeRerunUntilReopenedWithAReason(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        try store.record(newRun("2020-11"))
        try store.publish(month: YearMonth("2020-11")!, actor: "张科长", at: "2020-12-01", objectionsUntil: "2020-12-08")
        try store.close(month: YearMonth("2020-11")!, actor: "张科长", at: "2020-12-10")
        #expect(throws: StoreError.self) { try store.record(newRun("2020-11")) }
        #expect(throws: StoreError.reasonRequired) {
            try store.reopen(month: YearMonth("2020-11")!, actor: "李局长", at: "2020-12-11", reason: "  ")
        }
        try store.reopen(month: YearMonth("2020-11")!, actor: "李局长", at: "2020-12-11", reason: "网格员申诉成立，补录服务记录")
        let entry = try #require(try store.auditLog(month: YearMonth("2020-11")!).last)
        #expect(entry.action == "reopen")
        #expect(entry.actor == "李局长")
        #expect(entry.reason == "网格员申诉成立，补录服务记录")
        #expect(try store.currentRun(month: YearMonth("2020-11")!)?.state == .draft)
        try store.record(newRun("2020-11"))
    }

    @Test(arguments: StoreEngine.allCases) func stateTransitionsAreChecked(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        #expect(throws: StoreError.noRun(YearMonth("2020-10")!)) {
            try store.publish(month: YearMonth("2020-10")!, actor: "x", at: "t", objectionsUntil: "u")
        }
        try store.record(newRun("2020-10"))
        #expect(throws: StoreError.self) { try store.reopen(month: YearMonth("2020-10")!, actor: "x", at: "t", reason: "r") }
    }

    @Test(arguments: StoreEngine.allCases) func inputsAreStoredOnceByContentAndComeBackByteForByte(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let text = "工号,日期\nFM-001,2020-12-01\n" + String(repeating: "x", count: 5 << 20)
        let a = input("duty.csv", text)
        try store.record(newRun("2020-12", inputs: [a]))
        try store.record(newRun("2020-12", inputs: [a]))
        let run = try #require(try store.currentRun(month: YearMonth("2020-12")!))
        let sha = try #require(run.inputs.first?.sha256)
        #expect(sha.count == 64)
        let out = dir + "/exported.csv"
        try store.exportBlob(sha256: sha, to: out)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == text)
    }

    @Test(arguments: StoreEngine.allCases) func yearToDateComesFromTheLastEarlierMonthAndRefusesGaps(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        #expect(try store.yearToDate(before: YearMonth("2020-10")!).isEmpty)
        try store.record(newRun("2020-10", ytd: YearToDate(totals: ["应发合计": Money(yuan: 30000), "个人所得税": Money(yuan: 90)], months: 10)))
        try store.record(newRun("2020-12"))
        #expect(throws: StoreError.missingEarlierMonths(YearMonth("2020-12")!, missing: [YearMonth("2020-11")!])) {
            _ = try store.yearToDate(before: YearMonth("2020-12")!)
        }
        let ytd = try store.yearToDate(before: YearMonth("2020-11")!)
        #expect(ytd["FM-001"]?["应发合计"] == Money(yuan: 30000))
        // A new year starts from nothing.
        #expect(try store.yearToDate(before: YearMonth("2021-01")!).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func aReservationNamesTheRunAndItsInputsAsRecorded(engine: StoreEngine) throws {
        // Given a store with one run and two inputs hashed and copied in meanwhile
        let store = try engine.open(storePath)
        try store.record(newRun("2020-11"))
        let inputs = [input("z.csv", "z\n"), input("a.csv", "a\n"), InputFile(role: .rules, name: "r.jifen", path: input("r.jifen", "规则\n").path)]
        let ingest = store.ingest(paths: inputs.map(\.path))
        defer { ingest.close() }
        // When the next run is reserved and then recorded
        let reservation = try store.reserveRun(month: YearMonth("2020-12")!, inputs: inputs, ingest: ingest)
        let id = try store.record(newRun("2020-12", inputs: inputs), as: reservation)
        // Then it is recorded under the reserved id, with the inputs listed as reserved
        #expect(id == reservation.id)
        #expect(try store.run(id: id).inputs == reservation.inputs)
        #expect(reservation.inputs.map(\.name) == ["a.csv", "z.csv", "r.jifen"])
    }

    @Test(arguments: StoreEngine.allCases) func inputsCopiedForARunNeverRecordedAreRemoved(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let kept = input("kept.csv", "kept\n"), dropped = input("dropped.csv", "dropped\n")
        try store.record(newRun("2020-11", inputs: [kept]))
        // A batch copies both in, then stops before recording a run.
        let ingest = store.ingest(paths: [kept.path, dropped.path])
        _ = try store.reserveRun(month: YearMonth("2020-12")!, inputs: [kept, dropped], ingest: ingest)
        ingest.close()
        let (keptSHA, _) = try RunStore.hashFile(kept.path)
        let (droppedSHA, _) = try RunStore.hashFile(dropped.path)
        try store.exportBlob(sha256: keptSHA, to: dir + "/kept-back.csv")
        #expect(FileManager.default.contents(atPath: dir + "/kept-back.csv") == Data("kept\n".utf8))
        try store.exportBlob(sha256: droppedSHA, to: dir + "/dropped-back.csv")
        #expect(FileManager.default.contents(atPath: dir + "/dropped-back.csv")?.isEmpty == true)
    }

    @Test(arguments: StoreEngine.allCases) func linesComeWithoutTracesAndAWholeResultWithThem(engine: StoreEngine) throws {
        let store = try engine.open(storePath)
        let whole = StoredResultSamples.cadre("FM-001")
        var run = newRun("2020-12")
        run.results = MonthResults(month: run.month, cadres: [whole, StoredResultSamples.cadre("FM-002", records: false)])
        let id = try store.record(run)
        #expect(try store.results(runID: id, detail: .full) == run.results)
        #expect(try store.result(runID: id, cadreID: "FM-001") == whole)
        let lines = try store.results(runID: id, detail: .lines).cadres[0]
        #expect(lines == StoredResultSamples.withoutTraces(whole))
        #expect(lines.score.lines.map(\.recordCount) == whole.score.lines.map(\.records.count))
        #expect(try store.result(runID: id, cadreID: "FM-404") == nil)
    }

    @Test func aSecondBatchIsRefusedWhileTheFirstHoldsTheLock() throws {
        let lock = try RunLock(storePath: storePath, holder: "pid 1 batch 2020-12")
        #expect(throws: StoreError.busy(path: storePath, holder: "pid 1 batch 2020-12")) {
            _ = try RunLock(storePath: storePath, holder: "pid 2")
        }
        _ = lock
    }
}
