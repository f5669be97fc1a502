import Diagnostics
import Exact
import Foundation

/// One accepted row, decoded: a payload per schema field (see `FieldDecoder`), which
/// fields are present, the cadre's roster index and the row's line.
///
/// The arrays are reused from row to row: copy what you keep.
public struct DecodedRow: Sendable {
    public var payload: [Int64]
    public var present: [Bool]
    /// Index in the roster, or -1 when the source has no cadre field or no roster was given.
    public var cadre: Int32
    public var line: Int
    /// The lane that checked the row (`ValidationTuning.lanes`): 0 unless rows are checked
    /// on several threads; a consumer keeps what it must not share per lane.
    public var lane: Int = 0
}

/// Reads one file of a source, decodes and checks every row against the schema, the month
/// and the roster, and hands accepted rows to a sink as they stream by.
///
/// Memory stays bounded by the roster and the duplicate fingerprints; rows are not kept.
public struct SourceValidator {
    public let schema: SourceSchema
    public let month: YearMonth
    public let roster: Roster?
    public private(set) var decoder: FieldDecoder
    /// Extra checks on a decoded row (the roster's cross-row rules); a returned error
    /// rejects the row.
    var rowCheck: ((inout SourceValidator, DecodedRow, RowOrigin) -> [RecordProblem])?
    /// Fields kept as text codes; others are checked but not interned (free text at
    /// province scale would otherwise grow with the rows).
    let retain: [Bool]

    private let cadreIndex: Int?
    private let dateIndex: Int?
    private let keyIndex: Int?
    private let shiftIndexes: (start: Int, end: Int, endDate: Int?, status: Int?, absent: Set<Int64>)?
    private let minutesIndex: Int?
    private let hoursIndex: Int?
    private var cadreOfCode: [Int32] = []
    // Per-field facts and source roles, computed once: reading them from `schema` in the
    // row loop would copy specs and compare enum raw values (strings) per row.
    private let optionalValue: [Bool]
    private let personal: [Bool]
    private let isRoster: Bool
    private let isAdjustments: Bool
    private let adjustmentFields: (reason: Int?, points: Int?, amount: Int?)
    /// The opening file's 累计月数 (`role == .opening`): checked against the month and 入职日期.
    private let openingMonthsIndex: Int?
    private let hoursScale: Int
    private let minutesIsInteger: Bool
    /// Employment per roster index: first and last day (days since 1970).
    private let hired: [Int64]
    private let left: [Int64]
    /// The month's first and last day (days since 1970), computed once rather than per row.
    private let monthDays: ClosedRange<Int32>

    private let rejectedCadres: [String: RowOrigin]
    /// Fields the reading thread decodes (`RowPrecheck`): all but those interned here.
    private let isEarly: [Bool]
    /// Batch size and whether the reading thread prechecks; never changes what is found.
    public let tuning: ValidationTuning
    /// What the rows of this source remember of each other across its files.
    private let memory = SourceMemory()
    /// Lanes this source's rows are checked on: `tuning.lanes` for an activity source whose
    /// 工号 is text and whose key (if any) is known present before the row is interned
    /// (so duplicates can be found first, in file order); else 1.
    let laneCount: Int
    /// The lanes and what they remember across the source's files (nil with one lane, or
    /// before the first file).
    private var lanes: SourceLanes? = nil

    public init(
        schema: SourceSchema, month: YearMonth, roster: Roster?, rejectedCadres: [String: RowOrigin] = [:],
        retainText: Set<String>? = nil, tuning: ValidationTuning = ValidationTuning()
    ) {
        self.tuning = tuning
        self.rejectedCadres = rejectedCadres
        self.schema = schema
        self.month = month
        monthDays = month.firstDay.daysSinceEpoch...month.lastDay.daysSinceEpoch
        self.roster = roster
        self.decoder = FieldDecoder(fields: schema.fields)
        self.retain = schema.fields.map { f in
            guard case .text = f.type, let keep = retainText else { return true }
            return keep.contains(f.name) || f.name == schema.cadreField
        }
        cadreIndex = schema.cadreField.flatMap(schema.fieldIndex)
        dateIndex = schema.dateField.flatMap(schema.fieldIndex)
        keyIndex = schema.keyField.flatMap(schema.fieldIndex)
        if let s = schema.shift, let a = schema.fieldIndex(s.start), let b = schema.fieldIndex(s.end) {
            let statusIndex = s.status.flatMap(schema.fieldIndex)
            var absent: Set<Int64> = []
            if let si = statusIndex, case .enumeration(let words) = schema.fields[si].type {
                for w in s.absentStatuses { if let k = words.firstIndex(of: w) { absent.insert(Int64(k)) } }
            }
            shiftIndexes = (a, b, s.endDate.flatMap(schema.fieldIndex), statusIndex, absent)
        } else {
            shiftIndexes = nil
        }
        minutesIndex = schema.fieldIndex("用时")
        if let h = schema.fieldIndex("学时"), case .decimal = schema.fields[h].type { hoursIndex = h } else { hoursIndex = nil }
        hoursScale = hoursIndex.map { schema.fields[$0].type.scale } ?? 0
        if let mi = minutesIndex, case .integer = schema.fields[mi].type { minutesIsInteger = true } else { minutesIsInteger = false }
        isEarly = zip(schema.fields, retain).map { f, kept in
            switch f.type {
            case .text: !kept
            case .idNumber, .bankAccount, .phone: false
            default: true
            }
        }
        optionalValue = schema.fields.map(\.isOptionalValue)
        personal = schema.fields.map(\.type.isPersonal)
        isRoster = schema.role == .roster
        isAdjustments = schema.role == .adjustments
        adjustmentFields = (schema.fieldIndex("原因"), schema.fieldIndex("分值"), schema.fieldIndex("金额"))
        openingMonthsIndex = schema.role == .opening ? schema.fieldIndex("累计月数") : nil
        hired = roster?.cadres.map { Int64($0.hiredOn.daysSinceEpoch) } ?? []
        left = roster?.cadres.map { Int64($0.leftOn?.daysSinceEpoch ?? Int32.max) } ?? []
        let fields = schema.fields, early = isEarly
        let isText = { (i: Int) -> Bool in if case .text = fields[i].type { true } else { false } }
        let cadreIsText = schema.cadreField.flatMap(schema.fieldIndex).map(isText) ?? false
        let keyKnownEarly = schema.keyField.flatMap(schema.fieldIndex).map { early[$0] || isText($0) } ?? true
        laneCount = tuning.lanes > 1 && schema.role == .activity && cadreIsText && keyKnownEarly ? tuning.lanes : 1
    }

