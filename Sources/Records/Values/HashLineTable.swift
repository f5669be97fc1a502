/// A set of 64-bit fingerprints, each with the line where it was first seen and a 32-bit
/// tag, for finding duplicate keys and duplicate rows without keeping the rows.
///
/// 16 bytes a slot, fingerprint, line and tag side by side so a probe touches one cache
/// line: at ten million rows the table no longer fits any cache and every insert is a
/// memory access, so one miss instead of three is most of its cost. It is freed when the
/// file is done. Fingerprints are 64-bit hashes: two different keys collide with
/// probability about n²/2⁶⁵ (≈ 3·10⁻⁶ at ten million rows).
import CSupport
import Glibc

struct HashLineTable: ~Copyable {
    private struct Slot {
        var key: UInt64
        var line: Int32
        var tag: UInt32
    }

    private var slots: UnsafeMutableBufferPointer<Slot>
    private(set) var count = 0

    init(capacity: Int = 1024) {
        // Room for `capacity` keys below the 0.7 load factor at which the table grows.
        var n = 64
        while n * 7 < capacity * 10 { n <<= 1 }
        slots = Self.allocate(n)
    }

    deinit { Self.release(slots) }

    /// Zeroed slots straight from the kernel (an empty slot is all zero bits), in huge pages
    /// where the kernel allows: no pass to clear a quarter gigabyte, and far fewer TLB misses
    /// on the random probes.
    private static func allocate(_ n: Int) -> UnsafeMutableBufferPointer<Slot> {
        let bytes = n * MemoryLayout<Slot>.stride
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              p != UnsafeMutableRawPointer(bitPattern: -1)
        else { fatalError("out of memory: \(bytes) bytes for duplicate detection") }
        _ = madvise(p, bytes, MADV_HUGEPAGE)
        return UnsafeMutableBufferPointer(start: p.bindMemory(to: Slot.self, capacity: n), count: n)
    }

    private static func release(_ b: UnsafeMutableBufferPointer<Slot>) {
        if let base = b.baseAddress { munmap(base, b.count * MemoryLayout<Slot>.stride) }
    }

    /// Fingerprints are mixed once more, so that probe positions do not depend on how they
    /// were made (`ByteWords` today, plain FNV once, whose low bits clustered).
    @inline(__always)
    private static func mixed(_ key: UInt64) -> UInt64 {
        var m = key ^ (key >> 31)
        m = m &* 0x9E37_79B9_7F4A_7C15
        m ^= m >> 29
        return m == 0 ? 1 : m
    }

    /// Starts loading the slot `key` would probe first, so that `insert` a few hundred
    /// nanoseconds later finds it in cache.
    @inline(__always)
    func prefetch(_ key: UInt64) {
        let i = Int(truncatingIfNeeded: Self.mixed(key) >> 20) & (slots.count - 1)
        jifen_prefetch_write(slots.baseAddress! + i)
    }

    /// Inserts `key`; when it was already present returns the first line and tag instead.
    mutating func insert(_ key: UInt64, line: Int, tag: UInt32 = 0) -> (line: Int, tag: UInt32)? {
        let k = Self.mixed(key)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: k >> 20) & mask
        while true {
            let s = slots[i]
            if s.key == 0 { break }
            if s.key == k { return (Int(s.line), s.tag) }
            i = (i + 1) & mask
        }
        slots[i] = Slot(key: k, line: Int32(clamping: line), tag: tag)
        count += 1
        if count * 10 > slots.count * 7 { grow() }
        return nil
    }

    private mutating func grow() {
        let old = slots
        let n = old.count * 2
        slots = Self.allocate(n)
        for s in old where s.key != 0 {
            var i = Int(truncatingIfNeeded: s.key >> 20) & (n - 1)
            while slots[i].key != 0 { i = (i + 1) & (n - 1) }
            slots[i] = s
        }
        Self.release(old)
    }
}
