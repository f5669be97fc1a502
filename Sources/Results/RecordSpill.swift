import Foundation
import Pay
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A month's contributing records, kept out of the heap (issue 15): the scorer writes each
/// record's `RecordEntry` to a spill file as rows stream (`RecordSpillWriter`), and when the
/// month is scored the file is sorted into score-line order and mapped read-only. A score
/// line's `RecordList` then points into the mapping (`RecordEntries`), so the batch's memory
/// grows with its cadres, not with its records.
///
/// The pages a sweep over the records touches (the store writing its documents, 积分明细)
/// are handed back to the page cache every `releaseEvery` bytes read (`MADV_DONTNEED`: the
/// next read faults them in again, the same bytes, from the file); they would otherwise stay
/// in the process's resident set. Where no file can be made, the entries are held in memory
/// in the same layout, and everything reads the same.
public final class RecordSpill: @unchecked Sendable {
    /// Slot `k`'s entries are `base[starts[k]..<starts[k + 1]]`.
    private let starts: UnsafeMutableBufferPointer<Int>
    let base: UnsafePointer<RecordEntry>
    /// The read-only mapping `base` is in (nil: `base` is an allocation of its own).
    private let mapping: ReadOnlyMapping?
    /// Bytes of entries read between two releases of the mapping's pages.
    public static let releaseEvery = ReadOnlyMapping.releaseEvery

    /// Whether the entries are in a mapped file (false: held in memory, the fallback).
    public var isMapped: Bool { mapping != nil }

    /// The number of score-line slots (cadres × items).
    public var slotCount: Int { starts.count - 1 }

    /// The number of entries of every slot together.
    public var entryCount: Int { starts[starts.count - 1] }

    init(starts: UnsafeMutableBufferPointer<Int>, base: UnsafePointer<RecordEntry>, mapping: ReadOnlyMapping?) {
        self.starts = starts
        self.base = base
        self.mapping = mapping
    }

    deinit {
        if mapping == nil { UnsafeMutablePointer(mutating: base).deallocate() }
        starts.deallocate()
    }

    /// Slot `slot`'s entries, in the order their rows were read.
    public func entries(slot: Int) -> RecordEntries {
        let lo = starts[slot]
        return RecordEntries(spill: self, start: lo, count: starts[slot + 1] - lo)
    }

    /// Notes `count` entries read; every `releaseEvery` bytes, the mapping's pages leave the
    /// resident set (only its pages: nothing is lost, a later read maps them again).
    @inline(__always)
    func noteRead(_ count: Int) {
        mapping?.noteRead(count * MemoryLayout<RecordEntry>.stride)
    }
}

/// One score line's records as `RecordEntry`s: an array (records written by hand, read back
/// from the store) or a slot of the month's `RecordSpill`.
public struct RecordEntries: RandomAccessCollection, Sendable {
    enum Backing: Sendable {
        case array([RecordEntry])
        case spill(RecordSpill, start: Int)
    }

    let backing: Backing
    public let count: Int

    public init(_ entries: [RecordEntry]) {
        backing = .array(entries)
        count = entries.count
    }

    init(spill: RecordSpill, start: Int, count: Int) {
        backing = .spill(spill, start: start)
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    @inline(__always)
    public subscript(position: Int) -> RecordEntry {
        precondition(position >= 0 && position < count, "record index out of range")
        switch backing {
        case .array(let a): return a[position]
        case .spill(let s, let start): return s.base[start + position]
        }
    }

    /// The entries in place; a sweep over many lines reads them so.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<RecordEntry>) throws -> R) rethrows -> R {
        switch backing {
        case .array(let a):
            return try a.withUnsafeBufferPointer(body)
        case .spill(let s, let start):
            s.noteRead(count)
            return try withExtendedLifetime(s) { try body(UnsafeBufferPointer(start: s.base + start, count: count)) }
        }
    }

    /// Called when a reader starts at the first entry: counts the line as read (`noteRead`).
    @inline(__always)
    func noteSweep() {
        if case .spill(let s, _) = backing { s.noteRead(count) }
    }
}

