import Exact
import Records

/// A record filter compiled to a flat postfix program of plain values: evaluating it reads
/// the row's payloads through pointers, with no closure calls, reference counting or
/// dictionary lookups. Anything the program has no instruction for falls back to a compiled
/// closure (`.closure`).
enum FilterOp: Sendable {
    case equals(field: Int, code: Int64)
    case notEquals(field: Int, code: Int64)
    case present(Int)
    case absent(Int)
    case inMask(field: Int, mask: UInt64)
    case compare(field: Int, op: ComparisonOperator, value: Int64)
    case closure(Int)
    case and, or, not
}

/// How a record's points are found: a constant, a field, a field times a constant, or a
/// compiled closure.
enum AmountOp: Sendable {
    case constant(Fixed)
    case field(Int, scale: Int)
    case fieldTimes(Int, scale: Int, Fixed)
    case closure(Int)
}

extension RecordCompiler {
    /// Appends the postfix program of `e` to `ops`; closures for what has no instruction go
    /// to `closures`.
    func program(_ e: TExpr, into ops: inout [FilterOp], closures: inout [RecordPredicate]) {
        switch e {
        case .boolean(true): ops.append(.present(-1))
        case .logical(let op, let a, let b):
            program(a, into: &ops, closures: &closures)
            program(b, into: &ops, closures: &closures)
            ops.append(op == .and ? .and : .or)
        case .not(let a):
            program(a, into: &ops, closures: &closures)
            ops.append(.not)
        case .compare(.field(let i, _), let links) where links.count == 1:
            if let op = simple(i, links[0].0, links[0].1) { ops.append(op) } else { fallback(e, &ops, &closures) }
        case .member(.field(let i, _), let options)
            where schema.fields[i].type.isEnumeration && options.allSatisfy({ if case .enumCode(let c, _) = $0 { c < 64 } else { false } }):
            var mask: UInt64 = 0
            for case .enumCode(let c, _) in options { mask |= 1 << UInt64(c) }
            ops.append(.inMask(field: i, mask: mask))
        default:
            fallback(e, &ops, &closures)
        }
    }

    private func fallback(_ e: TExpr, _ ops: inout [FilterOp], _ closures: inout [RecordPredicate]) {
        closures.append(predicate(e))
        ops.append(.closure(closures.count - 1))
    }

    private func simple(_ i: Int, _ op: ComparisonOperator, _ b: TExpr) -> FilterOp? {
        let type = schema.fields[i].type
        switch (b, op) {
        case (.enumCode(let c, _), .equal) where type.isEnumeration: return .equals(field: i, code: c)
        case (.enumCode(let c, _), .notEqual) where type.isEnumeration: return .notEquals(field: i, code: c)
        case (.none, .equal): return .absent(i)
        case (.none, .notEqual): return .present(i)
        case (.boolean(let v), .equal) where type == .boolean: return .equals(field: i, code: v ? 1 : 0)
        case (.boolean(let v), .notEqual) where type == .boolean: return .notEquals(field: i, code: v ? 1 : 0)
        case (.text(let s), .equal), (.text(let s), .notEqual):
            guard case .enumeration(let words) = type else { return nil }
            let c = Int64(words.firstIndex(of: s) ?? -1)
            return op == .equal ? .equals(field: i, code: c) : .notEquals(field: i, code: c)
        case (.time(let t), _) where type == .time:
            return .compare(field: i, op: op, value: Int64(t.minutes))
        case (.number(let n, _), _):
            // The constant as a count of the field's units (8.0 against a whole number is
            // 8); one finer than the field is left to the closure, which compares exactly.
            guard type.isNumber, let units = n.normalized.widened(to: type.scale), units.scale == type.scale else { return nil }
            return .compare(field: i, op: op, value: units.units)
        default:
            return nil
        }
    }

