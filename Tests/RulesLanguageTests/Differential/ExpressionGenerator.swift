import Exact
import Foundation
import Pay
@testable import Records
@testable import RulesLanguage
import TestSupport

/// A generated source: a schema of fields of every kind, typed as the checker types them,
/// with the words its text fields draw from.
struct GeneratedSource {
    var schema: SourceSchema
    var types: [ValueType]
    var words: [Int: [String]]
    var month: YearMonth

    /// Words for text fields: plain, spaced, full-width, and é both composed and
    /// decomposed (equal as Swift strings, different as bytes).
    static let textPool = ["合格", "不合格", "甲", "乙 丙", "ＡＢ", "x", "\u{e9}", "e\u{301}", "夜班"]
    static let enumPool = ["白班", "晚班", "夜班", "节假日", "到岗", "缺勤", "满意", "不满意"]

    static func make(_ r: inout SeededRandom, month: YearMonth, name: String = "记录") -> GeneratedSource {
        var fields = [FieldSpec("工号", .text), FieldSpec("日期", .date)]
        var types: [ValueType] = [.text, .date]
        var words: [Int: [String]] = [0: ["A-1", "A-2"]]
        for k in 0..<r.int(4...9) {
            let optional = r.chance(0.6)
            let type: Records.FieldType
            var valueType: ValueType
            switch r.int(0...10) {
            case 0, 1:
                type = .text
                valueType = .text
                words[fields.count] = Array(textPool.shuffled(using: &r).prefix(r.int(2...5)))
            case 2:
                var list = Array(enumPool.shuffled(using: &r).prefix(r.int(2...5)))
                // Now and then more words than a 64-bit mask holds.
                if r.chance(0.15) { list += (0..<66).map { "值\($0)" } }
                type = .enumeration(list)
                valueType = .enumeration(list)
            case 3:
                type = .integer(min: nil, max: nil)
                valueType = .count
            case 4:
                let scale = r.int(0...4)
                type = .decimal(scale: scale, min: nil, max: nil)
                valueType = scale == 2 && r.chance(0.5) ? .points : .number
            case 5:
                type = .money
                valueType = .money
            case 6:
                type = .date
                valueType = .date
            case 7:
                type = .time
                valueType = .time
            case 8:
                type = .boolean
                valueType = .boolean
            case 9:
                type = .enumerationOrScore(["合格", "不合格"], maxScore: 100)
                valueType = .text
            default:
                type = .decimal(scale: 1, min: nil, max: nil)
                valueType = .number
            }
            fields.append(FieldSpec("字段\(k)", type, required: false, optionalValue: optional))
            types.append(valueType)
        }
        let schema = SourceSchema(name: name, fileStems: [name], role: .activity, fields: fields, cadreField: "工号", dateField: "日期")
        return GeneratedSource(schema: schema, types: types, words: words, month: month)
    }

    /// The text of one cell of field `i` (empty for a blank).
    func cell(_ i: Int, _ r: inout SeededRandom) -> String {
        let f = schema.fields[i]
        if i > 1, f.isOptionalValue, r.chance(0.2) { return "" }
        switch f.type {
        case .text: return r.pick(words[i] ?? ["x"])
        case .enumeration(let list): return r.chance(0.8) ? list[r.int(0...min(list.count - 1, 5))] : r.pick(list)
        case .integer: return String(r.pick([0, 1, 2, 3, 5, 8, 10, 39, 40, -3, 1_000_000, 9_000_000_000_000_000]))
        case .decimal(let scale, _, _): return Self.decimal(scale, &r).description
        case .money: return Self.decimal(2, &r).description
        case .date:
            // The record's own date lies in the month; other dates now and then outside it.
            let day = i == 1 ? r.int(0...(month.dayCount - 1)) : r.int(-3...(month.dayCount + 2))
            return month.firstDay.advanced(by: day).description
        case .time: return String(format: "%02d:%02d", r.int(0...23), r.pick([0, 15, 30, 59]))
        case .boolean: return r.pick(["是", "否"])
        case .enumerationOrScore: return r.pick(["合格", "不合格", "0", "60", "100"])
        default: return "x"
        }
    }

    static func decimal(_ scale: Int, _ r: inout SeededRandom) -> Fixed {
        let units: Int64 = r.chance(0.05) ? Int64(r.pick([9_000_000_000_000_000, -9_000_000_000_000_000]))
            : Int64(r.int(-2_000...50_000))
        return Fixed(units: units, scale: scale)
    }

