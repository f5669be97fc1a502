import Diagnostics

/// Turns the `<sheetData>` of a worksheet part into rows, lending each to `emit` when its
/// `</row>` arrives.
///
/// Values become text as a clerk sees them: shared and inline strings as written, numbers as
/// exact decimal text (`ExcelNumber`), booleans as `TRUE`/`FALSE`, errors as written
/// (`#N/A`). A row's fields run to its last non-empty cell; columns before it that have no
/// cell are `.empty`.
struct SheetHandler: XMLHandler {
    let path: String
    let sheet: String
    let shared: SharedStringsHandler
    let emit: (borrowing RawRow) -> Void
    /// The workbook counts dates from 1904: said to every row (`RawRow.date1904`).
    let date1904: Bool
    private(set) var rowCount = 0
    /// Non-blank rows marked hidden, as runs of row numbers (`TableFile.hiddenRows`).
    private(set) var hiddenRows: [ClosedRange<Int>] = []
    /// `<mergeCell>`s after the sheet data, the first `MergedRange.limit`.
    private(set) var mergedRanges: [TableFile.MergedRange] = []
    /// Columns `<cols><col min max hidden="1">` before the sheet data marks hidden, 0-based,
    /// the first `TableFile.MergedRange.limit` runs (`TableFile.hiddenColumns`).
    private(set) var hiddenColumns: [ClosedRange<Int>] = []
    private var rowHidden = false
    /// Compressed size of the sheet and shared-strings parts, and the row bytes delivered so
    /// far: rows may carry at most `ReadLimits.maxExpansionRatio` times the former.
    private let compressedBytes: Int
    private var deliveredBytes = 0

    static let maxColumns = 16_384
    static let maxRows = 1_048_576

    private enum CellType { case number, shared, inline, formulaString, boolean, error, date }

    private struct Cell {
        var column: Int
        var start: Int
        var end: Int
        var kind: CellKind
    }

    /// Bytes of the current row's values.
    private let rowBytes = ByteBuffer(capacity: 4096)
    /// The text of the current `<v>` or inline `<t>`.
    private let value = ByteBuffer(capacity: 256)
    private var cells: [Cell] = []
    private let dense = DenseRow()

    private var inSheetData = false
    private var inRow = false
    private var inCell = false
    private var inInline = false
    private var capturing = false
    private var hasValue = false
    /// The cell has a formula (`<f>`); without a `<v>` its value was never calculated.
    private var hasFormula = false
    private var inFormula = false
    private var phoneticDepth = 0
    private var rowNumber = 0
    private var column = -1
    private var cellType = CellType.number

