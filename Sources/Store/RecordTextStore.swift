import Foundation
import GRDB
import Results

/// A run's record files and summaries as `recordFile` and `recordText` store them (format 2
/// documents cite them by number): the writer's numbering, and the readers.
///
/// A chunk is `RecordTextChunk.size` summaries (the last may be fewer), as one zstd frame
/// (`recordText.encoding`): of `uint(length) bytes` each (`lengths`, every chunk before v12),
/// or of the texts as lines of words between spaces in columns (`columns`, `FieldColumns`
/// with `\n` and a space: a summary's words sit beside the same words of other summaries,
/// a province month's 51 MB of summaries become 39 MB), when no text holds a line break.
enum RecordTextChunk {
    static let size = 32_768

    enum Encoding: Int {
        case lengths = 1
        case columns = 2
    }

    /// `columns`: a text a line, its words between spaces.
    static let line: UInt8 = 10, word: UInt8 = 32

    /// The splitter `compress` takes (one per thread compressing chunks).
    static func splitter() -> FieldColumns { FieldColumns(line: line, field: word) }

    /// A chunk's `uint(length) bytes` texts, compressed.
    static func compress(_ content: [UInt8], count: Int, columns: FieldColumns) -> (content: [UInt8], encoding: Encoding) {
        if let joined = lines(content, count: count),
           let split = joined.withUnsafeBytes({ columns.withColumns($0, BlobCodec.compress) }) {
            return (split, .columns)
        }
        return (content.withUnsafeBytes { BlobCodec.compress($0) }, .lengths)
    }