    /// The lanes, made at the first file: copies of this validator, each interning with a
    /// decoder of its own.
    private mutating func makeLanes() -> SourceLanes? {
        guard laneCount > 1 else { return nil }
        if let lanes { return lanes }
        var copy = self
        copy.lanes = nil
        let made = SourceLanes((0..<laneCount).map { k in
            var v = copy
            v.decoder = FieldDecoder(fields: schema.fields)
            v.cadreOfCode = []
            return SourceLanes.Lane(validator: v, index: k)
        })
        lanes = made
        return made
    }

    /// Reads and checks `path`, calling `sink` for every accepted row.
    ///
    /// Called again for another file of the same source (one file per community), the rows
    /// are checked as if all the files were one: a key, a whole row or a cadre's shift
    /// already seen in an earlier file is a duplicate or an overlap, named by its file.
    public mutating func validate(path: String, sink: (borrowing DecodedRow, borrowing FieldDecoder) -> Void) -> FileReport {
        validate(file: InputSet.File(path: path), sink: sink)
    }

    /// `validate(path:)` for a file of an input set, on disk or held in memory: the report and
    /// every problem name it by `file.path`.
    public mutating func validate(file: InputSet.File, sink: (borrowing DecodedRow, borrowing FieldDecoder) -> Void) -> FileReport {
        let path = file.path
        var report = FileReport(path: path, source: schema.name)
        let lookup = HeaderMap.lookup(schema)
        var header: HeaderMap? = nil
        var pending: [(line: Int, cells: [String])] = []  // rows above the header
        // Sized from the file (rows of these files run 60–120 bytes) so the tables rarely
        // rehash as they fill; an underestimate only costs one growth.
        let size = file.byteCount
        let expectedRows = max(1024, size / 100)
        // Lines are kept in the tables offset by `base`, so that an earlier file's line is
        // told from this one's (`SourceMemory.origin`).
        let base = memory.begin(path)
        var lastLine = 0
        var keys = memory.keys.take() ?? HashLineTable(capacity: keyIndex == nil ? 16 : expectedRows)
        var rows = memory.rows.take() ?? HashLineTable(capacity: keyIndex == nil ? expectedRows : 16)
        var shifts = memory.shifts
        var trainingHours = memory.trainingHours
        memory.shifts = [:]
        memory.trainingHours = [:]
        var decoded = DecodedRow(
            payload: Array(repeating: 0, count: schema.fields.count),
            present: Array(repeating: false, count: schema.fields.count), cadre: -1, line: 0)
        var out = RowsOut()
        let lanes = makeLanes()
        let requiredHeaderScore = max(1, min(2, schema.fields.filter(\.isRequired).count))
        // A workbook's data sheet, whatever its name: the first whose header is this source's.
        let isHeader: SheetHeaderTest = { cells in HeaderMap.score(cells, lookup: lookup) >= requiredHeaderScore }
        var headerFailed = false
        let precheck = RowPrecheck()
        // Rows the reading thread read before the plan existed are prechecked here, by the
        // same code, so every row is finished one way.
        var plan: RowPrecheck.Plan? = nil
        var planDecoder: FieldDecoder? = nil
        let own = RowBatch()
        // Each data row's place among the file's rows, by which the lanes' findings are merged.
        var seq = 0

        let result: Result<TableFile, ReadError> = withoutActuallyEscaping(sink) { sink in
            // The lanes' threads, for this file.
            let runner = lanes.map { lanes in
                let box = UncheckedSink(sink)
                return LaneRunner(lanes: lanes.lanes.count) { k, job in
                    guard let map = header else { return }
                    let noDuplicates = job.duplicates.isEmpty
                    lanes.lanes[k].with { lane in
                        job.batch.lend(lanes: UnsafePointer(job.lanes), lane: UInt8(k)) { r, row, pre in
                            lane.validator.checkRow(
                                row, pre: pre!, dup: .found(noDuplicates ? nil : job.duplicates[r]), map: map, base: base, path: path,
                                seq: job.firstSeq + r, decoded: &lane.decoded, out: &lane.out, keys: &lane.keys,
                                shifts: &lane.shifts, trainingHours: &lane.trainingHours, sink: box.sink)
                        }
                    }
                }
            }
            defer { runner?.finish() }
            do throws(ReadError) {
                let table = try TableReader.readAheadBatches(
                    file: file, sheetCandidates: [schema.name] + schema.fileStems, sheetHeader: isHeader,
                    rowsPerBatch: tuning.rowsPerBatch, precheck: precheck, inFlight: lanes == nil ? 4 : 4 + 2 * laneCount
                ) { batch, release in
                    if let runner, let map = header, batch.isPrechecked {
                        // Duplicates in file order here, then each row to its cadre's lane.
                        let job = LaneJob(batch: batch, firstSeq: seq, release: release)
                        batch.lend(lanes: nil, lane: 0) { r, row, pre in
                            lastLine = max(lastLine, row.line)
                            report.rowsRead += 1
                            if row.isBlank {
                                report.ignored += 1
                                return
                            }
                            if let dup = duplicate(row, pre!, map, base: base, path: path, keys: &keys, rows: &rows).found {
                                job.duplicates[r] = dup
                            }
                            job.lanes[r] = laneOf(row, map)
                        }
                        seq += batch.rowCount
                        runner.submit(job)
                        return
                    }
                    batch.lend { row, pre in
                        lastLine = max(lastLine, row.line)
                        if let map = header {
                            report.rowsRead += 1
                            if row.isBlank {
                                report.ignored += 1
                                return
                            }
                            if let pre {
                                checkHere(row, pre, map, base: base, path: path, seq: &seq, runner: runner, lanes: lanes, decoded: &decoded,
                                          out: &out, keys: &keys, rows: &rows, shifts: &shifts, trainingHours: &trainingHours, sink: sink)
                                return
                            }
                            own.reset()
                            own.append(row, plan: plan, decoder: &planDecoder)
                            own.lend { row, pre in
                                checkHere(row, pre!, map, base: base, path: path, seq: &seq, runner: runner, lanes: lanes, decoded: &decoded,
                                          out: &out, keys: &keys, rows: &rows, shifts: &shifts, trainingHours: &trainingHours, sink: sink)
                            }
                            return
                        }
                        if headerFailed {
                            report.rowsRead += 1
                            report.rejected += 1
                            report.rejectedRows.append(RejectedRow(
                                origin: RowOrigin(path: path, line: row.line), codes: ["D0023"], reasons: ["找不到表头行"],
                                cells: (0..<row.count).map { row.string($0) }))
                            return
                        }
                        if row.isBlank {
                            pending.append((row.line, []))
                            return
                        }
                        let cells = (0..<row.count).map { row.string($0) }
                        if HeaderMap.score(cells, lookup: lookup) >= requiredHeaderScore {
                            let map = HeaderMap(cells: cells, schema: schema, lookup: lookup)
                            header = map
                            plan = precheckPlan(map, path: path)
                            planDecoder = plan!.decoder
                            if tuning.precheckOnReader { precheck.publish(plan!) }
                            report.headerLine = row.line
                            report.columns = map.names
                            // Title rows above the header are accounted for as ignored.
                            report.rowsRead += pending.count
                            report.ignored += pending.count
                            pending = []
                            checkHeader(map, line: row.line, path: path, report: &report)
                        } else if pending.filter({ !$0.cells.isEmpty }).count >= 9 {
                            headerFailed = true
                            report.problems.append(.noHeader(path: path, sheet: nil, expected: schema.fields.filter(\.isRequired).map(\.name)))
                            for p in pending + [(row.line, cells)] {
                                report.rowsRead += 1
                                if p.cells.isEmpty { report.ignored += 1; continue }
                                report.rejected += 1
                                report.rejectedRows.append(RejectedRow(origin: RowOrigin(path: path, line: p.line), codes: ["D0023"], reasons: ["找不到表头行"], cells: p.cells))
                            }
                            pending = []
                        } else {
                            pending.append((row.line, cells))
                        }
                    }
                    release()
                }
                return .success(table)
            } catch {
                return .failure(error)
            }
        }
        // The rows' findings after the header's, in file order.
        RowsOut.merge(lanes.map { $0.lanes.map { $0.with { lane in lane.out } } } ?? [out], into: &report)
        if let lanes { for lane in lanes.lanes { lane.with { $0.out = RowsOut() } } }
        memory.end(keys: keys, rows: rows, shifts: shifts, trainingHours: trainingHours, lastLine: lastLine)
        switch result {
        case .success(let table):
            report.format = table.format
            report.byteCount = table.byteCount
            if case .xlsx(let read) = table.format {
                for other in table.unreadSheets {
                    report.problems.append(.unreadSheet(path: path, sheet: other.name, dataSheet: read, rows: other.rows))
                }
                if let headerLine = report.headerLine {
                    Self.checkSheetLayout(table, sheet: read, headerLine: headerLine, path: path, schema: schema,
                                          columnOfField: header?.columnOfField ?? [], report: &report)
                }
            }
            // A blank template sent back: a community's cadres would silently get nothing.
            if let headerLine = report.headerLine, report.accepted + report.rejected == 0,
               schema.role == .activity || schema.role == .roster {
                report.problems.append(.noRecords(path: path, sheet: nil, headerLine: headerLine))
            }
        case .failure(let error):
            report.problems.append(.reader(error))
            return report
        }
        if header == nil, !headerFailed {
            if pending.contains(where: { !$0.cells.isEmpty }) {
                report.problems.append(.noHeader(path: path, sheet: nil, expected: schema.fields.filter(\.isRequired).map(\.name)))
                for p in pending {
                    report.rowsRead += 1
                    if p.cells.isEmpty { report.ignored += 1; continue }
                    report.rejected += 1
                    report.rejectedRows.append(RejectedRow(origin: RowOrigin(path: path, line: p.line), codes: ["D0023"], reasons: ["找不到表头行"], cells: p.cells))
                }
            } else {
                report.problems.append(.noHeader(path: path, sheet: nil, expected: schema.fields.filter(\.isRequired).map(\.name)))
                report.rowsRead += pending.count
                report.ignored += pending.count
            }
        }
        if let sheet = report.sheet {
            report.problems = report.problems.map { $0.placedInSheet(sheet) }
            report.rejectedRows = report.rejectedRows.map { r in
                var r = r
                r.origin.sheet = sheet
                return r
            }
            for k in report.rejectedCadreRows.indices { report.rejectedCadreRows[k].origin.sheet = sheet }
            for id in report.rejectedCadres.keys { report.rejectedCadres[id]?.sheet = sheet }
        }
        return report
    }

