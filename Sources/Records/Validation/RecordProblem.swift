import Exact

/// Where in a record file a problem lies: the file, the row and, when known, the column.
public struct Place: Sendable, Hashable {
    public var path: String
    public var sheet: String?
    public var line: Int
    /// 1-based column index.
    public var column: Int?
    public var columnName: String?

    public init(path: String, sheet: String? = nil, line: Int, column: Int? = nil, columnName: String? = nil) {
        self.path = path
        self.sheet = sheet
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    public init(_ origin: RowOrigin, column: Int? = nil, columnName: String? = nil) {
        self.init(path: origin.path, sheet: origin.sheet, line: origin.line, column: column, columnName: columnName)
    }

    public var origin: RowOrigin { RowOrigin(path: path, sheet: sheet, line: line) }
}

/// A problem in the month's data, held as data. `RecordProblem+Diagnostic.swift` words it.
public enum RecordProblem: Sendable, Hashable {
    // Files and headers
    case reader(ReadError)
    case unknownFile(path: String)
    /// A file named like `source`'s (`值班富民.xlsx`, `值班表.docx`) whose name says no
    /// part: the month stops rather than go on without it. `expected`: the name to give it.
    case misnamedFile(path: String, source: String, expected: [String])
    /// `source`'s file in a format that is not read (`format`: `.xls`, `.et`, `.xlsx.txt`).
    case notXlsxFile(path: String, source: String, format: String, expected: String)
    case ambiguousFiles(source: String, paths: [String])
    case missingSource(source: String, folder: String, stems: [String], required: Bool)
    case noHeader(path: String, sheet: String?, expected: [String])
    case missingColumn(Place, field: FieldSpec, found: [String])
    case duplicateColumn(Place, name: String, firstColumn: Int)
    case unusedColumn(Place, name: String)
    case extraCells(Place, count: Int)
    /// Another visible sheet of a workbook with this source's header and `rows` rows below
    /// it: only `dataSheet` was read, so those rows would vanish.
    case unreadSheet(path: String, sheet: String, dataSheet: String, rows: Int)
    /// Non-blank data rows of the sheet read that are hidden: read and counted all the same
    /// (a warning), as runs of row numbers.
    case hiddenRows(path: String, sheet: String, rows: [ClosedRange<Int>])
    /// Hidden columns of the sheet read that hold fields of the source: read all the same (a
    /// warning), each by its column letter and field; located at the first one's header cell.
    case hiddenColumns(path: String, sheet: String, headerLine: Int, columns: [HiddenColumn])
    /// Merged cells over the data rows: only the range's first cell has its value, so the
    /// rows below it lack theirs (the empty-cell errors they caused are worded as this).
    /// `unreadColumns`: nil when the range covers a column that counts (an error); else the
    /// headers of the columns it covers, none of which anything reads (an optional 备注 no
    /// rule reads, a column the source does not have): nothing is lost, a warning.
    case mergedCells(path: String, sheet: String, range: TableFile.MergedRange, unreadColumns: [String]? = nil)
    /// A file (or sheet) of an activity source or the roster with a header and no records:
    /// a blank template sent back.
    case noRecords(path: String, sheet: String?, headerLine: Int)

    // Values
    case value(Place, found: String, type: FieldType, problem: ValueProblem)
    case missingValue(Place, type: FieldType)

    // Rows against the month and the roster
    case dateOutsideMonth(Place, date: CivilDate, month: YearMonth)
    case unknownCadre(Place, id: String)
    /// A record of a cadre whose roster row was rejected (`roster`): the cadre is not in the
    /// month, so neither is the record.
    case rosterRowRejected(Place, id: String, roster: RowOrigin)
    case notEmployed(Place, id: String, date: CivilDate, hiredOn: CivilDate, leftOn: CivilDate?)
    case duplicateKey(Place, key: String, firstLine: Int, firstFile: String? = nil)
    case duplicateRow(Place, firstLine: Int, firstFile: String? = nil)
    case overlappingShifts(Place, id: String, otherLine: Int, start: String, end: String, otherStart: String, otherEnd: String, otherFile: String? = nil)
    case shiftLength(Place, minutes: Int)
    case adjustmentWithoutReason(Place)
    case adjustmentValue(Place, hasPoints: Bool, hasAmount: Bool)
    /// An adjustment's 分值 or 金额 that no item or pay line of the rules reads.
    case unreadAdjustmentValue(Place)

    // Roster
    case conflictingRosterRows(Place, id: String, firstLine: Int, firstFile: String? = nil)
    case sharedIDNumber(Place, otherID: String, otherLine: Int, otherFile: String? = nil)
    case leftBeforeHired(Place, hiredOn: CivilDate, leftOn: CivilDate)
    /// A 姓名 with a line break, tab or zero-width character (it becomes the bank file's 户名).
    case invisibleCharactersInName(Place, id: String, name: String)
    /// Two cadres with one bank account: the bank file would pay both into it.
    case sharedBankAccount(Place, id: String, account: String, otherID: String, otherLine: Int, otherFile: String? = nil)
    /// A roster value a pay line looks up in a table that has no row for it (岗位等级 19 in a
    /// table of 1 to 18): the line cannot be computed.
    case noTableRow(Place, id: String, value: String, table: String, keys: [String], line: String)
    /// A community of very few cadres (`rows`) whose name is a slip away from a larger one's
    /// (`other`, of `otherCount` cadres): likely a typo that makes a community of its own.
    case communityLikeAnother(Place, community: String, rows: [RowOrigin], other: String, otherCount: Int)
    /// An opening row's 累计月数 beyond the months of the year before `month` (an error), or
    /// beyond those since `hiredOn` when the cadre joined this year (a warning).
    case openingMonths(Place, id: String, months: Int, month: YearMonth, hiredOn: CivilDate?)

