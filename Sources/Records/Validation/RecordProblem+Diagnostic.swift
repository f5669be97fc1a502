import Diagnostics
import Exact

extension RecordProblem {
    /// The one place where data problems are worded, in Chinese and English, with a fix.
    public var diagnostic: Diagnostic {
        var d = worded
        // A value with a control character shows it as `〈U+0000〉`: say what that is.
        if let shown = value, Excerpt.hasInvisible(shown) {
            d.notes.append(L("单元格中含有看不见的控制字符或零宽字符（显示为〈U+…〉，如〈U+0000〉），多是从其他系统复制或导出时带进来的，使内容与看上去的不同。",
                             "The cell holds an invisible control or zero-width character (shown as 〈U+…〉, e.g. 〈U+0000〉), usually brought in by copying or exporting from another system, which makes the value differ from what it looks like."))
            d.help = L((d.help?.zh ?? "") + "请删除该单元格的内容并重新输入（不要粘贴）。",
                       (d.help.map { $0.en + " " } ?? "") + "Clear the cell and type the value again (do not paste it).")
        }
        return d
    }

    /// The value from the file a diagnostic shows, if any.
    private var value: String? {
        switch self {
        case .value(_, let found, _, _): found
        case .unknownCadre(_, let id), .rosterRowRejected(_, let id, _), .notEmployed(_, let id, _, _, _): id
        case .duplicateKey(_, let key, _, _): key
        case .noTableRow(_, _, let value, _, _, _): value
        default: nil
        }
    }

