/// A seeded xoshiro256** generator whose output depends only on the seed.
///
/// jifen's generated months must be byte-identical for the same seed on every machine and
/// toolchain, so this type also owns the bounded draws (`uniform`, `chance`) instead of
/// relying on the standard library's `random(in:using:)`, whose algorithm may change.
///
/// ```swift
/// var rng = SeededGenerator(seed: 7)
/// let die = rng.uniform(6) + 1   // 1...6, the same on every run
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Expands the seed with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection).
    public mutating func uniform(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        let n = UInt64(bound)
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return Int(m.high)
    }

    /// A uniform integer in the closed range.
    public mutating func uniform(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + uniform(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `perMille` / 1000.
    public mutating func chance(perMille: Int) -> Bool { uniform(1000) < perMille }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[uniform(items.count)] }

    /// An index drawn with the given integer weights (at least one positive).
    public mutating func weightedIndex(_ weights: [Int]) -> Int {
        var total = 0
        for w in weights { total += w }
        var r = uniform(total)
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}