    /// What an xlsx sheet's layout hides from the rows: hidden data rows and hidden columns
    /// of the source's fields (read all the same, a warning each), and merged cells over the
    /// data (an error per range, the empty-cell errors of the cells it covers worded as it; a
    /// warning when every column it covers is one nothing reads, `FieldSpec.isUnread`, or
    /// not the source's). Once per file, after its rows.
    static func checkSheetLayout(_ table: TableFile, sheet: String, headerLine: Int, path: String, schema: SourceSchema,
                                 columnOfField: [Int?], report: inout FileReport) {
        let hidden = table.hiddenRows.compactMap { r in r.upperBound > headerLine ? max(r.lowerBound, headerLine + 1)...r.upperBound : nil }
        if !hidden.isEmpty { report.problems.append(.hiddenRows(path: path, sheet: sheet, rows: hidden)) }
        // The field each column holds (0-based columns), as the header named them.
        var fieldOfColumn: [Int: Int] = [:]
        for (f, c) in columnOfField.enumerated() { if let c { fieldOfColumn[c] = f } }
        let hiddenFields = fieldOfColumn.keys.sorted().filter { c in table.hiddenColumns.contains { $0.contains(c) } }
        if !hiddenFields.isEmpty {
            report.problems.append(.hiddenColumns(path: path, sheet: sheet, headerLine: headerLine, columns: hiddenFields.map { c in
                HiddenColumn(letter: CellReference.columnName(c), field: schema.fields[fieldOfColumn[c]!].name)
            }))
        }
        let width = report.columns.count
        let merged = table.mergedRanges.filter { $0.rows.upperBound > headerLine && $0.columns.lowerBound < width }
        guard !merged.isEmpty else { return }
        // A range over columns nothing reads loses nothing: their headers, or nil when one
        // of its columns counts.
        func unreadColumns(_ m: TableFile.MergedRange) -> [String]? {
            var names: [String] = []
            for c in m.columns where c < width {
                if let f = fieldOfColumn[c] {
                    guard schema.fields[f].isUnread else { return nil }
                    names.append(schema.fields[f].name)
                } else if !report.columns[c].isEmpty {
                    names.append(report.columns[c])
                }
            }
            return names
        }
        let counting = merged.filter { unreadColumns($0) == nil }
        func covering(_ line: Int, _ column: Int?) -> TableFile.MergedRange? {
            guard let column else { return nil }
            return counting.first { m in
                m.rows.contains(line) && m.columns.contains(column - 1)
                    && !(line == m.rows.lowerBound && column - 1 == m.columns.lowerBound)
            }
        }
        report.problems.removeAll { p in
            if case .missingValue(let place, _) = p { covering(place.line, place.column) != nil } else { false }
        }
        for m in merged { report.problems.append(.mergedCells(path: path, sheet: sheet, range: m, unreadColumns: unreadColumns(m))) }
        for r in report.rejectedRows.indices where counting.contains(where: { $0.rows.contains(report.rejectedRows[r].origin.line) }) {
            var row = report.rejectedRows[r]
            for k in row.codes.indices where row.codes[k] == "D0110" {
                guard k < row.columns.count, let m = covering(row.origin.line, row.columns[k]) else { continue }
                let d = RecordProblem.mergedCells(path: path, sheet: sheet, range: m).diagnostic
                row.codes[k] = d.code
                row.reasons[k] = d.summary.zh
            }
            report.rejectedRows[r] = row
        }
    }