    init(path: String, sheet: String, shared: SharedStringsHandler, compressedBytes: Int = .max, date1904: Bool = false,
         emit: @escaping (borrowing RawRow) -> Void) {
        self.path = path
        self.sheet = sheet
        self.shared = shared
        self.compressedBytes = compressedBytes
        self.date1904 = date1904
        self.emit = emit
        cells.reserveCapacity(64)
    }

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        guard inSheetData else {
            if name.equals("sheetData") && !isEmpty {
                inSheetData = true
            } else if name.equals("mergeCell"), mergedRanges.count < TableFile.MergedRange.limit,
                      let ref = a.value("ref"), let range = Self.range(ref.buffer) {
                mergedRanges.append(range)
            } else if name.equals("col"), hiddenColumns.count < TableFile.MergedRange.limit,
                      let hidden = a.value("hidden"), hidden.equals("1") || hidden.equals("true"),
                      let lo = a.value("min").flatMap({ Self.decimal($0.buffer) }),
                      let hi = a.value("max").flatMap({ Self.decimal($0.buffer) }), lo >= 1, lo <= hi {
                hiddenColumns.append((lo - 1)...(min(hi, Self.maxColumns) - 1))
            }
            return
        }
        if inCell {
            if name.equals("v") {
                // The cached value replaces the formula's text captured before it.
                value.count = 0
                capturing = !isEmpty
                hasValue = true
            } else if name.equals("f") {
                hasFormula = true
                if !hasValue {
                    inFormula = !isEmpty
                    capturing = !isEmpty
                }
            } else if name.equals("is") {
                inInline = !isEmpty
                hasValue = true
            } else if name.equals("rPh") {
                if !isEmpty { phoneticDepth += 1 }
            } else if name.equals("t") {
                capturing = inInline && phoneticDepth == 0 && !isEmpty
            }
        } else if name.equals("c") {
            guard inRow else { throw .malformed("a cell outside a row") }
            column = try a.value("r").map { (r) throws(XMLFault) in try columnIndex(r) } ?? column + 1
            guard column < Self.maxColumns else {
                throw .failed(.tooManyColumns(path: path, sheet: sheet, row: rowNumber, column: column + 1))
            }
            cellType = Self.cellType(a.value("t"))
            value.count = 0
            hasValue = false
            hasFormula = false
            inFormula = false
            inCell = !isEmpty
        } else if name.equals("row") {
            if let r = a.value("r") {
                // Excel's sheets end at row 1,048,576: a larger number is no row (and would
                // not fit where records keep their line).
                guard let n = Self.decimal(r.buffer), n >= 1, n <= Self.maxRows else { throw .malformed("bad row number '\(r.excerpt)'") }
                rowNumber = n
            } else {
                guard rowNumber < Self.maxRows else { throw .malformed("more than \(Self.maxRows) rows") }
                rowNumber += 1
            }
            column = -1
            cells.removeAll(keepingCapacity: true)
            rowBytes.count = 0
            inRow = true
            rowHidden = a.value("hidden").map { $0.equals("1") || $0.equals("true") } ?? false
            if isEmpty { try endRow() }
        }
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {
        guard inSheetData else { return }
        if inCell {
            if name.equals("v") || name.equals("t") || name.equals("f") {
                if name.equals("f") { inFormula = false }
                capturing = false
            } else if name.equals("is") {
                inInline = false
            } else if name.equals("rPh") {
                phoneticDepth -= 1
            } else if name.equals("c") {
                inCell = false
                try endCell()
            }
        } else if name.equals("row") {
            try endRow()
        } else if name.equals("sheetData") {
            inSheetData = false
        }
    }

    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault) {
        guard capturing else { return }
        try XMLText.append(text, isRaw: isRaw, to: value)
        if value.count > ReadLimits.maxCellBytes { throw cellTooLong(cut: true) }
    }

    private func cellTooLong(cut: Bool) -> XMLFault {
        let ref = CellReference.reference(row: rowNumber - 1, column: max(column, 0))
        return .failed(.cellTooLong(path: path, place: .cell(sheet: sheet, reference: ref),
                                    excerpt: Excerpt.of(value.bytes, exceeding: cut ? ReadLimits.maxCellCharacters : nil)))
    }

    private mutating func endCell() throws(XMLFault) {
        // A formula with no cached value (`<f>` without `<v>`: written by a program that does
        // not calculate, never saved by Excel or WPS) has no value to read; it is delivered
        // as `=` and its text, of kind `.uncalculated`, for the validator to reject by cell
        // rather than read as empty.
        if hasFormula && !hasValue {
            if UTF8Count.exceedsCellLimit(value.bytes) { throw cellTooLong(cut: false) }
            let start = rowBytes.count
            rowBytes.append("=")
            if value.count > 0 { rowBytes.append(value.bytes.baseAddress!, count: value.count) }
            cells.append(Cell(column: column, start: start, end: rowBytes.count, kind: .uncalculated))
            return
        }
        // `<v></v>` is an empty cell whatever its type says.
        guard hasValue, value.count > 0 else { return }
        if UTF8Count.exceedsCellLimit(value.bytes) { throw cellTooLong(cut: false) }
        let start = rowBytes.count
        var kind = CellKind.text
        let v = value.bytes
        switch cellType {
        case .number:
            if ExcelNumber.render(v, into: rowBytes) {
                kind = .number
            } else {
                rowBytes.append(v.baseAddress!, count: v.count)
            }
        case .shared:
            guard let i = Self.decimal(v), let s = shared.string(i) else {
                let ref = CellReference.reference(row: rowNumber - 1, column: column)
                throw .failed(.badSharedString(path: path, sheet: sheet, reference: ref, index: Self.decimal(v) ?? -1))
            }
            if let b = s.baseAddress { rowBytes.append(b, count: s.count) }
        case .boolean:
            kind = .boolean
            if v.count == 1 && v[0] == 0x31 {
                rowBytes.append("TRUE")
            } else if v.count == 1 && v[0] == 0x30 {
                rowBytes.append("FALSE")
            } else {
                rowBytes.append(v.baseAddress!, count: v.count)
            }
        case .error:
            kind = .error
            rowBytes.append(v.baseAddress!, count: v.count)
        case .inline, .formulaString, .date:
            rowBytes.append(v.baseAddress!, count: v.count)
        }
        guard rowBytes.count > start else { return }
        if ZipArchive.ratioExceeded(inflated: deliveredBytes + rowBytes.count, compressed: compressedBytes,
                                    ratio: ReadLimits.maxExpansionRatio) {
            throw .failed(.expansionTooLarge(path: path, sheet: sheet, row: rowNumber, bytes: deliveredBytes + rowBytes.count,
                                             compressed: compressedBytes, ratio: ReadLimits.maxExpansionRatio))
        }
        cells.append(Cell(column: column, start: start, end: rowBytes.count, kind: kind))
    }

    private mutating func endRow() throws(XMLFault) {
        inRow = false
        var count = 0
        for c in cells where c.column + 1 > count { count = c.column + 1 }
        dense.reserve(count)
        let spans = dense.spans, kinds = dense.kinds
        for i in 0..<count {
            spans[2 * i] = 0
            spans[2 * i + 1] = 0
            kinds[i] = .empty
        }
        for c in cells {
            spans[2 * c.column] = c.start
            spans[2 * c.column + 1] = c.end
            kinds[c.column] = c.kind
        }
        rowCount += 1
        deliveredBytes += rowBytes.count
        let row = RawRow(line: rowNumber, count: count, base: UnsafePointer(rowBytes.base),
                         spans: UnsafePointer(spans), kinds: UnsafePointer(kinds), date1904: date1904)
        if rowHidden && !row.isBlank {
            if let last = hiddenRows.last, last.upperBound == rowNumber - 1 {
                hiddenRows[hiddenRows.count - 1] = last.lowerBound...rowNumber
            } else {
                hiddenRows.append(rowNumber...rowNumber)
            }
        }
        emit(row)
    }

    /// `A2:A4` (or one cell, `B7`) as rows and columns; nil for anything else.
    static func range(_ b: UnsafeBufferPointer<UInt8>) -> TableFile.MergedRange? {
        func cell(_ from: Int, _ to: Int) -> (row: Int, column: Int)? {
            var i = from, column = 0
            while i < to {
                let c = b[i] | 0x20
                guard c >= 0x61, c <= 0x7A else { break }
                column = column * 26 + Int(c - 0x60)
                guard column <= maxColumns else { return nil }
                i += 1
            }
            guard column > 0, i < to, let row = decimal(UnsafeBufferPointer(rebasing: b[i..<to])), row >= 1, row <= maxRows else {
                return nil
            }
            return (row, column - 1)
        }
        let colon = b.firstIndex(of: 0x3A) ?? b.count
        guard let first = cell(0, colon) else { return nil }
        guard let last = colon < b.count ? cell(colon + 1, b.count) : first else { return nil }
        return TableFile.MergedRange(rows: min(first.row, last.row)...max(first.row, last.row),
                                     columns: min(first.column, last.column)...max(first.column, last.column))
    }

    /// Zero-based column of an A1 reference (`C14` → 2).
    private func columnIndex(_ r: XMLBytes) throws(XMLFault) -> Int {
        var n = 0, i = 0
        while i < r.count {
            var b = r.base[i]
            if b >= 0x61 && b <= 0x7A { b -= 0x20 }
            guard b >= 0x41 && b <= 0x5A else { break }
            n = n * 26 + Int(b - 0x40)
            if n > Self.maxColumns {
                throw .failed(.tooManyColumns(path: path, sheet: sheet, row: rowNumber, column: n))
            }
            i += 1
        }
        guard n > 0 else { throw .malformed("bad cell reference '\(r.excerpt)'") }
        return n - 1
    }

    private static func cellType(_ t: XMLBytes?) -> CellType {
        guard let t else { return .number }
        if t.equals("s") { return .shared }
        if t.equals("inlineStr") { return .inline }
        if t.equals("str") { return .formulaString }
        if t.equals("b") { return .boolean }
        if t.equals("e") { return .error }
        if t.equals("d") { return .date }
        return .number
    }

    private static func decimal(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !b.isEmpty, b.count <= 18 else { return nil }
        var n = 0
        for c in b {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            n = n * 10 + Int(c - 0x30)
        }
        return n
    }
}

/// The dense (start, end) spans and kinds of one row, reused from row to row.
final class DenseRow {
    private(set) var spans: UnsafeMutablePointer<Int>
    private(set) var kinds: UnsafeMutablePointer<CellKind>
    private var capacity = 64

    init() {
        spans = .allocate(capacity: 2 * capacity)
        kinds = .allocate(capacity: capacity)
    }

    deinit {
        spans.deallocate()
        kinds.deallocate()
    }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        while capacity < count { capacity *= 2 }
        spans.deallocate()
        kinds.deallocate()
        spans = .allocate(capacity: 2 * capacity)
        kinds = .allocate(capacity: capacity)
    }
}
