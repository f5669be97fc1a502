import Foundation
import Results
@testable import Store
import TestSupport
import Testing

/// Stored inputs with their fields in columns (`BlobEncoding.zstdColumns`): any bytes go back
/// exactly, and a chunk that does not split is stored as it is.
struct FieldColumnsTests {
    func roundTrip(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let columns = FieldColumns()
        let stored = bytes.withUnsafeBytes { BlobCodec.compressChunk($0, columns: columns) }
        let back = try stored.content.withUnsafeBytes { try BlobCodec.decodeChunk($0, encoding: Int64(stored.encoding.rawValue)) }
        #expect(back == bytes, "\(bytes.count) bytes", sourceLocation: sourceLocation)
    }

    @Test func everyShapeOfLineGoesBackExactly() throws {
        let texts = [
            "", "\n", ",", "\n\n", ",,,", ",\n,", "a", "a\n", "\na", "a,b", "a,b\n", "a,,b\n\n,c,",
            "工号,日期,班次\nSQ0001-03,2020-12-01,白班\n", "工号,日期\r\nA,2020-12-01\r\n",
            "\"quoted, comma\",\"line\nbreak\",x\n", "no newline at the end,1,2",
            String(repeating: "x,", count: 63) + "x\n",
        ]
        for t in texts { try roundTrip(Array(t.utf8)) }
    }

    @Test func aLineOfTooManyFieldsIsStoredAsItIs() throws {
        let fits = Array((String(repeating: "1,", count: FieldColumns.maxColumns - 1) + "1\n").utf8)
        let over = Array((String(repeating: "1,", count: FieldColumns.maxColumns) + "1\n").utf8)
        let columns = FieldColumns()
        #expect(fits.withUnsafeBytes { BlobCodec.compressChunk($0, columns: columns) }.encoding == .zstdColumns)
        #expect(over.withUnsafeBytes { BlobCodec.compressChunk($0, columns: columns) }.encoding == .zstd)
        try roundTrip(over)
        // The same splitter goes on to the next chunk with its columns emptied.
        try roundTrip(fits)
    }

    @Test func randomBytesAndCSVLikeTextGoBackExactly() throws {
        var rng = SeededRandom(seed: 11)
        let columns = FieldColumns()
        for round in 0..<300 {
            let n = Int(rng.next() % 5000)
            // Bytes drawn mostly from separators in some rounds, any byte in others.
            let alphabet: [UInt8] = round % 3 == 0 ? [10, 44, 13, 34, 97] : Array(0...255)
            let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let stored = bytes.withUnsafeBytes { BlobCodec.compressChunk($0, columns: columns) }
            let back = try stored.content.withUnsafeBytes { try BlobCodec.decodeChunk($0, encoding: Int64(stored.encoding.rawValue)) }
            #expect(back == bytes, "round \(round)")
        }
    }

    @Test func damagedColumnsAreRefusedNotMisread() throws {
        let columns = FieldColumns()
        let bytes = Array("工号,日期,班次\nSQ0001-03,2020-12-01,白班\nSQ0001-04,2020-12-02\n".utf8)
        guard let split = bytes.withUnsafeBytes({ columns.encode($0) }) else {
            Issue.record("not split")
            return
        }
        #expect(try FieldColumns.decode(split) == bytes)
        for cut in 0..<split.count {
            #expect(throws: StoreError.self, "cut at \(cut)") { try FieldColumns.decode(Array(split[0..<cut])) }
        }
        for at in split.indices {
            var changed = split
            changed[at] ^= 0x5A
            // A changed byte either fails to decode or decodes to other bytes of the same
            // shape; it never reads past the columns.
            if let back = try? FieldColumns.decode(changed) { #expect(back.count <= bytes.count + 1) }
        }
    }

    /// A stored CSV and a file that does not split, read back byte for byte through the store.
    @Test func storedInputsReadBackByteForByte() throws {
        let base = RunStoreTests()
        let store = try RunStore(path: base.storePath)
        let csv = base.input("service.csv", (0..<200_000).map { "SQ\($0 % 97),2020-12-\($0 % 28 + 1),入户走访,\($0 % 13)-0\($0 % 7)02,办结\n" }.joined())
        let wide = base.input("wide.csv", String(repeating: "1,", count: 100) + "1\n")
        try store.record(base.newRun("2020-12", inputs: [csv, wide]))
        for file in [csv, wide] {
            let (sha, _) = try RunStore.hashFile(file.path)
            let original = FileManager.default.contents(atPath: file.path)
            #expect(Data(try store.input(sha256: sha)) == original, "\(file.name)")
            let out = base.dir + "/back-" + file.name
            try store.exportBlob(sha256: sha, to: out)
            #expect(FileManager.default.contents(atPath: out) == original, "\(file.name)")
            let encodings = try store.queue.read { db in
                try Int.fetchAll(db, sql: "SELECT DISTINCT encoding FROM blobChunk WHERE sha256 = ?", arguments: [sha])
            }
            #expect(encodings == [file.name == "wide.csv" ? BlobEncoding.zstd.rawValue : BlobEncoding.zstdColumns.rawValue])
        }
    }
}

/// Record summaries stored as columns of words (`RecordTextChunk.Encoding.columns`), and as
/// length-prefixed texts when a text holds a line break or too many words.
struct RecordTextColumnsTests {
    func roundTrip(_ texts: [String], expecting encoding: RecordTextChunk.Encoding, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var content: [UInt8] = []
        for t in texts {
            var t = t
            t.withUTF8 { RecordTextChunk.append($0, to: &content) }
        }
        let stored = RecordTextChunk.compress(content, count: texts.count, columns: RecordTextChunk.splitter())
        #expect(stored.encoding == encoding, sourceLocation: sourceLocation)
        var bytes: [UInt8] = [], starts = [0]
        try RecordTextChunk.decode(stored.content, count: texts.count, encoding: stored.encoding.rawValue, bytes: &bytes, starts: &starts)
        let back = RecordTexts(files: [], summaryBytes: bytes, summaryStarts: starts)
        #expect((0..<back.summaryCount).map(back.summary) == texts, sourceLocation: sourceLocation)
    }

    @Test func summariesGoBackExactly() throws {
        try roundTrip(["上门服务 18-1502 上门低保复核 办结 满意", "", " ", "  两个空格  ", "预约服务 01-0302 预约开具证明 办结 满意 用时 26", "👨‍👩‍👧 a"], expecting: .columns)
        try roundTrip([""], expecting: .columns)
        try roundTrip(["第一行\n第二行", "b"], expecting: .lengths)
        try roundTrip([String(repeating: "字 ", count: 80)], expecting: .lengths)
    }
}