    /// Rows of the source decoded as a validator decodes them, for `cadres` cadres; each
    /// row belongs to a cadre (its `cadre` index) and comes with the decoder it was read by.
    func rows(_ count: Int, cadres: Int, _ r: inout SeededRandom, decoder: inout FieldDecoder) -> [DecodedRow] {
        var out: [DecodedRow] = []
        for line in 0..<count {
            var row = DecodedRow(payload: Array(repeating: 0, count: schema.fields.count),
                                 present: Array(repeating: false, count: schema.fields.count), cadre: Int32(r.int(0...(cadres - 1))), line: line + 2)
            for i in schema.fields.indices {
                let text = cell(i, &r)
                let bytes = Array(text.utf8)
                let decoded = bytes.withUnsafeBufferPointer { decoder.decode(i, $0, kind: .text) }
                if case .success(let v)? = decoded {
                    row.payload[i] = v
                    row.present[i] = true
                }
            }
            out.append(row)
        }
        return out
    }
}

extension YearMonth {
    var dayCount: Int { Int(lastDay.daysSinceEpoch - firstDay.daysSinceEpoch) + 1 }
}

/// Generates well-typed checked expressions, as the checker would produce them, for a
/// record of a generated source (`record`) or for a cadre (`cadre`).
struct ExpressionGenerator {
    enum Context { case record, cadre }

    var r: SeededRandom
    let source: GeneratedSource
    let context: Context
    /// Parameters by name, with their types.
    let parameters: [(String, Fixed, ValueType)]
    let lookups: [String: CheckedLookup]
    let brackets: [String]
    /// Cadre context: items, aggregates (index and type), roster fields, pay lines.
    var items: [String] = []
    var aggregates: [(Int, ValueType)] = []
    var rosterFields: [(String, ValueType)] = []
    var payLines: [String] = []

    static let numericTypes: [ValueType] = [.number, .count, .points, .money]

    // MARK: Numbers

    mutating func literal(_ type: ValueType) -> TExpr {
        let n: Fixed
        switch r.int(0...9) {
        case 0: n = .zero
        case 1: n = Fixed(units: Int64(r.int(1...9)) * 10, scale: 1)           // 3.0: trailing zeros
        case 2: n = Fixed(units: Int64(r.int(-50...50)) * 100, scale: 2)        // 2.00
        case 3: n = Fixed(units: Int64(r.int(-999...999)), scale: r.int(1...3))
        case 4: n = Fixed(units: 9_000_000_000_000_000, scale: r.int(0...2))
        case 5: n = Fixed(units: Int64(r.int(1...9)), scale: r.int(4...12))
        default: n = Fixed(r.int(-5...60))
        }
        return .number(n, type)
    }

    /// A numeric expression of any numeric type.
    mutating func number(_ depth: Int) -> TExpr {
        number(r.pick(Self.numericTypes), depth)
    }

    /// A numeric expression of `type` (or `.number`, which mixes with anything).
    mutating func number(_ type: ValueType, _ depth: Int) -> TExpr {
        if depth <= 0 || r.chance(0.3) { return numericLeaf(type) }
        switch r.int(0...9) {
        case 0, 1, 2:
            // a + b, a − b: same type, or a plain number with either.
            let op: BinaryOperator = r.chance(0.5) ? .add : .subtract
            let a = number(type, depth - 1), b = number(r.chance(0.7) ? type : .number, depth - 1)
            return .arithmetic(op, a, b, Self.arithmeticType(op, a.type, b.type) ?? type)
        case 3, 4:
            let a = number(type, depth - 1), b = number(r.pick([.number, .count]), depth - 1)
            let (x, y) = r.chance(0.5) ? (a, b) : (b, a)
            return .arithmetic(.multiply, x, y, Self.arithmeticType(.multiply, x.type, y.type) ?? type)
        case 5:
            let a = number(type, depth - 1), b = number(r.pick([.number, .count]), depth - 1)
            return .arithmetic(.divide, a, b, Self.arithmeticType(.divide, a.type, b.type) ?? type)
        case 6:
            let x = number(type, depth - 1)
            return .negate(x, x.type)
        case 7:
            let a = number(type, depth - 1), b = number(type, depth - 1)
            return .conditional(condition(depth - 1), a, b, a.type == .number ? b.type : a.type)
        case 8:
            let v = number(type, depth - 1)
            return .clamp(v, number(type, depth - 1), number(type, depth - 1), v.type)
        default:
            if let (name, table) = lookups.filter({ $0.value.valueType != .time }).randomElement(using: &r) {
                return .lookup(name, lookupKey(table), table.valueType)
            }
            return numericLeaf(type)
        }
    }

