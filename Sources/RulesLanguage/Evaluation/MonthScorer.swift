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
    /// How per-cadre work is split over cores (the same results however it is split).
    public let chunks: CadreChunks
    /// The parameters and tables in force, which expressions read.
    let tables: RuleTables

    /// An item compiled for one source: plain values only, so looping over programs per
    /// row copies nothing that is reference counted.
    struct ItemProgram {
        var item: Int
        var filterStart: Int
        var filterCount: Int
        var amount: AmountOp
        var dateField: Int
        var dailySlot: Int
        /// An adjustment's 原因 and 批准人 fields (-1: none), kept apart from the record's
        /// summary so that the reason reads as the reason, not the whole row.
        var reasonField: Int = -1
        var approverField: Int = -1
    }

    struct AccumulatorProgram {
        var accumulator: Int
        var filterStart: Int
        var filterCount: Int
        var kind: Aggregate
        /// A plain field argument, or -1 with `argumentClosure` set.
        var argumentField: Int
        var argumentKind: ArgumentKind
        var argumentScale: Int
        var argumentClosure: Int
    }

    /// What a plain field argument's payload is read as.
    enum ArgumentKind { case number, date, time }

    let itemPrograms: [[ItemProgram]]
    let accumulatorPrograms: [[AccumulatorProgram]]
    let itemCount: Int
    let accumulatorCount: Int
    let dailyCount: Int
    let firstDay: Int64
    /// Days in the month: 天数 counts only dates within it.
    let dayCount: Int64
    let filterOps: UnsafeMutableBufferPointer<FilterOp>
    let filterClosures: [RecordPredicate]
    let amountClosures: [RecordNumber]
    let argumentClosures: [RecordValueFn]

    // Per cadre state, flat: [cadre * count + index]. Raw buffers: a class's array
    // properties would pay exclusivity checks and uniqueness tests on every record.
    let itemSum: UnsafeMutableBufferPointer<Fixed>
    let daySums: UnsafeMutableBufferPointer<Fixed>
    let accCount: UnsafeMutableBufferPointer<Int32>
    let accSum: UnsafeMutableBufferPointer<Fixed>
    let accDays: UnsafeMutableBufferPointer<UInt32>
    var accExtreme: [RowValue]
    var itemRecords: [[RecordRef]]
    /// An adjustment's reasons and approvers, record by record, beside `itemRecords`.
    var itemReasons: [Int: [(reason: String, approver: String)]] = [:]
    /// The file each source's records came from, for record references.
    public var fileNames: [String]
    let summaries: [RecordSummary]
    /// Each 分组's group of every cadre on the roster (its index in the labels; -1 none),
    /// and the headcounts `在岗人数（…）` reads; both filled once at the end of `init`, from
    /// the roster alone, and only read after (`MonthScorer+Groups.swift`).
    var groupCodes: [String: [Int32]] = [:]
    var headcounts: [[String]: [String: Int]] = [:]

    public init(rules: MonthRules, roster: Roster, keepRecords: Bool = true, chunks: CadreChunks = CadreChunks()) {
        self.rules = rules
        self.roster = roster
        self.keepRecords = keepRecords
        self.chunks = chunks
        tables = RuleTables(rules)
        let sources = rules.checked.sources
        var itemPrograms: [[ItemProgram]] = Array(repeating: [], count: sources.count)
        var accumulatorPrograms: [[AccumulatorProgram]] = Array(repeating: [], count: sources.count)
        var ops: [FilterOp] = []
        var filterClosures: [RecordPredicate] = []
        var amountClosures: [RecordNumber] = []
        var argumentClosures: [RecordValueFn] = []
        var daily = 0
        for (i, item) in rules.items.enumerated() {
            let schema = sources[item.source].schema
            let compiler = RecordCompiler(schema: schema, tables: tables)
            let start = ops.count
            if let f = item.filter { compiler.program(f, into: &ops, closures: &filterClosures) }
            var amount = AmountOp.constant(.zero)
            if case .each(let e) = item.scoring { amount = compiler.amount(e, closures: &amountClosures) }
            let dateField = schema.dateField.flatMap(schema.fieldIndex) ?? -1
            var slot = -1
            if item.dailyCap != nil, dateField >= 0 {
                slot = daily
                daily += 1
            }
            var program = ItemProgram(
                item: i, filterStart: start, filterCount: ops.count - start, amount: amount, dateField: dateField, dailySlot: slot)
            if item.kind == .adjustment {
                program.reasonField = schema.fieldIndex("原因") ?? schema.fieldIndex("reason") ?? -1
                program.approverField = schema.fieldIndex("批准人") ?? schema.fieldIndex("approver") ?? -1
            }
            itemPrograms[item.source].append(program)
        }
        for (i, acc) in rules.checked.accumulators.enumerated() {
            let schema = sources[acc.source].schema
            let compiler = RecordCompiler(schema: schema, tables: tables)
            let start = ops.count
            if let f = acc.filter { compiler.program(f, into: &ops, closures: &filterClosures) }
            var field = -1, closure = -1, scale = 0
            var kind = ArgumentKind.number
            switch acc.argument {
            case .field(let f, _)? where schema.fields[f].type.isNumber || [.date, .time].contains(schema.fields[f].type):
                field = f
                scale = schema.fields[f].type.scale
                kind = schema.fields[f].type == .date ? .date : schema.fields[f].type == .time ? .time : .number
            case let e?:
                argumentClosures.append(compiler.value(e))
                closure = argumentClosures.count - 1
            case nil: break
            }
            accumulatorPrograms[acc.source].append(AccumulatorProgram(
                accumulator: i, filterStart: start, filterCount: ops.count - start, kind: acc.kind,
                argumentField: field, argumentKind: kind, argumentScale: scale, argumentClosure: closure))
        }
        self.itemPrograms = itemPrograms
        self.accumulatorPrograms = accumulatorPrograms
        filterOps = UnsafeMutableBufferPointer.allocate(capacity: max(1, ops.count))
        _ = filterOps.initialize(from: ops)
        self.filterClosures = filterClosures
        self.amountClosures = amountClosures
        self.argumentClosures = argumentClosures
        itemCount = rules.items.count
        accumulatorCount = rules.checked.accumulators.count
        dailyCount = daily
        firstDay = Int64(rules.month.firstDay.daysSinceEpoch)
        dayCount = Int64(rules.month.lastDay.daysSinceEpoch) - firstDay + 1
        let n = roster.count
        func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, count))
            b.initialize(repeating: value)
            return b
        }
        itemSum = buffer(n * itemCount, .zero)
        daySums = buffer(n * daily * 31, .zero)
        accCount = buffer(n * accumulatorCount, 0)
        accSum = buffer(n * accumulatorCount, .zero)
        accDays = buffer(n * accumulatorCount, 0)
        accExtreme = Array(repeating: .none, count: n * accumulatorCount)
        itemRecords = keepRecords ? Array(repeating: [], count: n * itemCount) : []
        fileNames = sources.map { $0.schema.fileStems.first ?? $0.name }
        summaries = sources.map { RecordSummary(schema: $0.schema) }
        prepareGroups(employed: roster.cadres.indices.filter { roster.cadres[$0].isEmployed(in: rules.month) })
    }

    deinit {
        filterOps.deallocate()
        itemSum.deallocate()
        daySums.deallocate()
        accCount.deallocate()
        accSum.deallocate()
        accDays.deallocate()
    }

    /// Offers one accepted row of `source` (its index in the rules' sources) to the items
    /// and aggregates that read that source.
    public func consume(source: Int, decoder: borrowing FieldDecoder, row: borrowing DecodedRow) {
        let cadre = Int(row.cadre)
        guard cadre >= 0 else { return }
        let machine = FilterMachine(ops: UnsafeBufferPointer(filterOps), closures: filterClosures)
        row.payload.withUnsafeBufferPointer { payload in
            row.present.withUnsafeBufferPointer { present in
                itemPrograms[source].withUnsafeBufferPointer { programs in
                    for p in programs {
                        guard machine.test(p.filterStart, p.filterCount, payload, present, row, decoder) else { continue }
                        guard let points = p.amount.points(payload, present, row, decoder, amountClosures) else { continue }
                        let slot = cadre * itemCount + p.item
                        itemSum[slot] = itemSum[slot] + points
                        if p.dailySlot >= 0, p.dateField >= 0, present[p.dateField] {
                            let day = Int(payload[p.dateField] - firstDay)
                            if day >= 0 && day < 31 {
                                let i = (cadre * dailyCount + p.dailySlot) * 31 + day
                                daySums[i] = daySums[i] + points
                            }
                        }
                        if keepRecords {
                            let date = p.dateField >= 0 && present[p.dateField] ? CivilDate(daysSinceEpoch: Int32(payload[p.dateField])) : nil
                            itemRecords[slot].append(RecordRef(
                                file: fileNames[source], line: row.line, date: date,
                                summary: summaries[source].text(row, decoder), points: points))
                            if p.reasonField >= 0 || p.approverField >= 0 {
                                func text(_ f: Int) -> String { f >= 0 && present[f] ? decoder.text(f, payload[f]) : "" }
                                itemReasons[slot, default: []].append((text(p.reasonField), text(p.approverField)))
                            }
                        }
                    }
                }
                accumulatorPrograms[source].withUnsafeBufferPointer { programs in
                    for p in programs {
                        guard machine.test(p.filterStart, p.filterCount, payload, present, row, decoder) else { continue }
                        let slot = cadre * accumulatorCount + p.accumulator
                        accCount[slot] += 1
                        if p.kind == .count { continue }
                        let v: RowValue
                        if p.argumentField >= 0 {
                            let f = p.argumentField
                            guard present[f] else { continue }
                            if p.kind == .distinctDays {
                                let day = payload[f] - firstDay
                                if day >= 0 && day < dayCount { accDays[slot] |= 1 << UInt32(day) }
                                continue
                            }
                            switch p.argumentKind {
                            case .number: v = .number(Fixed(units: payload[f], scale: p.argumentScale))
                            case .date: v = .date(Int32(payload[f]))
                            case .time: v = .time(Int16(payload[f]))
                            }
                        } else if p.argumentClosure >= 0 {
                            v = argumentClosures[p.argumentClosure](row, decoder)
                        } else {
                            continue
                        }
                        switch p.kind {
                        case .count: break
                        case .sum: if let n = v.number { accSum[slot] = accSum[slot] + n }
                        case .distinctDays:
                            if case .date(let d) = v {
                                let day = Int64(d) - firstDay
                                if day >= 0 && day < dayCount { accDays[slot] |= 1 << UInt32(day) }
                            }
                        case .max:
                            if accExtreme[slot] == .none || (RowValue.compare(v, accExtreme[slot]) ?? 0) > 0 { accExtreme[slot] = v }
                        case .min:
                            if accExtreme[slot] == .none || (RowValue.compare(v, accExtreme[slot]) ?? 0) < 0 { accExtreme[slot] = v }
                        }
                    }
                }
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