    /// The texts one to a line, or nil when one holds a line break (or the chunk is cut).
    private static func lines(_ content: [UInt8], count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var at = 0, read = 0
        while at < content.count {
            var v = 0, shift = 0
            while true {
                guard at < content.count, shift < 63 else { return nil }
                let b = content[at]
                at += 1
                v |= Int(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            guard at + v <= content.count else { return nil }
            let text = content[at..<(at + v)]
            if text.contains(line) { return nil }
            if read > 0 { out.append(line) }
            out.append(contentsOf: text)
            at += v
            read += 1
        }
        return read == count ? out : nil
    }

    static func append(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var v = UInt64(text.count)
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        out.append(contentsOf: text)
    }

    /// The texts of a chunk, appended to `bytes` with their ends appended to `starts`.
    static func decode(_ frame: [UInt8], count: Int, encoding: Int, bytes: inout [UInt8], starts: inout [Int]) throws {
        let raw = try frame.withUnsafeBytes { f in try BlobCodec.decompress(f) }
        switch Encoding(rawValue: encoding) {
        case .lengths?: break
        case .columns?:
            let joined = try FieldColumns.decode(raw, line: line, field: word)
            var read = 0
            for text in joined.split(separator: line, omittingEmptySubsequences: false) {
                bytes.append(contentsOf: text)
                starts.append(bytes.count)
                read += 1
            }
            guard read == count else { throw StoreError.database("a record text chunk holds \(read) texts, not \(count)") }
            return
        case nil: throw StoreError.database("a record text chunk has an unknown encoding")
        }
        var at = 0, read = 0
        while at < raw.count {
            var v = 0, shift = 0
            while true {
                guard at < raw.count, shift < 63 else { throw StoreError.database("a record text chunk is cut") }
                let b = raw[at]
                at += 1
                v |= Int(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            guard at + v <= raw.count else { throw StoreError.database("a record text chunk is cut") }
            bytes.append(contentsOf: raw[at..<(at + v)])
            starts.append(bytes.count)
            at += v
            read += 1
        }
        guard read == count else { throw StoreError.database("a record text chunk holds \(read) texts, not \(count)") }
    }

    static func files(_ db: Database, runID: Int64) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM recordFile WHERE runID = ? ORDER BY seq", arguments: [runID])
    }

    /// Every file and summary of the run, as one `RecordTexts` (a whole run read).
    static func all(_ db: Database, runID: Int64) throws -> RecordTexts {
        var bytes: [UInt8] = [], starts = [0]
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, count, content, encoding FROM recordText WHERE runID = ? ORDER BY seq", arguments: [runID])
        var expected: Int64 = 0
        while let r = try rows.next() {
            guard r[0] as Int64 == expected else { throw StoreError.database("record text chunk \(expected) is missing") }
            expected += 1
            try decode(Array(r[2] as Data), count: r[1], encoding: r[3], bytes: &bytes, starts: &starts)
        }
        return RecordTexts(files: try files(db, runID: runID), summaryBytes: bytes, summaryStarts: starts)
    }

    /// The files and just the summaries `entries` cite, renumbered into a `RecordTexts` of
    /// their own (one cadre's read): `entries` are changed to cite it.
    static func some(_ db: Database, runID: Int64, entries: inout [[RecordEntry]]) throws -> RecordTexts {
        var wanted: [UInt32] = []
        for list in entries { for e in list { wanted.append(e.summary) } }
        wanted.sort()
        var distinct: [UInt32] = []
        for n in wanted where distinct.last != n { distinct.append(n) }
        var bytes: [UInt8] = [], starts = [0]
        var number: [UInt32: UInt32] = [:]
        var k = 0
        while k < distinct.count {
            let chunk = Int64(distinct[k]) / Int64(size)
            guard let r = try Row.fetchOne(db, sql: "SELECT count, content, encoding FROM recordText WHERE runID = ? AND seq = ?", arguments: [runID, chunk]) else {
                throw StoreError.database("record text chunk \(chunk) is missing")
            }
            var chunkBytes: [UInt8] = [], chunkStarts = [0]
            try decode(Array(r[1] as Data), count: r[0], encoding: r[2], bytes: &chunkBytes, starts: &chunkStarts)
            while k < distinct.count, Int64(distinct[k]) / Int64(size) == chunk {
                let i = Int(Int64(distinct[k]) - chunk * Int64(size))
                guard i + 1 < chunkStarts.count else { throw StoreError.database("record text \(distinct[k]) is missing") }
                bytes.append(contentsOf: chunkBytes[chunkStarts[i]..<chunkStarts[i + 1]])
                starts.append(bytes.count)
                number[distinct[k]] = UInt32(number.count)
                k += 1
            }
        }
        for i in entries.indices {
            for j in entries[i].indices { entries[i][j].summary = number[entries[i][j].summary]! }
        }
        return RecordTexts(files: try files(db, runID: runID), summaryBytes: bytes, summaryStarts: starts)
    }
}

/// A `RecordNumbering` shared by the writer and the queue that numbers each slice on.
final class NumberingBox: @unchecked Sendable {
    var value = RecordNumbering()
}

/// Numbers a run's record files and summaries in order of first citation as the writer goes
/// through its cadres, and collects the summaries' chunks for `recordText`. Used by one
/// thread at a time: the writer hands it to the thread encoding a slice's documents and takes
/// it back when that is done (hence `@unchecked Sendable`: its maps are classes).
struct RecordNumbering: @unchecked Sendable {
    /// Run numbers by the month's numbers, for each `RecordTexts` seen (a run has one).
    /// A class, changed in place: a province month's map is 21 MB, which a copy on write
    /// would copy for every slice.
    private final class Map {
        let texts: RecordTexts
        var files: [Int32]
        var summaries: [Int32]
        init(_ texts: RecordTexts) {
            self.texts = texts
            files = Array(repeating: -1, count: texts.files.count)
            summaries = Array(repeating: -1, count: texts.summaryCount)
        }
    }
    private var maps: [Map] = []
    /// Numbers of texts read back as `RecordRef`s (a migration, tests): by their bytes.
    private var fileByName: [BytesKey: UInt32] = [:]
    private var summaryByText: [BytesKey: UInt32] = [:]
    private(set) var fileNames: [String] = []
    private(set) var summaryCount: UInt32 = 0
    private var pending: [UInt8] = []
    private var pendingCount = 0
    /// Chunks complete and not yet taken: (seq, count, uncompressed content).
    private var closed: [(seq: Int64, count: Int, content: [UInt8])] = []
    private var nextChunk: Int64 = 0
    /// Files numbered and not yet taken.
    private var newFiles: [(seq: Int64, name: String)] = []

    private struct BytesKey: Hashable {
        var s: String
        static func == (a: Self, b: Self) -> Bool { same(a.s, b.s) }
        func hash(into h: inout Hasher) { hashBytes(s, &h) }
    }

    /// The run numbers of every record of `cadres`, in document order, and each cadre's
    /// first new summary and where its records start.
    mutating func number(_ cadres: ArraySlice<CadreResult>) -> (files: [UInt32], summaries: [UInt32], firstNew: [UInt32], starts: [Int]) {
        var files: [UInt32] = [], summaries: [UInt32] = [], firstNew: [UInt32] = [], starts: [Int] = []
        firstNew.reserveCapacity(cadres.count)
        starts.reserveCapacity(cadres.count + 1)
        for i in cadres.indices {
            starts.append(files.count)
            firstNew.append(summaryCount)
            for k in cadres[i].score.lines.indices {
                let list = cadres[i].score.lines[k].records
                guard !list.isEmpty else { continue }
                if let (entries, texts) = list.entries {
                    let map = self.map(texts)
                    texts.withSummaries { text in
                        map.summaries.withUnsafeMutableBufferPointer { summaryMap in
                            entries.withUnsafeBufferPointer { entries in
                                for e in entries {
                                    var f = map.files[Int(e.file)]
                                    if f < 0 {
                                        f = Int32(fileNumber(texts.files[Int(e.file)]))
                                        map.files[Int(e.file)] = f
                                    }
                                    files.append(UInt32(f))
                                    var s = summaryMap[Int(e.summary)]
                                    if s < 0 {
                                        let n = Int(e.summary)
                                        s = Int32(newSummary(text[n]))
                                        summaryMap[n] = s
                                    }
                                    summaries.append(UInt32(s))
                                }
                            }
                        }
                    }
                } else {
                    for r in list {
                        files.append(fileNumber(r.file))
                        if let s = summaryByText[BytesKey(s: r.summary)] {
                            summaries.append(s)
                        } else {
                            var text = r.summary
                            let s = text.withUTF8 { newSummary($0) }
                            summaryByText[BytesKey(s: r.summary)] = s
                            summaries.append(s)
                        }
                    }
                }
            }
        }
        starts.append(files.count)
        return (files, summaries, firstNew, starts)
    }

    private mutating func map(_ texts: RecordTexts) -> Map {
        if let m = maps.last(where: { $0.texts === texts }) { return m }
        maps.append(Map(texts))
        return maps[maps.count - 1]
    }

    private mutating func fileNumber(_ name: String) -> UInt32 {
        if let n = fileByName[BytesKey(s: name)] { return n }
        let n = UInt32(fileNames.count)
        fileByName[BytesKey(s: name)] = n
        fileNames.append(name)
        newFiles.append((Int64(n), name))
        return n
    }

    private mutating func newSummary(_ text: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let n = summaryCount
        summaryCount += 1
        RecordTextChunk.append(text, to: &pending)
        pendingCount += 1
        if pendingCount == RecordTextChunk.size { close() }
        return n
    }

    private mutating func close() {
        guard pendingCount > 0 else { return }
        closed.append((nextChunk, pendingCount, pending))
        nextChunk += 1
        // The next chunk is about as long: made once at its size rather than grown by
        // doubling (a province month's chunks are 2 MB each).
        let size = pending.count
        pending = []
        pending.reserveCapacity(size + size / 8)
        pendingCount = 0
    }

    /// The chunks complete so far (all when `final`), and the files numbered since the last
    /// call.
    mutating func take(final: Bool) -> (chunks: [(seq: Int64, count: Int, content: [UInt8])], files: [(seq: Int64, name: String)]) {
        if final { close() }
        defer {
            closed = []
            newFiles = []
        }
        return (closed, newFiles)
    }
}
