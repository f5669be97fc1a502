import Exact
import Records

/// A data-entry workbook for one source: a sheet named after the source with its header,
/// validations and input messages, and a hidden list sheet for the longer dropdowns.
///
/// The header row is frozen and locked, and the sheet protected without a password: the
/// data cells' columns carry an unlocked format, so clerks type, paste, sort and insert rows
/// below the header but cannot retype the header or the 姓名 formulas.
struct TemplateWorkbook {
    let schema: SourceSchema
    let settings: TemplateSettings

    static let headerStyle = CellStyle(bold: true, align: .center, wrap: true, border: true, fill: 0xDDEBF7)
    static let listHeaderStyle = CellStyle(bold: true)
    static let listStyle = CellStyle(numberFormat: "@")

    func write(to path: String) throws(ReportError) {
        let plan = TemplatePlan(schema: schema, settings: settings)
        let wb = try XlsxWorkbook(path: path, constantMemory: false)
        let scope = settings.community.map { "\($0)社区" } ?? "全县"
        try wb.setProperties(DocumentProperties(
            title: "\(schema.name)录入模板", subject: "\(settings.month.chineseDescription) \(scope)", author: settings.author,
            company: settings.author, category: "社区干部积分考核", keywords: "jifen, 录入模板, \(settings.month)",
            comments: "由 jifen template 按规则中的数据源“\(schema.name)”生成" + (settings.rosterNote.isEmpty ? "。" : "；工号名单取自 \(settings.rosterNote)。"),
            created: settings.createdSeconds))
        let ws = try wb.addSheet(Self.sheetName(schema.name))
        let lists = plan.lists.isEmpty ? nil : try wb.addSheet(plan.lists.name)

        for (i, column) in plan.columns.enumerated() {
            try ws.columnFormat(i, width: column.width, column.style)
            try ws.text(0, i, column.header, Self.headerStyle)
            if let v = column.validation {
                try ws.validate(column: i, firstRow: 1, lastRow: TemplatePlan.lastRow, v)
            }
        }
        // The 姓名 formulas, row by row (a formula cannot be given to a whole column).
        for (i, column) in plan.columns.enumerated() {
            guard case .cadreName(let idColumn) = column.content else { continue }
            let format = wb.resolve(column.style)
            for row in 1...settings.rows {
                try ws.formula(row, i, plan.nameFormula(row: row, idColumn: idColumn), cachedText: "", format)
            }
        }
        try ws.rowHeight(0, 30)
        ws.freeze(row: 1)
        ws.showGridlines()
        ws.landscape()
        ws.protect(XlsxProtection())

        if let lists {
            for (c, column) in plan.lists.columns.enumerated() {
                try lists.text(0, c, column.header, Self.listHeaderStyle)
                try lists.columnWidth(c, 14)
                for (r, value) in column.values.enumerated() {
                    try lists.text(r + 1, c, value, Self.listStyle)
                }
            }
            lists.hide()
            lists.protect(XlsxProtection(formatColumns: false, formatRows: false, insertRows: false, deleteRows: false, sort: false, autofilter: false))
        }
        try wb.close()
    }

    /// A source's name as a sheet name: at most 31 characters, without `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        return cleaned.isEmpty ? "数据" : cleaned
    }
}
