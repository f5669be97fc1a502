import Exact
import Pay
import Records

/// A test on one record, compiled once from a checked filter: no names are looked up and no
/// dictionaries built while records stream by.
public typealias RecordPredicate = @Sendable (borrowing DecodedRow, borrowing FieldDecoder) -> Bool
/// A number from one record (nil when a field it needs is empty).
public typealias RecordNumber = @Sendable (borrowing DecodedRow, borrowing FieldDecoder) -> Fixed?
typealias RecordValueFn = @Sendable (borrowing DecodedRow, borrowing FieldDecoder) -> RowValue

/// Compiles record-context expressions of one source into closures over decoded rows.
struct RecordCompiler {
    let schema: SourceSchema
    let tables: RuleTables

    /// Remembers the code a text literal got in a field's interner, once it has one, and
    /// whose interner that is: rows of one source may come through two decoders (the
    /// month's file, then the store's adjustments), each with codes of its own.
    final class CodeCache: @unchecked Sendable {
        var decoder: UInt64 = 0
        var code: Int64 = -1
    }

    func predicate(_ e: TExpr) -> RecordPredicate {
        switch e {
        case .boolean(let b): return { _, _ in b }
        case .logical(.and, let a, let b):
            let x = predicate(a), y = predicate(b)
            return { r, d in x(r, d) && y(r, d) }
        case .logical(_, let a, let b):
            let x = predicate(a), y = predicate(b)
            return { r, d in x(r, d) || y(r, d) }
        case .not(let a):
            let x = predicate(a)
            return { r, d in !x(r, d) }
        case .compare(let first, let links) where links.count == 1:
            if let fast = fastCompare(first, links[0].0, links[0].1) { return fast }
            if let fast = fastCompare(links[0].1, links[0].0.flipped, first) { return fast }
            return general(e)
        case .member(.field(let i, _), let options) where options.allSatisfy({ if case .enumCode = $0 { true } else { false } }):
            var mask: UInt64 = 0
            var codes: [Int64] = []
            for case .enumCode(let c, _) in options {
                if c < 64 { mask |= 1 << UInt64(c) } else { codes.append(c) }
            }
            let (m, extra) = (mask, codes)
            return { r, _ in
                guard r.present[i] else { return false }
                let v = r.payload[i]
                return (v >= 0 && v < 64 && m & (1 << UInt64(v)) != 0) || extra.contains(v)
            }
        default:
            return general(e)
        }
    }

    /// `field = 夜班`, `field ≠ 空`, `field ≥ 2`, `投诉 = 是`, `考核 = “合格”` without boxing.
    func fastCompare(_ a: TExpr, _ op: ComparisonOperator, _ b: TExpr) -> RecordPredicate? {
        guard case .field(let i, _) = a else { return nil }
        let type = schema.fields[i].type
        switch (b, op) {
        case (.enumCode(let c, _), .equal) where type.isEnumeration: return { r, _ in r.present[i] && r.payload[i] == c }
        case (.enumCode(let c, _), .notEqual) where type.isEnumeration: return { r, _ in !r.present[i] || r.payload[i] != c }
        case (.none, .equal): return { r, _ in !r.present[i] }
        case (.none, .notEqual): return { r, _ in r.present[i] }
        case (.boolean(let v), .equal) where type == .boolean: return { r, _ in r.present[i] && (r.payload[i] != 0) == v }
        case (.boolean(let v), .notEqual) where type == .boolean: return { r, _ in !r.present[i] || (r.payload[i] != 0) != v }
        case (.text(let s), .equal), (.text(let s), .notEqual):
            let negate = op == .notEqual
            if case .enumeration(let words) = type {
                let c = Int64(words.firstIndex(of: s) ?? -1)
                return { r, _ in (r.present[i] && r.payload[i] == c) != negate }
            }
            guard type.isInterned else { return nil }
            let cache = CodeCache()
            return { r, d in
                guard r.present[i] else { return negate }
                if cache.decoder != d.identity {
                    cache.decoder = d.identity
                    cache.code = -1
                }
                if cache.code < 0, let c = d.interners[i].code(of: s) { cache.code = Int64(c) }
                return (cache.code >= 0 && r.payload[i] == cache.code) != negate
            }
        case (.time(let t), _) where type == .time:
            // 开始 > 08:30: the payload is the minutes after midnight.
            let k = Int64(t.minutes)
            switch op {
            case .equal: return { r, _ in r.present[i] && r.payload[i] == k }
            case .notEqual: return { r, _ in !r.present[i] || r.payload[i] != k }
            case .less: return { r, _ in r.present[i] && r.payload[i] < k }
            case .lessEqual: return { r, _ in r.present[i] && r.payload[i] <= k }
            case .greater: return { r, _ in r.present[i] && r.payload[i] > k }
            case .greaterEqual: return { r, _ in r.present[i] && r.payload[i] >= k }
            }
        case (.number(let n, _), _):
            // The constant as a count of the field's units: 8.0 against a whole number is 8,
            // 2.5 against money 250 分; a constant finer than the field is compared exactly.
            guard type.isNumber, let units = n.normalized.widened(to: type.scale), units.scale == type.scale else { return nil }
            let k = units.units
            switch op {
            case .equal: return { r, _ in r.present[i] && r.payload[i] == k }
            case .notEqual: return { r, _ in !r.present[i] || r.payload[i] != k }
            case .less: return { r, _ in r.present[i] && r.payload[i] < k }
            case .lessEqual: return { r, _ in r.present[i] && r.payload[i] <= k }
            case .greater: return { r, _ in r.present[i] && r.payload[i] > k }
            case .greaterEqual: return { r, _ in r.present[i] && r.payload[i] >= k }
            }
        default:
            return nil
        }
    }

