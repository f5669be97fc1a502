import Exact
import Records

/// A value while evaluating: a number (points, money, counts and plain numbers are all
/// exact decimals once checked), text, a date or time, a yes/no, or nothing.
public enum RowValue: Sendable, Hashable {
    case number(Fixed)
    case text(String)
    /// Dates as days since 1970, times as minutes.
    case date(Int32)
    case time(Int16)
    case boolean(Bool)
    /// An enumeration value, by its code in the field's list.
    case code(Int64)
    case none

    var number: Fixed? {
        if case .number(let n) = self { return n }
        return nil
    }

    var isTrue: Bool {
        if case .boolean(let b) = self { return b }
        return false
    }

    /// Orders two values of one kind; nil when they cannot be compared (a missing value).
    static func compare(_ a: RowValue, _ b: RowValue) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.text(let x), .text(let y)): return compareText(x, y)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.time(let x), .time(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.boolean(let x), .boolean(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.code(let x), .code(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.none, .none): return 0
        default: return nil
        }
    }

    /// Text compares by its Unicode scalars (as UTF-8 bytes), as records are interned and
    /// keys matched: "é" written as one scalar and as e + U+0301 are different texts.
    static func compareText(_ x: String, _ y: String) -> Int {
        var a = x.utf8.makeIterator(), b = y.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let p?, let q?): if p != q { return p < q ? -1 : 1 }
            }
        }
    }

    static func holds(_ op: ComparisonOperator, _ a: RowValue, _ b: RowValue) -> Bool {
        // 空 compares equal only to a missing value.
        if case .none = a { return op == .equal ? b == .none : (op == .notEqual ? b != .none : false) }
        if case .none = b { return op == .equal ? false : op == .notEqual }
        guard let c = compare(a, b) else { return op == .notEqual }
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        case .greaterEqual: return c >= 0
        }
    }

    /// Text for explanations.
    var text: String {
        switch self {
        case .number(let n): return n.shortDescription
        case .text(let s): return s
        case .date(let d): return CivilDate(daysSinceEpoch: d).description
        case .time(let t): return TimeOfDay(minutes: t).description
        case .boolean(let b): return b ? "是" : "否"
        case .code(let c): return "#\(c)"
        case .none: return "空"
        }
    }
}
