/// A set of 64-bit fingerprints, each with the line where it was first seen and a 32-bit
/// tag, for finding duplicate keys and duplicate rows without keeping the rows.
///
/// 16 bytes a slot; at ten million rows this is what duplicate detection costs, and it is
/// freed when the file is done. Fingerprints are 64-bit hashes: two different keys collide
/// with probability about n²/2⁶⁵ (≈ 3·10⁻⁶ at ten million rows).
struct HashLineTable {
    private var keys: [UInt64]
    private var lines: [Int32]
    private var tags: [UInt32]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var n = 64
        while n < capacity * 2 { n <<= 1 }
        keys = Array(repeating: 0, count: n)
        lines = Array(repeating: 0, count: n)
        tags = Array(repeating: 0, count: n)
    }

    /// Inserts `key`; when it was already present returns the first line and tag instead.
    mutating func insert(_ key: UInt64, line: Int, tag: UInt32 = 0) -> (line: Int, tag: UInt32)? {
        // Mix the bits: row fingerprints are plain FNV, whose low bits cluster under
        // linear probing.
        var m = key ^ (key >> 31)
        m = m &* 0x9E37_79B9_7F4A_7C15
        m ^= m >> 29
        let k = m == 0 ? 1 : m
        var i = Int(truncatingIfNeeded: k >> 20) & (keys.count - 1)
        while keys[i] != 0 {
            if keys[i] == k { return (Int(lines[i]), tags[i]) }
            i = (i + 1) & (keys.count - 1)
        }
        keys[i] = k
        lines[i] = Int32(clamping: line)
        tags[i] = tag
        count += 1
        if count * 10 > keys.count * 7 { grow() }
        return nil
    }

    private mutating func grow() {
        let oldKeys = keys, oldLines = lines, oldTags = tags
        let n = keys.count * 2
        keys = Array(repeating: 0, count: n)
        lines = Array(repeating: 0, count: n)
        tags = Array(repeating: 0, count: n)
        for j in 0..<oldKeys.count where oldKeys[j] != 0 {
            var i = Int(truncatingIfNeeded: oldKeys[j] >> 20) & (n - 1)
            while keys[i] != 0 { i = (i + 1) & (n - 1) }
            keys[i] = oldKeys[j]
            lines[i] = oldLines[j]
            tags[i] = oldTags[j]
        }
    }
}