/// Collects the records of a month as lanes of rows stream by, and sorts them into a
/// `RecordSpill` when the month is scored.
///
/// Each lane appends `(slot, entry)` pairs to buffers of its own, one per bucket of slots
/// (a range of cadres); a full buffer is written to the spill file as a block. `endEpoch`,
/// called between files while no lane is consuming, writes every partial buffer, so a block
/// never holds rows of two files. `finish` reads each bucket's blocks in (file, lane, order
/// written) order, places them slot by slot (stable: a slot's records keep the order their
/// rows were read in, as every row of a cadre comes through one lane in a file), and writes
/// the bucket to a second file at its place; buckets are sorted on every core.
///
/// Nothing fails for want of a file: a block that cannot be written (no spill directory, a
/// full disk) is kept in memory instead, and so is the sorted result when it cannot be
/// written or mapped.
public final class RecordSpillWriter: @unchecked Sendable {
    struct Item {
        var entry: RecordEntry
        var slot: UInt32
    }

    struct Block {
        var epoch: Int
        var lane: Int
        var sequence: Int
        var count: Int
        /// Where the block is in the spill file, or -1 with `memory` holding it.
        var offset: Int
        var memory: [Item]
    }

    public let slotCount: Int
    let slotsPerBucket: Int
    let bucketCount: Int
    let lanes: Int
    static let blockItems = 1_024
    private let directory: URL?
    /// The lanes' blocks being filled (freed when the records are sorted).
    private var buffers: UnsafeMutableBufferPointer<Item>
    private var fill: UnsafeMutableBufferPointer<Int>
    private let lock = NSLock()
    private var blocks: [[Block]]
    private var fd: Int32 = -1
    private var fileEnd = 0
    private var sequence = 0
    private var epoch = 0
    private var finished: RecordSpill?

    /// - Parameters:
    ///   - slots: score-line slots (cadres × items); `append` names one by number.
    ///   - slotsPerCadre: slots of a cadre (a bucket never splits one).
    ///   - directory: where the spill files are made (unlinked at once), nil to hold the
    ///     records in memory.
    public init(slots: Int, slotsPerCadre: Int, lanes: Int, directory: URL?) {
        slotCount = slots
        let perCadre = max(1, slotsPerCadre)
        let cadres = (slots + perCadre - 1) / perCadre
        // Buckets of at least 1,024 cadres and at most 256 of them: a lane's buffers are
        // then at most 256 × 32 KB, and a bucket's sort at most a 256th of the records.
        let cadresPerBucket = max(1_024, (cadres + 255) / 256)
        slotsPerBucket = cadresPerBucket * perCadre
        bucketCount = max(1, (slots + slotsPerBucket - 1) / slotsPerBucket)
        self.lanes = max(1, lanes)
        self.directory = directory
        buffers = .allocate(capacity: self.lanes * bucketCount * Self.blockItems)
        fill = .allocate(capacity: self.lanes * bucketCount)
        fill.initialize(repeating: 0)
        blocks = Array(repeating: [], count: bucketCount)
        if let directory { fd = SpillFile.temporary(in: directory) }
    }

    deinit {
        buffers.deallocate()
        fill.deallocate()
        if fd >= 0 { close(fd) }
    }

    /// How a lane appends: its own buffers by address, so that a record touches no
    /// reference count (the writer is shared by every lane; retaining it per record made
    /// its count's cache line travel between the cores).
    public struct Lane: @unchecked Sendable {
        let buffers: UnsafeMutablePointer<Item>
        let fill: UnsafeMutablePointer<Int>
        let first: Int
        let slotsPerBucket: Int
        unowned(unsafe) let writer: RecordSpillWriter

        /// A record of `slot` (only this lane's thread calls).
        public func append(slot: Int, _ entry: RecordEntry) {
            let b = slot / slotsPerBucket
            let f = fill[b]
            buffers[b * RecordSpillWriter.blockItems + f] = Item(entry: entry, slot: UInt32(truncatingIfNeeded: slot))
            fill[b] = f + 1
            if f + 1 == RecordSpillWriter.blockItems { writer.flush(first + b) }
        }
    }