    mutating func numericLeaf(_ type: ValueType) -> TExpr {
        var options: [TExpr] = [literal(type)]
        switch context {
        case .record:
            for (i, t) in source.types.enumerated() where t == type || (type == .number && t.isNumeric) { options.append(.field(i, t)) }
            // 开始 - 应到时间（班次）: minutes between two times.
            if type == .number, let i = source.types.firstIndex(of: .time) { options.append(.arithmetic(.subtract, .field(i, .time), timeValue(), .number)) }
        case .cadre:
            if type == .points || type == .number {
                options.append(.score)
                options += items.map { .item($0) }
            }
            if type == .count || type == .number {
                options.append(.monthsEmployed)
                options += [.calendar(.daysInPost), .calendar(.daysInMonth), .headcount(r.pick(World.headcountKeys))]
            }
            if type == .money || type == .number {
                options += payLines.flatMap { [.payLine($0, .money), .yearToDate($0), .priorToDate($0)] }
                options.append(.poolShare(.number(Fixed(100), .money), .score, []))
                if let b = brackets.first, r.chance(0.3) { options.append(.bracket(b, numericLeaf(.money))) }
            }
            for (i, t) in aggregates where t == type || (type == .number && t.isNumeric) { options.append(.aggregate(i, t)) }
            for (n, t) in rosterFields where t == type || (type == .number && t.isNumeric) { options.append(.rosterField(n, t)) }
        }
        for (name, _, t) in parameters where t == type || type == .number { options.append(.parameter(name, t)) }
        if context == .record, let b = brackets.first, type == .money, r.chance(0.1) {
            options.append(.bracket(b, .field(source.types.firstIndex(of: .money) ?? 0, .money)))
        }
        return r.pick(options)
    }

    mutating func lookupKey(_ table: CheckedLookup) -> TExpr {
        let textual = table.rows.contains { if case .text? = $0.key { true } else { false } }
        if textual {
            var options: [TExpr] = [.text(r.pick(["夜班", "甲", "不存在"]))]
            switch context {
            case .record:
                for (i, t) in source.types.enumerated() {
                    if t == .text { options.append(.field(i, t)) }
                    if case .enumeration = t { options.append(.field(i, t)) }
                }
            case .cadre:
                for (n, t) in rosterFields {
                    if t == .text { options.append(.rosterField(n, t)) }
                    if case .enumeration = t { options.append(.rosterField(n, t)) }
                }
            }
            return r.pick(options)
        }
        return number(.number, 1)
    }

    /// The checker's type of `a op b`, nil where it reports mixed units.
    static func arithmeticType(_ op: BinaryOperator, _ a: ValueType, _ b: ValueType) -> ValueType? {
        Checker.arithmeticResult(op, a, b)
    }

    // MARK: Conditions

    mutating func condition(_ depth: Int) -> TExpr {
        if depth <= 0 || r.chance(0.25) { return simpleCondition() }
        switch r.int(0...5) {
        case 0: return .not(condition(depth - 1))
        case 1, 2: return .logical(.and, condition(depth - 1), condition(depth - 1))
        case 3: return .logical(.or, condition(depth - 1), condition(depth - 1))
        case 4:
            // A chain: 0 ≤ x < 10.
            let t = r.pick(Self.numericTypes)
            return .compare(number(.number, 0), [(r.pick([.less, .lessEqual]), number(t, depth - 1)), (r.pick([.less, .lessEqual]), number(.number, 0))])
        default:
            let t = r.pick(Self.numericTypes)
            return .compare(number(t, depth - 1), [(r.pick(ComparisonOperator.allCases), number(r.chance(0.5) ? t : .number, depth - 1))])
        }
    }