    func amount(_ e: TExpr, closures: inout [RecordNumber]) -> AmountOp {
        switch e {
        case .number(let n, _): return .constant(n)
        case .parameter(let name, _): return .constant(tables.parameters[name] ?? .zero)
        case .field(let i, _) where schema.fields[i].type.isNumber: return .field(i, scale: schema.fields[i].type.scale)
        case .arithmetic(.multiply, .field(let i, _), .number(let n, _), _) where schema.fields[i].type.isNumber,
             .arithmetic(.multiply, .number(let n, _), .field(let i, _), _) where schema.fields[i].type.isNumber:
            return .fieldTimes(i, scale: schema.fields[i].type.scale, n)
        default:
            closures.append(number(e))
            return .closure(closures.count - 1)
        }
    }
}

extension AmountOp {
    /// A record's points; nil when a field it needs is blank.
    @inline(__always)
    func points(_ payload: UnsafeBufferPointer<Int64>, _ present: UnsafeBufferPointer<Bool>,
                _ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder, _ closures: UnsafeBufferPointer<RecordNumber>) -> Fixed? {
        switch self {
        case .constant(let c): return c
        case .field(let f, let scale):
            guard present[f] else { return nil }
            return Fixed(units: payload[f], scale: scale)
        case .fieldTimes(let f, let scale, let factor):
            guard present[f] else { return nil }
            // A product beyond exact numbers is blank, as the reference has it.
            return Fixed(units: payload[f], scale: scale).multiplying(factor)
        case .closure(let i):
            return closures[i](row, decoder)
        }
    }

    /// Whether `points` was nil because a product left exact numbers (not for a blank
    /// field): the month stops at the record rather than scoring it as nothing.
    func overflowed(_ payload: UnsafeBufferPointer<Int64>, _ present: UnsafeBufferPointer<Bool>) -> Bool {
        guard case .fieldTimes(let f, let scale, let factor) = self, present[f] else { return false }
        return Fixed(units: payload[f], scale: scale).multiplying(factor) == nil
    }
}

/// Runs filter programs over one row's payloads.
struct FilterMachine {
    let ops: UnsafeBufferPointer<FilterOp>
    let closures: UnsafeBufferPointer<RecordPredicate>

    @inline(__always)
    func test(_ start: Int, _ count: Int, _ payload: UnsafeBufferPointer<Int64>, _ present: UnsafeBufferPointer<Bool>,
              _ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder) -> Bool {
        if count == 0 { return true }
        // A stack of truth values in the bits of one word; filters are never 64 deep.
        var stack: UInt64 = 0
        var depth = 0
        for k in start..<(start + count) {
            var bit: Bool
            switch ops[k] {
            case .equals(let f, let c): bit = present[f] && payload[f] == c
            case .notEquals(let f, let c): bit = !present[f] || payload[f] != c
            case .present(let f): bit = f < 0 || present[f]
            case .absent(let f): bit = !present[f]
            case .inMask(let f, let m):
                let v = payload[f]
                bit = present[f] && v >= 0 && v < 64 && (m >> UInt64(v)) & 1 == 1
            case .compare(let f, let op, let value):
                if !present[f] {
                    bit = op == .notEqual
                } else {
                    let v = payload[f]
                    switch op {
                    case .equal: bit = v == value
                    case .notEqual: bit = v != value
                    case .less: bit = v < value
                    case .lessEqual: bit = v <= value
                    case .greater: bit = v > value
                    case .greaterEqual: bit = v >= value
                    }
                }
            case .closure(let i): bit = closures[i](row, decoder)
            case .and:
                let b = stack & 1 == 1, a = (stack >> 1) & 1 == 1
                stack >>= 2
                depth -= 2
                bit = a && b
            case .or:
                let b = stack & 1 == 1, a = (stack >> 1) & 1 == 1
                stack >>= 2
                depth -= 2
                bit = a || b
            case .not:
                let a = stack & 1 == 1
                stack >>= 1
                depth -= 1
                bit = !a
            }
            stack = (stack << 1) | (bit ? 1 : 0)
            depth += 1
        }
        return stack & 1 == 1
    }
}
