import CXlsxWriter
import Exact

/// A worksheet of an `XlsxWorkbook`: cell writes and sheet settings, each C error code
/// turned into a `ReportError`.
///
/// Rows and columns are 0-based as in libxlsxwriter; `XlsxSheet.reference` gives A1 text.
struct XlsxSheet {
    let handle: UnsafeMutablePointer<lxw_worksheet>
    unowned let workbook: XlsxWorkbook
    private let row: CellRow

    init(row: CellRow, workbook: XlsxWorkbook) {
        handle = row.sheet
        self.workbook = workbook
        self.row = row
    }

    // MARK: - Cells

    func text(_ row: Int, _ col: Int, _ value: String, _ style: CellStyle? = nil) throws(ReportError) {
        if value.isEmpty {
            if style != nil { try blank(row, col, style) }
            return
        }
        try text(row, col, value, workbook.resolve(style))
    }

    func blank(_ row: Int, _ col: Int, _ style: CellStyle?) throws(ReportError) {
        try blank(row, col, workbook.resolve(style))
    }

    func integer(_ row: Int, _ col: Int, _ value: Int, _ style: CellStyle? = nil) throws(ReportError) {
        try integer(row, col, value, workbook.resolve(style))
    }

    /// Money as a number holding exactly the amount in yuan (see `ExcelNumber`).
    func money(_ row: Int, _ col: Int, _ value: Money, _ style: CellStyle? = nil) throws(ReportError) {
        try money(row, col, value, workbook.resolve(style))
    }

    /// Points or another exact decimal as a number.
    func number(_ row: Int, _ col: Int, _ value: Fixed, _ style: CellStyle? = nil) throws(ReportError) {
        try number(row, col, value, workbook.resolve(style))
    }

    /// A number as a file stored it, read back as a double (a time 0.9166666666666666, an ID
    /// typed as a number 5.22632199001011E+17), written back the same; `number(_:_:_:_:)` is
    /// for the values jifen computes, which must be exact.
    func number(_ row: Int, _ col: Int, stored value: Double, _ style: CellStyle? = nil) throws(ReportError) {
        try workbook.check(worksheet_write_number(handle, r(row), c(col), value, workbook.resolve(style).pointer), "worksheet_write_number")
    }

    // The same with a format resolved beforehand, for the loops that write most cells.

    // These touch `workbook` (a reference count each time) only on failure: a province's
    // reports write tens of millions of cells.

    /// Text; an empty text leaves a styled blank (or nothing, without a format).
    func text(_ row: Int, _ col: Int, _ value: String, _ format: XlsxFormat) throws(ReportError) {
        if value.isEmpty {
            if format.pointer != nil { try blank(row, col, format) }
            return
        }
        let status = worksheet_write_string(handle, r(row), c(col), value, format.pointer)
        if status != LXW_NO_ERROR { try workbook.check(status, "worksheet_write_string") }
    }

    func blank(_ row: Int, _ col: Int, _ format: XlsxFormat) throws(ReportError) {
        let status = worksheet_write_blank(handle, r(row), c(col), format.pointer)
        if status != LXW_NO_ERROR { try workbook.check(status, "worksheet_write_blank") }
    }

    func integer(_ row: Int, _ col: Int, _ value: Int, _ format: XlsxFormat) throws(ReportError) {
        let status = worksheet_write_number(handle, r(row), c(col), Double(value), format.pointer)
        if status != LXW_NO_ERROR { try workbook.check(status, "worksheet_write_number") }
    }

    func money(_ row: Int, _ col: Int, _ value: Money, _ format: XlsxFormat) throws(ReportError) {
        let v = try ExcelNumber.double(value, file: workbook.path)
        let status = worksheet_write_number(handle, r(row), c(col), v, format.pointer)
        if status != LXW_NO_ERROR { try workbook.check(status, "worksheet_write_number") }
    }

    func number(_ row: Int, _ col: Int, _ value: Fixed, _ format: XlsxFormat) throws(ReportError) {
        let v = try ExcelNumber.double(value, file: workbook.path)
        let status = worksheet_write_number(handle, r(row), c(col), v, format.pointer)
        if status != LXW_NO_ERROR { try workbook.check(status, "worksheet_write_number") }
    }