    /// Checks rows given as typed values (`TypedRows`), calling `sink` for every accepted row:
    /// each value is put in its cell as a clerk would type it and goes through the same row
    /// checks as a file's row, cited by `rows.name` and line (the first row is line 2).
    public mutating func validate(rows typed: TypedRows, sink: (borrowing DecodedRow, borrowing FieldDecoder) -> Void) -> FileReport {
        let path = typed.name
        var report = FileReport(path: path, source: schema.name)
        let header = schema.fields.map(\.name)
        let map = HeaderMap(cells: header, schema: schema, lookup: HeaderMap.lookup(schema))
        report.headerLine = 1
        report.columns = map.names
        report.format = typed.format
        report.byteCount = typed.byteCount
        checkHeader(map, line: 1, path: path, report: &report)
        let base = memory.begin(path)
        var keys = memory.keys.take() ?? HashLineTable(capacity: 16)
        var rows = memory.rows.take() ?? HashLineTable(capacity: max(16, typed.rows.count))
        var shifts = memory.shifts
        var trainingHours = memory.trainingHours
        memory.shifts = [:]
        memory.trainingHours = [:]
        var decoded = DecodedRow(
            payload: Array(repeating: 0, count: schema.fields.count),
            present: Array(repeating: false, count: schema.fields.count), cadre: -1, line: 0)
        let plan = precheckPlan(map, path: path)
        var planDecoder: FieldDecoder? = plan.decoder
        let batch = RowBatch()
        var lastLine = 1
        var out = RowsOut()
        let lanes = makeLanes()
        var seq = 0
        for (k, row) in typed.rows.enumerated() {
            let line = k + 2
            lastLine = line
            // The cells one after another, as a CSV reader lends a line's fields.
            var bytes: [UInt8] = []
            var spans: [Int] = []
            for cell in typed.cells(row, schema) {
                spans.append(bytes.count)
                bytes.append(contentsOf: cell.utf8)
                spans.append(bytes.count)
            }
            bytes.withUnsafeBufferPointer { b in
                spans.withUnsafeBufferPointer { s in
                    let raw = RawRow(line: line, count: header.count, base: b.baseAddress ?? UnsafePointer(bitPattern: 1)!,
                                     spans: s.baseAddress!, kinds: nil)
                    report.rowsRead += 1
                    if raw.isBlank {
                        report.ignored += 1
                        return
                    }
                    batch.reset()
                    batch.append(raw, plan: plan, decoder: &planDecoder)
                    batch.lend { row, pre in
                        checkHere(row, pre!, map, base: base, path: path, seq: &seq, runner: nil, lanes: lanes, decoded: &decoded,
                                  out: &out, keys: &keys, rows: &rows, shifts: &shifts, trainingHours: &trainingHours, sink: sink)
                    }
                }
            }
        }
        RowsOut.merge(lanes.map { $0.lanes.map { $0.with { lane in lane.out } } } ?? [out], into: &report)
        if let lanes { for lane in lanes.lanes { lane.with { $0.out = RowsOut() } } }
        memory.end(keys: keys, rows: rows, shifts: shifts, trainingHours: trainingHours, lastLine: lastLine)
        return report
    }