    private var worded: Diagnostic {
        switch self {
        case .reader(let error):
            return error.diagnostic
        case .unknownFile(let path):
            return Diagnostic(
                .warning, code: "D0020", at: .file(path: path),
                summary: L("未识别的文件，本次不使用", "file not recognised; it is not used"),
                help: L("如果它是某类记录，请按规则中的数据来源名称命名（如 duty.csv 或 值班.csv）。", "If it holds records, name it after its source in the rules (e.g. duty.csv or 值班.csv)."))
        case .misnamedFile(let path, let source, let expected):
            return Diagnostic(
                .error, code: "D0040", at: .file(path: path),
                summary: L("文件名像是“\(source)”的文件，但不合命名规则，无法读取；本月不能缺少它", "the file is named like source '\(source)''s but not as the rules name it; the month cannot go on without it"),
                found: Self.fileName(path),
                expected: L("文件名为 " + expected.joined(separator: " 或 "), "a file named " + expected.joined(separator: " or ")),
                help: L("把文件改名为 \(expected[0])：数据源名称、连接符“-”、社区名。如果它不是本月的数据，请把它移出月份文件夹。",
                        "Rename it \(expected[0]): the source's name, a '-' and the community. If it holds no records of this month, move it out of the folder."))
        case .notXlsxFile(let path, let source, let format, let expected):
            return Diagnostic(
                .error, code: "D0041", at: .file(path: path),
                summary: L("“\(source)”的文件是 \(format) 格式，无法读取；本月不能缺少它", "source '\(source)''s file is a \(format) file, which cannot be read; the month cannot go on without it"),
                found: Self.fileName(path),
                expected: L("Excel 工作簿 \(expected)", "an Excel workbook \(expected)"),
                help: L("请用 Excel/WPS 另存为 .xlsx（文件类型选“Excel 工作簿”），文件名为 \(expected)，再把原文件移出月份文件夹。",
                        "Open it in Excel or WPS and save it as .xlsx (Excel workbook) named \(expected); then move the original out of the folder."))
        case .ambiguousFiles(let source, let paths):
            return Diagnostic(
                .error, code: "D0021", at: .file(path: paths.first ?? ""),
                summary: L("“\(source)”有多个文件，无法确定使用哪一个", "source '\(source)' has more than one file"),
                found: paths.map(Self.fileName).joined(separator: "、"),
                help: L("每类记录只保留一个文件（CSV 或 xlsx 二选一），删除或移走其余的。", "Keep one file per source (CSV or xlsx, not both) and remove the others."))
        case .missingSource(let source, let folder, let stems, let required):
            return Diagnostic(
                required ? .error : .warning, code: "D0022", at: .file(path: folder),
                summary: required
                    ? L("缺少“\(source)”文件", "the '\(source)' file is missing")
                    : L("没有“\(source)”文件，本月该类记录按无记录处理", "no '\(source)' file; this month has no such records"),
                expected: L("文件名为 " + stems.map { "\($0).csv 或 \($0).xlsx" }.joined(separator: "、"), "a file named " + stems.map { "\($0).csv or \($0).xlsx" }.joined(separator: ", ")),
                help: L("把本月的“\(source)”放进该文件夹。", "Put this month's '\(source)' file in the folder."))
        case .noHeader(let path, let sheet, let expected):
            return Diagnostic(
                .error, code: "D0023", at: sheet.map { .cell(path: path, sheet: $0, reference: "1:1", columnName: nil) } ?? .row(path: path, line: 1, column: nil, columnName: nil),
                summary: L("找不到表头行", "no header row found"),
                expected: L("前几行中有一行列名，包括：" + expected.joined(separator: "、"), "a row of column names near the top, including: " + expected.joined(separator: ", ")),
                help: L("在第一行写上列名（如“\(expected.prefix(3).joined(separator: "”“"))”），数据从第二行开始。", "Put the column names in the first row and the data below it."))
        case .missingColumn(let place, let field, let found):
            return Diagnostic(
                .error, code: "D0024", at: location(place),
                summary: L("缺少必填列“\(field.name)”", "required column '\(field.name)' is missing"),
                found: found.isEmpty ? nil : Excerpt.list(found, separator: ", "),
                expected: L("列名“\(field.name)”" + (field.aliases.isEmpty ? "" : "（或 \(field.aliases.joined(separator: "、"))）"), "a column named '\(field.name)'" + (field.aliases.isEmpty ? "" : " (or \(field.aliases.joined(separator: ", ")))")),
                help: L("在表头中加上“\(field.name)”列并填写每一行；列名需与规则一致。", "Add a '\(field.name)' column to the header and fill it for every row."))
        case .duplicateColumn(let place, let name, let firstColumn):
            return Diagnostic(
                .error, code: "D0025", at: location(place),
                summary: L("列“\(x(name))”出现了两次", "column '\(x(name))' appears twice"),
                notes: [L("第一次出现在第 \(firstColumn) 列", "first seen in column \(firstColumn)")],
                help: L("删除重复的列，或给它改一个不同的名字。", "Delete the repeated column or give it another name."))
        case .unusedColumn(let place, let name):
            return Diagnostic(
                .warning, code: "D0026", at: location(place),
                summary: L("列“\(x(name))”未被规则使用，按文本保留", "column '\(x(name))' is not used by the rules; kept as text"),
                help: L("如果它应当计分，请在规则的数据来源中声明该字段。", "If it should count, declare the field in the rules' source."))
        case .extraCells(let place, let count):
            return Diagnostic(
                .warning, code: "D0027", at: location(place),
                summary: L("该行在表头之外还有 \(count) 个单元格有内容，已忽略", "\(count) cell(s) beyond the header columns are ignored"),
                help: L("检查是否多打了逗号或把内容填到了表头以外的列。", "Check for a stray comma or values typed outside the header's columns."))
        case .unreadSheet(let path, let sheet, let dataSheet, let rows):
            return Diagnostic(
                .error, code: "D0034", at: .cell(path: path, sheet: sheet, reference: "A1", columnName: nil),
                summary: L("工作表“\(x(sheet))”也有本类记录的表头和 \(rows) 行数据，但只读取了工作表“\(x(dataSheet))”", "sheet '\(x(sheet))' also has this source's header and \(rows) rows, but only sheet '\(x(dataSheet))' is read"),
                help: L("一个文件只读一张工作表：把各工作表的记录合并到一张表中，或把每张表另存为单独的文件（如 服务台账-富民.xlsx、服务台账-卧龙.xlsx）；不需要的工作表请删除或隐藏。",
                        "A file is read as one sheet: put all rows on one sheet, or save each sheet as a file of its own (服务台账-富民.xlsx, 服务台账-卧龙.xlsx); delete or hide sheets that are not data."))
        case .hiddenRows(let path, let sheet, let rows):
            let zh = Self.rowRuns(rows, through: "–", separator: "、"), en = Self.rowRuns(rows, through: "–", separator: ", ")
            let first = rows.first?.lowerBound ?? 1
            return Diagnostic(
                .warning, code: "D0035", at: .cell(path: path, sheet: sheet, reference: "\(first):\(first)", columnName: nil),
                summary: L("工作表“\(x(sheet))”第 \(zh) 行被隐藏，仍按有效记录读取；作废的记录请删除整行",
                           "rows \(en) of sheet '\(x(sheet))' are hidden but are read as records all the same; delete the rows of cancelled records"),
                notes: [L("隐藏（或被筛选隐藏）的行共 \(Self.rowTotal(rows)) 行，都已计分、计入发放。", "\(Self.rowTotal(rows)) hidden (or filtered out) rows, all scored and paid.")],
                help: L("在 Excel 中选中上下相邻的行，右键“取消隐藏”（或清除筛选）核对这些行：有效的记录保留；作废或重复的记录请删除整行，不要只隐藏。",
                        "Unhide the rows (or clear the filter) in Excel and check them: keep valid records, and delete whole rows of cancelled or duplicate ones instead of hiding them."))
        case .hiddenColumns(let path, let sheet, let headerLine, let columns):
            let zh = columns.map { "\($0.letter) 列（\(x($0.field))）" }.joined(separator: "、")
            let en = columns.map { "column \($0.letter) ('\(x($0.field))')" }.joined(separator: ", ")
            let first = columns.first?.letter ?? "A"
            return Diagnostic(
                .warning, code: "D0038", at: .cell(path: path, sheet: sheet, reference: "\(first)\(headerLine)", columnName: columns.first?.field),
                summary: L("工作表“\(x(sheet))”的 \(zh)被隐藏，仍按数据读取", "\(en) of sheet '\(x(sheet))' \(columns.count == 1 ? "is" : "are") hidden but read as data all the same"),
                expected: L("数据列都显示出来", "every data column visible"),
                notes: [L("隐藏的列照常读取、计分、计入发放；看不见的内容容易漏改或填错。", "Hidden columns are read, scored and paid like any; what cannot be seen is easily left wrong.")],
                help: L("在 Excel 中选中 \(first) 列两侧的列，右键“取消隐藏”，核对这些列的内容并保存；不需要的列整列删除，不要隐藏。",
                        "Select the columns on either side of column \(first) in Excel, right-click Unhide, check the values and save; delete columns that are not needed instead of hiding them."))
        case .mergedCells(let path, let sheet, let range, let unread):
            let ref = range.reference
            let top = CellReference.reference(row: range.rows.lowerBound - 1, column: range.columns.lowerBound)
            if let unread {
                let names = unread.map { "“\(x($0))”" }.joined(separator: "、")
                return Diagnostic(
                    .warning, code: "D0036", at: .cell(path: path, sheet: sheet, reference: ref, columnName: nil),
                    summary: L("\(ref) 是合并单元格（\(names)列）：取消合并，并在每一行填写", "\(ref) are merged cells (column \(unread.map { "'\(x($0))'" }.joined(separator: ", "))): unmerge them and fill in every row"),
                    notes: [L("合并单元格只有左上角的 \(top) 有内容，其余各行这一列读出来是空的；规则不读取这一列，计分和发放不受影响，各行照常采用。",
                              "Only the top-left cell \(top) holds the value; the other rows read it as empty. No rule reads this column, so scores and pay are unaffected and the rows are used.")],
                    help: L("选中 \(ref)，点“合并后居中”取消合并，在每一行填上各自的内容（或留空），保存后重新检查。",
                            "Select \(ref), undo Merge & Center, fill in each row (or leave it empty), save and check again."))
            }
            return Diagnostic(
                .error, code: "D0036", at: .cell(path: path, sheet: sheet, reference: ref, columnName: nil),
                summary: L("\(ref) 是合并单元格：取消合并，并在每一行填写", "\(ref) are merged cells: unmerge them and fill in every row"),
                notes: [L("合并单元格只有左上角的 \(top) 有内容，其余单元格读出来是空的：缺少必填值的行不能使用，已列入未通过的行。",
                          "Only the top-left cell of merged cells holds the value; the others read as empty: rows that lack a required value for it cannot be used and are listed with the rejected rows.")],
                help: L("选中 \(ref)，点“合并后居中”取消合并，再在每一行填上各自的值（可复制第一行的值），保存后重新检查。",
                        "Select \(ref), undo Merge & Center, type each row's value (copy the first row's), save and check again."))
        case .noRecords(let path, let sheet, let headerLine):
            let whereZH = sheet.map { "“\(Self.fileName(path))”的工作表“\(x($0))”" } ?? "“\(Self.fileName(path))”"
            let whereEN = sheet.map { "sheet '\(x($0))' of '\(Self.fileName(path))'" } ?? "'\(Self.fileName(path))'"
            return Diagnostic(
                .warning, code: "D0037",
                at: sheet.map { .cell(path: path, sheet: $0, reference: "\(headerLine):\(headerLine)", columnName: nil) } ?? .file(path: path),
                summary: L("\(whereZH)没有任何记录：只有表头，没有数据行", "\(whereEN) has no records: a header and no rows"),
                notes: [L("这个文件中的人员本月在这一类记录上不计分。", "Nobody gets points from this file this month.")],
                help: L("核对是不是交回了空白模板或选错了文件；本月确实没有记录可忽略此提示。",
                        "Check whether a blank template or the wrong file was sent; if there really are no records this month, ignore this."))
        case .value(let place, let found, let type, let problem):
            return valueDiagnostic(place, found: found, type: type, problem: problem)
        case .missingValue(let place, let type):
            let e = type.expectation
            return Diagnostic(
                .error, code: "D0110", at: location(place),
                summary: L("“\(x(place.columnName ?? ""))”不能为空", "'\(x(place.columnName ?? ""))' must not be empty"),
                expected: L(e.zh, e.en),
                help: L("填写该单元格；如果这一行不应计入，请整行删除。", "Fill in the cell, or delete the whole row if it should not count."))
        case .dateOutsideMonth(let place, let date, let month):
            return Diagnostic(
                .error, code: "D0201", at: location(place),
                summary: L("日期 \(date) 不在本月（\(month.chineseDescription)）内", "date \(date) is outside the month \(month)"),
                found: date.description,
                expected: L("\(month.firstDay) 至 \(month.lastDay) 之间的日期", "a date from \(month.firstDay) to \(month.lastDay)"),
                help: L("改正日期；如属其他月份，请放到该月的文件中。", "Correct the date, or move the row to that month's file."))
        case .unknownCadre(let place, let id):
            return Diagnostic(
                .error, code: "D0202", at: location(place),
                summary: L("工号“\(x(id))”不在本月花名册中", "cadre '\(x(id))' is not on the roster"),
                found: x(id),
                help: L("核对工号是否写错；新入职人员请先加入花名册（cadres.csv）。", "Check the 工号 for a typo; add a new cadre to the roster first."))
        case .rosterRowRejected(let place, let id, let roster):
            let row = "\(Self.fileName(roster.path)) 第 \(roster.line) 行"
            return Diagnostic(
                .error, code: "D0210", at: location(place),
                summary: L("\(x(id)) 的花名册行（\(row)）有错误，此人未计分、未计发，这条记录也不能使用",
                           "the roster row of '\(x(id))' (\(Self.fileName(roster.path)) line \(roster.line)) has errors: the cadre is neither scored nor paid, and this record cannot be used"),
                found: x(id),
                notes: [L("花名册 \(row)\(roster.sheet.map { "（工作表“\(x($0))”）" } ?? "")", "roster \(Self.fileName(roster.path)) line \(roster.line)\(roster.sheet.map { " (sheet '\(x($0))')" } ?? "")")],
                help: L("先改正花名册中该行的错误，此人和这条记录即可计入。", "Fix that roster row first; the cadre and this record then count."))
        case .notEmployed(let place, let id, let date, let hiredOn, let leftOn):
            let span = "\(hiredOn) 至 \(leftOn?.description ?? "今")"
            return Diagnostic(
                .error, code: "D0203", at: location(place),
                summary: L("\(x(id)) 在 \(date) 不在职", "cadre '\(x(id))' was not employed on \(date)"),
                found: date.description,
                expected: L("在职期间 \(span) 内的日期", "a date within the employment \(hiredOn) to \(leftOn?.description ?? "now")"),
                help: L("核对日期或花名册中的入职、离职日期。", "Check the date, or the hiring and leaving dates on the roster."))
        case .duplicateKey(let place, let key, let firstLine, let firstFile):
            return Diagnostic(
                .error, code: "D0204", at: location(place),
                summary: L("编号“\(x(key))”重复", "'\(x(key))' is used twice"),
                found: x(key),
                notes: [L("第一次出现在\(Self.lineZH(firstLine, firstFile))", "first used on \(Self.lineEN(firstLine, firstFile))")],
                help: L("每条记录的\(x(place.columnName ?? "编号"))必须唯一：改正其中一条的编号，或删除重复录入的一行。", "Each record needs its own \(x(place.columnName ?? "id")): correct one of them, or delete the row entered twice."))
        case .duplicateRow(let place, let firstLine, let firstFile):
            return Diagnostic(
                .error, code: "D0205", at: location(place),
                summary: L("与\(Self.lineZH(firstLine, firstFile))完全相同的重复行", "this row repeats \(Self.lineEN(firstLine, firstFile)) exactly"),
                help: L("删除重复录入的一行；如果确实是两条记录，请在备注中区分。", "Delete the row entered twice; if they are two real records, tell them apart in a note."))
        case .overlappingShifts(let place, let id, let otherLine, let start, let end, let otherStart, let otherEnd, let otherFile):
            return Diagnostic(
                .error, code: "D0206", at: location(place),
                summary: L("\(x(id)) 的班次时间重叠", "cadre '\(x(id))' has overlapping shifts"),
                found: "\(start)–\(end)",
                notes: [L("与\(Self.lineZH(otherLine, otherFile))的 \(otherStart)–\(otherEnd) 重叠", "overlaps \(otherStart)–\(otherEnd) on \(Self.lineEN(otherLine, otherFile))")],
                help: L("一个人同一时间只能值一个班：改正开始或结束时间，或删除其中一行。", "One person can stand only one shift at a time: correct the times or delete one row."))
        case .shiftLength(let place, let minutes):
            return Diagnostic(
                .error, code: "D0207", at: location(place),
                summary: minutes == 0 ? L("班次时长为零", "the shift has no length") : L("班次超过 24 小时（\(Self.hours(minutes))）", "the shift is longer than 24 hours (\(Self.hoursEN(minutes)))"),
                expected: L("开始与结束之间大于 0、不超过 24 小时", "more than 0 and at most 24 hours between start and end"),
                help: L("核对开始、结束时间（结束不晚于开始表示跨午夜）和结束日期。", "Check the start and end (an end at or before the start crosses midnight) and the end date."))
        case .adjustmentWithoutReason(let place):
            return Diagnostic(
                .error, code: "D0208", at: location(place),
                summary: L("手工调整没有填写原因", "manual adjustment has no reason"),
                help: L("每一项调整都必须写明原因（并由批准人签批），否则不能计入。", "Every adjustment must state its reason (and be approved) to count."))
        case .adjustmentValue(let place, let hasPoints, let hasAmount):
            return Diagnostic(
                .error, code: "D0209", at: location(place),
                summary: hasPoints && hasAmount
                    ? L("调整同时填写了分值和金额", "adjustment has both points and an amount")
                    : L("调整既没有分值也没有金额", "adjustment has neither points nor an amount"),
                expected: L("分值 或 金额 二者填其一", "either 分值 (points) or 金额 (amount), not both"),
                help: L("积分调整填“分值”，报酬调整填“金额”；两种调整请分成两行。", "Put points in 分值 or money in 金额; split a row that adjusts both."))
        case .unreadAdjustmentValue(let place):
            let field = x(place.columnName ?? "")
            let money = field == "金额"
            return Diagnostic(
                .error, code: "D0220", at: location(place),
                summary: L("这一行填了“\(field)”，但规则中没有任何\(money ? "工资项目汇总调整的金额" : "调整项按分值计分")",
                           "this row gives '\(field)', but no \(money ? "pay line of the rules sums the adjustments' amounts" : "adjustment item of the rules scores 分值")"),
                notes: [L("计入这一行不会改变任何\(money ? "报酬" : "积分")，所以不予接受，以免显示“已采用”却没有发放或扣回。",
                          "Counting the row would change no \(money ? "pay" : "score"), so it is refused rather than shown as used.")],
                help: money
                    ? L("请规则管理人员在规则中加一个工资项目，如“应发项 报酬调整 = 合计（金额 来自 调整 其中 金额 ≠ 空）”；或把这笔钱交财务另行处理，从调整表中删去这一行。",
                        "Ask for a pay line that sums them, e.g. 应发项 报酬调整 = 合计（金额 来自 调整 其中 金额 ≠ 空）; or settle it outside jifen and delete the row.")
                    : L("请规则管理人员在规则中加一个调整项（取 调整 其中 分值 ≠ 空，每条 分值）；或从调整表中删去这一行。",
                        "Ask for an adjustment item that scores 分值 (每条 分值); or delete the row."))
        case .conflictingRosterRows(let place, let id, let firstLine, let firstFile):
            return Diagnostic(
                .error, code: "D0301", at: location(place),
                summary: L("工号“\(x(id))”在花名册中出现了两次", "cadre '\(x(id))' appears twice on the roster"),
                notes: [L("第一次出现在\(Self.lineZH(firstLine, firstFile))", "first listed on \(Self.lineEN(firstLine, firstFile))")],
                help: L("每人在花名册中只占一行：合并两行，保留正确的信息。", "List each person once: merge the rows, keeping the right details."))
        case .sharedIDNumber(let place, let otherID, let otherLine, let otherFile):
            return Diagnostic(
                .error, code: "D0302", at: location(place),
                summary: L("身份证号与工号“\(x(otherID))”（\(Self.lineZH(otherLine, otherFile))）相同", "ID number is the same as cadre '\(x(otherID))' (\(Self.lineEN(otherLine, otherFile)))"),
                help: L("同一个人只能有一个工号；核对身份证号是否录错。", "One person has one 工号; check the ID number for a typo."))
        case .leftBeforeHired(let place, let hiredOn, let leftOn):
            return Diagnostic(
                .error, code: "D0303", at: location(place),
                summary: L("离职日期 \(leftOn) 早于入职日期 \(hiredOn)", "leaving date \(leftOn) is before hiring date \(hiredOn)"),
                help: L("核对入职、离职日期。", "Check the hiring and leaving dates."))
        case .invisibleCharactersInName(let place, let id, let name):
            return Diagnostic(
                .error, code: "D0118", at: location(place),
                summary: L("\(x(id)) 的姓名中有看不见的字符（换行、制表符或零宽字符）", "the name of '\(x(id))' holds invisible characters (a line break, tab or zero-width character)"),
                found: x(name),
                help: L("姓名是银行代发文件的“户名”，多出的字符会让银行对不上户名：清空这个单元格，重新输入姓名（不要从别处粘贴）。",
                        "The name is the bank file's account name; stray characters make the bank reject it: clear the cell and type the name again."))
        case .sharedBankAccount(let place, let id, let account, let otherID, let otherLine, let otherFile):
            return Diagnostic(
                .error, code: "D0304", at: location(place),
                summary: L("\(x(id)) 的银行账号与 \(x(otherID))（\(Self.lineZH(otherLine, otherFile))）相同", "cadre '\(x(id))' has the same bank account as '\(x(otherID))' (\(Self.lineEN(otherLine, otherFile)))"),
                found: PersonalData.maskBankAccount(account),
                help: L("报酬只能发到本人名下的账户：对照银行卡核对两人的账号，改正录错的一个。", "Pay goes into each cadre's own account: check both accounts against the cards and correct the wrong one."))
        case .noTableRow(let place, let id, let value, let table, let keys, let line):
            let listed = keys.count > 8 ? keys.prefix(3).joined(separator: "、") + " … " + keys.suffix(2).joined(separator: "、") : keys.joined(separator: "、")
            let column = x(place.columnName ?? "")
            // A warning: the line may not read the table for this cadre (a branch not taken, a
            // line 不适用 to it); when it does, the payroll stops at the cadre (B0002).
            return Diagnostic(
                .warning, code: "D0305", at: location(place),
                summary: L("\(x(id)) 的“\(column)”为 \(x(value))，对照表“\(table)”中没有这一行，无法计算“\(line)”", "'\(column)' of '\(x(id))' is \(x(value)), which table '\(table)' has no row for, so '\(line)' cannot be computed"),
                found: x(value),
                expected: L("对照表“\(table)”中的值之一：\(listed)", "one of the values of table '\(table)': \(listed)"),
                help: L("核对花名册中该人员的“\(column)”；如果这个值确实存在，请先在规则的对照表“\(table)”中补上这一行。", "Check this cadre's '\(column)' on the roster; if the value is right, add its row to table '\(table)' in the rules first."))
        case .openingMonths(let place, let id, let months, let month, let hiredOn?):
            let since = month.month - hiredOn.month
            return Diagnostic(
                .warning, code: "D0406", at: location(place),
                summary: L("\(x(id)) 的累计月数为 \(months)，但 \(hiredOn) 入职，本年此前在职只有 \(since) 个月",
                           "'\(x(id))' has 累计月数 \(months), but joined on \(hiredOn): \(since) months in post before this month"),
                found: String(months),
                expected: L("不超过 \(since)（\(hiredOn.month) 月至 \(month.month - 1) 月）", "at most \(since)"),
                help: L("累计月数决定本年任职月数和个税的累计减除费用。核对入职日期和累计月数；本年离职后又入职的，累计月数可以多于入职以来的月数，确认无误可忽略此提示。",
                        "累计月数 sets the months employed and the tax's cumulative allowance. Check the hiring date and the months; a cadre who left and rejoined this year may have more, then ignore this."))
        case .openingMonths(let place, let id, let months, let month, nil):
            return Diagnostic(
                .error, code: "D0306", at: location(place),
                summary: L("\(x(id)) 的累计月数为 \(months)，超过了\(month.chineseDescription)以前本年的月数 \(month.month - 1)",
                           "'\(x(id))' has 累计月数 \(months), more than the \(month.month - 1) months of the year before \(month)"),
                found: String(months),
                expected: L("0 到 \(month.month - 1) 的整数（本年 1 月至上月在本单位任职的月数）", "a whole number from 0 to \(month.month - 1)"),
                help: L("累计月数只算本月以前的月份，不含本月：核对期初余额文件，改正或留空（留空时按入职日期算）。",
                        "Count only the months before this one: correct it, or leave it blank to count from the hiring date."))
        case .communityLikeAnother(let place, let community, let rows, let other, let otherCount):
            let shown = rows.prefix(10)
            let lines = shown.map { "\(Self.fileName($0.path)) 第 \($0.line) 行" }.joined(separator: "、") + (rows.count > shown.count ? " 等 \(rows.count) 行" : "")
            let linesEN = shown.map { "\(Self.fileName($0.path)) line \($0.line)" }.joined(separator: ", ") + (rows.count > shown.count ? " and more (\(rows.count))" : "")
            let apart = CommunityNames.distance(CommunityNames.key(community), CommunityNames.key(other))
            let slip = apart == 0 ? "只是全角半角、大小写或空格不同" : "只差 \(apart) 个字"
            return Diagnostic(
                .warning, code: "D0307", at: location(place),
                summary: L("社区“\(x(community))”只有 \(rows.count) 人，与社区“\(x(other))”（\(otherCount) 人）\(slip)，可能是写错了",
                           "community '\(x(community))' has \(rows.count) cadre(s) and its name is a slip away from '\(x(other))' (\(otherCount) cadres): likely a typo"),
                found: x(community),
                expected: L("“\(x(other))”，或者确实是另一个社区", "'\(x(other))', unless it really is another community"),
                notes: [L("写成“\(x(community))”的行：\(lines)", "rows with '\(x(community))': \(linesEN)"),
                        L("按社区计算的名额、排名和在岗人数（如优秀名额为各社区人数的 20%）会把“\(x(community))”当作单独的社区：这 \(rows.count) 人单独排名，可能因名额不足被降等。",
                          "Quotas, ranks and head counts by community treat '\(x(community))' as a community of its own: its \(rows.count) cadre(s) are ranked alone and may lose a tier for want of a quota.")],
                help: L("逐字核对这些行的“社区”（注意形近字、字母 O 与数字 0）：写错的改为“\(x(other))”；确实是另一个社区的，可以不改。",
                        "Check the 社区 of these rows letter by letter (look-alike characters, the letter O and the digit 0): correct a typo to '\(x(other))'; if it really is another community, leave it."))
        case .notEmployedThisMonth(let place, let id, let month):
            return Diagnostic(
                .warning, code: "D0401", at: location(place),
                summary: L("\(x(id)) 在\(month.chineseDescription)不在职，本月不计分、不发放", "cadre '\(x(id))' is not employed in \(month); not scored or paid"),
                help: L("如已离职，可从本月花名册中移除。", "If they have left, remove them from this month's roster."))
        case .longShift(let place, let minutes):
            return Diagnostic(
                .warning, code: "D0402", at: location(place),
                summary: L("班次长达 \(Self.hours(minutes))，请核实", "a shift of \(Self.hoursEN(minutes)); please confirm"),
                help: L("若时间无误可忽略此提示。", "Ignore this if the times are right."))
        case .longService(let place, let minutes):
            return Diagnostic(
                .warning, code: "D0403", at: location(place),
                summary: L("一项服务用时 \(minutes) 分钟，请核实", "one service took \(minutes) minutes; please confirm"),
                help: L("用时以分钟填写；若填成了秒或多写了位数，请改正。", "Minutes are expected; correct it if seconds or an extra digit were typed."))
        case .manyTrainingHours(let place, let hours):
            return Diagnostic(
                .warning, code: "D0404", at: location(place),
                summary: L("一天培训 \(hours.shortDescription) 学时，请核实", "\(hours.shortDescription) training hours in one day; please confirm"),
                help: L("若时间无误可忽略此提示。", "Ignore this if it is right."))
        case .noActivity(let place, let id, let sources):
            // The rules' own sources, as the clerk knows them: 值守、走访或学习.
            let shown = sources.prefix(8).map { x($0) }
            let zh = shown.count > 1 ? shown.dropLast().joined(separator: "、") + "或" + shown.last! : shown.first ?? ""
            let en = shown.count > 1 ? shown.dropLast().joined(separator: ", ") + " or " + shown.last! : shown.first ?? ""
            return Diagnostic(
                .warning, code: "D0405", at: location(place),
                summary: L("\(x(id)) 本月没有任何\(zh)记录", "cadre '\(x(id))' has no \(en) records this month"),
                help: L("核对这些台账是否漏报了本人；若确实无记录可忽略。", "Check whether these files left the cadre out; if there were really none, ignore this."))
        }
    }

    private func valueDiagnostic(_ place: Place, found: String, type: FieldType, problem: ValueProblem) -> Diagnostic {
        let e = type.expectation
        let column = x(place.columnName ?? "")
        func d(_ code: String, _ zh: String, _ en: String, help: Localized, severity: Severity = .error) -> Diagnostic {
            Diagnostic(severity, code: code, at: Self.location(place), summary: L(zh, en), found: x(found), expected: L(e.zh, e.en), help: help)
        }
        switch problem {
        case .missing:
            return d("D0110", "“\(column)”不能为空", "'\(column)' must not be empty", help: L("填写该单元格。", "Fill in the cell."))
        case .notANumber:
            return d("D0101", "“\(column)”不是数字", "'\(column)' is not a number", help: L("只填数字（可带小数点），不要夹带文字或单位。", "Write digits only (a decimal point is fine), without words or units."))
        case .notAnInteger:
            return d("D0102", "“\(column)”应为整数", "'\(column)' must be a whole number", help: L("去掉小数部分。", "Remove the decimal part."))
        case .tooManyPlaces(let allowed):
            return d("D0103", "“\(column)”的小数位数超过 \(allowed) 位", "'\(column)' has more than \(allowed) decimal places", help: L("最多保留 \(allowed) 位小数；金额精确到分。", "Keep at most \(allowed) decimal places; money is exact to the 分."))
        case .negative:
            return Diagnostic(.error, code: "D0108", at: Self.location(place), summary: L("“\(column)”不能为负数", "'\(column)' cannot be negative"),
                              found: x(found), expected: L("不小于 0 的金额", "an amount of at least 0"),
                              help: L("这一列的金额不会是负数（负数会改变个人所得税）：核对是否多写了负号、填错了列；没有就填 0 或留空。",
                                      "This amount is never negative (a minus sign would change the income tax): check for a stray minus sign or a wrong column; write 0 or leave it empty."))
        case .outOfRange:
            return d("D0108", "“\(column)”的数值超出合理范围", "'\(column)' is out of range", help: L("核对数值，是否多打或少打了位数、写成了负数。", "Check the value for an extra or missing digit or a minus sign."))
        case .notADate:
            return d("D0104", "“\(column)”不是有效日期", "'\(column)' is not a valid date", help: L("请写成 2020-12-01 的形式，并确认该日期真实存在。", "Write the date as 2020-12-01 and make sure the day exists."))
        case .notATime:
            return d("D0105", "“\(column)”不是有效时间", "'\(column)' is not a valid time", help: L("请写成 08:00 的形式（24 小时制）。", "Write the time as 08:00 (24-hour clock)."))
        case .notABoolean:
            return d("D0106", "“\(column)”应填“是”或“否”", "'\(column)' must be 是 or 否", help: L("填写“是”或“否”。", "Write 是 (yes) or 否 (no)."))
        case .notInEnumeration:
            return d("D0107", "“\(column)”的取值不在允许范围内", "'\(column)' is not one of the allowed values", help: L("从允许的取值中选一个；如确需新增，请先在规则的数据来源中声明。", "Pick one of the allowed values; to add a new one, declare it in the rules' source first."))
        case .storedAsNumber:
            return d("D0109", "“\(column)”被存成了数字，Excel 只保留 15 位有效数字，已丢失位数", "'\(column)' was stored as a number; Excel keeps 15 digits, so digits were lost", help: L("把该列设为“文本”格式后重新录入完整号码（或在号码前加英文单引号）。", "Format the column as Text and type the full number again (or prefix it with an apostrophe)."))
        case .idNumber(let p):
            switch p {
            case .length(let n):
                return d("D0111", "身份证号长度为 \(n) 位，应为 18 位", "the ID number has \(n) characters, not 18", help: L("核对身份证号是否漏打或多打；15 位旧号码请换成 18 位。", "Check for a missing or extra character; replace an old 15-digit number with the 18-character one."))
            case .characters:
                return d("D0112", "身份证号含有非法字符", "the ID number has characters other than digits and a final X", help: L("前 17 位只能是数字，最后一位是数字或 X。", "The first 17 characters are digits; the last is a digit or X."))
            case .checkDigit(let expected):
                return d("D0113", "身份证号校验码错误", "the ID number's check character is wrong", help: L("按前 17 位计算，最后一位应为 \(expected)；请对照身份证核对每一位。", "From the first 17 digits the last should be \(expected); check every digit against the card."))
            case .birthDate:
                return d("D0114", "身份证号中的出生日期无效", "the ID number's birth date is not a real date", help: L("第 7–14 位是出生日期（年月日），请对照身份证核对。", "Characters 7 to 14 are the birth date; check them against the card."))
            }
        case .bankAccountDigits:
            return d("D0115", "银行账号应为 16–19 位数字", "the bank account must be 16 to 19 digits", help: L("对照银行卡核对账号，只填数字。", "Check the account against the card and write digits only."))
        case .phoneDigits:
            return d("D0116", "手机号应为 11 位数字", "the phone number must be 11 digits", help: L("核对手机号；该列不影响计分和发放。", "Check the number; it does not affect points or pay."), severity: .warning)
        case .beyondLimit(let limit, let rule):
            let money = type == .money
            let bound = money ? Money(fen: limit.widened(to: 2)?.units ?? 0).grouped + " 元" : limit.shortDescription
            return Diagnostic(
                .error, code: "D0108", at: Self.location(place),
                summary: L("“\(column)”的数值超出合理范围", "'\(column)' is out of range"), found: x(found),
                expected: L("绝对值不超过 \(bound)" + (rule.map { "（规则“\($0)”）" } ?? ""), "at most \(bound) either way" + (rule.map { " (the rules' \($0))" } ?? "")),
                help: rule.map { r in
                    L("规则的“\(r)”限定一次调整的大小：核对是否多打了位数；确需更大的调整，请拆分报批，或先修改规则中的“\(r)”。",
                      "The rules' \(r) bounds one adjustment: check for extra digits; a larger adjustment must be split and approved, or the rule changed first.")
                } ?? L("这样大的数不可能正确：核对是否多打了位数、填错了列" + (money ? "，金额以元为单位" : "") + "。",
                       "A value this large cannot be right: check for extra digits or a value in the wrong column" + (money ? " (amounts are in yuan)" : "") + "."))
        case .uncalculatedFormula:
            return d("D0117", "“\(column)”是公式，但文件中没有它的计算结果", "'\(column)' is a formula whose result was never calculated",
                     help: L("用 Excel 或 WPS 打开该文件，确认公式算出了结果后保存，再重新检查；或把公式换成数值（复制后“选择性粘贴 → 数值”）。",
                             "Open the file in Excel or WPS and save it so the formulas are calculated, then check again; or replace the formulas by their values (copy, Paste Special → Values)."))
        }
    }

    private func location(_ p: Place) -> Location { Self.location(p) }

    static func location(_ p: Place) -> Location {
        let columnName = p.columnName.map { x($0) }
        if let sheet = p.sheet {
            // A problem of the whole row names the row (`12:12`, as Excel writes a row).
            let ref = p.column.map { CellReference.reference(row: p.line - 1, column: $0 - 1) } ?? "\(p.line):\(p.line)"
            return .cell(path: p.path, sheet: sheet, reference: ref, columnName: columnName)
        }
        return .row(path: p.path, line: p.line, column: p.column, columnName: columnName)
    }

    /// `第 12 行`, or `值班-卧龙.xlsx 第 12 行` for a row of another file of the source.
    static func lineZH(_ line: Int, _ file: String?) -> String {
        file.map { "\(fileName($0)) 第 \(line) 行" } ?? "第 \(line) 行"
    }

    static func lineEN(_ line: Int, _ file: String?) -> String {
        file.map { "line \(line) of \(fileName($0))" } ?? "line \(line)"
    }

    /// `3–5、9` (runs of rows), at most 20 runs then how many there were.
    static func rowRuns(_ rows: [ClosedRange<Int>], through: String, separator: String) -> String {
        let shown = rows.prefix(20).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)\(through)\($0.upperBound)" }
        return shown.joined(separator: separator) + (rows.count > 20 ? separator + "…" : "")
    }

    static func rowTotal(_ rows: [ClosedRange<Int>]) -> Int { rows.reduce(0) { $0 + $1.count } }

    static func hours(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) 小时" : "\(minutes / 60) 小时 \(minutes % 60) 分"
    }

    static func hoursEN(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    static func fileName(_ path: String) -> String { FileName.of(path) }

    public var severity: Severity { diagnostic.severity }
}

@inline(__always)
func L(_ zh: String, _ en: String) -> Localized { Localized(zh: zh, en: en) }

/// A value from a file as a diagnostic shows it: whole if short, else an excerpt with its
/// length (a header cell or ID can be as long as a cell allows); anything in it that looks
/// like an ID number, bank account or phone number masked, whichever column it was typed in.
///
/// Masked before it is cut: an ID number at the cut, or after a line break the excerpt writes
/// as `\n`, would otherwise escape the mask.
private func x(_ s: String) -> String { Excerpt.of(PersonalData.maskByContent(s)) }
