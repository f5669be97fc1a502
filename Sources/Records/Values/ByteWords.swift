/// Bytes read eight at a time as little-endian `UInt64` words, for hashing and comparing
/// short fields without a loop per byte. Every load stays inside the bytes given.
enum ByteWords {
    /// The first eight bytes at `p`, unaligned.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    private static func load32(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(UInt32(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)))
    }

    /// The `count` (0…8) bytes at `p` as a word, byte k in bits 8k…8k+7 and zeros above:
    /// two overlapping loads instead of a loop (the overlap ORs equal bytes).
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        if count >= 8 { return load(p) }
        if count >= 4 { return load32(p) | (load32(p + (count &- 4)) &<< UInt64(8 &* (count &- 4))) }
        if count == 0 { return 0 }
        let mid = count &>> 1
        return UInt64(p[0]) | (UInt64(p[mid]) &<< UInt64(8 &* mid)) | (UInt64(p[count &- 1]) &<< UInt64(8 &* (count &- 1)))
    }

    /// The first sixteen bytes of `bytes` as two words, zero-padded when shorter.
    @inline(__always)
    static func words16(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let n = bytes.count
        guard n > 0, let p = bytes.baseAddress else { return (0, 0) }
        if n >= 16 { return (load(p), load(p + 8)) }
        if n > 8 { return (load(p), word(p + 8, count: n &- 8)) }
        return (word(p, count: n), 0)
    }

    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let k: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Mixes `bytes` into the running hash `h` a word at a time, then their length, so that
    /// the bytes of consecutive fields never run together (`ab`,`c` differs from `a`,`bc`).
    /// Each step is a bijection of the state for a given word.
    @inline(__always)
    static func mix(_ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = h
        let n = bytes.count
        if n > 0, let p = bytes.baseAddress {
            var i = 0
            while i &+ 8 <= n {
                h = (h ^ load(p + i)) &* k
                h ^= h &>> 32
                i &+= 8
            }
            if i < n {
                h = (h ^ word(p + i, count: n &- i)) &* k
                h ^= h &>> 32
            }
        }
        h = (h ^ UInt64(n)) &* k
        return h ^ (h &>> 29)
    }

    /// Spreads every input bit over the whole word (the finaliser of MurmurHash3), so that
    /// the low bits are as good as the high ones.
    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h &>> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h &>> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h &>> 33
        return h
    }

    /// A 64-bit hash of `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        finish(mix(seed, bytes))
    }
}
