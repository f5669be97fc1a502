import Exact
import Records

/// One column of a template: its header, its cells' format, what they accept and the
/// message a clerk sees on selecting a cell.
struct TemplateColumn {
    enum Content {
        /// The schema's field at this index.
        case field(Int)
        /// `姓名（自动）`: the name of the cadre in column `idColumn`, by formula.
        case cadreName(idColumn: Int)
    }

    var header: String
    var content: Content
    var width: Double
    var style: CellStyle
    var validation: XlsxValidation?
}

/// The hidden sheet of a template's longer lists: the cadres (工号, 姓名, 社区) and any
/// dropdown too long for Excel's 255-character list.
struct ListSheet {
    static let defaultName = "列表"
    var name = ListSheet.defaultName
    private(set) var columns: [(header: String, values: [String])] = []

    var isEmpty: Bool { columns.isEmpty }

    /// The column holding `values` under `header`, added on first use.
    mutating func column(_ header: String, _ values: [String]) -> Int {
        if let i = columns.firstIndex(where: { $0.header == header && $0.values == values }) { return i }
        columns.append((header, values))
        return columns.count - 1
    }

    /// `'列表'!$A$2:$A$31`, the cells of a column below its header (at least one row, so an
    /// empty list is still a valid range).
    func range(_ column: Int) -> String {
        String(XlsxSheet.range(sheet: name, firstRow: 1, firstCol: column, lastRow: max(1, columns[column].values.count), lastCol: column).dropFirst())
    }
}

/// The columns of one source's template, made from its schema: every field in the schema's
/// order, with `姓名（自动）` after 工号 when the source has no 姓名 of its own.
struct TemplatePlan {
    let schema: SourceSchema
    let settings: TemplateSettings
    private(set) var columns: [TemplateColumn] = []
    private(set) var lists = ListSheet()

    /// Excel's list validation holds at most 255 characters, commas included.
    static let inlineListLimit = 255
    /// Excel's limits on an input message and its title.
    static let messageLimit = 255
    static let titleLimit = 32

    init(schema: SourceSchema, settings: TemplateSettings) {
        self.schema = schema
        self.settings = settings
        if schema.name == ListSheet.defaultName { lists.name = "下拉" + ListSheet.defaultName }
        let isRoster = schema.role == .roster
        let cadreIndex = isRoster ? nil : schema.cadreField.flatMap(schema.fieldIndex)
        let offersCadres = cadreIndex != nil && !settings.cadres.isEmpty
        if offersCadres {
            _ = lists.column("工号", settings.cadres.map(\.id))
            _ = lists.column("姓名", settings.cadres.map(\.name))
            _ = lists.column("社区", settings.cadres.map(\.community))
        }
        for (i, field) in schema.fields.enumerated() {
            columns.append(column(for: i, field, isCadre: i == cadreIndex && offersCadres))
            if i == cadreIndex, offersCadres, schema.fieldIndex("姓名") == nil {
                columns.append(nameColumn(idColumn: columns.count - 1))
            }
        }
    }

    // MARK: - Columns