    /// One data row, checked on this thread: on its lane when there are lanes (waiting for
    /// them to be idle first), else here.
    private mutating func checkHere(
        _ row: borrowing RawRow, _ pre: PrecheckedRow, _ map: HeaderMap, base: Int, path: String, seq: inout Int, runner: LaneRunner?,
        lanes: SourceLanes?, decoded: inout DecodedRow, out: inout RowsOut, keys: inout HashLineTable, rows: inout HashLineTable,
        shifts: inout [Int64: [Interval]], trainingHours: inout [Int64: Fixed], sink: (borrowing DecodedRow, borrowing FieldDecoder) -> Void
    ) {
        let dup = duplicate(row, pre, map, base: base, path: path, keys: &keys, rows: &rows)
        defer { seq += 1 }
        if let lanes {
            runner?.drain()
            let k = Int(laneOf(row, map))
            lanes.lanes[k].with { lane in
                lane.validator.checkRow(
                    row, pre: pre, dup: dup, map: map, base: base, path: path, seq: seq, decoded: &lane.decoded, out: &lane.out,
                    keys: &lane.keys, shifts: &lane.shifts, trainingHours: &lane.trainingHours, sink: sink)
            }
            return
        }
        checkRow(row, pre: pre, dup: dup, map: map, base: base, path: path, seq: seq, decoded: &decoded, out: &out, keys: &keys,
                 shifts: &shifts, trainingHours: &trainingHours, sink: sink)
    }

    /// A row's key (or the whole row, for a source without a key) seen before: found in file
    /// order, before the row is checked on its lane.
    struct Duplicate {
        /// The whole row is the same (else only the key).
        var sameRow: Bool
        var firstLine: Int
        var firstFile: String?
    }

    /// A duplicate found before the row is decoded, or left to the row's check when whether
    /// the key is there is known only once it is decoded (a key interned and validated, as an
    /// ID number; such a source has one lane).
    enum DuplicateCheck {
        case found(Duplicate?)
        case deferred

        var found: Duplicate? { if case .found(let d) = self { d } else { nil } }
    }

    /// Looks the row's key (or the whole row) up in the source's tables and adds it.
    /// (Mutating, as `keyDuplicate` and `laneOf` are, only so that the row loop's closures
    /// call them on `self` in place rather than on a copy of the validator per row.)
    /// A blank or undecodable key is reported as such; it identifies nothing, so two such
    /// rows are not duplicates of each other.
    private mutating func duplicate(_ row: borrowing RawRow, _ pre: PrecheckedRow, _ map: HeaderMap, base: Int, path: String,
                           keys: inout HashLineTable, rows: inout HashLineTable) -> DuplicateCheck {
        guard let ki = keyIndex else {
            guard map.isComplete, let seen = rows.insert(pre.rowHash, line: base + row.line) else { return .found(nil) }
            let first = memory.origin(seen.line, current: path)
            return .found(Duplicate(sameRow: true, firstLine: first.line, firstFile: first.file))
        }
        keys.prefetch(pre.keyHash)
        if let ahead = pre.keyHashAhead { keys.prefetch(ahead) }
        let present: Bool
        if isEarly[ki] {
            present = pre.present[ki]
        } else if case .text = schema.fields[ki].type {
            present = map.columnOfField[ki].map { !FieldDecoder.trimmed(row.bytes($0)).isEmpty } ?? false
        } else {
            return .deferred
        }
        return .found(present ? keyDuplicate(row, pre, base: base, path: path, keys: &keys) : nil)
    }