    /// A formula with its result stored, so that a reader that does not recalculate shows
    /// the right value (libxlsxwriter stores 0 otherwise).
    func formula(_ row: Int, _ col: Int, _ formula: String, cached: Double, _ style: CellStyle? = nil) throws(ReportError) {
        try self.formula(row, col, formula, cached: cached, workbook.resolve(style))
    }

    func formula(_ row: Int, _ col: Int, _ formula: String, cached: Double, _ format: XlsxFormat) throws(ReportError) {
        try workbook.check(
            worksheet_write_formula_num(handle, r(row), c(col), formula, format.pointer, cached), "worksheet_write_formula_num")
    }

    func formula(_ row: Int, _ col: Int, _ formula: String, cached: Money, _ style: CellStyle? = nil) throws(ReportError) {
        try self.formula(row, col, formula, cached: try ExcelNumber.double(cached, file: workbook.path), style)
    }

    func formula(_ row: Int, _ col: Int, _ formula: String, cachedText: String, _ style: CellStyle? = nil) throws(ReportError) {
        try workbook.check(
            worksheet_write_formula_str(handle, r(row), c(col), formula, workbook.format(style), cachedText), "worksheet_write_formula_str")
    }

    // MARK: - Layout

    func columnWidth(_ col: Int, _ width: Double, through last: Int? = nil) throws(ReportError) {
        try workbook.check(worksheet_set_column(handle, c(col), c(last ?? col), width, nil), "worksheet_set_column")
    }

    func rowHeight(_ row: Int, _ height: Double) throws(ReportError) {
        try workbook.check(worksheet_set_row(handle, r(row), height, nil), "worksheet_set_row")
    }

    /// Freezes the rows above `row` and the columns left of `col`.
    func freeze(row: Int, col: Int = 0) {
        worksheet_freeze_panes(handle, r(row), c(col))
    }

