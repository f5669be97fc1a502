import Exact
import Pay
import Records
import Results

/// Scores a month as its records stream by: each accepted row is offered to the items and
/// aggregates of its source, and only per-cadre totals are kept (and, when explaining, the
/// records behind each item). `finish` then ranks, assigns tiers and pays.
public final class MonthScorer {
    public let rules: MonthRules
    public let roster: Roster
    /// Whether to keep every contributing record for explanations. Memory then grows with
    /// the records; the batch keeps them unless asked not to.
    public let keepRecords: Bool

    struct ItemProgram {
        var item: Int
        var filter: RecordPredicate?
        var amount: RecordNumber?
        var constant: Fixed?
        var dateField: Int?
        var dailySlot: Int?
    }

    struct AccumulatorProgram {
        var accumulator: Int
        var filter: RecordPredicate?
        var argument: RecordValueFn?
        var kind: Aggregate
        var period: Period
    }

    var itemPrograms: [[ItemProgram]]
    var accumulatorPrograms: [[AccumulatorProgram]]
    let itemCount: Int
    let accumulatorCount: Int
    let dailyCount: Int
    let firstDay: Int64

    // Per cadre state, flat: [cadre * count + index].
    var itemSum: [Fixed]
    var itemRecords: [[RecordRef]]
    var daySums: [Fixed]
    var accCount: [Int32]
    var accSum: [Fixed]
    var accDays: [UInt32]
    var accExtreme: [RowValue]
    /// The file each source's records came from, for record references.
    public var fileNames: [String]
    let summaries: [RecordSummary]

    public init(rules: MonthRules, roster: Roster, keepRecords: Bool = true) {
        self.rules = rules
        self.roster = roster
        self.keepRecords = keepRecords
        let sources = rules.checked.sources
        itemPrograms = Array(repeating: [], count: sources.count)
        accumulatorPrograms = Array(repeating: [], count: sources.count)
        var daily = 0
        for (i, item) in rules.items.enumerated() {
            let schema = sources[item.source].schema
            let compiler = RecordCompiler(schema: schema, parameters: rules.parameters)
            var program = ItemProgram(item: i, filter: item.filter.map(compiler.predicate), amount: nil, constant: nil,
                                      dateField: schema.dateField.flatMap(schema.fieldIndex), dailySlot: nil)
            if case .each(let e) = item.scoring {
                if case .number(let n, _) = e { program.constant = n } else if case .parameter(let name, _) = e {
                    program.constant = rules.parameters[name] ?? .zero
                } else { program.amount = compiler.number(e) }
            }
            if item.dailyCap != nil, program.dateField != nil {
                program.dailySlot = daily
                daily += 1
            }
            itemPrograms[item.source].append(program)
        }
        for (i, acc) in rules.checked.accumulators.enumerated() {
            let compiler = RecordCompiler(schema: sources[acc.source].schema, parameters: rules.parameters)
            accumulatorPrograms[acc.source].append(AccumulatorProgram(
                accumulator: i, filter: acc.filter.map(compiler.predicate), argument: acc.argument.map(compiler.value),
                kind: acc.kind, period: acc.period))
        }
        itemCount = rules.items.count
        accumulatorCount = rules.checked.accumulators.count
        dailyCount = daily
        firstDay = Int64(rules.month.firstDay.daysSinceEpoch)
        let n = roster.count
        itemSum = Array(repeating: .zero, count: n * itemCount)
        itemRecords = keepRecords ? Array(repeating: [], count: n * itemCount) : []
        daySums = Array(repeating: .zero, count: n * daily * 31)
        accCount = Array(repeating: 0, count: n * accumulatorCount)
        accSum = Array(repeating: .zero, count: n * accumulatorCount)
        accDays = Array(repeating: 0, count: n * accumulatorCount)
        accExtreme = Array(repeating: .none, count: n * accumulatorCount)
        fileNames = sources.map { $0.schema.fileStems.first ?? $0.name }
        summaries = sources.map { RecordSummary(schema: $0.schema) }
    }

