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
        #expect(try count(store, "SELECT COUNT(*) FROM blobChunk WHERE encoding = \(BlobEncoding.zstd.rawValue)") == 3)
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

    @Test func aNewStoreUsesSixteenKilobytePages() throws {
        let store = try RunStore(path: base.storePath)
        #expect(try count(store, "PRAGMA page_size") == 16384)
        #expect(try store.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
    }
}