    private mutating func column(for index: Int, _ field: FieldSpec, isCadre: Bool) -> TemplateColumn {
        let header = (isRequired(field) ? "*" : "") + field.name
        var style = CellStyle(unlocked: true)
        var width = max(10, Double(Self.displayWidth(header)) + 4)
        let rule: XlsxValidation.Rule
        var text: String
        var error: String
        var alert = XlsxValidation.Alert.stop
        switch field.type {
        case .text where isCadre:
            style.numberFormat = "@"
            width = max(width, 12)
            let scope = settings.community.map { "\($0)社区" } ?? ""
            rule = .listRange(lists.range(0))
            text = "从下拉列表中选择\(scope)花名册中的工号（共 \(settings.cadres.count) 人），右侧“姓名（自动）”会显示姓名。"
            error = "工号不在\(scope)花名册中，请从下拉列表中选择。"
        case .text where schema.role == .roster && field.name == "社区" && (settings.community != nil || !settings.communities.isEmpty):
            style.numberFormat = "@"
            if let one = settings.community {
                rule = .list([one])
                text = "社区，本表只填“\(one)”。"
                error = "本表只填“\(one)”社区的人员。"
            } else {
                rule = list("社区", settings.communities)
                text = "从下拉列表中选择社区；新设的社区可直接填写。"
                error = "花名册中还没有这个社区；如确是新设的社区，请点“确定”。"
                alert = .information
            }
        case .text where field.name == schema.keyField:
            style.numberFormat = "@"
            width = max(width, 14)
            let col = XlsxSheet.columnName(columns.count)
            rule = .custom("COUNTIF($\(col)$2:$\(col)$\(Self.lastRow + 1),\(col)2)=1")
            text = "文本，每行一个，不得与其他行重复。"
            error = "“\(field.name)”与其他行重复。"
        case .text:
            style.numberFormat = "@"
            rule = .any
            text = "文本。"
            error = text
        case .enumeration(let words):
            rule = list(field.name, words)
            text = "从下拉列表中选择：" + Self.listText(words) + "。"
            error = "只能填写下拉列表中的值：" + Self.listText(words) + "。"
        case .enumerationOrScore(let words, let maxScore):
            rule = list(field.name, words)
            text = "从下拉列表中选择 " + Self.listText(words) + "，或填写 0–\(maxScore) 的分数。"
            error = "不在下拉列表中；如果是 0–\(maxScore) 的分数，请点“确定”。"
            alert = .information
        case .boolean:
            rule = .list(["是", "否"])
            text = "从下拉列表中选择“是”或“否”。"
            error = "只能填写“是”或“否”。"
        case .date:
            style.numberFormat = "yyyy-mm-dd"
            width = max(width, 12)
            let example = settings.month.firstDay.advanced(by: min(4, settings.month.dayCount - 1))
            if field.name == schema.dateField {
                let first = settings.month.firstDay, last = settings.month.lastDay
                rule = .dates(from: first.excelSerial, through: last.excelSerial)
                text = "日期，须在\(settings.month.chineseDescription)内（\(first) 至 \(last)），如 \(example)。"
                error = "日期须在 \(first) 至 \(last) 之间。"
            } else {
                rule = .dates(from: CivilDate(year: 1950, month: 1, day: 1)!.excelSerial, through: CivilDate(year: 2099, month: 12, day: 31)!.excelSerial)
                text = "日期，如 \(example)。"
                error = "请填写日期，如 \(example)。"
            }
        case .time:
            style.numberFormat = "hh:mm"
            rule = .times(from: 0, through: Double(1439) / 1440)
            text = "时间，24 小时制，如 08:00、20:30。"
            error = "请填写 00:00 至 23:59 之间的时间，如 08:00。"
        // Numbers within what check-data accepts: the field's range, and its magnitude limit
        // (`FieldSpec.effectiveLimit`: the rules' 调整分值上限 for an adjustment's 分值).
        case .integer(let lo, let hi):
            style.numberFormat = "0"
            let limit = Self.wholeLimit(field)
            rule = .whole(min: max(lo ?? -limit, -limit), max: min(hi ?? limit, limit))
            text = "整数" + Self.rangeText(lo.map(String.init), hi.map(String.init)) + Self.limitText(field, ranged: lo != nil || hi != nil) + "。"
            error = "请填写整数" + Self.rangeText(lo.map(String.init), hi.map(String.init)) + Self.limitText(field, ranged: lo != nil || hi != nil) + "。"
        case .decimal(let scale, let lo, let hi):
            let limit = field.effectiveLimit.map(Self.double) ?? 1e9
            rule = .decimal(min: max(lo.map(Self.double) ?? -limit, -limit), max: min(hi.map(Self.double) ?? limit, limit))
            let range = Self.rangeText(lo?.shortDescription, hi?.shortDescription) + Self.limitText(field, ranged: lo != nil || hi != nil)
            text = "数字，最多 \(scale) 位小数" + range + (lo == nil || lo!.isNegative ? "，可为负数" : "") + "。"
            error = "请填写数字" + range + "。"
        case .money:
            style.numberFormat = "0.00"
            let limit = field.effectiveLimit.map(Self.double) ?? 1e7
            rule = .decimal(min: field.nonNegative ? 0 : -limit, max: limit)
            let bound = Self.limitText(field, ranged: false) + (field.nonNegative ? "，不能为负数" : "")
            text = "金额（元），最多两位小数，如 1234.50" + bound + "。"
            error = "请填写金额（元），如 1234.50" + bound + "。"
        case .idNumber:
            style.numberFormat = "@"
            width = max(width, 21)
            rule = .length(min: 18, max: 18)
            text = "18 位身份证号，最后一位可为 X；本列是文本格式，请完整录入。"
            error = "身份证号应为 18 位。"
        case .bankAccount:
            style.numberFormat = "@"
            width = max(width, 24)
            rule = .length(min: 16, max: 23)
            text = "16–19 位银行账号，可四位一组用空格隔开；本列是文本格式，请完整录入。"
            error = "银行账号应为 16–19 位数字。"
        case .phone:
            style.numberFormat = "@"
            width = max(width, 14)
            rule = .length(min: 11, max: 13)
            text = "11 位手机号。"
            error = "手机号应为 11 位数字。"
            alert = .warning
        }
        let message = requirement(field) + text
        return TemplateColumn(
            header: header, content: .field(index), width: width, style: style,
            validation: XlsxValidation(
                rule: rule, inputTitle: Self.fit(field.name, Self.titleLimit), inputMessage: Self.fit(message, Self.messageLimit),
                errorMessage: Self.fit(error, Self.messageLimit), alert: alert))
    }

