import Exact
import Foundation
import GRDB
import Pay
import Results
@testable import Store
import TestSupport
import Testing

/// How a run is written: inputs copied once by content in whole compressed chunks, results across slices.
struct RunStoreWriteTests {
    let base = RunStoreTests()

    func count(_ store: RunStore, _ sql: String) throws -> Int {
        try store.queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test func anInputAlreadyStoredIsNotCopiedAgain() throws {
        let store = try RunStore(path: base.storePath)
        // Exactly one chunk, one chunk and a byte, and an empty file.
        let exact = base.input("exact.csv", String(repeating: "a", count: RunStore.chunkSize))
        let over = base.input("over.csv", String(repeating: "b", count: RunStore.chunkSize + 1))
        let empty = base.input("empty.csv", "")
        try store.record(base.newRun("2020-11", inputs: [exact, over, empty]))
        #expect(try count(store, "SELECT COUNT(*) FROM blobChunk") == 3)
        #expect(try count(store, "SELECT COUNT(*) FROM blob") == 3)
        // Each chunk is compressed on its own: 4 MB of one letter takes a few hundred bytes.
        #expect(try count(store, "SELECT COUNT(*) FROM blobChunk WHERE encoding = \(BlobEncoding.zstdColumns.rawValue)") == 3)
        #expect(try count(store, "SELECT MAX(length(content)) FROM blobChunk") < 4096)

        // The same contents again, under other names and in another month: nothing new copied.
        let again = base.input("again.csv", String(repeating: "a", count: RunStore.chunkSize))
        try store.record(base.newRun("2020-12", inputs: [again, over]))
        #expect(try count(store, "SELECT COUNT(*) FROM blobChunk") == 3)
        #expect(try count(store, "SELECT COUNT(*) FROM runInput") == 5)

        for (file, size) in [(exact, RunStore.chunkSize), (over, RunStore.chunkSize + 1), (empty, 0)] {
            let (sha, hashedSize) = try RunStore.hashFile(file.path)
            #expect(hashedSize == size)
            let out = base.dir + "/back-" + file.name
            try store.exportBlob(sha256: sha, to: out)
            #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: file.path), "\(file.name)")
        }
    }

    @Test func resultsSpanningSeveralSlicesComeBackInRosterOrder() throws {
        let store = try RunStore(path: base.storePath)
        let n = ResultWriter.sliceSize * 2 + 77
        let cadres = (0..<n).map { base.cadre(String(format: "FM-%05d", n - $0), net: Int64($0) * 100) }
        var run = base.newRun("2020-12")
        run.results = MonthResults(month: run.month, cadres: cadres)
        let id = try store.record(run)
        let back = try store.results(runID: id)
        #expect(back.cadres == cadres)
        #expect(try store.result(runID: id, cadreID: cadres[n - 1].cadreID) == cadres[n - 1])
        #expect(try count(store, "SELECT COUNT(*) FROM cadreResult WHERE runID = \(id) AND seq = \(n - 1) AND cadreID = 'FM-00001'") == 1)
    }

    /// Records as the scorer holds them (numbers into the month's texts) are stored citing
    /// the run's `recordFile` and `recordText` (format 2 documents) and read back as the same
    /// records, whole and one cadre at a time: across slices and text chunks, texts cited
    /// again by later cadres, two months' texts in one run and plain `RecordRef`s among them;
    /// and the clips of every scope, kept on the cadre's row. Documents go in groups of
    /// consecutive cadres, some without one.
    @Test func recordsCiteTheRunsSummariesByNumberAndReadBackEqual() throws {
        let store = try RunStore(path: base.storePath)
        let distinct = RecordTextChunk.size * 2 + 5_000
        let summaries = (0..<distinct).map { "全程代办 \($0 % 97)-\($0) 办结 满意" + ($0 % 5 == 0 ? "" : " 用时 \($0 % 300)") }
        let texts = RecordTexts(files: ["duty.csv", "service.csv", "training.csv"], summaries: summaries)
        let other = RecordTexts(files: ["service.csv"], summaries: ["夜班 20:00–08:00", summaries[7]])
        let start = CivilDate(year: 2020, month: 12, day: 1)!.daysSinceEpoch
        let n = ResultWriter.sliceSize * 2 + 31
        var cadres: [CadreResult] = []
        for i in 0..<n {
            var c = StoredResultSamples.cadre(String(format: "FM-%05d", i), records: i % 50 != 3)
            var entries: [RecordEntry] = []
            for k in 0..<24 {
                // Mostly new texts in order, some cited before (by this cadre or another).
                let s = k % 6 == 5 ? (i * 13 + k) % distinct : (i * 24 + k) % distinct
                entries.append(RecordEntry(file: UInt16(k % 3), line: UInt32(i * 40 + k * (k % 2 == 0 ? 3 : 1)),
                                           day: k % 9 == 4 ? RecordEntry.noDay : start + Int32((i + k) % 31),
                                           summary: UInt32(s), units: Int64((k % 5) - 2) * 125, scale: UInt8(k % 4)))
            }
            // Every 7th keeps its `RecordRef`s, every 50th has none.
            if i % 7 != 0, c.score.lines[1].records.count > 0 {
                c.score.lines[1].records = RecordList(entries: entries, texts: texts)
                c.score.lines[3].records = RecordList(entries: [RecordEntry(file: 0, line: 9, day: start, summary: UInt32(i % 2), units: 1, scale: 0)], texts: other)
            }
            // Some cadres have nothing to trace (no document), a group's first among them.
            if i % 64 == 0 || i % 97 == 5 { c = StoredResultSamples.withoutTraces(c) }
            cadres.append(c)
        }
        var run = base.newRun("2020-12")
        run.results = MonthResults(month: run.month, cadres: cadres)
        let id = try store.record(run)
        #expect(try count(store, "SELECT COUNT(*) FROM recordText WHERE runID = \(id)") >= 2)
        #expect(try count(store, "SELECT COUNT(*) FROM recordFile WHERE runID = \(id)") == 4)
        // Clips ride on the cadre's row (every sample cadre has some), not a row each.
        #expect(try count(store, "SELECT COUNT(*) FROM scoreClip WHERE runID = \(id)") == 0)
        #expect(try count(store, "SELECT COUNT(*) FROM cadreResult WHERE runID = \(id) AND clips IS NOT NULL") == n)
        // Documents in groups of 64 consecutive cadres (slices of 1,024, 1,024 and 31), each in
        // the row of the group's first cadre.
        #expect(try count(store, "SELECT COUNT(*) FROM cadreTrace WHERE runID = \(id)") == 33)
        #expect(try count(store, "SELECT COUNT(*) FROM cadreTrace WHERE runID = \(id) AND substr(document, 1, 1) = x'03'") == 33)
        let back = try store.results(runID: id)
        #expect(back.cadres.count == n)
        for i in [0, 1, 3, 63, 64, 65, 1024, 1500, 1557, n - 1] {
            #expect(back.cadres[i] == cadres[i], "cadre \(i)")
            #expect(try store.result(runID: id, cadreID: cadres[i].cadreID) == cadres[i], "cadre \(i) alone")
        }
        #expect(back.cadres == cadres)
    }

    @Test func aNewStoreUsesSixteenKilobytePages() throws {
        let store = try RunStore(path: base.storePath)
        #expect(try count(store, "PRAGMA page_size") == 16384)
        #expect(try store.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
    }
}