    // Warnings: suspicious but legal
    case notEmployedThisMonth(Place, id: String, month: YearMonth)
    case longShift(Place, minutes: Int)
    case longService(Place, minutes: Int)
    case manyTrainingHours(Place, hours: Fixed)
    /// A cadre employed this month with no row in any of `sources`, the activity sources of
    /// the month's schemas (the rules' own, named as the rules name them).
    case noActivity(Place, id: String, sources: [String])
}

/// A hidden column of a sheet (`C`) and the field its header names (`开始`).
public struct HiddenColumn: Sendable, Hashable {
    public var letter: String
    public var field: String

    public init(letter: String, field: String) {
        self.letter = letter
        self.field = field
    }
}

extension RecordProblem {
    /// The same problem located in an xlsx sheet (the sheet is known once the file is read).
    func placedInSheet(_ sheet: String) -> RecordProblem {
        func p(_ place: Place) -> Place {
            var place = place
            place.sheet = sheet
            return place
        }
        switch self {
        case .reader, .unknownFile, .misnamedFile, .notXlsxFile, .ambiguousFiles, .missingSource, .unreadSheet, .hiddenRows, .hiddenColumns, .mergedCells:
            return self
        case .noRecords(let path, _, let line): return .noRecords(path: path, sheet: sheet, headerLine: line)
        case .noHeader(let path, _, let expected): return .noHeader(path: path, sheet: sheet, expected: expected)
        case .missingColumn(let a, let b, let c): return .missingColumn(p(a), field: b, found: c)
        case .duplicateColumn(let a, let b, let c): return .duplicateColumn(p(a), name: b, firstColumn: c)
        case .unusedColumn(let a, let b): return .unusedColumn(p(a), name: b)
        case .extraCells(let a, let b): return .extraCells(p(a), count: b)
        case .value(let a, let b, let c, let d): return .value(p(a), found: b, type: c, problem: d)
        case .missingValue(let a, let b): return .missingValue(p(a), type: b)
        case .dateOutsideMonth(let a, let b, let c): return .dateOutsideMonth(p(a), date: b, month: c)
        case .unknownCadre(let a, let b): return .unknownCadre(p(a), id: b)
        case .rosterRowRejected(let a, let b, let c): return .rosterRowRejected(p(a), id: b, roster: c)
        case .notEmployed(let a, let b, let c, let d, let e): return .notEmployed(p(a), id: b, date: c, hiredOn: d, leftOn: e)
        case .duplicateKey(let a, let b, let c, let d): return .duplicateKey(p(a), key: b, firstLine: c, firstFile: d)
        case .duplicateRow(let a, let b, let c): return .duplicateRow(p(a), firstLine: b, firstFile: c)
        case .overlappingShifts(let a, let b, let c, let d, let e, let f, let g, let h):
            return .overlappingShifts(p(a), id: b, otherLine: c, start: d, end: e, otherStart: f, otherEnd: g, otherFile: h)
        case .shiftLength(let a, let b): return .shiftLength(p(a), minutes: b)
        case .adjustmentWithoutReason(let a): return .adjustmentWithoutReason(p(a))
        case .adjustmentValue(let a, let b, let c): return .adjustmentValue(p(a), hasPoints: b, hasAmount: c)
        case .unreadAdjustmentValue(let a): return .unreadAdjustmentValue(p(a))
        case .conflictingRosterRows(let a, let b, let c, let d): return .conflictingRosterRows(p(a), id: b, firstLine: c, firstFile: d)
        case .sharedIDNumber(let a, let b, let c, let d): return .sharedIDNumber(p(a), otherID: b, otherLine: c, otherFile: d)
        case .leftBeforeHired(let a, let b, let c): return .leftBeforeHired(p(a), hiredOn: b, leftOn: c)
        case .invisibleCharactersInName(let a, let b, let c): return .invisibleCharactersInName(p(a), id: b, name: c)
        case .sharedBankAccount(let a, let b, let c, let d, let e, let f):
            return .sharedBankAccount(p(a), id: b, account: c, otherID: d, otherLine: e, otherFile: f)
        case .noTableRow(let a, let b, let c, let d, let e, let f): return .noTableRow(p(a), id: b, value: c, table: d, keys: e, line: f)
        case .openingMonths(let a, let b, let c, let d, let e): return .openingMonths(p(a), id: b, months: c, month: d, hiredOn: e)
        case .communityLikeAnother(let a, let b, let c, let d, let e): return .communityLikeAnother(p(a), community: b, rows: c, other: d, otherCount: e)
        case .notEmployedThisMonth(let a, let b, let c): return .notEmployedThisMonth(p(a), id: b, month: c)
        case .longShift(let a, let b): return .longShift(p(a), minutes: b)
        case .longService(let a, let b): return .longService(p(a), minutes: b)
        case .manyTrainingHours(let a, let b): return .manyTrainingHours(p(a), hours: b)
        case .noActivity(let a, let b, let c): return .noActivity(p(a), id: b, sources: c)
        }
    }
}