    private mutating func keyDuplicate(_ row: borrowing RawRow, _ pre: PrecheckedRow, base: Int, path: String, keys: inout HashLineTable) -> Duplicate? {
        guard pre.keyHash != 0,
              let seen = keys.insert(pre.keyHash, line: base + row.line, tag: UInt32(truncatingIfNeeded: pre.rowHash))
        else { return nil }
        let first = memory.origin(seen.line, current: path)
        return Duplicate(sameRow: seen.tag == UInt32(truncatingIfNeeded: pre.rowHash), firstLine: first.line, firstFile: first.file)
    }

    /// The lane of a row: by its 工号 (`SourceLanes.lane(of:lanes:)`).
    private mutating func laneOf(_ row: borrowing RawRow, _ map: HeaderMap) -> UInt8 {
        guard laneCount > 1, let ci = cadreIndex, let column = map.columnOfField[ci] else { return 0 }
        return SourceLanes.lane(of: FieldDecoder.trimmed(row.bytes(column)), lanes: laneCount)
    }

    private func precheckPlan(_ map: HeaderMap, path: String) -> RowPrecheck.Plan {
        RowPrecheck.Plan(
            path: path, columnOfField: map.columnOfField, early: isEarly,
            presenceOnly: schema.fields.indices.map { !retain[$0] }, optionalValue: optionalValue, personal: personal,
            fields: schema.fields, keyIndex: keyIndex, foldsKey: schema.role != .roster && schema.role != .opening,
            headerWidth: map.names.count, decoder: FieldDecoder(fields: schema.fields))
    }

    private func checkHeader(_ map: HeaderMap, line: Int, path: String, report: inout FileReport) {
        for (i, f) in schema.fields.enumerated() where f.isRequired && map.columnOfField[i] == nil {
            report.problems.append(.missingColumn(Place(path: path, line: line), field: f, found: map.names.filter { !$0.isEmpty }))
        }
        for d in map.duplicates {
            report.problems.append(.duplicateColumn(Place(path: path, line: line, column: d.column + 1, columnName: d.name), name: d.name, firstColumn: d.first + 1))
        }
        for u in map.unused {
            report.problems.append(.unusedColumn(Place(path: path, line: line, column: u.column + 1, columnName: u.name), name: u.name))
        }
    }

    struct Interval {
        var start: Int64
        var end: Int64
        var line: Int32
        var startText: TimeOfDay
        var endText: TimeOfDay
    }

