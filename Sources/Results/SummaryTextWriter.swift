import Foundation
import Pay
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The month's distinct summary texts as the scorer's lanes make them, kept out of the heap
/// (issue 15): each lane appends to texts of its own (no lock: a lock shared by the lanes
/// per new summary was a tenth of scoring), written to a spill file of its own every 4 MB,
/// only their starts kept in memory. Lane `l`'s `k`-th text is number `k × lanes + l`; a
/// number past a lane's last text names none (no record cites it). When the month is scored
/// (`finish`), the texts are put in the order the month's records first cite them, slot by
/// slot (`RecordSpill`: cadre by cadre, in roster order, item by item), which is the order
/// the store numbers them in and the reports read them in; the file is then mapped read-only
/// (`RecordTexts`).
///
/// The reordering is a bucket sort through a second file: each lane's texts are read in the
/// order they were made (the lanes' files at once) and each is appended, with its place, to
/// the bucket of its range of places (~8 MB of text each); each bucket is then read and laid
/// out in order, on every core. Memory stays at the buckets' 64 KB buffers and two buckets.
///
/// Without a spill directory, or when a file fails, the texts are held in memory, and read
/// the same.
public final class SummaryTextWriter: @unchecked Sendable {
    /// One lane's texts, used by that lane's thread alone until `finish`.
    final class LaneTexts: @unchecked Sendable {
        /// The texts not yet written (all of them in memory).
        var pending: [UInt8] = []
        /// Text `k` is at `starts[k]..<starts[k + 1]` of the lane's texts in the order made.
        var starts: [Int] = [0]
        var fd: Int32 = -1
        var written = 0

        /// The texts appended (kept when they are released).
        private(set) var count = 0

        func append(_ text: UnsafeBufferPointer<UInt8>) -> Int {
            let k = count
            pending.append(contentsOf: text)
            starts.append(starts[k] + text.count)
            count += 1
            if fd >= 0 && pending.count >= SummaryTextWriter.flushAt { flush() }
            return k
        }

        /// Writes the pending texts; if that fails, brings the written ones back into memory
        /// and goes on there.
        func flush() {
            guard fd >= 0, !pending.isEmpty else { return }
            if pending.withUnsafeBytes({ SpillFile.write(fd, $0, at: written) }) {
                written += pending.count
                pending.removeAll(keepingCapacity: true)
                return
            }
            toMemory()
        }

        /// Every text in memory, in the order made: the file is given up.
        func toMemory() {
            guard fd >= 0 else { return }
            var all = [UInt8](repeating: 0, count: written)
            let ok = all.withUnsafeMutableBytes { SpillFile.read(fd, $0, at: 0) }
            // A file this process wrote and holds open: failing to read it back is not a
            // condition to go on from.
            precondition(ok || written == 0, "the summaries' spill file could not be read back")
            all.append(contentsOf: pending)
            pending = all
            close(fd)
            fd = -1
            written = 0
        }

        /// Gives up the texts (laid out or handed over): buffers, starts and file.
        func release() {
            pending = []
            starts = [0]
            if fd >= 0 {
                close(fd)
                fd = -1
            }
        }

        deinit {
            if fd >= 0 { close(fd) }
        }
    }

    /// How a lane appends: its texts by an unretained reference (the writer keeps them).
    public struct Lane: @unchecked Sendable {
        let texts: Unmanaged<LaneTexts>
        let lane: Int
        let lanes: Int

        /// Appends a text; its number.
        public func append(_ text: UnsafeBufferPointer<UInt8>) -> UInt32 {
            let k = texts._withUnsafeGuaranteedRef { $0.append(text) }
            return UInt32(k * lanes + lane)
        }
    }

    private let lock = NSLock()
    private let lanes: [LaneTexts]
    private let directory: URL?
    private var finished: RecordTexts?
    static let flushAt = 4 << 20
    static let bucketBytes = 8 << 20
    static let bucketBuffer = 64 << 10