    /// Lane `lane`'s way to append; valid while the writer lives.
    public func lane(_ lane: Int) -> Lane {
        let first = lane * bucketCount
        return Lane(buffers: buffers.baseAddress! + first * Self.blockItems, fill: fill.baseAddress! + first, first: first,
                    slotsPerBucket: slotsPerBucket, writer: self)
    }

    /// Between files, while no lane is consuming: writes every partial block.
    public func endEpoch() {
        for k in 0..<fill.count where fill[k] > 0 { flush(k) }
        epoch += 1
    }

    fileprivate func flush(_ k: Int) {
        let count = fill[k]
        fill[k] = 0
        let items = UnsafeBufferPointer(rebasing: buffers[k * Self.blockItems..<k * Self.blockItems + count])
        let bytes = count * MemoryLayout<Item>.stride
        lock.lock()
        let offset = fd >= 0 ? fileEnd : -1
        if offset >= 0 { fileEnd += bytes }
        let sequence = self.sequence
        self.sequence += 1
        lock.unlock()
        var block = Block(epoch: epoch, lane: k / bucketCount, sequence: sequence, count: count, offset: offset, memory: [])
        if offset < 0 || !SpillFile.write(fd, UnsafeRawBufferPointer(items), at: offset) {
            block.offset = -1
            block.memory = Array(items)
        }
        lock.lock()
        blocks[k % bucketCount].append(block)
        lock.unlock()
    }

    /// Sorts the records into score-line order: the month's `RecordSpill` (the same one
    /// again when asked again; no record may come after).
    public func finish() -> RecordSpill {
        if let finished { return finished }
        endEpoch()
        let bucketTotals = blocks.map { $0.reduce(0) { $0 + $1.count } }
        var bucketStarts = [0]
        for t in bucketTotals { bucketStarts.append(bucketStarts[bucketStarts.count - 1] + t) }
        let total = bucketStarts[bucketCount]
        let stride = MemoryLayout<RecordEntry>.stride
        let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: slotCount + 1)
        starts.initialize(repeating: 0)
        starts[slotCount] = total
        // The sorted file, or memory when it cannot be made.
        var out: Int32 = directory.map { SpillFile.temporary(in: $0) } ?? -1
        if out >= 0 && (total == 0 || ftruncate(out, off_t(total * stride)) != 0) {
            close(out)
            out = -1
        }
        let failed = Atomic<Bool>(false)
        let work = UncheckedBox((self, starts, bucketStarts))
        // Sorts bucket `b` into `heap`, or (nil) into the sorted file.
        let sortBucket = { (b: Int, heap: UnsafeMutablePointer<RecordEntry>?) in
            let (writer, starts, bucketStarts) = work.value
            let lo = b * writer.slotsPerBucket, hi = min(lo + writer.slotsPerBucket, writer.slotCount)
            let blocks = writer.blocks[b].sorted { ($0.epoch, $0.lane, $0.sequence) < ($1.epoch, $1.lane, $1.sequence) }
            let count = bucketStarts[b + 1] - bucketStarts[b]
            var items = [Item]()
            items.reserveCapacity(count)
            for block in blocks {
                if block.offset < 0 {
                    items.append(contentsOf: block.memory)
                    continue
                }
                let read = [Item](unsafeUninitializedCapacity: block.count) { buffer, initialized in
                    initialized = SpillFile.read(writer.fd, UnsafeMutableRawBufferPointer(buffer), at: block.offset) ? block.count : 0
                }
                // A file this process wrote and holds open: failing to read it back is not
                // a condition to go on from.
                precondition(read.count == block.count, "the records' spill file could not be read back")
                items.append(contentsOf: read)
            }
            // Counting sort by slot, stable.
            var at = [Int](repeating: 0, count: hi - lo + 1)
            for item in items { at[Int(item.slot) - lo + 1] += 1 }
            for s in 0..<(hi - lo) { at[s + 1] += at[s] }
            for s in 0..<(hi - lo) { starts[lo + s] = bucketStarts[b] + at[s] }
            let place = { (sorted: UnsafeMutablePointer<RecordEntry>) in
                for item in items {
                    let s = Int(item.slot) - lo
                    sorted[at[s]] = item.entry
                    at[s] += 1
                }
            }
            if let heap {
                place(heap + bucketStarts[b])
            } else if count > 0 {
                let sorted = UnsafeMutablePointer<RecordEntry>.allocate(capacity: count)
                defer { sorted.deallocate() }
                place(sorted)
                if !SpillFile.write(out, UnsafeRawBufferPointer(start: sorted, count: count * stride), at: bucketStarts[b] * stride) {
                    failed.store(true, ordering: .relaxed)
                }
            }
        }
        func sortAll(into heap: UnsafeMutablePointer<RecordEntry>?) {
            if bucketCount > 1 && total > 100_000 {
                let box = UncheckedBox((sortBucket, heap))
                DispatchQueue.concurrentPerform(iterations: bucketCount) { box.value.0($0, box.value.1) }
            } else {
                for b in 0..<bucketCount { sortBucket(b, heap) }
            }
        }
        var result: RecordSpill?
        if out >= 0 {
            sortAll(into: nil)
            let bytes = total * stride
            if !failed.load(ordering: .relaxed), let mapping = ReadOnlyMapping(out, bytes: bytes) {
                result = RecordSpill(starts: starts, base: UnsafePointer(mapping.address.assumingMemoryBound(to: RecordEntry.self)), mapping: mapping)
            }
            close(out)
        }
        if result == nil {
            let heap = UnsafeMutablePointer<RecordEntry>.allocate(capacity: max(1, total))
            sortAll(into: heap)
            result = RecordSpill(starts: starts, base: UnsafePointer(heap), mapping: nil)
        }
        // The blocks are done with.
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        blocks = []
        // No record comes after: the lanes' buffers go.
        buffers.deallocate()
        fill.deallocate()
        buffers = UnsafeMutableBufferPointer(start: nil, count: 0)
        fill = UnsafeMutableBufferPointer(start: nil, count: 0)
        finished = result
        return result!
    }
}