    // swiftlint:disable:next function_body_length
    fileprivate mutating func checkRow(
        _ row: borrowing RawRow, pre: PrecheckedRow, dup: DuplicateCheck, map: HeaderMap, base: Int, path: String, seq: Int,
        decoded: inout DecodedRow, out: inout RowsOut,
        keys: inout HashLineTable, shifts: inout [Int64: [Interval]],
        trainingHours: inout [Int64: Fixed], sink: (borrowing DecodedRow, borrowing FieldDecoder) -> Void
    ) {
        let origin = RowOrigin(path: path, line: row.line)
        var problems: [RecordProblem] = []
        var hasError = false
        func place(_ field: Int) -> Place {
            let column = map.columnOfField[field]
            return Place(path: path, line: row.line, column: column.map { $0 + 1 }, columnName: schema.fields[field].name)
        }
        func add(_ p: RecordProblem) {
            problems.append(p)
            if p.severity == .error { hasError = true }
        }

        // The precheck (`RowPrecheck`) decoded all but the interned fields and fingerprinted
        // the row and its key: copy that, and decode what must be interned here.
        pre.fill(&decoded)
        let early = pre.problems
        var next = early.startIndex
        let fieldCount = schema.fields.count
        // The row's payload and presence written through pointers: a store through the
        // arrays of an `inout` row paid a uniqueness check each.
        decoded.payload.withUnsafeMutableBufferPointer { payload in
            decoded.present.withUnsafeMutableBufferPointer { present in
                for f in 0..<fieldCount {
                    while next < early.endIndex, early[next].field == f {
                        add(early[next].problem)
                        next += 1
                    }
                    guard !isEarly[f], let column = map.columnOfField[f] else { continue }
                    present[f] = false
                    let raw = FieldDecoder.trimmed(row.bytes(column))
                    switch decoder.decode(f, trimmed: raw, kind: row.kind(column), date1904: row.date1904) {
                    case nil:
                        if !optionalValue[f] { add(.missingValue(place(f), type: schema.fields[f].type)) }
                    case .success(let v)?:
                        payload[f] = v
                        present[f] = true
                    case .failure(let problem)?:
                        add(Self.valueProblem(place(f), raw, schema.fields[f].type, personal: personal[f], problem))
                    }
                }
            }
        }
        // Extra cells, after the fields.
        while next < early.endIndex {
            add(early[next].problem)
            next += 1
        }

        // The cadre, the month and employment.
        decoded.cadre = -1
        if let ci = cadreIndex, decoded.present[ci], !isRoster, let roster {
            let code = Int(decoded.payload[ci])
            while cadreOfCode.count <= code { cadreOfCode.append(-2) }
            if cadreOfCode[code] == -2 {
                cadreOfCode[code] = Int32(roster.index(of: decoder.text(ci, decoded.payload[ci])) ?? -1)
            }
            decoded.cadre = cadreOfCode[code]
            if decoded.cadre < 0 {
                let id = decoder.text(ci, decoded.payload[ci])
                if let rosterRow = rejectedCadres[id] {
                    add(.rosterRowRejected(place(ci), id: id, roster: rosterRow))
                } else {
                    add(.unknownCadre(place(ci), id: id))
                }
            }
        }
        if let di = dateIndex, decoded.present[di] {
            let date = CivilDate(daysSinceEpoch: Int32(decoded.payload[di]))
            if !monthDays.contains(date.daysSinceEpoch) {
                add(.dateOutsideMonth(place(di), date: date, month: month))
            } else if decoded.cadre >= 0, let roster,
                      decoded.payload[di] < hired[Int(decoded.cadre)] || decoded.payload[di] > left[Int(decoded.cadre)] {
                let c = roster.cadres[Int(decoded.cadre)]
                add(.notEmployed(place(di), id: c.id, date: date, hiredOn: c.hiredOn, leftOn: c.leftOn))
            }
        }

        // The opening's months before this one: no more than the months of the year before
        // this month, nor (a warning: a cadre rehired this year may have more) than those
        // since 入职日期 (累计月数 sets 本年任职月数, and so the tax's 累计减除费用).
        if let mi = openingMonthsIndex, decoded.present[mi], decoded.cadre >= 0, let roster {
            let months = Int(decoded.payload[mi])
            let c = roster.cadres[Int(decoded.cadre)]
            if months > month.month - 1 {
                add(.openingMonths(place(mi), id: c.id, months: months, month: month, hiredOn: nil))
            } else if c.hiredOn.year == month.year, c.hiredOn.month <= month.month, months > month.month - c.hiredOn.month {
                add(.openingMonths(place(mi), id: c.id, months: months, month: month, hiredOn: c.hiredOn))
            }
        }

        // Duplicates: a repeated key, or a row repeated whole (found in file order before the
        // row came here, unless only its decoded key tells whether it has one).
        var found = dup.found
        if case .deferred = dup, let ki = keyIndex, decoded.present[ki] {
            found = keyDuplicate(row, pre, base: base, path: path, keys: &keys)
        }
        if let seen = found, let ki = keyIndex, !seen.sameRow {
            if isRoster {
                add(.conflictingRosterRows(place(ki), id: decoder.text(ki, decoded.payload[ki]), firstLine: seen.firstLine, firstFile: seen.firstFile))
            } else {
                let key = retain[ki] ? decoder.text(ki, decoded.payload[ki]) : row.string(map.columnOfField[ki]!)
                add(.duplicateKey(place(ki), key: key, firstLine: seen.firstLine, firstFile: seen.firstFile))
            }
        } else if let seen = found {
            add(.duplicateRow(Place(path: path, line: row.line), firstLine: seen.firstLine, firstFile: seen.firstFile))
        }

        // Adjustments: a reason, and points or an amount.
        if isAdjustments {
            if let ri = adjustmentFields.reason, !decoded.present[ri], map.columnOfField[ri] != nil {
                add(.adjustmentWithoutReason(place(ri)))
            }
            // A value written but refused (D0101, D0108) is reported as such, not as missing.
            func written(_ f: Int?) -> Bool {
                guard let f else { return false }
                return decoded.present[f] || map.columnOfField[f].map { !FieldDecoder.trimmed(row.bytes($0)).isEmpty } ?? false
            }
            let p = written(adjustmentFields.points)
            let a = written(adjustmentFields.amount)
            if p == a { add(.adjustmentValue(Place(path: path, line: row.line), hasPoints: p, hasAmount: a)) }
            for f in [adjustmentFields.points, adjustmentFields.amount] {
                if let f, decoded.present[f], schema.fields[f].unreadByRules { add(.unreadAdjustmentValue(place(f))) }
            }
        }

        // Shifts: length and overlap per cadre.
        if !hasError, let s = shiftIndexes, let di = dateIndex, decoded.present[s.start], decoded.present[s.end] {
            let day = decoded.payload[di]
            let start = day * 1440 + decoded.payload[s.start]
            var end = (s.endDate.flatMap { decoded.present[$0] ? decoded.payload[$0] : nil } ?? day) * 1440 + decoded.payload[s.end]
            let explicitEnd = s.endDate.map { decoded.present[$0] } ?? false
            if !explicitEnd, end <= start { end += 1440 }
            let minutes = Int(end - start)
            if minutes <= 0 || minutes > 1440 {
                add(.shiftLength(place(s.end), minutes: max(0, minutes)))
            } else {
                if minutes > 16 * 60 { add(.longShift(place(s.end), minutes: minutes)) }
                // Absences too: one cadre is absent from one shift once, and is not absent from
                // a shift they stood (三条重叠的缺勤 would deduct three times, 到岗 and 缺勤 of
                // one shift would both count). Without a 工号 (a misspelt header, D0024) the
                // row names nobody: there is no one whose shifts it could overlap.
                if let ci = cadreIndex, decoded.present[ci] {
                    let who = decoded.cadre >= 0 ? Int64(decoded.cadre) : -1 - decoded.payload[ci]
                    let interval = Interval(start: start, end: end, line: Int32(clamping: base + row.line),
                                            startText: TimeOfDay(minutes: Int16(decoded.payload[s.start])),
                                            endText: TimeOfDay(minutes: Int16(decoded.payload[s.end])))
                    // The cadre's shifts so far, in place (one lookup, no copy of the list):
                    // the shift goes in, in order of start, unless it overlaps one.
                    func insertShift(into list: inout [Interval]) -> Interval? {
                        var lo = 0, hi = list.count
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if list[mid].start < start { lo = mid + 1 } else { hi = mid }
                        }
                        if lo > 0, list[lo - 1].end > start { return list[lo - 1] }
                        if lo < list.count, list[lo].start < end { return list[lo] }
                        list.insert(interval, at: lo)
                        return nil
                    }
                    if let c = insertShift(into: &shifts[who, default: []]) {
                        let other = memory.origin(Int(c.line), current: path)
                        add(.overlappingShifts(
                            place(s.start), id: decoder.text(ci, decoded.payload[ci]), otherLine: other.line,
                            start: interval.startText.description, end: interval.endText.description,
                            otherStart: c.startText.description, otherEnd: c.endText.description, otherFile: other.file))
                    }
                }
            }
        }

