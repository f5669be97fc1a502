import Exact
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
    let parameters: [String: Fixed]

    /// Remembers the code a text literal got in a field's interner, once it has one.
    final class CodeCache: @unchecked Sendable {
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
        case (.enumCode(let c, _), .equal): return { r, _ in r.present[i] && r.payload[i] == c }
        case (.enumCode(let c, _), .notEqual): return { r, _ in !r.present[i] || r.payload[i] != c }
        case (.none, .equal): return { r, _ in !r.present[i] }
        case (.none, .notEqual): return { r, _ in r.present[i] }
        case (.boolean(let v), .equal): return { r, _ in r.present[i] && (r.payload[i] != 0) == v }
        case (.boolean(let v), .notEqual): return { r, _ in !r.present[i] || (r.payload[i] != 0) != v }
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
                if cache.code < 0, let c = d.interners[i].code(of: s) { cache.code = Int64(c) }
                return (cache.code >= 0 && r.payload[i] == cache.code) != negate
            }
        case (.number(let n, _), _):
            let scale = type.scale
            guard case .integer = type.kindForCompare(scale: scale), let units = n.widened(to: scale), units.scale == scale,
                  n.normalized.scale <= scale else { return nil }
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
        if case .field(let i, _) = e {
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
        case .boolean(let b): return { _, _ in .boolean(b) }
        case .none: return { _, _ in .none }
        case .enumCode(let c, _): return { _, _ in .code(c) }
        case .parameter(let name, _):
            let v = parameters[name] ?? .zero
            return { _, _ in .number(v) }
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
            return { r, d in
                guard let u = x(r, d).number, let v = y(r, d).number else { return .none }
                return Arithmetic.apply(op, u, v).map { .number($0) } ?? .none
            }
        case .compare(let first, let links):
            let f = value(first)
            let rest = links.map { ($0.0, value($0.1)) }
            return { r, d in
                var left = f(r, d)
                for (op, g) in rest {
                    let right = g(r, d)
                    if !RowValue.holds(op, left, right) { return .boolean(false) }
                    left = right
                }
                return .boolean(true)
            }
        case .member(let x, let options):
            let f = value(x)
            let opts = options.map(value)
            return { r, d in
                let v = f(r, d)
                return .boolean(opts.contains { RowValue.holds(.equal, v, $0(r, d)) })
            }
        case .conditional(let c, let a, let b, _):
            let p = value(c), x = value(a), y = value(b)
            return { r, d in p(r, d).isTrue ? x(r, d) : y(r, d) }
        default:
            // Cadre-level nodes cannot occur in a checked record expression.
            return { _, _ in .none }
        }
    }
}

/// Exact arithmetic for evaluation. Quotients inside an expression are carried to ten
/// places (四舍五入); a pay line's own division rounds once, as the line declares.
enum Arithmetic {
    static let quotientScale = 10

    static func apply(_ op: BinaryOperator, _ a: Fixed, _ b: Fixed) -> Fixed? {
        switch op {
        case .add: return a.adding(b)
        case .subtract: return a.subtracting(b)
        case .multiply: return a.multiplying(b)
        case .divide: return a.dividing(by: b, scale: quotientScale, .halfUp)
        case .and, .or: return nil
        }
    }
}

extension Records.FieldType {
    /// Whether a field's payload is an exact count of units at `scale` (so a constant can
    /// be compared with the payload directly).
    func kindForCompare(scale: Int) -> CompareKind {
        switch self {
        case .integer, .decimal, .money: .integer
        default: .other
        }
    }

    enum CompareKind { case integer, other }
}