    /// - Parameters:
    ///   - lanes: the lanes that append at once, each through `lane(_:)`.
    ///   - directory: where the spill files are made (unlinked at once), nil to hold the
    ///     texts in memory.
    public init(lanes: Int = 1, directory: URL?) {
        self.directory = directory
        self.lanes = (0..<max(1, lanes)).map { _ in
            let t = LaneTexts()
            if let directory { t.fd = SpillFile.temporary(in: directory) }
            return t
        }
    }

    /// Lane `lane`'s way to append (only that lane's thread uses it).
    public func lane(_ lane: Int) -> Lane {
        Lane(texts: Unmanaged.passUnretained(lanes[lane]), lane: lane, lanes: lanes.count)
    }

    /// The number of texts appended.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return lanes.reduce(0) { $0 + $1.count }
    }

    /// How many numbers there are: every lane's texts, and the numbers past a lane's last
    /// text up to the longest lane's.
    private var numberCount: Int {
        (lanes.map(\.count).max() ?? 0) * lanes.count
    }

    /// Text `n`'s lane, and its index there (nil: no text has the number).
    @inline(__always)
    private func locate(_ n: Int) -> (lane: LaneTexts, k: Int)? {
        let l = lanes[n % lanes.count], k = n / lanes.count
        return k < l.count ? (l, k) : nil
    }

    /// Every text in memory by number (an empty text for a number without one).
    private func inMemory() -> (bytes: [UInt8], starts: [Int]) {
        for l in lanes { l.toMemory() }
        if lanes.count == 1 { return (lanes[0].pending, lanes[0].starts) }
        var bytes: [UInt8] = [], starts = [0]
        for n in 0..<numberCount {
            if let (l, k) = locate(n) { bytes.append(contentsOf: l.pending[l.starts[k]..<l.starts[k + 1]]) }
            starts.append(bytes.count)
        }
        return (bytes, starts)
    }

    /// The month's texts for its records, in the order `records` first cite them (mapped), or
    /// in memory; the same ones again when asked again. No text may be appended after.
    ///
    /// Laying them out takes a province month ~0.7 s of CPU, so it is done on a thread of its
    /// own: the texts are returned at once and a reader waits for them (the store, after
    /// the pay stage, finds them ready; the pay stage leaves a core idle for about as long).
    public func finish(files: [String], citing records: RecordSpill?) -> RecordTexts {
        lock.lock()
        defer { lock.unlock() }
        if let finished { return finished }
        for l in lanes { l.flush() }
        guard let records, lanes.allSatisfy({ $0.fd >= 0 }), lanes.contains(where: { $0.written > 0 }) else {
            let (bytes, starts) = inMemory()
            let texts = RecordTexts(files: files, summaryBytes: bytes, summaryStarts: starts)
            for l in lanes { l.release() }
            finished = texts
            return texts
        }
        let texts = RecordTexts(files: files, arriving: numberCount)
        finished = texts
        let job = UncheckedBox((self, texts, records))
        let thread = Thread {
            let (writer, texts, records) = job.value
            writer.lay(texts, records: records)
        }
        thread.name = "jifen.summaries"
        thread.start()
        return texts
    }

    /// Lays the texts out for `texts` (or, when a file fails, gives them in memory).
    private func lay(_ texts: RecordTexts, records: RecordSpill) {
        lock.lock()
        defer { lock.unlock() }
        if let (mapping, places, order) = ordered(records: records) {
            texts.arrive(mapping: mapping, starts: places, order: order)
        } else {
            let (bytes, starts) = inMemory()
            texts.arrive(bytes: bytes, starts: starts)
        }
        // The texts are `texts`' now: the lanes' buffers, starts and files go.
        for l in lanes { l.release() }
    }

    /// The texts laid out in order of first citation and mapped (the mapping, each place's
    /// start, each text's place); nil when a file fails.
    private func ordered(records: RecordSpill) -> (mapping: ReadOnlyMapping, places: [Int], order: [Int32])? {
        let numbers = numberCount
        // Each text's place: first citations, slot by slot; texts no record cites (none, as
        // the scorer makes them) after, by number. A number without a text has none.
        var place = [Int32](repeating: -1, count: numbers)
        var cited = [Int32]()
        cited.reserveCapacity(lanes.reduce(0) { $0 + $1.count })
        let step = max(1, RecordSpill.releaseEvery / MemoryLayout<RecordEntry>.stride)
        var i = 0
        while i < records.entryCount {
            let j = min(records.entryCount, i + step)
            records.noteRead(j - i)
            for k in i..<j {
                let n = Int(records.base[k].summary)
                if n < numbers && place[n] < 0 && locate(n) != nil {
                    place[n] = Int32(cited.count)
                    cited.append(Int32(n))
                }
            }
            i = j
        }
        for n in 0..<numbers where place[n] < 0 && locate(n) != nil {
            place[n] = Int32(cited.count)
            cited.append(Int32(n))
        }
        let count = cited.count
        var placed = [Int](repeating: 0, count: count + 1)
        for r in 0..<count {
            let (l, k) = locate(Int(cited[r]))!
            placed[r + 1] = placed[r] + l.starts[k + 1] - l.starts[k]
        }
        cited = []
        let total = placed[count]
        // A number without a text reads as an empty one, as it does in memory: an empty
        // place after the last.
        var order = place
        if order.contains(-1) {
            placed.append(total)
            for n in order.indices where order[n] < 0 { order[n] = Int32(count) }
        }
        // Buckets of places, ~8 MB of text each.
        let buckets = min(256, max(1, total / Self.bucketBytes))
        var firstPlace = [Int](repeating: count, count: buckets + 1)
        var bucketOf = [UInt8](repeating: 0, count: count)
        var b = 0
        firstPlace[0] = 0
        for r in 0..<count {
            while b + 1 < buckets && placed[r] >= (b + 1) * total / buckets {
                b += 1
                firstPlace[b] = r
            }
            bucketOf[r] = UInt8(b)
        }
        for k in (b + 1)..<(buckets + 1) { firstPlace[k] = count }

        // Each lane's texts in the order made, each to its bucket with its place: the lanes'
        // files at once (a single lane's in two halves), each part with buffers of its own.
        let unsorted = SpillFile.temporary(in: directory!)
        guard unsorted >= 0 else { return nil }
        defer { close(unsorted) }
        let sink = BlockSink(fd: unsorted, buckets: buckets)
        var parts: [(lane: Int, from: Int, to: Int)] = []
        for (l, t) in lanes.enumerated() {
            let halves = lanes.count == 1 && t.count >= 100_000 ? 2 : 1
            for h in 0..<halves { parts.append((l, t.count * h / halves, t.count * (h + 1) / halves)) }
        }
        let lanes = self.lanes
        let distribute = { [place, bucketOf, parts] (part: Int) in
            let (laneIndex, n0, n1) = parts[part]
            let starts = lanes[laneIndex].starts, fd = lanes[laneIndex].fd, laneCount = lanes.count
            let capacity = Self.bucketBuffer
            let buffers = UnsafeMutableRawPointer.allocate(byteCount: buckets * capacity, alignment: 8)
            defer { buffers.deallocate() }
            var fill = [Int](repeating: 0, count: buckets)
            var chunk = [UInt8]()
            var n = n0
            while n < n1 && !sink.failed {
                // A chunk of up to 4 MB of texts (one text, however long).
                var m = n + 1
                while m < n1 && starts[m + 1] - starts[n] <= Self.flushAt { m += 1 }
                let from = starts[n]
                chunk.removeAll(keepingCapacity: true)
                chunk.append(contentsOf: repeatElement(0, count: starts[m] - from))
                guard chunk.withUnsafeMutableBytes({ SpillFile.read(fd, $0, at: from) }) else {
                    sink.fail()
                    return
                }
                chunk.withUnsafeBytes { chunk in
                    for k in n..<m {
                        let r = Int(place[k * laneCount + laneIndex]), b = Int(bucketOf[r])
                        let text = UnsafeRawBufferPointer(rebasing: chunk[(starts[k] - from)..<(starts[k + 1] - from)])
                        let size = 4 + text.count
                        if fill[b] + size > capacity {
                            sink.write(b, UnsafeRawBufferPointer(start: buffers + b * capacity, count: fill[b]))
                            fill[b] = 0
                        }
                        if size > capacity {
                            // Longer than a buffer: a block of its own.
                            var record = [UInt8](repeating: 0, count: size)
                            record.withUnsafeMutableBytes { record in
                                record.storeBytes(of: UInt32(r).littleEndian, toByteOffset: 0, as: UInt32.self)
                                UnsafeMutableRawBufferPointer(rebasing: record[4...]).copyMemory(from: text)
                                sink.write(b, UnsafeRawBufferPointer(record))
                            }
                            continue
                        }
                        let at = buffers + b * capacity + fill[b]
                        at.storeBytes(of: UInt32(r).littleEndian, as: UInt32.self)
                        if !text.isEmpty { (at + 4).copyMemory(from: text.baseAddress!, byteCount: text.count) }
                        fill[b] += size
                    }
                }
                n = m
            }
            for b in 0..<buckets where fill[b] > 0 {
                sink.write(b, UnsafeRawBufferPointer(start: buffers + b * capacity, count: fill[b]))
            }
        }
        if parts.count > 1 {
            let box = UncheckedBox(distribute)
            DispatchQueue.concurrentPerform(iterations: parts.count) { box.value($0) }
        } else {
            distribute(0)
        }
        guard !sink.failed else { return nil }
        let blocks = sink.blocks

        // Each bucket laid out in order, on every core.
        let out = SpillFile.temporary(in: directory!)
        guard out >= 0 else { return nil }
        defer { close(out) }
        guard ftruncate(out, off_t(total)) == 0 else { return nil }
        let failed = Atomic<Bool>(false)
        let work = UncheckedBox((placed, firstPlace, blocks, unsorted, out))
        let layOut = { (b: Int) in
            let (placed, firstPlace, blocks, unsorted, out) = work.value
            let r0 = firstPlace[b], r1 = firstPlace[b + 1]
            let base = placed[r0], size = placed[r1] - base
            guard size > 0 else { return }
            var laid = [UInt8](repeating: 0, count: size)
            var block = [UInt8]()
            laid.withUnsafeMutableBufferPointer { laid in
                for (offset, length) in blocks[b] {
                    block.removeAll(keepingCapacity: true)
                    block.append(contentsOf: repeatElement(0, count: length))
                    guard block.withUnsafeMutableBytes({ SpillFile.read(unsorted, $0, at: offset) }) else {
                        failed.store(true, ordering: .relaxed)
                        return
                    }
                    block.withUnsafeBytes { block in
                        var p = 0
                        while p < length {
                            let r = Int(UInt32(littleEndian: block.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                            p += 4
                            let l = placed[r + 1] - placed[r]
                            if l > 0 { memcpy(laid.baseAddress! + (placed[r] - base), block.baseAddress! + p, l) }
                            p += l
                        }
                    }
                }
            }
            if !laid.withUnsafeBytes({ SpillFile.write(out, $0, at: base) }) { failed.store(true, ordering: .relaxed) }
        }
        if buckets > 1 {
            let box = UncheckedBox(layOut)
            DispatchQueue.concurrentPerform(iterations: buckets) { box.value($0) }
        } else {
            layOut(0)
        }
        guard !failed.load(ordering: .relaxed), let mapping = ReadOnlyMapping(out, bytes: total) else { return nil }
        return (mapping, placed, order)
    }
}

/// Where `SummaryTextWriter`'s threads write their buckets' blocks: one file, its offsets
/// handed out under a lock.
private final class BlockSink: @unchecked Sendable {
    private let lock = NSLock()
    private let fd: Int32
    private var end = 0
    private(set) var blocks: [[(offset: Int, count: Int)]]
    private var failedWriting = false

    var failed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return failedWriting
    }

    init(fd: Int32, buckets: Int) {
        self.fd = fd
        blocks = Array(repeating: [], count: buckets)
    }

    func fail() {
        lock.lock()
        failedWriting = true
        lock.unlock()
    }

    func write(_ bucket: Int, _ bytes: UnsafeRawBufferPointer) {
        lock.lock()
        let offset = end
        end += bytes.count
        lock.unlock()
        let ok = SpillFile.write(fd, bytes, at: offset)
        lock.lock()
        if ok { blocks[bucket].append((offset, bytes.count)) } else { failedWriting = true }
        lock.unlock()
    }
}