    func autofilter(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws(ReportError) {
        try workbook.check(worksheet_autofilter(handle, r(firstRow), c(firstCol), r(lastRow), c(lastCol)), "worksheet_autofilter")
    }

    func insertChart(_ chart: XlsxChart, row: Int, col: Int) throws(ReportError) {
        try workbook.check(worksheet_insert_chart(handle, r(row), c(col), chart.handle), "worksheet_insert_chart")
    }

    // MARK: - Printing

    /// A4, the given orientation, one page wide, centred, with the rows
    /// `repeatRows` printed on every page and a header and page-number footer.
    func printSetup(landscape: Bool, repeatRows: ClosedRange<Int>?, header: String) throws(ReportError) {
        if landscape { worksheet_set_landscape(handle) } else { worksheet_set_portrait(handle) }
        worksheet_set_paper(handle, 9)  // A4
        worksheet_fit_to_pages(handle, 1, 0)
        worksheet_center_horizontally(handle)
        worksheet_set_margins(handle, 0.4, 0.4, 0.6, 0.6)
        if let rows = repeatRows {
            try workbook.check(worksheet_repeat_rows(handle, r(rows.lowerBound), r(rows.upperBound)), "worksheet_repeat_rows")
        }
        try workbook.check(worksheet_set_header(handle, "&C" + XlsxSheet.headerEscaped(header)), "worksheet_set_header")
        try workbook.check(worksheet_set_footer(handle, "&C第 &P 页，共 &N 页"), "worksheet_set_footer")
    }

    /// Page breaks above each of these rows (at most 1023, Excel's limit; later ones are dropped).
    func pageBreaks(before rows: [Int]) throws(ReportError) {
        var breaks = rows.filter { $0 > 0 }.prefix(1023).map { lxw_row_t($0) }
        guard !breaks.isEmpty else { return }
        breaks.append(0)
        try workbook.check(worksheet_set_h_pagebreaks(handle, &breaks), "worksheet_set_h_pagebreaks")
    }

    /// `&` starts a control code in headers and footers; a literal one is doubled.
    static func headerEscaped(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&&") }

    // MARK: - References

    /// `A1`-style reference, 0-based: (0, 0) → `A1`, (3, 27) → `AB4`.
    static func reference(_ row: Int, _ col: Int, absolute: Bool = false) -> String {
        let d = absolute ? "$" : ""
        return d + columnName(col) + d + String(row + 1)
    }

    static func columnName(_ col: Int) -> String {
        var n = col + 1, s = ""
        while n > 0 {
            let m = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + m))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// `SUM(D4:D15)`; with no rows to sum, the formula `0`.
    static func sum(col: Int, rows: ClosedRange<Int>?) -> String {
        guard let rows else { return "0" }
        return "SUM(\(reference(rows.lowerBound, col)):\(reference(rows.upperBound, col)))"
    }

    /// `'城北社区'!$B$2:$B$5`: sheet names are always quoted, quotes doubled.
    static func range(sheet: String, firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) -> String {
        "='\(sheet.replacingOccurrences(of: "'", with: "''"))'!"
            + reference(firstRow, firstCol, absolute: true) + ":" + reference(lastRow, lastCol, absolute: true)
    }

    func r(_ row: Int) -> lxw_row_t { lxw_row_t(row) }

    /// A column for libxlsxwriter; every call that names a column goes through here, so the
    /// sheet's row of cells (`CellRow`) holds it.
    func c(_ col: Int) -> lxw_col_t {
        if col >= row.capacity { row.grow(toHold: col) }
        return lxw_col_t(col)
    }
}

/// In constant-memory mode libxlsxwriter holds the row being written as an array of a cell
/// pointer per column Excel allows (16,384: 128 KB, zeroed when the sheet is made, kept until
/// the workbook is freed). A province's 积分明细 has a sheet per community, 3,699 of them:
/// 470 MB of such rows, half of `jifen report --run`'s memory. The row is cut to `initial`
/// columns when the sheet is made and grown before a cell beyond it is written:
/// libxlsxwriter reads it at the columns written only (`dim_colmin` to `dim_colmax`, both
/// when a row is flushed and when a cell replaces another), except when it frees the sheet,
/// where it frees a cell at every one of the 16,384 places. So before the workbook is
/// closed the row is flushed (`lxw_worksheet_write_single_row`, which `workbook_close` would
/// call first) and released, leaving no row to free; a workbook freed without being written
/// gets back a full row holding its cells.
final class CellRow {
    static let initial = 64
    let sheet: UnsafeMutablePointer<lxw_worksheet>
    private(set) var capacity: Int

    init(_ sheet: UnsafeMutablePointer<lxw_worksheet>) {
        self.sheet = sheet
        guard sheet.pointee.optimize != 0, let full = sheet.pointee.array else {
            capacity = .max
            return
        }
        // Nothing is written yet: the whole row is empty.
        sheet.pointee.array = Self.allocate(Self.initial)
        free(full)
        capacity = Self.initial
    }

    func grow(toHold col: Int) {
        let n = min(Int(LXW_COL_MAX), max(col + 1, capacity * 4))
        guard n > capacity, let old = sheet.pointee.array else { return }
        let bigger = Self.allocate(n)
        bigger.update(from: old, count: capacity)
        sheet.pointee.array = bigger
        free(old)
        capacity = n
    }

    /// Before `workbook_close`: writes the row's last cells and releases it.
    func flushAndRelease() {
        guard capacity < Int(LXW_COL_MAX), let row = sheet.pointee.array else { return }
        lxw_worksheet_write_single_row(sheet)
        sheet.pointee.array = nil
        free(row)
        capacity = .max
    }

    /// Before `lxw_workbook_free` without writing: a full row holding the cells not written,
    /// which libxlsxwriter frees.
    func restoreFullRow() {
        guard capacity < Int(LXW_COL_MAX), let row = sheet.pointee.array else { return }
        let full = Self.allocate(Int(LXW_COL_MAX))
        full.update(from: row, count: capacity)
        sheet.pointee.array = full
        free(row)
        capacity = .max
    }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<lxw_cell>?> {
        // calloc, as libxlsxwriter frees it with free().
        guard let raw = calloc(n, MemoryLayout<UnsafeMutablePointer<lxw_cell>?>.stride) else {
            fatalError("out of memory for a row of \(n) cells")
        }
        return raw.assumingMemoryBound(to: UnsafeMutablePointer<lxw_cell>?.self)
    }
}

/// A native chart: column charts over ranges of a sheet.
struct XlsxChart {
    let handle: UnsafeMutablePointer<lxw_chart>

    func addSeries(name: String, categories: String, values: String) {
        let series = chart_add_series(handle, categories, values)
        chart_series_set_name(series, name)
    }

    func setTitle(_ title: String, xAxis: String, yAxis: String) {
        chart_title_set_name(handle, title)
        chart_axis_set_name(handle.pointee.x_axis, xAxis)
        chart_axis_set_name(handle.pointee.y_axis, yAxis)
        chart_legend_set_position(handle, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
    }
}