    func general(_ e: TExpr) -> RecordPredicate {
        let f = value(e)
        return { r, d in f(r, d).isTrue }
    }

    func number(_ e: TExpr) -> RecordNumber {
        if case .number(let n, _) = e { return { _, _ in n } }
        if case .field(let i, _) = e, schema.fields[i].type.isNumber {
            let scale = schema.fields[i].type.scale
            return { r, _ in r.present[i] ? Fixed(units: r.payload[i], scale: scale) : nil }
        }
        let f = value(e)
        return { r, d in f(r, d).number }
    }

    /// The general, slower path: any record expression to a value.
    func value(_ e: TExpr) -> RecordValueFn {
        switch e {
        case .number(let n, _): return { _, _ in .number(n) }
        case .text(let s): return { _, _ in .text(s) }
        case .date(let d): return { _, _ in .date(d.daysSinceEpoch) }
        case .time(let t): return { _, _ in .time(t.minutes) }
        case .boolean(let b): return { _, _ in .boolean(b) }
        case .none: return { _, _ in .none }
        case .enumCode(let c, _): return { _, _ in .code(c) }
        case .parameter(let name, _):
            let v = tables.parameter(name)
            return { _, _ in v }
        case .field(let i, _):
            let type = schema.fields[i].type
            switch type {
            case .enumeration: return { r, _ in r.present[i] ? .code(r.payload[i]) : .none }
            case .date: return { r, _ in r.present[i] ? .date(Int32(r.payload[i])) : .none }
            case .time: return { r, _ in r.present[i] ? .time(Int16(r.payload[i])) : .none }
            case .boolean: return { r, _ in r.present[i] ? .boolean(r.payload[i] != 0) : .none }
            case .text, .idNumber, .bankAccount, .phone, .enumerationOrScore:
                return { r, d in r.present[i] ? .text(d.text(i, r.payload[i])) : .none }
            case .integer, .decimal, .money:
                let scale = type.scale
                return { r, _ in r.present[i] ? .number(Fixed(units: r.payload[i], scale: scale)) : .none }
            }
        case .negate(let x, _):
            let f = value(x)
            return { r, d in f(r, d).number.map { .number($0.negated()) } ?? .none }
        case .not(let x):
            let f = value(x)
            return { r, d in .boolean(!f(r, d).isTrue) }
        case .logical(let op, let a, let b):
            let x = value(a), y = value(b)
            if op == .and { return { r, d in RowValue.boolean(x(r, d).isTrue && y(r, d).isTrue) } }
            return { r, d in RowValue.boolean(x(r, d).isTrue || y(r, d).isTrue) }
        case .arithmetic(let op, let a, let b, _):
            let x = value(a), y = value(b)
            return { r, d in Arithmetic.apply(op, x(r, d), y(r, d)) }
        case .compare(let first, let links):
            let f = value(first)
            let rest = links.map { (op: $0.0, value: value($0.1), expression: $0.1) }
            return { r, d in
                var left = f(r, d)
                var leftExpression = first
                for link in rest {
                    let right = link.value(r, d)
                    if !Interpreter.holds(link.op, left, leftExpression, right, link.expression) { return .boolean(false) }
                    left = right
                    leftExpression = link.expression
                }
                return .boolean(true)
            }
        case .member(let x, let options):
            let f = value(x)
            let opts = options.map { (value: value($0), expression: $0) }
            return { r, d in
                let v = f(r, d)
                return .boolean(opts.contains { Interpreter.holds(.equal, v, x, $0.value(r, d), $0.expression) })
            }
        case .conditional(let c, let a, let b, _):
            let p = value(c), x = value(a), y = value(b)
            return { r, d in p(r, d).isTrue ? x(r, d) : y(r, d) }
        case .lookup(let name, let key, _):
            guard let table = tables.lookups[name] else { return { _, _ in .none } }
            let k = value(key)
            return { r, d in Interpreter.lookup(table, k(r, d), key) }
        case .bracket(let name, let x):
            guard let table = tables.brackets[name] else { return { _, _ in .none } }
            let f = value(x)
            return { r, d in
                guard let v = f(r, d).number, let amount = Money(v, .halfUp), let traced = try? table.tax(on: amount) else { return .none }
                return .number(traced.value.fixed)
            }
        case .clamp(let v, let lo, let hi, _):
            let f = value(v), a = value(lo), b = value(hi)
            return { r, d in
                guard let x = f(r, d).number, let low = a(r, d).number, let high = b(r, d).number else { return .none }
                return .number(max(low, min(high, x)))
            }
        case .score, .tier, .rank, .item, .payLine, .rosterField, .monthsEmployed, .aggregate, .yearToDate, .priorToDate, .poolShare,
             .grouping, .calendar, .headcount, .previousYearMonths, .previousYearTotal, .previousYearAnnual:
            // Names of a cadre, which a record does not have.
            return { _, _ in .none }
        }
    }
}

extension Records.FieldType {
    /// Whether the payload is an exact count of units at `scale` (so a constant can be
    /// compared with the payload directly).
    var isNumber: Bool {
        switch self {
        case .integer, .decimal, .money: true
        default: false
        }
    }

    var isEnumeration: Bool {
        if case .enumeration = self { return true }
        return false
    }
}
