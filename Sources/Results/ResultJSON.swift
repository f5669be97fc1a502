import Exact
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Pay

/// Writes a `CadreResult` as JSON straight into bytes, in the exact form its synthesized
/// `Decodable` reads back (`JSONDecoder().decode(CadreResult.self, …)`).
///
/// Foundation's `JSONEncoder` spent about a millisecond per cadre on results with their pay
/// traces — most of a province-scale run's time in the store. This writer does the same in
/// a few microseconds; a test decodes its output for every sample cadre and compares.
public enum ResultJSON {
    public static func encode(_ r: CadreResult) -> [UInt8] {
        var w = Writer(capacity: 16384)
        w.cadre(r)
        return w.bytes(from: 0)
    }

    /// Each result's JSON, one after another in one buffer: one allocation for a whole slice
    /// of cadres instead of one per cadre.
    public static func encode(_ results: some Collection<CadreResult>) -> Slice {
        // Mapped, and sized for the largest results (with every record's reference): pages
        // never written cost nothing, and unmapping returns the memory at once, where malloc
        // would keep these buffers in each thread's arena.
        var w = Writer(capacity: max(65536, results.count * 65536), mapped: true)
        var ends: [Int] = []
        ends.reserveCapacity(results.count)
        for r in results {
            w.cadre(r)
            ends.append(w.count)
        }
        let (base, capacity) = w.take()
        return Slice(base: base, capacity: capacity, ends: ends)
    }

    /// The JSON of several results in one buffer, read in place.
    public final class Slice: @unchecked Sendable {
        // Written once by the encoder, then only read: safe to share.
        private let base: UnsafeMutablePointer<UInt8>
        private let capacity: Int
        private let ends: [Int]

        init(base: UnsafeMutablePointer<UInt8>, capacity: Int, ends: [Int]) {
            self.base = base
            self.capacity = capacity
            self.ends = ends
        }

        deinit { Writer.free(base, capacity, mapped: true) }

        /// How many results the slice holds.
        public var count: Int { ends.count }