        // Suspicious but legal.
        if minutesIsInteger, let mi = minutesIndex, decoded.present[mi], decoded.payload[mi] > 480 {
            add(.longService(place(mi), minutes: Int(decoded.payload[mi])))
        }
        if !hasError, let hi = hoursIndex, let di = dateIndex, let ci = cadreIndex, decoded.present[hi], decoded.present[di], decoded.present[ci] {
            let key = (decoded.cadre >= 0 ? Int64(decoded.cadre) : -1 - decoded.payload[ci]) &* 100_000 &+ decoded.payload[di]
            let hours = Fixed(units: decoded.payload[hi], scale: hoursScale)
            // One lookup: the day's total changed in place.
            func accumulate(into total: inout Fixed) -> (before: Fixed, after: Fixed) {
                let before = total
                total = before + hours
                return (before, total)
            }
            let (before, after) = accumulate(into: &trainingHours[key, default: .zero])
            if before <= Fixed(8), after > Fixed(8) { add(.manyTrainingHours(place(hi), hours: after)) }
        }

        if !hasError, let check = rowCheck {
            decoded.line = row.line
            for p in check(&self, decoded, origin) { add(p) }
        }

        if !problems.isEmpty {
            out.problems.append(contentsOf: problems)
            out.problemSeq.append(contentsOf: repeatElement(seq, count: problems.count))
        }
        if hasError {
            out.rejected += 1
            let personal = Set(schema.fields.indices.filter { schema.fields[$0].type.isPersonal }.compactMap { map.columnOfField[$0] })
            let errors = problems.filter { $0.severity == .error }.map(\.diagnostic)
            // A rejected roster row leaves its cadre out of scoring and pay: kept to say so.
            if isRoster, let ci = cadreIndex, let column = map.columnOfField[ci] {
                let id = row.string(column).trimmingSpaces
                let name = schema.fieldIndex("姓名").flatMap { map.columnOfField[$0] }.map { row.string($0).trimmingSpaces } ?? ""
                if !id.isEmpty || !name.isEmpty {
                    out.rejectedCadres.append(RejectedCadre(id: id, name: name, origin: origin, codes: errors.map(\.code)))
                }
            }
            out.rejectedRows.append(RejectedRow(
                origin: origin, codes: errors.map(\.code), reasons: errors.map(\.summary.zh),
                // Personal data that slipped into another column (a roster row missing a cell)
                // is masked by what it looks like.
                cells: (0..<row.count).map { personal.contains($0) ? Self.maskAny(row.string($0)) : PersonalData.maskByContent(row.string($0)) },
                columns: errors.map { d in if case .row(_, _, let c, _) = d.location { c } else { nil } },
                kinds: (0..<row.count).map { row.kind($0) }))
            out.rejectedSeq.append(seq)
        } else {
            out.accepted += 1
            decoded.line = row.line
            sink(decoded, decoder)
        }
    }

    /// A field that did not decode, with what was found (masked when it is personal data).
    static func valueProblem(_ place: Place, _ raw: UnsafeBufferPointer<UInt8>, _ type: FieldType, personal: Bool,
                             _ problem: ValueProblem) -> RecordProblem {
        let text = String(decoding: raw, as: UTF8.self)
        return .value(place, found: personal ? mask(text, type) : text, type: type, problem: problem)
    }

    static func mask(_ text: String, _ type: FieldType) -> String {
        switch type {
        case .idNumber: PersonalData.maskIDNumber(text)
        case .bankAccount: PersonalData.maskBankAccount(text)
        case .phone: PersonalData.maskPhone(text)
        default: text
        }
    }

    static func maskAny(_ text: String) -> String {
        text.count >= 15 ? PersonalData.maskIDNumber(text) : PersonalData.mask(text, keepFirst: 3, keepLast: 2)
    }
}
