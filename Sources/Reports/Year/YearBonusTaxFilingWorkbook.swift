import Exact
import Results

/// 全年一次性奖金收入: the withholding client's import sheet for year-end bonuses taxed
/// separately (全年一次性奖金单独计税), one row per cadre whose bonus was taxed that way.
///
/// Like the monthly tax file: a header row and the rows, no title, no totals, strings in the
/// shared string table; 工号, 姓名, 证件类型, 证件号码 and 备注 text (`@`), amounts numbers with
/// format `0.00`. Columns: the template's ten in its order (工号, *姓名, *证件类型, *证件号码,
/// *全年一次性奖金额, 免税收入, 其他, 准予扣除的捐赠额, 减免税额, 备注) unless
/// `settings.bonusTaxColumns` renames, reorders or drops them. *全年一次性奖金额 is the bonus
/// line's amount; the other amount columns are blank (0 to the client). A bonus of 0.00 has
/// no row. Bonuses taxed merged into wages (并入综合所得) are declared with the month's wages,
/// not here: they are listed on a second sheet, 并入综合所得（不导入）, written only when there
/// are any, and reported as warnings.
struct YearBonusTaxFilingWorkbook {
    static let name = "全年一次性奖金收入"
    static let sheet = "全年一次性奖金收入"
    static let mergedSheet = "并入综合所得（不导入）"
    let input: YearReportInput

    /// The bonuses in the file (taxed separately, above 0.00) and those taxed merged.
    static func split(_ results: YearResults) -> (separate: [(cadre: Int, choice: BonusTaxChoice)], merged: [(cadre: Int, choice: BonusTaxChoice)]) {
        var separate: [(Int, BonusTaxChoice)] = [], merged: [(Int, BonusTaxChoice)] = []
        for (i, c) in results.cadres.enumerated() {
            for b in c.bonusTax where b.bonus != .zero {
                if b.chosen == .separate { separate.append((i, b)) } else { merged.append((i, b)) }
            }
        }
        return (separate, merged)
    }

    func write(to path: String) throws(ReportError) {
        let columns = input.settings.bonusTaxColumns
        guard columns.contains(where: { $0.field == .idNumber }), columns.contains(where: { $0.field == .name }),
              columns.contains(where: { $0.field == .bonus }) else {
            throw .invalidTaxColumns(reason: "需要姓名、证件号码和全年一次性奖金额三列 / the name, ID number and bonus columns are required")
        }
        guard Set(columns.map(\.field)).count == columns.count else {
            throw .invalidTaxColumns(reason: "有重复的列 / a column appears twice")
        }
        let wb = try XlsxWorkbook(path: path, constantMemory: false, temporaryDirectory: input.settings.temporaryDirectory)
        try wb.setProperties(input.properties(Self.name))
        let ws = try wb.addSheet(Self.sheet)
        let textStyle = CellStyle(numberFormat: "@")
        let amountStyle = CellStyle(numberFormat: "0.00")
        for (i, col) in columns.enumerated() {
            try ws.text(0, i, col.header, textStyle)
            try ws.columnWidth(i, col.field == .idNumber ? 21 : col.field == .bonus ? 18 : col.field.isAmount ? 14 : 10)
        }
        let cadres = input.results.cadres
        let (separate, merged) = Self.split(input.results)
        let several = input.bonusLines.count > 1
        for (k, entry) in separate.enumerated() {
            let c = cadres[entry.cadre], row = k + 1
            let payee = try input.payee(c)
            for (i, col) in columns.enumerated() {
                switch col.field {
                case .cadreID: try ws.text(row, i, c.cadreID, textStyle)
                case .name: try ws.text(row, i, c.name, textStyle)
                case .idType: try ws.text(row, i, input.settings.taxIDType, textStyle)
                case .idNumber: try ws.text(row, i, payee.idNumber, textStyle)
                case .bonus: try ws.money(row, i, entry.choice.bonus, amountStyle)
                case .remark: if several { try ws.text(row, i, entry.choice.line, textStyle) }
                case .taxFreeIncome, .other, .donation, .taxRelief: break
                }
            }
        }
        if !merged.isEmpty {
            let note = try wb.addSheet(Self.mergedSheet)
            try note.text(0, 0, "以下奖金选择并入综合所得计税，随当月工资薪金（正常工资薪金收入）申报，不在本表导入。", Styles.subtitle)
            let headers = ["工号", "姓名", "奖金项目", "奖金额", "单独计税税额", "并入综合所得税额", "选择依据"]
            for (i, h) in headers.enumerated() {
                try note.text(1, i, h, Styles.header)
                try note.columnWidth(i, i == 6 ? 40 : 12)
            }
            for (k, entry) in merged.enumerated() {
                let c = cadres[entry.cadre], row = k + 2, b = entry.choice
                try note.text(row, 0, c.cadreID, Styles.text)
                try note.text(row, 1, c.name, Styles.text)
                try note.text(row, 2, b.line, Styles.text)
                try note.money(row, 3, b.bonus, Styles.money)
                if let s = b.separate { try note.money(row, 4, s, Styles.money) } else { try note.blank(row, 4, Styles.money) }
                if let m = b.merged { try note.money(row, 5, m, Styles.money) } else { try note.blank(row, 5, Styles.money) }
                try note.text(row, 6, b.why, Styles.text)
            }
        }
        try wb.close()
    }
}
