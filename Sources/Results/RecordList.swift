import Exact
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A score line's contributing records: either `RecordRef`s as read back from the store (or
/// written by hand), or, as the scorer keeps them, compact `RecordEntry`s that name their file
/// and summary by number in a `RecordTexts` shared by the whole month. A province month has
/// millions of records; as entries they cost 24 bytes each and no allocation, where a
/// `RecordRef` holds a `String` of its own. Either way a record reads as a `RecordRef`.
public struct RecordList: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral, Codable {
    enum Storage: Sendable {
        case refs([RecordRef])
        case compact(RecordEntries, RecordTexts)
    }

    let storage: Storage

    public init(_ refs: [RecordRef]) { storage = .refs(refs) }

    public init(arrayLiteral elements: RecordRef...) { storage = .refs(elements) }

    /// Entries whose file and summary numbers index `texts`.
    public init(entries: [RecordEntry], texts: RecordTexts) { storage = .compact(RecordEntries(entries), texts) }

    /// Entries in place (a slot of the month's `RecordSpill`) whose numbers index `texts`.
    public init(entries: RecordEntries, texts: RecordTexts) { storage = .compact(entries, texts) }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .refs(let r): r.count
        case .compact(let e, _): e.count
        }
    }

    public subscript(position: Int) -> RecordRef {
        switch storage {
        case .refs(let r): return r[position]
        case .compact(let e, let texts):
            // A reader starting at the first record is counted as reading them all, so that
            // a sweep over a spilled month hands its pages back as it goes.
            if position == 0 {
                e.noteSweep()
                texts.noteRecords(e.count)
            }
            return texts.ref(e[position])
        }
    }

    /// The compact form, when the records are held so: what the store writes without
    /// building a `RecordRef` per record.
    public var entries: (entries: RecordEntries, texts: RecordTexts)? {
        guard case .compact(let e, let t) = storage else { return nil }
        t.noteRecords(e.count)
        return (e, t)
    }

    public static func == (a: RecordList, b: RecordList) -> Bool { a.elementsEqual(b) }

    public func hash(into h: inout Hasher) {
        h.combine(count)
        for r in self { h.combine(r) }
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [RecordRef](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try Array(self).encode(to: encoder)
    }
}

/// A contributing record, compact: its file and summary by number in the month's
/// `RecordTexts`, its line, date and points. 24 bytes, nothing reference counted.
public struct RecordEntry: Sendable, Hashable {
    /// Points before any cap, in units at `scale`.
    public var units: Int64
    public var line: UInt32
    /// Days since 1970, `Int32.min` for none.
    public var day: Int32
    public var summary: UInt32
    public var file: UInt16
    public var scale: UInt8

    public static let noDay = Int32.min

    @inline(__always)
    public init(file: UInt16, line: UInt32, day: Int32, summary: UInt32, units: Int64, scale: UInt8) {
        self.units = units
        self.line = line
        self.day = day
        self.summary = summary
        self.file = file
        self.scale = scale
    }

    public var date: CivilDate? { day == Self.noDay ? nil : CivilDate(daysSinceEpoch: day) }
    public var points: Fixed { Fixed(units: units, scale: Int(scale)) }
}

/// The file names and summary texts `RecordEntry`s name by number: one per distinct text in
/// a month, shared by every line that cites them, never changed once made. The summaries are
/// kept as UTF-8 one after another (a province month has millions of distinct ones: no
/// `String` object each), made into a `String` when read: in memory, or, as the scorer
/// leaves them (`SummaryTextWriter`), in a read-only mapped file in the order the month's
/// lines first cite them, so that a sweep over the lines reads the file front to back and
/// hands its pages back as it goes (every 32 MB of records' texts, as `RecordSpill` does).
public final class RecordTexts: @unchecked Sendable {
    public let files: [String]
    /// Summary `n` is `bytes[starts[k]..<starts[k + 1]]` with `k = order[n]` (`k = n` in
    /// memory). Set once: at `init`, or (texts still being laid out) by `arrive` before
    /// `ready` is set, and only read after.
    private var bytes: [UInt8]
    private var starts: [Int]
    private var order: [Int32]
    private var mapping: ReadOnlyMapping?
    private let ready: Atomic<Bool>
    private let arrival = DispatchGroup()
    public let summaryCount: Int
    nonisolated(unsafe) private static let noBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    public init(files: [String], summaryBytes: [UInt8], summaryStarts: [Int]) {
        self.files = files
        bytes = summaryBytes
        starts = summaryStarts
        order = []
        mapping = nil
        summaryCount = summaryStarts.count - 1
        ready = Atomic(true)
    }

