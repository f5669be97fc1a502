import Exact
import Pay
import Records

/// The parameters and tables in force for a month, which expressions of every kind read.
struct RuleTables: Sendable {
    var parameters: [String: Fixed] = [:]
    var lookups: [String: CheckedLookup] = [:]
    var brackets: [String: BracketTable] = [:]
    /// Parameters that hold a time of day (`参数 上班时间 = 08:30`), as minutes.
    var timeParameters: Set<String> = []

    init(parameters: [String: Fixed] = [:], lookups: [String: CheckedLookup] = [:], brackets: [String: BracketTable] = [:],
         timeParameters: Set<String> = []) {
        self.parameters = parameters
        self.lookups = lookups
        self.brackets = brackets
        self.timeParameters = timeParameters
    }

    init(_ rules: MonthRules) {
        self.init(parameters: rules.parameters, lookups: rules.lookups, brackets: rules.brackets,
                  timeParameters: Set(rules.checked.parameters.values.filter { $0.type == .time }.map(\.name)))
    }

    /// A parameter with no value in force reads 0 (a batch refuses such a month first).
    func parameter(_ name: String) -> RowValue {
        let v = parameters[name] ?? .zero
        return timeParameters.contains(name) ? .time(Int16(truncatingIfNeeded: v.units)) : .number(v)
    }
}

/// One decoded record as the reference interpreter reads it: each field's payload turned
/// into a value by the field's type, a blank cell into `.none`.
struct RecordScope: EvaluationScope {
    var payload: [Int64]
    var present: [Bool]
    var decoder: FieldDecoder
    var tables: RuleTables

    init(_ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder, tables: RuleTables) {
        payload = row.payload
        present = row.present
        self.decoder = copy decoder
        self.tables = tables
    }

    func value(of name: TExpr) -> RowValue {
        switch name {
        case .field(let i, _): return field(i)
        case .parameter(let p, _): return tables.parameter(p)
        default: return .none
        }
    }

    func field(_ i: Int) -> RowValue {
        guard present[i] else { return .none }
        let v = payload[i]
        switch decoder.fields[i].type {
        case .enumeration: return .code(v)
        case .date: return .date(Int32(v))
        case .time: return .time(Int16(v))
        case .boolean: return .boolean(v != 0)
        case .integer, .decimal, .money: return .number(Fixed(units: v, scale: decoder.fields[i].type.scale))
        case .text, .idNumber, .bankAccount, .phone, .enumerationOrScore: return .text(decoder.text(i, v))
        }
    }

    func lookup(_ name: String) -> CheckedLookup? { tables.lookups[name] }
    func brackets(_ name: String) -> BracketTable? { tables.brackets[name] }
}

extension Interpreter {
    /// What one cadre's records of an item's source come to (`每条 …`): the sum of the
    /// points of each record the filter selects, in file order; a record whose points are
    /// blank counts nothing. nil when the sum leaves the range of exact numbers.
    static func itemTotal(filter: TExpr?, points: TExpr, records: [RecordScope]) -> Fixed? {
        var total = Fixed.zero
        for var r in records where filter.map({ evaluate($0, in: &r).isTrue }) ?? true {
            guard let p = evaluate(points, in: &r).number else { continue }
            guard let sum = total.adding(p) else { return nil }
            total = sum
        }
        return total
    }

    /// An aggregate over one cadre's records of its source, in file order: 条数 counts the
    /// records the filter selects; 合计 adds their non-blank numbers; 天数 counts the
    /// distinct dates within `month`; 最大/最小 give the first greatest or least non-blank
    /// value, or blank when there is none. nil when a 合计 leaves the range of exact numbers.
    static func aggregate(_ kind: Aggregate, filter: TExpr?, argument: TExpr?, records: [RecordScope], month: YearMonth) -> RowValue? {
        var count = 0
        var sum = Fixed.zero
        var days: Set<Int32> = []
        var extreme = RowValue.none
        let first = month.firstDay.daysSinceEpoch, last = month.lastDay.daysSinceEpoch
        for var r in records where filter.map({ evaluate($0, in: &r).isTrue }) ?? true {
            count += 1
            guard kind != .count, let argument else { continue }
            let v = evaluate(argument, in: &r)
            switch kind {
            case .count: break
            case .sum:
                guard let n = v.number else { continue }
                guard let s = sum.adding(n) else { return nil }
                sum = s
            case .distinctDays:
                if case .date(let d) = v, d >= first, d <= last { days.insert(d) }
            case .max, .min:
                if v == .none { continue }
                if extreme == .none { extreme = v; continue }
                let c = RowValue.compare(v, extreme) ?? 0
                if kind == .max ? c > 0 : c < 0 { extreme = v }
            }
        }
        switch kind {
        case .count: return .number(Fixed(count))
        case .sum: return .number(sum)
        case .distinctDays: return .number(Fixed(days.count))
        case .max, .min: return extreme
        }
    }
}