    private func nameColumn(idColumn: Int) -> TemplateColumn {
        TemplateColumn(
            header: SourceSchema.derivedColumnHeader("姓名"), content: .cadreName(idColumn: idColumn), width: 12,
            style: CellStyle(fill: 0xF2F2F2, fontColor: 0x404040, unlocked: true),
            validation: XlsxValidation(
                rule: .any, inputTitle: "姓名（自动）", inputMessage: "按左侧工号自动显示，不必填写；显示“不在名单”时请核对工号。",
                errorMessage: "本列自动显示，不必填写。"))
    }

    /// The 姓名 formula of a row (0-based): blank until 工号 is filled.
    func nameFormula(row: Int, idColumn: Int) -> String {
        let id = "$" + XlsxSheet.columnName(idColumn) + String(row + 1)
        return "IF(\(id)=\"\",\"\",IFERROR(INDEX(\(lists.range(1)),MATCH(\(id),\(lists.range(0)),0)),\"不在名单\"))"
    }

    // MARK: - Wording

    /// Whether a row must fill the field, as the validator checks it.
    func isRequired(_ f: FieldSpec) -> Bool {
        if schema.role == .adjustments, f.name == "原因" { return true }
        return !f.isOptionalValue
    }

    private func requirement(_ f: FieldSpec) -> String {
        if schema.role == .adjustments {
            if f.name == "原因" { return "必填，每项调整都须写明原因。" }
            if ["分值", "金额"].contains(f.name), schema.fieldIndex("分值") != nil, schema.fieldIndex("金额") != nil {
                return "分值和金额二者填其一（积分调整填分值，报酬调整填金额）。"
            }
        }
        return isRequired(f) ? "必填。" : "可不填。"
    }

    /// A dropdown of `words`: in the validation when it fits, else a range of the list sheet.
    private mutating func list(_ header: String, _ words: [String]) -> XlsxValidation.Rule {
        let inline = words.joined(separator: ",")
        if inline.count <= Self.inlineListLimit - 2, !words.contains(where: { $0.contains(",") || $0.contains("\"") }) {
            return .list(words)
        }
        let column = lists.column(header, words)
        return .listRange(lists.range(column))
    }

    static func listText(_ words: [String]) -> String {
        let shown = words.prefix(12).joined(separator: "、")
        return words.count > 12 ? shown + " 等 \(words.count) 项" : shown
    }

    static func rangeText(_ lo: String?, _ hi: String?) -> String {
        switch (lo, hi) {
        case (let l?, let h?): "，\(l) 至 \(h)"
        case (let l?, nil): "，不小于 \(l)"
        case (nil, let h?): "，不大于 \(h)"
        default: ""
        }
    }

    /// The magnitude limit the rules set (`，绝对值不超过 10（规则“调整分值上限”）`); the
    /// sanity bound of a field without one is not worth a clerk's reading, nor is a limit
    /// beside a stated range.
    static func limitText(_ f: FieldSpec, ranged: Bool) -> String {
        guard !ranged, let rule = f.limitRule, let limit = f.effectiveLimit else { return "" }
        let shown = f.type == .money ? Money(fen: limit.widened(to: 2)?.units ?? 0).grouped + " 元" : limit.shortDescription
        return "，绝对值不超过 \(shown)（规则“\(rule)”）"
    }

    /// An integer field's limit as a whole number Excel's validation holds.
    static func wholeLimit(_ f: FieldSpec) -> Int64 {
        guard let l = f.effectiveLimit, let n = Int64(l.rounded(scale: 0, .down).shortDescription) else { return 2_000_000_000 }
        return min(n, 2_000_000_000)
    }

    static func fit(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    static func double(_ f: Fixed) -> Double { Double(f.shortDescription) ?? 0 }

    /// Terminal-style width: CJK characters count two.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) }
    }

    /// The last row a validation covers (0-based): the sheet's last.
    static let lastRow = 1_048_575
}
