import Exact
import Pay

/// Writes a `CadreResult` as JSON straight into bytes, in the exact form its synthesized
/// `Decodable` reads back (`JSONDecoder().decode(CadreResult.self, …)`).
///
/// Foundation's `JSONEncoder` spent about a millisecond per cadre on results with their pay
/// traces — most of a province-scale run's time in the store. This writer does the same in
/// a few microseconds; a test decodes its output for every sample cadre and compares.
public enum ResultJSON {
    public static func encode(_ r: CadreResult) -> [UInt8] {
        var w = Writer()
        w.cadre(r)
        return w.out
    }

    struct Writer {
        var out: [UInt8] = []

        init() { out.reserveCapacity(8192) }

        mutating func raw(_ s: StaticString) {
            s.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        mutating func string(_ s: String) {
            out.append(0x22)
            for b in s.utf8 {
                switch b {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                default: out.append(b)
                }
            }
            out.append(0x22)
        }

        mutating func int<T: BinaryInteger>(_ n: T) { out.append(contentsOf: String(n).utf8) }
        mutating func bool(_ b: Bool) { if b { raw("true") } else { raw("false") } }
        mutating func key(_ k: StaticString) {
            out.append(0x22)
            raw(k)
            raw("\":")
        }
        mutating func comma() { out.append(0x2C) }

        mutating func fixed(_ f: Fixed) { string(f.description) }
        mutating func money(_ m: Money) {
            raw("{\"fen\":")
            int(m.fen)
            out.append(0x7D)
        }
        mutating func text(_ t: PayText) {
            raw("{\"zh\":")
            string(t.zh)
            raw(",\"en\":")
            string(t.en)
            out.append(0x7D)
        }

        mutating func array<T>(_ xs: [T], _ each: (inout Writer, T) -> Void) {
            out.append(0x5B)
            for (i, x) in xs.enumerated() {
                if i > 0 { comma() }
                each(&self, x)
            }
            out.append(0x5D)
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
            out.append(0x7D)
            if let y = r.yearToDate {
                raw(",\"yearToDate\":{\"totals\":{")
                for (i, (k, v)) in y.totals.sorted(by: { $0.key < $1.key }).enumerated() {
                    if i > 0 { comma() }
                    string(k)
                    out.append(0x3A)
                    money(v)
                }
                raw("},\"months\":"); int(y.months)
                out.append(0x7D)
            }
            out.append(0x7D)
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
                case .day(let d): w.raw("{\"day\":{\"_0\":"); w.string(d.description); w.raw("}}")
                case .month: w.raw("{\"month\":{}}")
                case .floor: w.raw("{\"floor\":{}}")
                }
                w.raw(",\"limit\":"); w.fixed(c.limit)
                w.raw(",\"removed\":"); w.fixed(c.removed)
                w.out.append(0x7D)
            }
            raw(",\"records\":")
            array(l.records) { w, r in
                w.raw("{\"file\":"); w.string(r.file)
                w.raw(",\"line\":"); w.int(r.line)
                if let d = r.date { w.raw(",\"date\":"); w.string(d.description) }
                w.raw(",\"summary\":"); w.string(r.summary)
                w.raw(",\"points\":"); w.fixed(r.points)
                w.out.append(0x7D)
            }
            if let r = l.reason { raw(",\"reason\":"); string(r) }
            if let a = l.approvedBy { raw(",\"approvedBy\":"); string(a) }
            out.append(0x7D)
        }

        mutating func standing(_ s: Standing) {
            raw("{\"group\":"); string(s.group)
            raw(",\"rank\":"); int(s.rank)
            raw(",\"groupSize\":"); int(s.groupSize)
            raw(",\"tier\":"); string(s.tier)
            raw(",\"reasons\":")
            array(s.reasons) { w, r in w.reason(r) }
            out.append(0x7D)
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
                    if let d = rec.date { raw(",\"date\":"); string(d.description) }
                    raw(",\"summary\":"); string(rec.summary); raw(",\"points\":"); fixed(rec.points); out.append(0x7D)
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
            case .money(let m): raw("{\"kind\":\"money\",\"value\":"); string(m.description)
            case .number(let f): raw("{\"kind\":\"number\",\"value\":"); string(f.description)
            case .rate(let f): raw("{\"kind\":\"rate\",\"value\":"); string(f.description)
            case .count(let n): raw("{\"kind\":\"count\",\"value\":"); int(n)
            }
            out.append(0x7D)
        }

        mutating func step(_ s: PayStep) {
            raw("{\"label\":"); text(s.label)
            raw(",\"formula\":"); text(s.formula)
            raw(",\"inputs\":")
            array(s.inputs) { w, i in
                w.raw("{\"name\":"); w.text(i.name); w.raw(",\"value\":"); w.quantity(i.value); w.out.append(0x7D)
            }
            raw(",\"result\":"); quantity(s.result)
            if let r = s.rounding {
                raw(",\"rounding\":{\"spec\":{\"rule\":"); string(r.spec.rule.rawValue)
                raw(",\"scale\":"); int(r.spec.scale)
                raw("},\"exact\":"); fixed(r.exact)
                raw(",\"rounded\":"); fixed(r.rounded)
                raw(",\"isExact\":"); bool(r.isExact)
                out.append(0x7D)
            }
            raw(",\"notes\":")
            array(s.notes) { $0.note($1) }
            out.append(0x7D)
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