/// Unlinked temporary files, written and read at offsets.
enum SpillFile {
    static func temporary(in directory: URL) -> Int32 {
        var template = Array(directory.appendingPathComponent("jifen-records-XXXXXX").path.utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return -1 }
        // Gone from the folder at once: the file lives as long as it is open.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        whole(bytes.count) { done in pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
    }

    static func read(_ fd: Int32, _ bytes: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        whole(bytes.count) { done in pread(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
    }

    /// Repeats `step` (given the bytes done so far) until `count` bytes are done, through
    /// short transfers and interrupted calls; false on an error or an end of file.
    private static func whole(_ count: Int, _ step: (Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = step(done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}

/// A spill file mapped read-only, unmapped when freed. A sweep over it notes what it reads
/// (`noteRead`); every `releaseEvery` bytes the mapping's pages leave the resident set
/// (`MADV_DONTNEED`: nothing is lost, the next read maps them again from the page cache).
/// Safe while other threads read: the pages are the file's and never written.
final class ReadOnlyMapping: @unchecked Sendable {
    let address: UnsafeMutableRawPointer
    let bytes: Int
    private let readSinceRelease = Atomic<Int>(0)
    /// Bytes read between two releases of the pages.
    static let releaseEvery = 32 << 20

    /// `bytes` of `fd` from its start; nil when empty or when it cannot be mapped.
    init?(_ fd: Int32, bytes: Int) {
        guard bytes > 0, let address = mmap(nil, bytes, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else { return nil }
        self.address = address
        self.bytes = bytes
    }

    deinit {
        munmap(address, bytes)
    }

    @inline(__always)
    func noteRead(_ count: Int) {
        if readSinceRelease.add(count, ordering: .relaxed).newValue >= Self.releaseEvery {
            readSinceRelease.store(0, ordering: .relaxed)
            madvise(address, bytes, Int32(MADV_DONTNEED))
        }
    }
}
