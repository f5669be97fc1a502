import CXlsxWriter
import Exact

/// A libxlsxwriter workbook being written: the one owner of the C handle.
///
/// Not Sendable: a workbook is built on one thread and closed there. Formats are made once
/// per distinct `CellStyle` and reused, since Excel caps the number of cell styles. A
/// workbook uses a dozen or so, so they are found by a linear search with `==`, which
/// costs far less per cell than hashing the style.
final class XlsxWorkbook {
    let path: String
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [(style: CellStyle, format: UnsafeMutablePointer<lxw_format>)] = []
    /// Each sheet's row of cells in constant-memory mode (`CellRow`).
    private var rows: [CellRow] = []

    /// Opens `path` for writing. `constantMemory` streams each row to a temporary file as
    /// soon as the next row starts: rows must then be written top to bottom, and strings
    /// are stored inline rather than in the shared string table.
    init(path: String, constantMemory: Bool, temporaryDirectory: String? = nil) throws(ReportError) {
        self.path = path
        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        let tmp = temporaryDirectory.flatMap { s in s.withCString { strdup($0) } }
        defer { free(tmp) }
        options.tmpdir = tmp
        guard let wb = workbook_new_opt(path, &options) else {
            throw .xlsx(file: path, operation: "workbook_new", code: Int32(LXW_ERROR_CREATING_XLSX_FILE.rawValue), message: "cannot create the workbook")
        }
        handle = wb
    }

    deinit {
        // Reached with a handle only when writing failed: free without writing a file.
        if let handle {
            for row in rows { row.restoreFullRow() }
            lxw_workbook_free(handle)
        }
    }

    func addSheet(_ name: String) throws(ReportError) -> XlsxSheet {
        let wb = try open()
        let check = workbook_validate_sheet_name(wb, name)
        guard check == LXW_NO_ERROR, let ws = workbook_add_worksheet(wb, name) else {
            throw .invalidSheetName(file: path, name: name, message: String(cString: lxw_strerror(check)))
        }
        let row = CellRow(ws)
        rows.append(row)
        return XlsxSheet(row: row, workbook: self)
    }

    /// The format for a style, made on first use, to pass to the cell writers.
    func resolve(_ style: CellStyle?) -> XlsxFormat { XlsxFormat(pointer: format(style)) }

    /// The format for a style, made on first use.
    func format(_ style: CellStyle?) -> UnsafeMutablePointer<lxw_format>? {
        guard let style, let wb = handle else { return nil }
        for entry in formats where entry.style == style { return entry.format }
        guard let f = workbook_add_format(wb) else { return nil }
        if let numFormat = style.numberFormat { format_set_num_format(f, numFormat) }
        if style.bold { format_set_bold(f) }
        if let size = style.fontSize { format_set_font_size(f, size) }
        switch style.align {
        case .general: break
        case .left: format_set_align(f, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(f, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(f, UInt8(LXW_ALIGN_RIGHT.rawValue))
        }
        if style.align != .general || style.wrap { format_set_align(f, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue)) }
        if style.wrap { format_set_text_wrap(f) }
        if style.border { format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue)) }
        if style.topBorder { format_set_top(f, UInt8(LXW_BORDER_MEDIUM.rawValue)) }
        if style.dashedBottom { format_set_bottom(f, UInt8(LXW_BORDER_DASHED.rawValue)) }
        if let fill = style.fill { format_set_bg_color(f, fill) }
        if let color = style.fontColor { format_set_font_color(f, color) }
        if style.unlocked { format_set_unlocked(f) }
        formats.append((style, f))
        return f
    }

    func addColumnChart(stacked: Bool) throws(ReportError) -> XlsxChart {
        let wb = try open()
        let type = stacked ? LXW_CHART_COLUMN_STACKED : LXW_CHART_COLUMN
        guard let chart = workbook_add_chart(wb, UInt8(type.rawValue)) else {
            throw .xlsx(file: path, operation: "workbook_add_chart", code: Int32(LXW_ERROR_MEMORY_MALLOC_FAILED.rawValue), message: "cannot add a chart")
        }
        return XlsxChart(handle: chart)
    }

    /// Sets the document properties; `created` is fixed by the caller so that the same run
    /// gives the same bytes (libxlsxwriter writes the current time when it is 0).
    func setProperties(_ p: DocumentProperties) throws(ReportError) {
        let wb = try open()
        let fields: [UnsafeMutablePointer<CChar>?] = [p.title, p.subject, p.author, p.company, p.category, p.keywords, p.comments].map { s in s.withCString { strdup($0) } }
        defer { fields.forEach { free($0) } }
        var props = lxw_doc_properties()
        props.title = fields[0]
        props.subject = fields[1]
        props.author = fields[2]
        props.company = fields[3]
        props.category = fields[4]
        props.keywords = fields[5]
        props.comments = fields[6]
        props.created = max(1, p.created)
        try check(workbook_set_properties(wb, &props), "workbook_set_properties")
    }

    /// Writes the file and releases the handle.
    ///
    /// The parts are deflated at `deflateLevel` rather than zlib's default: see `DeflateLevel`.
    func close() throws(ReportError) {
        let wb = try open()
        handle = nil
        formats = []
        for row in rows { row.flushAndRelease() }
        rows = []
        let status = DeflateLevel.fast { () -> lxw_error in workbook_close(wb) }
        try check(status, "workbook_close")
    }


    func check(_ error: lxw_error, _ operation: String) throws(ReportError) {
        guard error != LXW_NO_ERROR else { return }
        throw .xlsx(file: path, operation: operation, code: Int32(error.rawValue), message: String(cString: lxw_strerror(error)))
    }

    private func open() throws(ReportError) -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else {
            throw .xlsx(file: path, operation: "use after close", code: -1, message: "the workbook is closed")
        }
        return handle
    }
}

/// A format of an `XlsxWorkbook`, resolved once so that loops writing many cells skip the
/// style lookup. Valid until the workbook closes.
struct XlsxFormat: @unchecked Sendable {
    // Sendable for writing sheets on several threads: once numbered (`number()`), a format
    // is only read while cells are written.
    let pointer: UnsafeMutablePointer<lxw_format>?

    /// Fixes the format's number in the file now rather than at its first written cell, after
    /// which writing a cell with it no longer touches the workbook.
    func number() {
        if let pointer { _ = lxw_format_get_xf_index(pointer) }
    }
}

/// The document properties of a report.
struct DocumentProperties {
    var title: String
    var subject: String
    var author: String
    var company: String
    var category: String
    var keywords: String
    var comments: String
    /// Seconds since 1970 (UTC) written as the creation time.
    var created: Int
}

/// How a cell looks: the few things reports vary.
struct CellStyle: Hashable {
    enum Align: Hashable { case general, left, center, right }
    var numberFormat: String?
    var bold = false
    var fontSize: Double?
    var align: Align = .general
    var wrap = false
    var border = false
    var topBorder = false
    var dashedBottom = false
    var fill: UInt32?
    var fontColor: UInt32?
    /// Editable on a protected sheet (cells are locked by default).
    var unlocked = false
}