        /// Result `i`'s JSON, valid during `body`.
        public func withResult<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            let start = i == 0 ? 0 : ends[i - 1]
            return try body(UnsafeRawBufferPointer(start: base + start, count: ends[i] - start))
        }
    }

    /// Bytes appended through a raw pointer: `[UInt8].append` checks uniqueness and capacity
    /// on every byte, which was most of the writer's time.
    struct Writer: ~Copyable {
        private var base: UnsafeMutablePointer<UInt8>
        private(set) var count = 0
        private var capacity: Int
        private let mapped: Bool

        init(capacity: Int, mapped: Bool = false) {
            self.capacity = capacity
            self.mapped = mapped
            base = Self.allocate(capacity, mapped: mapped)
        }

        deinit { Self.free(base, capacity, mapped: mapped) }

        static func allocate(_ capacity: Int, mapped: Bool) -> UnsafeMutablePointer<UInt8> {
            guard mapped else { return .allocate(capacity: capacity) }
            guard let p = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
                fatalError("out of memory mapping \(capacity) bytes")
            }
            return p.assumingMemoryBound(to: UInt8.self)
        }

        static func free(_ p: UnsafeMutablePointer<UInt8>, _ capacity: Int, mapped: Bool) {
            if mapped { munmap(p, capacity) } else { p.deallocate() }
        }

        /// Hands the mapped buffer and its size over to the caller, who frees it.
        consuming func take() -> (UnsafeMutablePointer<UInt8>, Int) {
            let taken = (base, capacity)
            discard self
            return taken
        }

        func bytes(from start: Int) -> [UInt8] {
            Array(UnsafeBufferPointer(start: base + start, count: count - start))
        }

        @inline(__always)
        mutating func reserve(_ n: Int) {
            if count + n > capacity { grow(count + n) }
        }

        @inline(never)
        mutating func grow(_ needed: Int) {
            var c = capacity * 2
            while c < needed { c *= 2 }
            let bigger = Self.allocate(c, mapped: mapped)
            bigger.update(from: base, count: count)
            Self.free(base, capacity, mapped: mapped)
            base = bigger
            capacity = c
        }

        @inline(__always)
        mutating func byte(_ b: UInt8) {
            reserve(1)
            base[count] = b
            count += 1
        }

        @inline(__always)
        mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
            reserve(n)
            (base + count).update(from: p, count: n)
            count += n
        }

        mutating func raw(_ s: StaticString) {
            append(s.utf8Start, s.utf8CodeUnitCount)
        }

        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { u in
                byte(0x22)
                guard let p = u.baseAddress else { return }
                var run = 0
                for i in 0..<u.count {
                    let b = u[i]
                    if b >= 0x20 && b != 0x22 && b != 0x5C { continue }
                    append(p + run, i - run)
                    run = i + 1
                    escape(b)
                }
                append(p + run, u.count - run)
            }
            byte(0x22)
        }

        mutating func escape(_ b: UInt8) {
            switch b {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                let hex: StaticString = "0123456789abcdef"
                raw("\\u00")
                byte(hex.utf8Start[Int(b >> 4)])
                byte(hex.utf8Start[Int(b & 0xF)])
            }
        }

        /// Decimal digits of a magnitude, without a sign.
        mutating func digits(_ n: UInt64) {
            var length = 1
            var rest = n / 10
            while rest > 0 { length += 1; rest /= 10 }
            reserve(length)
            var n = n
            var i = count + length
            repeat {
                i -= 1
                base[i] = UInt8(truncatingIfNeeded: n % 10) &+ 0x30
                n /= 10
            } while n > 0
            count += length
        }

        mutating func int<T: BinaryInteger>(_ n: T) {
            if n < 0 { byte(0x2D) }
            digits(UInt64(n.magnitude))
        }

        mutating func bool(_ b: Bool) { if b { raw("true") } else { raw("false") } }
        mutating func comma() { byte(0x2C) }

        /// `Fixed.description` (exactly `scale` places), quoted, without building a String.
        mutating func fixed(_ f: Fixed) {
            byte(0x22)
            if f.units < 0 { byte(0x2D) }
            let magnitude = f.units.magnitude
            if f.scale == 0 {
                digits(magnitude)
            } else {
                let p = UInt64(Fixed.pow10(f.scale))
                digits(magnitude / p)
                byte(0x2E)
                var frac = magnitude % p
                reserve(f.scale)
                for i in stride(from: count + f.scale - 1, through: count, by: -1) {
                    base[i] = UInt8(truncatingIfNeeded: frac % 10) &+ 0x30
                    frac /= 10
                }
                count += f.scale
            }
            byte(0x22)
        }

        /// `CivilDate.description` (`2020-12-09`), quoted.
        mutating func date(_ d: CivilDate) {
            let c = d.components
            byte(0x22)
            padded(c.year, 4)
            byte(0x2D)
            padded(c.month, 2)
            byte(0x2D)
            padded(c.day, 2)
            byte(0x22)
        }

        /// `CivilDate.pad`: at least `width` characters, zeros in front.
        mutating func padded(_ n: Int, _ width: Int) {
            guard n >= 0 else {
                let t = String(n)
                for _ in 0..<max(0, width - t.utf8.count) { byte(0x30) }
                for b in t.utf8 { byte(b) }
                return
            }
            var length = 1
            var rest = n / 10
            while rest > 0 { length += 1; rest /= 10 }
            for _ in 0..<max(0, width - length) { byte(0x30) }
            digits(UInt64(n))
        }

        mutating func money(_ m: Money) {
            raw("{\"fen\":")
            int(m.fen)
            byte(0x7D)
        }
        mutating func text(_ t: PayText) {
            raw("{\"zh\":")
            string(t.zh)
            raw(",\"en\":")
            string(t.en)
            byte(0x7D)
        }

        mutating func array<T>(_ xs: [T], _ each: (inout Writer, T) -> Void) {
            byte(0x5B)
            for (i, x) in xs.enumerated() {
                if i > 0 { comma() }
                each(&self, x)
            }
            byte(0x5D)
        }

        mutating func cadre(_ r: CadreResult) {
            raw("{\"cadreID\":"); string(r.cadreID)
            raw(",\"name\":"); string(r.name)
            raw(",\"community\":"); string(r.community)
            if let g = r.grid { raw(",\"grid\":"); string(g) }
            raw(",\"post\":"); string(r.post)
            raw(",\"level\":"); int(r.level)
            raw(",\"score\":{\"lines\":")
            array(r.score.lines) { $0.scoreLine($1) }
            raw(",\"total\":"); fixed(r.score.total)
            raw("},\"standing\":")
            standing(r.standing)
            raw(",\"pay\":{\"lines\":")
            array(r.pay.lines) { $0.payLine($1) }
            byte(0x7D)
            if let y = r.yearToDate {
                raw(",\"yearToDate\":{\"totals\":{")
                for (i, (k, v)) in Self.sortedByKey(y.totals).enumerated() {
                    if i > 0 { comma() }
                    string(k)
                    byte(0x3A)
                    money(v)
                }
                raw("},\"months\":"); int(y.months)
                byte(0x7D)
            }
            byte(0x7D)
        }

        /// The pairs in `String` order of their keys. For keys that Unicode normalization leaves
        /// alone (ASCII, Latin, CJK unified ideographs: the pay lines' names) that is the order
        /// of their UTF-8 bytes, which is far cheaper to compare than `String.<`.
        static func sortedByKey(_ totals: [String: Money]) -> [(key: String, value: Money)] {
            let pairs = Array(totals)
            if pairs.allSatisfy({ Self.sortsByBytes($0.key) }) {
                return pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            }
            return pairs.sorted { $0.key < $1.key }
        }

        /// True when every scalar is one that NFC keeps as it is and never combines with a
        /// neighbour, so `String` comparison (on NFC scalars) equals byte comparison.
        static func sortsByBytes(_ s: String) -> Bool {
            s.unicodeScalars.allSatisfy { u in
                u.value < 0x300 || (0x4E00...0x9FFF).contains(u.value) || (0xFF01...0xFF5E).contains(u.value)
            }
        }

        mutating func scoreLine(_ l: ScoreLine) {
            raw("{\"kind\":"); string(l.kind.rawValue)
            raw(",\"name\":"); string(l.name)
            if let c = l.citation { raw(",\"citation\":"); string(c) }
            raw(",\"raw\":"); fixed(l.raw)
            raw(",\"points\":"); fixed(l.points)
            raw(",\"clips\":")
            array(l.clips) { w, c in
                w.raw("{\"scope\":")
                switch c.scope {
                case .day(let d): w.raw("{\"day\":{\"_0\":"); w.date(d); w.raw("}}")
                case .month: w.raw("{\"month\":{}}")
                case .floor: w.raw("{\"floor\":{}}")
                case .ceiling: w.raw("{\"ceiling\":{}}")
                case .group(let g): w.raw("{\"group\":{\"_0\":"); w.string(g); w.raw("}}")
                }
                w.raw(",\"limit\":"); w.fixed(c.limit)
                w.raw(",\"removed\":"); w.fixed(c.removed)
                w.byte(0x7D)
            }
            raw(",\"records\":")
            array(l.records) { w, r in
                w.raw("{\"file\":"); w.string(r.file)
                w.raw(",\"line\":"); w.int(r.line)
                if let d = r.date { w.raw(",\"date\":"); w.date(d) }
                w.raw(",\"summary\":"); w.string(r.summary)
                w.raw(",\"points\":"); w.fixed(r.points)
                w.byte(0x7D)
            }
            if let r = l.reason { raw(",\"reason\":"); string(r) }
            if let a = l.approvedBy { raw(",\"approvedBy\":"); string(a) }
            if let c = l.counting { raw(",\"counting\":"); string(c) }
            byte(0x7D)
        }

        mutating func standing(_ s: Standing) {
            raw("{\"group\":"); string(s.group)
            raw(",\"rank\":"); int(s.rank)
            raw(",\"groupSize\":"); int(s.groupSize)
            raw(",\"tier\":"); string(s.tier)
            raw(",\"reasons\":")
            array(s.reasons) { w, r in w.reason(r) }
            byte(0x7D)
        }

        mutating func reason(_ r: TierReason) {
            switch r {
            case .threshold(let tier, let condition):
                raw("{\"threshold\":{\"tier\":"); string(tier); raw(",\"condition\":"); string(condition); raw("}}")
            case .withinQuota(let tier, let share, let places, let rank):
                raw("{\"withinQuota\":{\"tier\":"); string(tier); raw(",\"share\":"); fixed(share)
                raw(",\"places\":"); int(places); raw(",\"rank\":"); int(rank); raw("}}")
            case .quotaFull(let tier, let share, let places, let rank, let to):
                raw("{\"quotaFull\":{\"tier\":"); string(tier); raw(",\"share\":"); fixed(share)
                raw(",\"places\":"); int(places); raw(",\"rank\":"); int(rank); raw(",\"to\":"); string(to); raw("}}")
            case .veto(let name, let citation, let tier, let record):
                raw("{\"veto\":{\"name\":"); string(name)
                if let c = citation { raw(",\"citation\":"); string(c) }
                raw(",\"tier\":"); string(tier)
                if let rec = record {
                    raw(",\"record\":{\"file\":"); string(rec.file); raw(",\"line\":"); int(rec.line)
                    if let d = rec.date { raw(",\"date\":"); date(d) }
                    raw(",\"summary\":"); string(rec.summary); raw(",\"points\":"); fixed(rec.points); byte(0x7D)
                }
                raw("}}")
            case .tieBreak(let rule, let with):
                raw("{\"tieBreak\":{\"rule\":"); string(rule); raw(",\"with\":")
                array(with) { $0.string($1) }
                raw("}}")
            }
        }

        mutating func payLine(_ l: PayLineResult) {
            raw("{\"name\":"); string(l.name)
            raw(",\"kind\":"); string(l.kind.rawValue)
            raw(",\"amount\":"); money(l.amount)
            if let c = l.citation { raw(",\"citation\":"); string(c) }
            raw(",\"trace\":{\"steps\":")
            array(l.trace.steps) { $0.step($1) }
            raw("}}")
        }

        mutating func quantity(_ q: PayQuantity) {
            switch q {
            case .money(let m): raw("{\"kind\":\"money\",\"value\":"); fixed(m.fixed)
            case .number(let f): raw("{\"kind\":\"number\",\"value\":"); fixed(f)
            case .rate(let f): raw("{\"kind\":\"rate\",\"value\":"); fixed(f)
            case .count(let n): raw("{\"kind\":\"count\",\"value\":"); int(n)
            }
            byte(0x7D)
        }

        mutating func step(_ s: PayStep) {
            raw("{\"label\":"); text(s.label)
            raw(",\"formula\":"); text(s.formula)
            raw(",\"inputs\":")
            array(s.inputs) { w, i in
                w.raw("{\"name\":"); w.text(i.name); w.raw(",\"value\":"); w.quantity(i.value); w.byte(0x7D)
            }
            raw(",\"result\":"); quantity(s.result)
            if let r = s.rounding {
                raw(",\"rounding\":{\"spec\":{\"rule\":"); string(r.spec.rule.rawValue)
                raw(",\"scale\":"); int(r.spec.scale)
                raw("},\"exact\":"); fixed(r.exact)
                raw(",\"rounded\":"); fixed(r.rounded)
                raw(",\"isExact\":"); bool(r.isExact)
                byte(0x7D)
            }
            raw(",\"notes\":")
            array(s.notes) { $0.note($1) }
            byte(0x7D)
        }

        mutating func note(_ n: PayNote) {
            switch n {
            case .bracket(let table, let row, let lower, let upper):
                raw("{\"bracket\":{\"table\":"); text(table); raw(",\"row\":"); int(row)
                if let l = lower { raw(",\"lowerBound\":"); money(l) }
                if let u = upper { raw(",\"upperBound\":"); money(u) }
                raw("}}")
            case .nothingTaxable: raw("{\"nothingTaxable\":{}}")
            case .wholeYearBasicDeduction: raw("{\"wholeYearBasicDeduction\":{}}")
            case .flooredAtZero(let d): raw("{\"flooredAtZero\":{\"difference\":"); money(d); raw("}}")
            case .notRefunded(let d): raw("{\"notRefunded\":{\"difference\":"); money(d); raw("}}")
            case .raisedToFloor(let wage, let floor):
                raw("{\"raisedToFloor\":{\"wage\":"); money(wage); raw(",\"floor\":"); money(floor); raw("}}")
            case .loweredToCeiling(let wage, let ceiling):
                raw("{\"loweredToCeiling\":{\"wage\":"); money(wage); raw(",\"ceiling\":"); money(ceiling); raw("}}")
            case .switchedOff(let reason): raw("{\"switchedOff\":{\"reason\":"); text(reason); raw("}}")
            case .zeroWeight: raw("{\"zeroWeight\":{}}")
            case .proportionalShare(let exact, let isExact, let roundedDown, let rank, let receivedFen):
                raw("{\"proportionalShare\":{\"exact\":"); fixed(exact); raw(",\"isExact\":"); bool(isExact)
                raw(",\"roundedDown\":"); money(roundedDown); raw(",\"rank\":"); int(rank)
                raw(",\"receivedFen\":"); bool(receivedFen); raw("}}")
            case .remainderRule(let leftover): raw("{\"remainderRule\":{\"leftoverFen\":"); int(leftover); raw("}}")
            case .nothingAllocated(let pool): raw("{\"nothingAllocated\":{\"pool\":"); money(pool); raw("}}")
            case .remark(let t): raw("{\"remark\":{\"text\":"); text(t); raw("}}")
            }
        }
    }
}
