import Diagnostics
import Exact
import Foundation
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
    /// Threads rows may come from at once (`DecodedRow.lane`, `ValidationTuning.lanes`),
    /// each with the rows of its own cadres: per-cadre state is written by one lane only,
    /// and what rows share (compiled closures with their caches, summary texts) is kept
    /// per lane.
    public let lanes: Int
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

    // Per cadre state, flat: [cadre * count + index]. Raw buffers: a class's array
    // properties would pay exclusivity checks and uniqueness tests on every record.
    let itemSum: UnsafeMutableBufferPointer<Fixed>
    let daySums: UnsafeMutableBufferPointer<Fixed>
    let accCount: UnsafeMutableBufferPointer<Int32>
    let accSum: UnsafeMutableBufferPointer<Fixed>
    let accDays: UnsafeMutableBufferPointer<UInt32>
    let accExtreme: UnsafeMutableBufferPointer<RowValue>
    /// Each item's contributing records per cadre (slot `cadre * itemCount + item`),
    /// compact: file and summary by number in `recordFiles` and `texts` (24 bytes a
    /// record, no `String` of its own), written to a spill file as rows stream and sorted
    /// into slots when the month is scored (`RecordSpill`): out of the heap.
    let recordSpill: RecordSpillWriter?
    /// An adjustment's reasons and approvers, record by record, beside its records.
    let itemReasons: UnsafeMutableBufferPointer<[(reason: String, approver: String)]>
    /// The file each source's records came from, for record references.
    public var fileNames: [String] { didSet { numberFiles() } }
    /// Every file name records cite, each once, and the number of each source's current one.
    var recordFiles: [String] = []
    var fileOfSource: [UInt16] = []
    let summaries: [RecordSummary]
    /// Sources whose rows carry free text a clerk writes (an adjustment's 原因): their summaries
    /// and reasons are masked by content, so an ID number or account typed there shows masked
    /// in explanations, 积分明细 and the portal, as everywhere else.
    let freeTextSources: [Bool]
    /// Each distinct summary text, once: records name theirs by number. Each lane appends the
    /// texts it makes to texts of its own, spilled to a file as they come (`SummaryTextWriter`:
    /// lane `l`'s `k`-th is number `k × lanes + l`); which lane made a text only the numbers
    /// show (records are read, and stored, by their text).
    let texts: SummaryTextWriter
    /// What each lane reads and writes as it consumes rows (`LaneKeys`), in a raw buffer:
    /// taking a lane's own never touches the reference count of anything another lane uses.
    let laneKeys: UnsafeMutableBufferPointer<LaneKeys>
    /// The same lanes, unretained: what a row takes its lane's state through.
    let laneRefs: UnsafeMutableBufferPointer<Unmanaged<LaneKeys>>
    /// Each 分组's group of every cadre on the roster (its index in the labels; -1 none),
    /// and the headcounts `在岗人数（…）` reads; both filled once at the end of `init`, from
    /// the roster alone, and only read after (`MonthScorer+Groups.swift`).
    var groupCodes: [String: [Int32]] = [:]
    var headcounts: [[String]: [String: Int]] = [:]

    /// - Parameter spillDirectory: where the kept records are spilled (a file unlinked as
    ///   soon as it is made); nil keeps them in memory.
    public init(rules: MonthRules, roster: Roster, keepRecords: Bool = true, chunks: CadreChunks = CadreChunks(), lanes: Int = 1,
                spillDirectory: URL? = FileManager.default.temporaryDirectory) {
        self.rules = rules
        self.roster = roster
        self.keepRecords = keepRecords
        self.chunks = chunks
        self.lanes = min(max(1, lanes), ValidationTuning.maximumLanes)
        let tables = RuleTables(rules)
        self.tables = tables
        let sources = rules.checked.sources
        self.freeTextSources = sources.map { $0.schema.role == .adjustments || $0.schema.role == .corrections }
        // The programs, and their closures compiled anew for each lane (the same programs).
        func compile() -> (items: [[ItemProgram]], accumulators: [[AccumulatorProgram]], ops: [FilterOp], filters: [RecordPredicate],
                           amounts: [RecordNumber], arguments: [RecordValueFn], daily: Int) {
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
            return (itemPrograms, accumulatorPrograms, ops, filterClosures, amountClosures, argumentClosures, daily)
        }
        let compiled = (0..<self.lanes).map { _ in compile() }
        let (itemPrograms, accumulatorPrograms, ops, daily) = (compiled[0].items, compiled[0].accumulators, compiled[0].ops, compiled[0].daily)
        self.itemPrograms = itemPrograms
        self.accumulatorPrograms = accumulatorPrograms
        filterOps = UnsafeMutableBufferPointer.allocate(capacity: max(1, ops.count))
        _ = filterOps.initialize(from: ops)
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
        accExtreme = buffer(n * accumulatorCount, .none)
        texts = SummaryTextWriter(lanes: self.lanes, directory: keepRecords ? spillDirectory : nil)
        recordSpill = keepRecords
            ? RecordSpillWriter(slots: n * itemCount, slotsPerCadre: itemCount, lanes: self.lanes, directory: spillDirectory) : nil
        itemReasons = buffer(keepRecords ? n * itemCount : 0, [])
        fileNames = sources.map { $0.schema.fileStems.first ?? $0.name }
        let summaries = sources.map { RecordSummary(schema: $0.schema) }
        self.summaries = summaries
        // Each lane its own programs, closures and summaries (made anew, not copies sharing
        // storage), so that the reference counting in a row's loop stays in its lane's cache.
        laneKeys = .allocate(capacity: self.lanes)
        let recordSpill = self.recordSpill, texts = self.texts
        _ = laneKeys.initialize(from: compiled.enumerated().map { k, c in
            let summaries = sources.map { RecordSummary(schema: $0.schema) }
            return LaneKeys(
                keys: summaries.map { SummaryKeys(fields: $0.fields) }, summaries: summaries, itemPrograms: c.items,
                accumulatorPrograms: c.accumulators, filterClosures: c.filters, amountClosures: c.amounts, argumentClosures: c.arguments,
                spill: recordSpill?.lane(k), texts: texts.lane(k))
        })
        laneRefs = .allocate(capacity: self.lanes)
        _ = laneRefs.initialize(from: laneKeys.map { Unmanaged.passUnretained($0) })
        numberFiles()
        prepareGroups(employed: roster.cadres.indices.filter { roster.cadres[$0].isEmployed(in: rules.month) })
    }

    /// The largest points an item may come to for one cadre in a month: far beyond any score
    /// (a month is scored out of about 100), yet a score card's sums of such values, at any
    /// scale the rules use, stay inside `Fixed`'s range, so finishing the month never traps.
    /// An item beyond it stops the month (`ScoredMonth.outOfBounds`, B0007).
    static let pointsBound: Int64 = 1_000_000_000_000

    /// Whether `v` is within ±`pointsBound`.
    @inline(__always)
    static func isWithinBound(_ v: Fixed) -> Bool {
        v.units.magnitude / UInt64(Fixed.pow10(v.scale)) < UInt64(pointsBound)
    }

    /// The row at which a sum of points went beyond exact numbers (a rule multiplying values
    /// to something no month can hold): its file's name and line, the earliest by file and
    /// line over the lanes; nil when every sum held. A batch stops the month there.
    public var overflow: (file: String, line: Int)? {
        let found = laneKeys.compactMap(\.overflow).min { ($0.file, $0.line) < ($1.file, $1.line) }
        return found.map { (Int($0.file) < recordFiles.count ? recordFiles[Int($0.file)] : "", $0.line) }
    }

    /// Numbers each source's current file name in `recordFiles` (a name seen before keeps
    /// its number).
    private func numberFiles() {
        fileOfSource = fileNames.map { name in
            if let k = recordFiles.firstIndex(of: name) { return UInt16(k) }
            recordFiles.append(name)
            return UInt16(recordFiles.count - 1)
        }
        // Between files: no lane is consuming rows.
        precondition(fileOfSource.count == rules.checked.sources.count, "a file name for each source")
        for lane in laneKeys {
            for (k, f) in fileOfSource.enumerated() { lane.fileOfSource[k] = f }
        }
        recordSpill?.endEpoch()
    }


    /// The number of `row`'s summary in `texts`, its text made when its lane first sees it.
    @inline(__always)
    private func summaryNumber(
        _ source: Int, _ payload: UnsafeBufferPointer<Int64>, _ present: UnsafeBufferPointer<Bool>,
        _ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder, _ lane: LaneKeys
    ) -> UInt32 {
        let found = lane.summaryKeys[source].find(payload, present, identity: decoder.identity)
        if found.number >= 0 { return UInt32(found.number) }
        lane.scratch.removeAll()
        lane.summaryPlans[source]._withUnsafeGuaranteedRef { RecordSummary.append(row, decoder, plan: $0, to: &lane.scratch) }
        let number: UInt32
        if freeTextSources[source] {
            var masked = PersonalData.maskByContent(String(decoding: lane.scratch.bytes, as: UTF8.self))
            number = masked.withUTF8 { lane.texts.append($0) }
        } else {
            number = lane.texts.append(lane.scratch.bytes)
        }
        lane.summaryKeys[source].insert(found.key, number: number)
        return number
    }

    deinit {
        filterOps.deallocate()
        itemSum.deallocate()
        daySums.deallocate()
        accCount.deallocate()
        accSum.deallocate()
        accDays.deallocate()
        accExtreme.deinitialize()
        accExtreme.deallocate()
        itemReasons.deinitialize()
        itemReasons.deallocate()
        laneRefs.deallocate()
        laneKeys.deinitialize()
        laneKeys.deallocate()
    }

    /// Offers one accepted row of `source` (its index in the rules' sources) to the items
    /// and aggregates that read that source.
    public func consume(source: Int, decoder: borrowing FieldDecoder, row: borrowing DecodedRow) {
        let cadre = Int(row.cadre)
        guard cadre >= 0 else { return }
        laneRefs[row.lane]._withUnsafeGuaranteedRef { lane in
            consume(source: source, decoder: decoder, row: row, cadre: cadre, lane: lane)
        }
    }

    @inline(__always)
    private func consume(source: Int, decoder: borrowing FieldDecoder, row: borrowing DecodedRow, cadre: Int, lane: LaneKeys) {
        let machine = FilterMachine(ops: UnsafeBufferPointer(filterOps), closures: UnsafeBufferPointer(lane.filterClosures))
        let amountClosures = UnsafeBufferPointer(lane.amountClosures), argumentClosures = lane.argumentClosures
        let file = lane.fileOfSource[source]
        // The row's summary number, looked up once however many items it counts for.
        var summary = UInt32.max
        row.payload.withUnsafeBufferPointer { payload in
            row.present.withUnsafeBufferPointer { present in
                do {
                    let programs = lane.itemPrograms[source]
                    for p in programs {
                        guard machine.test(p.filterStart, p.filterCount, payload, present, row, decoder) else { continue }
                        guard let points = p.amount.points(payload, present, row, decoder, amountClosures) else {
                            if p.amount.overflowed(payload, present) { lane.noteOverflow(source: source, file: file, line: row.line) }
                            continue
                        }
                        let slot = cadre * itemCount + p.item
                        // A sum beyond exact numbers stops the month at the row that took it
                        // there (`overflow`), never traps.
                        guard let sum = itemSum[slot].adding(points) else {
                            lane.noteOverflow(source: source, file: file, line: row.line)
                            continue
                        }
                        itemSum[slot] = sum
                        if p.dailySlot >= 0, p.dateField >= 0, present[p.dateField] {
                            let day = Int(payload[p.dateField] - firstDay)
                            if day >= 0 && day < 31 {
                                let i = (cadre * dailyCount + p.dailySlot) * 31 + day
                                guard let daySum = daySums[i].adding(points) else {
                                    lane.noteOverflow(source: source, file: file, line: row.line)
                                    continue
                                }
                                daySums[i] = daySum
                            }
                        }
                        if let spill = lane.spill {
                            let day = p.dateField >= 0 && present[p.dateField] ? Int32(truncatingIfNeeded: payload[p.dateField]) : RecordEntry.noDay
                            if summary == .max { summary = summaryNumber(source, payload, present, row, decoder, lane) }
                            spill.append(slot: slot, RecordEntry(
                                file: file, line: UInt32(row.line), day: day, summary: summary,
                                units: points.units, scale: UInt8(points.scale)))
                            if p.reasonField >= 0 || p.approverField >= 0 {
                                func text(_ f: Int) -> String { f >= 0 && present[f] ? PersonalData.maskByContent(decoder.text(f, payload[f])) : "" }
                                itemReasons[slot].append((text(p.reasonField), text(p.approverField)))
                            }
                        }
                    }
                }
                do {
                    let programs = lane.accumulatorPrograms[source]
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
                        case .sum:
                            if let n = v.number {
                                guard let sum = accSum[slot].adding(n) else {
                                    lane.noteOverflow(source: source, file: file, line: row.line)
                                    continue
                                }
                                accSum[slot] = sum
                            }
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

/// What one lane of `MonthScorer` reads and writes as it consumes rows, made for it alone:
/// its compiled programs and their closures (a closure caches a text's code for the decoder
/// it last saw, and each lane has a decoder of its own), the summaries' parts, each source's
/// file number, and per source the summary number of each distinct combination of the
/// values a summary shows (so a summary's text is made once, not for every record that has
/// it), with a buffer the lane makes a text in before appending it to the month's. Only its
/// lane's thread uses it while rows stream.
final class LaneKeys: @unchecked Sendable {
    /// Per source. In raw buffers, like everything a row reads: taking a lane's state and
    /// its programs per row then touches no reference count (a count per row was a fifth of
    /// scoring, the most of it where lanes shared an object and its cache line travelled).
    let summaryKeys: UnsafeMutableBufferPointer<SummaryKeys>
    @exclusivity(unchecked) var scratch = ByteSink()
    /// Each source's summary plan: owned here (never touched per row), and read per new
    /// summary through the unretained copies.
    private let plans: [RecordSummary.Plan]
    let summaryPlans: UnsafeMutableBufferPointer<Unmanaged<RecordSummary.Plan>>
    let itemPrograms: UnsafeMutableBufferPointer<UnsafeMutableBufferPointer<MonthScorer.ItemProgram>>
    let accumulatorPrograms: UnsafeMutableBufferPointer<UnsafeMutableBufferPointer<MonthScorer.AccumulatorProgram>>
    let filterClosures: UnsafeMutableBufferPointer<RecordPredicate>
    let amountClosures: UnsafeMutableBufferPointer<RecordNumber>
    let argumentClosures: UnsafeMutableBufferPointer<RecordValueFn>
    /// Each source's current file, by number in the month's record files (set between files).
    let fileOfSource: UnsafeMutableBufferPointer<UInt16>
    /// Where the lane writes its records (none when records are not kept) and its summaries.
    let spill: RecordSpillWriter.Lane?
    /// The first row (source, file by number, line) whose points took a sum beyond exact
    /// numbers; the month stops there.
    private(set) var overflow: (source: Int, file: UInt16, line: Int)? = nil

    func noteOverflow(source: Int, file: UInt16, line: Int) {
        if overflow == nil { overflow = (source, file, line) }
    }
    let texts: SummaryTextWriter.Lane

    init(keys: [SummaryKeys], summaries: [RecordSummary], itemPrograms: [[MonthScorer.ItemProgram]],
         accumulatorPrograms: [[MonthScorer.AccumulatorProgram]], filterClosures: [RecordPredicate], amountClosures: [RecordNumber],
         argumentClosures: [RecordValueFn], spill: RecordSpillWriter.Lane?, texts: SummaryTextWriter.Lane) {
        summaryKeys = rawCopy(keys)
        plans = summaries.map(\.plan)
        summaryPlans = rawCopy(plans.map { Unmanaged.passUnretained($0) })
        self.itemPrograms = rawCopy(itemPrograms.map(rawCopy))
        self.accumulatorPrograms = rawCopy(accumulatorPrograms.map(rawCopy))
        self.filterClosures = rawCopy(filterClosures)
        self.amountClosures = rawCopy(amountClosures)
        self.argumentClosures = rawCopy(argumentClosures)
        fileOfSource = rawCopy(Array(repeating: 0, count: itemPrograms.count))
        self.spill = spill
        self.texts = texts
    }

    deinit {
        for b in itemPrograms { freeCopy(b) }
        for b in accumulatorPrograms { freeCopy(b) }
        freeCopy(itemPrograms)
        freeCopy(accumulatorPrograms)
        freeCopy(summaryKeys)
        freeCopy(summaryPlans)
        freeCopy(filterClosures)
        freeCopy(amountClosures)
        freeCopy(argumentClosures)
        freeCopy(fileOfSource)
        scratch.free()
    }
}

/// `a` copied into memory of its own, `a.count` long (room for one at least, so its start is
/// never nil): what the scorer reads per row by address, touching no reference count.
/// Freed with `freeCopy`.
private func rawCopy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
    let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
    _ = b.initialize(from: a)
    return UnsafeMutableBufferPointer(rebasing: b[0..<a.count])
}

private func freeCopy<T>(_ b: UnsafeMutableBufferPointer<T>) {
    b.deinitialize()
    // The start is the allocation's, whatever the count.
    UnsafeMutableRawPointer(b.baseAddress!).deallocate()
}

/// A few words describing a record for a person reading an explanation: `夜班 20:00–08:00
/// 到岗`, `全程代办 低保申请 办结 满意`. Personal data and the cadre's own 工号 are left out.
struct RecordSummary: Sendable {
    let parts: [(index: Int, kind: Kind)]
    /// Every field the text reads (a time range's end too), ascending: the text is a function
    /// of these fields' presence and payloads (and the decoder that interned them) alone.
    let fields: [Int]
    /// The parts as `append` goes through them, with the words it writes, flat.
    let plan: Plan

    /// A value longer than this many characters is cut.
    static let valueLength = 24

    enum Kind: Sendable { case value, timeRange(end: Int), named(String) }

    /// How `append` writes a part, decided from the schema once.
    enum Step: UInt8 {
        /// A text field: its interned bytes.
        case interned
        /// An enumeration's word (or, for an enumeration-or-score, the score when not a word,
        /// through `FieldDecoder.text`).
        case word
        /// A shift's start and end, `08:00–16:00`.
        case timeRange
        /// A boolean's name when true.
        case flag
        /// A number's name and the number.
        case named
    }

    /// `parts` flattened into raw buffers (one allocation each, freed with the summary), so
    /// that writing a summary retains nothing: a part's step, field, end field and name, and
    /// each field's words.
    final class Plan: @unchecked Sendable {
        let steps: UnsafeMutableBufferPointer<Step>
        let field: UnsafeMutableBufferPointer<Int32>
        let end: UnsafeMutableBufferPointer<Int32>
        /// A part's name is `bytes[nameStart[k]..<nameStart[k] + nameCount[k]]`.
        let nameStart: UnsafeMutableBufferPointer<Int32>
        let nameCount: UnsafeMutableBufferPointer<Int32>
        /// Field `f`'s word `w` is `bytes[wordOffsets[firstWord[f] + w]..<wordOffsets[firstWord[f] + w + 1]]`,
        /// for `w < wordCount[f]`.
        let firstWord: UnsafeMutableBufferPointer<Int32>
        let wordCount: UnsafeMutableBufferPointer<Int32>
        let wordOffsets: UnsafeMutableBufferPointer<Int32>
        let bytes: UnsafeMutableBufferPointer<UInt8>

        init(schema: SourceSchema, parts: [(index: Int, kind: Kind)]) {
            var bytes: [UInt8] = []
            var steps: [Step] = [], field: [Int32] = [], end: [Int32] = []
            var nameStart: [Int32] = [], nameCount: [Int32] = []
            for (i, kind) in parts {
                let type = schema.fields[i].type
                var step = Step.word, e = -1
                var name: [UInt8] = []
                switch kind {
                case .value:
                    switch type {
                    case .text, .idNumber, .bankAccount, .phone: step = .interned
                    // Enumerations (the only other values a summary shows).
                    default: step = .word
                    }
                case .timeRange(let endField):
                    step = .timeRange
                    e = endField
                case .named(let n):
                    step = type == .boolean ? .flag : .named
                    name = Array(n.utf8)
                }
                steps.append(step)
                field.append(Int32(i))
                end.append(Int32(e))
                nameStart.append(Int32(bytes.count))
                nameCount.append(Int32(name.count))
                bytes += name
            }
            var firstWord: [Int32] = [], wordCount: [Int32] = [], wordOffsets: [Int32] = []
            for f in schema.fields {
                var words: [String] = []
                switch f.type {
                case .enumeration(let w), .enumerationOrScore(let w, _): words = w
                default: break
                }
                firstWord.append(Int32(wordOffsets.count))
                wordCount.append(Int32(words.count))
                for w in words {
                    wordOffsets.append(Int32(bytes.count))
                    bytes += Array(w.utf8)
                }
                wordOffsets.append(Int32(bytes.count))
            }
            self.steps = rawCopy(steps)
            self.field = rawCopy(field)
            self.end = rawCopy(end)
            self.nameStart = rawCopy(nameStart)
            self.nameCount = rawCopy(nameCount)
            self.firstWord = rawCopy(firstWord)
            self.wordCount = rawCopy(wordCount)
            self.wordOffsets = rawCopy(wordOffsets)
            self.bytes = rawCopy(bytes)
        }

        /// The number of parts.
        var count: Int { steps.count }

        deinit {
            freeCopy(steps)
            freeCopy(field)
            freeCopy(end)
            freeCopy(nameStart)
            freeCopy(nameCount)
            freeCopy(firstWord)
            freeCopy(wordCount)
            freeCopy(wordOffsets)
            freeCopy(bytes)
        }
    }

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
        var fields = Set<Int>()
        for (i, kind) in parts {
            fields.insert(i)
            if case .timeRange(let e) = kind { fields.insert(e) }
        }
        self.fields = fields.sorted()
        plan = Plan(schema: schema, parts: parts)
    }

    /// The summary as a `String` (`append` into a buffer of its own).
    func text(_ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder) -> String {
        var out = ByteSink(capacity: 64)
        defer { out.free() }
        append(row, decoder, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends the summary's UTF-8 to `out`: the same text as `referenceText` (words joined
    /// by a space, a value cut to its first 24 characters), byte for byte. Interned texts are
    /// valid UTF-8 (the readers validate every file, `String`s are), so their bytes are
    /// copied as they are; times and integers are written as `FieldDecoder.text` writes them
    /// (`HH:MM`, decimal digits) without making a `String`.
    func append(_ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder, to out: inout ByteSink) {
        Self.append(row, decoder, plan: plan, to: &out)
    }

    /// `append` by `plan` alone: the scorer's lanes call it with the plan unretained, as
    /// passing the summary itself retained its arrays per text made.
    static func append(_ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder, plan: Plan, to out: inout ByteSink) {
        var first = true
        row.payload.withUnsafeBufferPointer { payload in
            row.present.withUnsafeBufferPointer { present in
                for k in 0..<plan.count {
                    let i = Int(plan.field[k])
                    guard present[i] else { continue }
                    let v = payload[i]
                    switch plan.steps[k] {
                    case .interned:
                        Self.space(&first, &out)
                        decoder.withInternedBytes(i, Int32(truncatingIfNeeded: v)) { Self.appendValue($0, to: &out) }
                    case .word:
                        Self.space(&first, &out)
                        if v >= 0 && v < Int64(plan.wordCount[i]) {
                            let w = Int(plan.firstWord[i]) + Int(v)
                            let lo = Int(plan.wordOffsets[w]), hi = Int(plan.wordOffsets[w + 1])
                            Self.appendValue(UnsafeBufferPointer(rebasing: plan.bytes[lo..<hi]), to: &out)
                        } else {
                            var t = decoder.text(i, v)
                            t.withUTF8 { Self.appendValue($0, to: &out) }
                        }
                    case .timeRange:
                        Self.space(&first, &out)
                        Self.appendText(i, v, decoder, to: &out)
                        out.append(contentsOf: [0xE2, 0x80, 0x93])  // –
                        let e = Int(plan.end[k])
                        if present[e] { Self.appendText(e, payload[e], decoder, to: &out) }
                    case .flag:
                        if v != 0 {
                            Self.space(&first, &out)
                            Self.appendName(plan, k, to: &out)
                        }
                    case .named:
                        Self.space(&first, &out)
                        Self.appendName(plan, k, to: &out)
                        out.append(0x20)
                        Self.appendText(i, v, decoder, to: &out)
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func space(_ first: inout Bool, _ out: inout ByteSink) {
        if first { first = false } else { out.append(0x20) }
    }

    @inline(__always)
    private static func appendName(_ plan: Plan, _ k: Int, to out: inout ByteSink) {
        let lo = Int(plan.nameStart[k])
        out.append(contentsOf: UnsafeBufferPointer(rebasing: plan.bytes[lo..<(lo + Int(plan.nameCount[k]))]))
    }

    /// A value cut to its first 24 characters.
    @inline(__always)
    private static func appendValue(_ u: UnsafeBufferPointer<UInt8>, to out: inout ByteSink) {
        if let cut = cut(u, valueLength) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[..<cut]))
        } else {
            out.append(contentsOf: String(String(decoding: u, as: UTF8.self).prefix(valueLength)).utf8)
        }
    }

    /// `decoder.text(i, v)`'s UTF-8: written directly for a time (`HH:MM`, each part at
    /// least two digits) or an integer, else through the `String`.
    @inline(__always)
    private static func appendText(_ i: Int, _ v: Int64, _ decoder: borrowing FieldDecoder, to out: inout ByteSink) {
        if decoder.isTime(i) {
            // TimeOfDay(minutes: Int16(v)).description.
            let m = Int(Int16(truncatingIfNeeded: v))
            guard m >= 0 else {
                out.append(contentsOf: decoder.text(i, v).utf8)
                return
            }
            appendDigits(m / 60, width: 2, to: &out)
            out.append(0x3A)  // :
            appendDigits(m % 60, width: 2, to: &out)
        } else if !decoder.isInteger(i) {
            out.append(contentsOf: decoder.text(i, v).utf8)
        } else {
            // String(v).
            if v < 0 {
                out.append(0x2D)
                if v == .min {
                    out.append(contentsOf: "9223372036854775808".utf8)
                    return
                }
            }
            appendDigits(Int(v.magnitude), width: 1, to: &out)
        }
    }

    /// `n` (at least 0) in decimal, zeros in front up to `width` digits.
    @inline(__always)
    private static func appendDigits(_ n: Int, width: Int, to out: inout ByteSink) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = n
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(0x30 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            while count < width {
                d[count] = 0x30
                count += 1
            }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(d[k]) }
        }
    }

    /// Where `String(s.prefix(n))` ends in `s`'s UTF-8 bytes, found without walking grapheme
    /// clusters: the whole text when it has at most `n` scalars (never more characters than
    /// scalars); after the `n`-th scalar when the first `n + 1` are all of the kinds that form
    /// a character alone and never join a neighbour (ASCII but CR, CJK ideographs, CJK and
    /// full-width punctuation), so each is one character. nil: ask `String.prefix`.
    static func cut(_ u: UnsafeBufferPointer<UInt8>, _ n: Int) -> Int? {
        // No more bytes than `n`: no more scalars either.
        if u.count <= n { return u.count }
        var scalars = 0
        var at = 0
        var simple = true
        while at < u.count {
            let b = u[at]
            var length = 1
            var scalar = UInt32(b)
            if b >= 0xF0 {
                length = 4
            } else if b >= 0xE0 {
                length = 3
                if at + 2 < u.count { scalar = (UInt32(b & 0x0F) << 12) | (UInt32(u[at + 1] & 0x3F) << 6) | UInt32(u[at + 2] & 0x3F) }
            } else if b >= 0xC0 {
                length = 2
            }
            if scalars == n {
                // The text goes on past `n` scalars: cut before this one if it and all
                // before it stand alone.
                return simple && standsAlone(scalar, length) ? at : nil
            }
            if simple && !standsAlone(scalar, length) { simple = false }
            scalars += 1
            at += length
        }
        return u.count
    }

    @inline(__always)
    private static func standsAlone(_ scalar: UInt32, _ length: Int) -> Bool {
        if length == 1 { return scalar != 0x0D }
        guard length == 3 else { return false }
        return (0x4E00...0x9FFF).contains(scalar) || (0x3400...0x4DBF).contains(scalar) || (0x3001...0x3011).contains(scalar)
            || (0xFF01...0xFF5E).contains(scalar)
    }

    /// The summary as words joined by a space, through `String`'s characters: what `text`
    /// must equal, kept for the tests that compare the two.
    func referenceText(_ row: borrowing DecodedRow, _ decoder: borrowing FieldDecoder) -> String {
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

/// The summary numbers of one source's records by the values their summaries show: the
/// decoder's identity (an interned text's code means something only to its decoder, and a
/// decoder only ever adds codes), which of the fields are present, and their payloads.
///
/// A key is kept as two independent 64-bit fingerprints of those values, not the values
/// (9 words a key for a service log's summary): a province month has six million distinct
/// summaries, whose keys took 500 MB and now take 20 bytes each. Two keys are taken for the
/// same only when both fingerprints agree: by chance about once in 2^128 pairs, which at
/// ten million records is never (10^-25), and a mistake would only name a record's summary
/// wrongly, never change a point. An open-addressing table (at most half full) of indices
/// into flat arrays: no allocation per lookup.
struct SummaryKeys: Sendable {
    /// The fields a summary reads (`RecordSummary.fields`).
    let fields: [Int]
    /// Key after key, in the order added: both fingerprints and the summary number.
    private var firsts: [UInt64] = []
    private var seconds: [UInt64] = []
    private var numbers: [UInt32] = []
    /// Key index + 1, 0 for empty.
    private var slots: [Int32] = Array(repeating: 0, count: 256)

    /// Presence goes in one word: a source whose summary reads more than 64 fields is never
    /// looked up, each record's text made anew.
    let isUsable: Bool

    init(fields: [Int]) {
        self.fields = fields
        isUsable = fields.count <= 64
    }

    /// A row's key: its two fingerprints.
    struct Key {
        var first: UInt64
        var second: UInt64
    }

    @inline(__always)
    private func key(_ payload: UnsafeBufferPointer<Int64>, _ present: UnsafeBufferPointer<Bool>, identity: UInt64) -> Key {
        var bits: UInt64 = 0
        for (k, f) in fields.enumerated() where present[f] { bits |= 1 << UInt64(k) }
        var key = Key(first: 0x243F_6A88_85A3_08D3, second: 0x1319_8A2E_0370_7344)
        Self.step(&key, identity)
        Self.step(&key, bits)
        for f in fields { Self.step(&key, present[f] ? UInt64(bitPattern: payload[f]) : 0) }
        return key
    }

    /// Adds a value to both fingerprints: the value scrambled once (MurmurHash3's finalizer,
    /// a bijection), then added into the first and rotated and XORed into the second, each
    /// scrambled again by a different finalizer (SplitMix64's, MurmurHash3's).
    @inline(__always)
    static func step(_ key: inout Key, _ v: UInt64) {
        let w = fmix(v &+ 0x9E37_79B9_7F4A_7C15)
        key.first = splitmix(key.first &+ w)
        key.second = fmix(((key.second << 29) | (key.second >> 35)) ^ w ^ 0x5851_F42D_4C95_7F2D)
    }

    @inline(__always)
    static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        return k ^ (k >> 33)
    }

    @inline(__always)
    static func splitmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 30
        k = k &* 0xBF58_476D_1CE4_E5B9
        k ^= k >> 27
        k = k &* 0x94D0_49BB_1331_11EB
        return k ^ (k >> 31)
    }

    /// The number of the row's summary (-1 when new) and its key, for `insert`.
    func find(_ payload: UnsafeBufferPointer<Int64>, _ present: UnsafeBufferPointer<Bool>, identity: UInt64) -> (number: Int, key: Key) {
        guard isUsable else { return (-1, Key(first: 0, second: 0)) }
        let key = key(payload, present, identity: identity)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: key.first) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { return (-1, key) }
            if firsts[slot - 1] == key.first, seconds[slot - 1] == key.second { return (Int(numbers[slot - 1]), key) }
            i = (i + 1) & mask
        }
    }

    /// Forgets every key (once no row will come): `find` finds nothing after.
    mutating func release() {
        firsts = []
        seconds = []
        numbers = []
        slots = Array(repeating: 0, count: 256)
    }

    /// Adds the row's key with its summary number (after `find` did not find it).
    mutating func insert(_ key: Key, number: UInt32) {
        guard isUsable else { return }
        firsts.append(key.first)
        seconds.append(key.second)
        numbers.append(number)
        if numbers.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            for n in 0..<numbers.count { place(n, hash: firsts[n]) }
        } else {
            place(numbers.count - 1, hash: key.first)
        }
    }

    private mutating func place(_ n: Int, hash: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(n + 1)
    }
}