    /// Offers one accepted row of `source` (its index in the rules' sources) to the items
    /// and aggregates that read that source.
    public func consume(source: Int, decoder: borrowing FieldDecoder, row: borrowing DecodedRow) {
        let cadre = Int(row.cadre)
        guard cadre >= 0 else { return }
        for p in itemPrograms[source] {
            if let f = p.filter, !f(row, decoder) { continue }
            guard let points = p.constant ?? p.amount?(row, decoder) else { continue }
            let slot = cadre * itemCount + p.item
            itemSum[slot] = itemSum[slot] + points
            var date: CivilDate? = nil
            if let d = p.dateField, row.present[d] {
                date = CivilDate(daysSinceEpoch: Int32(row.payload[d]))
                if let k = p.dailySlot {
                    let day = Int(row.payload[d] - firstDay)
                    if day >= 0 && day < 31 {
                        let i = (cadre * dailyCount + k) * 31 + day
                        daySums[i] = daySums[i] + points
                    }
                }
            }
            if keepRecords {
                itemRecords[slot].append(RecordRef(
                    file: fileNames[source], line: row.line, date: date,
                    summary: summaries[source].text(row, decoder), points: points))
            }
        }
        for p in accumulatorPrograms[source] {
            if let f = p.filter, !f(row, decoder) { continue }
            let slot = cadre * accumulatorCount + p.accumulator
            accCount[slot] += 1
            guard let arg = p.argument else { continue }
            let v = arg(row, decoder)
            switch p.kind {
            case .count: break
            case .sum: if let n = v.number { accSum[slot] = accSum[slot] + n }
            case .distinctDays:
                if case .date(let d) = v {
                    let day = Int64(d) - firstDay
                    if day >= 0 && day < 31 { accDays[slot] |= 1 << UInt32(day) }
                }
            case .max:
                if accExtreme[slot] == .none || (RowValue.compare(v, accExtreme[slot]) ?? 0) > 0 { accExtreme[slot] = v }
            case .min:
                if accExtreme[slot] == .none || (RowValue.compare(v, accExtreme[slot]) ?? 0) < 0 { accExtreme[slot] = v }
            }
        }
    }

    /// The value of an aggregate for a cadre.
    func aggregate(_ index: Int, cadre: Int) -> RowValue {
        let slot = cadre * accumulatorCount + index
        switch rules.checked.accumulators[index].kind {
        case .count: return .number(Fixed(Int(accCount[slot])))
        case .sum: return .number(accSum[slot])
        case .distinctDays: return .number(Fixed(accDays[slot].nonzeroBitCount))
        case .max, .min: return accExtreme[slot]
        }
    }
}

/// A few words describing a record for a person reading an explanation: `夜班 20:00–08:00
/// 到岗`, `全程代办 低保申请 办结 满意`. Personal data and the cadre's own 工号 are left out.
struct RecordSummary: Sendable {
    let parts: [(index: Int, kind: Kind)]

    enum Kind: Sendable { case value, timeRange(end: Int), named(String) }

    init(schema: SourceSchema) {
        var parts: [(Int, Kind)] = []
        let skip: Set<String> = [schema.cadreField, schema.dateField, schema.keyField].compactMap { $0 }.reduce(into: []) { $0.insert($1) }
        let endIndex = schema.shift.flatMap { schema.fieldIndex($0.end) }
        for (i, f) in schema.fields.enumerated() where !skip.contains(f.name) && !f.type.isPersonal && i != endIndex {
            if let s = schema.shift, f.name == s.start, let e = endIndex { parts.append((i, .timeRange(end: e))); continue }
            switch f.type {
            case .enumeration, .text, .enumerationOrScore: parts.append((i, .value))
            case .integer, .decimal, .money, .boolean: parts.append((i, .named(f.name)))
            case .date, .time, .idNumber, .bankAccount, .phone: break
            }
        }
        self.parts = parts
    }

    func text(_ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder) -> String {
        var words: [String] = []
        for (i, kind) in parts where row.present[i] {
            switch kind {
            case .value: words.append(String(decoder.text(i, row.payload[i]).prefix(24)))
            case .timeRange(let e):
                words.append(decoder.text(i, row.payload[i]) + "–" + (row.present[e] ? decoder.text(e, row.payload[e]) : ""))
            case .named(let name):
                if case .boolean = decoder.fields[i].type {
                    if row.payload[i] != 0 { words.append(name) }
                } else {
                    words.append("\(name) \(decoder.text(i, row.payload[i]))")
                }
            }
        }
        return words.joined(separator: " ")
    }
}