    /// The shapes rules write most, which the fast paths compile specially, and their
    /// neighbours.
    mutating func simpleCondition() -> TExpr {
        let op = r.pick(ComparisonOperator.allCases)
        let eq: ComparisonOperator = r.chance(0.5) ? .equal : .notEqual
        switch context {
        case .cadre:
            switch r.int(0...5) {
            case 0: return .boolean(r.chance(0.5))
            case 5: return .calendar(r.pick([.joinedThisMonth, .leftThisMonth]))
            case 1:
                if let (n, t) = rosterFields.randomElement(using: &r) {
                    if case .enumeration(let words) = t {
                        let c = r.int(0...(words.count - 1))
                        return r.chance(0.7) ? .compare(.rosterField(n, t), [(eq, .enumCode(Int64(c), words[c]))])
                            : .compare(.text(r.pick(words + ["不存在"])), [(eq, .rosterField(n, t))])
                    }
                    if t == .text { return .compare(.rosterField(n, t), [(eq, .text(r.pick(["甲", "A-1", "富民"])))]) }
                    if t == .date { return .compare(.rosterField(n, t), [(op, r.chance(0.5) ? .none : .date(source.month.firstDay))]) }
                }
                return .boolean(true)
            case 2: return .compare(number(1), [(eq, .none)])
            default:
                let t = r.pick(Self.numericTypes)
                return .compare(numericLeaf(t), [(op, numericLeaf(r.chance(0.5) ? t : .number))])
            }
        case .record:
            break
        }
        let i = r.int(0...(source.types.count - 1))
        let field = TExpr.field(i, source.types[i])
        switch source.types[i] {
        case .enumeration(let words):
            let c = Int64(r.int(0...(words.count - 1)))
            switch r.int(0...6) {
            case 0, 1: return .compare(field, [(eq, .enumCode(c, words[Int(c)]))])
            case 2: return .compare(field, [(eq, .none)])
            case 3:
                let codes = (0..<r.int(1...3)).map { _ in Int64(r.int(0...(words.count - 1))) }
                return .member(field, codes.map { .enumCode($0, words[Int($0)]) })
            case 4:
                // “夜班” = 班次: a word written before the field stays text.
                return .compare(.text(r.pick(words + ["不存在"])), [(eq, field)])
            case 5:
                // An enumeration against a text field, or against itself ordered.
                if let j = source.types.firstIndex(of: .text) { return .compare(field, [(eq, .field(j, .text))]) }
                return .compare(field, [(op, .enumCode(c, words[Int(c)]))])
            default: return .compare(field, [(op, .enumCode(c, words[Int(c)]))])
            }
        case .boolean:
            return r.chance(0.8) ? .compare(field, [(eq, .boolean(r.chance(0.5)))]) : .compare(.none, [(eq, field)])
        case .text:
            let w = r.pick((source.words[i] ?? []) + GeneratedSource.textPool)
            switch r.int(0...4) {
            case 0, 1: return .compare(field, [(eq, .text(w))])
            case 2: return .compare(.text(w), [(eq, field)])
            case 3: return .member(field, [.text(w), .text(r.pick(GeneratedSource.textPool))])
            default: return .compare(field, [(op, .text(w))])
            }
        case .date:
            let d = TExpr.date(source.month.firstDay.advanced(by: r.int(-2...32)))
            switch r.int(0...3) {
            case 0: return .compare(field, [(op, d)])
            case 1: return .compare(d, [(op, field)])
            case 2: return .compare(field, [(op, .field(1, .date))])
            default: return .member(field, [d, .date(source.month.firstDay)])
            }
        case .time:
            switch r.int(0...5) {
            case 0:
                if let j = source.types.indices.last(where: { source.types[$0] == .time }) { return .compare(field, [(op, .field(j, .time))]) }
                return .compare(field, [(eq, .none)])
            case 1, 2: return .compare(field, [(op, timeValue())])
            case 3: return .compare(timeValue(), [(op, field)])
            case 4: return .compare(.arithmetic(.subtract, field, timeValue(), .number), [(op, literal(.number))])
            default: return .compare(field, [(eq, .none)])
            }
        default:
            switch r.int(0...5) {
            case 0: return .compare(field, [(eq, .none)])
            case 1: return .compare(.none, [(eq, field)])
            case 2: return .compare(number(0), [(op, field)])
            case 3: return .member(field, [literal(source.types[i]), literal(.number)])
            default: return .compare(field, [(op, literal(r.chance(0.5) ? source.types[i] : .number))])
            }
        }
    }

    /// A time to compare a time field with: a literal (08:30, midnight, 24:00), the time
    /// parameter 上班时间, or the table of times 应到时间 by a text or enumeration key.
    mutating func timeValue() -> TExpr {
        switch r.int(0...4) {
        case 0, 1: return .time(TimeOfDay(minutes: Int16(r.pick([0, 510, 511, 509, 1200, 1439, 1440, 15, 30, 59]))))
        case 2: return .parameter("上班时间", .time)
        default:
            if let table = lookups["应到时间"] { return .lookup("应到时间", lookupKey(table), .time) }
            return .time(TimeOfDay(minutes: 510))
        }
    }

    // MARK: Any value

    /// An expression of any type: numbers, conditions, and values of fields of every kind.
    mutating func value(_ depth: Int) -> TExpr {
        switch r.int(0...6) {
        case 0, 1: return number(depth)
        case 2, 3: return condition(depth)
        case 4:
            switch context {
            case .record:
                let i = r.int(0...(source.types.count - 1))
                let f = TExpr.field(i, source.types[i])
                return r.chance(0.3) ? .conditional(condition(depth - 1), f, f, source.types[i]) : f
            case .cadre:
                if let (n, t) = rosterFields.randomElement(using: &r) { return .rosterField(n, t) }
                return .score
            }
        case 5:
            return r.pick([.text("甲"), .date(source.month.firstDay), .none, .boolean(true), .enumCode(1, "晚班")])
        default:
            let x = number(depth - 1)
            return .negate(x, x.type)
        }
    }
}