    /// `count` texts still being laid out (`SummaryTextWriter`): a reader waits until they
    /// `arrive`.
    init(files: [String], arriving count: Int) {
        self.files = files
        bytes = []
        starts = [0]
        order = []
        mapping = nil
        summaryCount = count
        ready = Atomic(false)
        arrival.enter()
    }

    /// The texts in memory, in the order made.
    func arrive(bytes: [UInt8], starts: [Int]) {
        self.bytes = bytes
        self.starts = starts
        ready.store(true, ordering: .releasing)
        arrival.leave()
    }

    /// The texts in a mapped file (unmapped when these are freed): text `n` at
    /// `starts[order[n]]`.
    func arrive(mapping: ReadOnlyMapping, starts: [Int], order: [Int32]) {
        self.mapping = mapping
        self.starts = starts
        self.order = order
        ready.store(true, ordering: .releasing)
        arrival.leave()
    }

    @inline(__always)
    private func waitUntilReady() {
        if !ready.load(ordering: .acquiring) { arrival.wait() }
    }

    public convenience init(files: [String], summaries: [String]) {
        var bytes: [UInt8] = [], starts = [0]
        for s in summaries {
            bytes.append(contentsOf: s.utf8)
            starts.append(bytes.count)
        }
        self.init(files: files, summaryBytes: bytes, summaryStarts: starts)
    }

    /// Whether the texts are in a mapped file (false: in memory).
    public var isMapped: Bool {
        waitUntilReady()
        return mapping != nil
    }

    /// Reads summaries by number while `body` runs: the way to read many.
    public func withSummaries<R>(_ body: (SummaryReader) throws -> R) rethrows -> R {
        waitUntilReady()
        return try starts.withUnsafeBufferPointer { starts in
            try order.withUnsafeBufferPointer { order in
                if let mapping {
                    return try body(SummaryReader(
                        base: UnsafePointer(mapping.address.assumingMemoryBound(to: UInt8.self)), starts: starts.baseAddress!,
                        order: order.baseAddress))
                }
                return try bytes.withUnsafeBufferPointer { bytes in
                    // No bytes (every text empty): any address will do, none is read.
                    try body(SummaryReader(base: bytes.baseAddress ?? UnsafePointer(Self.noBytes), starts: starts.baseAddress!, order: nil))
                }
            }
        }
    }

    public func summary(_ n: Int) -> String {
        withSummaries { String(decoding: $0[n], as: UTF8.self) }
    }

    @inline(__always)
    public func ref(_ e: RecordEntry) -> RecordRef {
        RecordRef(file: files[Int(e.file)], line: Int(e.line), date: e.date, summary: summary(Int(e.summary)), points: e.points)
    }

    /// Notes `records` records' texts about to be read (counted at the texts' mean length);
    /// every 32 MB, the mapping's pages leave the resident set (a later read maps them again).
    public func noteRecords(_ records: Int) {
        guard ready.load(ordering: .acquiring), let mapping, summaryCount > 0 else { return }
        mapping.noteRead(records * max(1, mapping.bytes / summaryCount))
    }
}

/// Summary texts by number, valid inside `RecordTexts.withSummaries`.
public struct SummaryReader {
    let base: UnsafePointer<UInt8>
    let starts: UnsafePointer<Int>
    let order: UnsafePointer<Int32>?

    @inline(__always)
    public subscript(n: Int) -> UnsafeBufferPointer<UInt8> {
        let k = order.map { Int($0[n]) } ?? n
        return UnsafeBufferPointer(start: base + starts[k], count: starts[k + 1] - starts[k])
    }
}
