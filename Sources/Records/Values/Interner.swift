#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Maps byte strings to dense integer codes without building a `String` per lookup.
///
/// Record files repeat the same few words millions of times (工号, 班次, 类别); interning
/// them once lets every later stage compare integers. Not thread-safe: one per reader.
public struct Interner: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open-addressing slots holding `code + 1`, 0 for empty.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    public init() {}

    public var count: Int { hashes.count }

    /// The code of `bytes`, adding it when new.
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        var i = Int(truncatingIfNeeded: h) & (slots.count - 1)
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            let code = Int(slot - 1)
            if hashes[code] == h, equals(code, bytes) { return Int32(code) }
            i = (i + 1) & (slots.count - 1)
        }
        let code = Int32(hashes.count)
        hashes.append(h)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        slots[i] = code + 1
        if hashes.count * 2 > slots.count { grow() }
        return code
    }

    public mutating func intern(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { intern($0) }
    }

    /// The code of `bytes` if already interned.
    public func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(bytes)
        var i = Int(truncatingIfNeeded: h) & (slots.count - 1)
        while true {
            let slot = slots[i]
            if slot == 0 { return nil }
            let code = Int(slot - 1)
            if hashes[code] == h, equals(code, bytes) { return Int32(code) }
            i = (i + 1) & (slots.count - 1)
        }
    }

    public func code(of s: String) -> Int32? {
        var s = s
        return s.withUTF8 { code(of: $0) }
    }

    public func string(_ code: Int32) -> String {
        String(decoding: arena[starts[Int(code)]..<starts[Int(code) + 1]], as: UTF8.self)
    }

    /// The bytes `string(code)` of the interner at `interner` decodes, lent to `body` without
    /// making a `String`, the interner read in place (`FieldDecoder.withInternedBytes`).
    @inline(__always)
    static func withBytes<R>(in interner: UnsafePointer<Interner>, _ code: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let lo = interner.pointee.starts[Int(code)], hi = interner.pointee.starts[Int(code) + 1]
        return interner.pointee.arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[lo..<hi])) }
    }

    private func equals(_ code: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let lo = starts[code], hi = starts[code + 1]
        guard hi - lo == bytes.count else { return false }
        guard bytes.count > 0 else { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + lo, bytes.baseAddress!, bytes.count) == 0 }
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        for code in 0..<hashes.count {
            var i = Int(truncatingIfNeeded: hashes[code]) & (bigger.count - 1)
            while bigger[i] != 0 { i = (i + 1) & (bigger.count - 1) }
            bigger[i] = Int32(code + 1)
        }
        slots = bigger
    }

    /// A 64-bit hash of the bytes, eight at a time (`ByteWords.hash`), its low bits spread as
    /// well as its high ones.
    @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteWords.hash(bytes)
    }
}
