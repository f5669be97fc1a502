import Diagnostics

/// A place in a rules file.
public struct Site: Sendable, Hashable {
    public var path: String
    public var span: Span
    public init(_ path: String, _ span: Span) {
        self.path = path
        self.span = span
    }
}

/// What the checker finds wrong, held as data. `diagnostic` is the one place that words it.
/// Codes: R01xx names, R02xx types and units, R03xx structure, R04xx warnings.
public enum CheckError: Sendable, Hashable {
    case unknownName(Site, name: String, context: String, suggestions: [String])
    case unknownSource(Site, name: String, known: [String])
    case unknownField(Site, name: String, source: String, known: [String])
    case unknownTier(Site, name: String, known: [String])
    case unknownTable(Site, name: String)
    case duplicateDeclaration(Site, name: String, first: Site)
    case notAnEnumerationValue(Site, value: String, field: String, allowed: [String])
    case unknownPayLine(Site, name: String)
    /// R0109: 在岗人数（…） of something that is not a roster field, a 分组 or 全县.
    case unknownHeadcountGroup(Site, written: String, groups: [String])
    /// R0110: `个税申报` names no amount column of the tax office's wages sheet.
    case unknownTaxColumn(Site, name: String, known: [String])

    case incomparable(Site, left: ValueType, right: ValueType)
    case mixedUnits(Site, op: String, left: ValueType, right: ValueType)
    case expectedCondition(Site, found: ValueType)
    case expectedType(Site, expected: ValueType, found: ValueType, role: String)
    case aggregateWithoutRecords(Site, name: String)
    case argumentCount(Site, name: String, expected: String, found: Int)
    case quotaShare(Site)
    case divisionOfNonNumbers(Site)

    case cycle(Site, names: [String])
    case tiersOverlap(Site, first: String, second: String, range: String)
    case tiersGap(Site, range: String)
    case bracketProblem(Site, table: String, problem: String, problemEN: String)
    case quotasOverHundred(Site, total: String)
    case versionGap(Site, name: String, from: String, to: String)
    case versionOverlap(Site, name: String, other: Site)
    case needsRounding(Site, line: String)
    case netLineCount(Site, count: Int)
    case adjustmentWithoutReason(Site, item: String)
    case duplicateTableKey(Site, table: String, key: String)
    case notConstant(Site, what: String)
    /// R0315: 等次 or 排名 read where the tier is not decided yet (the score, a veto, the
    /// tiers themselves), or with no 等次评定 at all (`place` empty).
    case tierTooEarly(Site, word: String, place: String)
    /// R0315: the tiers (or the score or a veto) read a pay line that reads the tier.
    case tierCycle(Site, path: [String], place: String)
    /// R0315: the tiers (or the score or a veto) read a pay line, which is paid only later.
    case payLineBeforeTiers(Site, line: String, place: String)
    /// R0317: 扣完为止 or 下限 where it cannot apply (an adjustment counts as written).
    case floorCannotApply(Site, item: String, clause: String)
    /// R0318: 总分范围 with its 最低 above its 最高.
    case emptyScoreRange(Site, floor: String, ceiling: String)
    /// R0319: a 合计上限 over items of different kinds, or over an adjustment.
    case groupCapMixed(Site, group: String, item: String)
    /// R0316: a table by 等次 without a row for a declared tier.
    case tierTableMissing(Site, table: String, missing: [String], tiers: [String])
    /// R0330: a 分组 condition reads something other than roster fields and parameters.
    case groupingNotRoster(Site, grouping: String, read: String)
    /// R0331: a 分组 whose last group is not `其余`, so a cadre could be in none.
    case groupingWithoutOtherwise(Site, grouping: String)
    /// R0332: `排名不含` lists something other than 一票否决者、本月入职、本月离职.
    case unknownRankExclusion(Site, word: String)
    /// R0320: an opening-balance column `累计X` (money) with no pay line X: its balances
    /// would be read and then silently dropped.
    case openingWithoutPayLine(Site, column: String, line: String, near: String?)
    /// R0321: a source field's `最低`/`最高` that cannot be a range of its cells: on a column
    /// that is not a number, not a constant number, of the wrong unit or more places than
    /// the column holds, or a 最低 above the 最高.
    case fieldRange(Site, field: String, problem: FieldRangeProblem)
    /// R0322: a table looked up by an enumeration without a row for each of its values and
    /// without an 其余 row: records of a missing value would find nothing and count nothing.
    case enumTableMissing(Site, table: String, key: String, missing: [String], values: [String])

    /// R0340: a month's value (得分 in 年度得分, an item, a month's pay line, 一票否决, 月份)
    /// read in the annual article outside a statistic over the months.
    case monthlyOutsideMonths(Site, name: String)
    /// R0341: inside 月数（…）, 平均（…） …, something that is not a month's value (在岗月数,
    /// another statistic, the year's pay lines, 本年累计).
    case annualInsideMonths(Site, name: String)
    /// R0342: a 年度考核 without a clause it needs (年度得分, 等次评定, 实发项 …).
    case yearIncomplete(Site, missing: String, help: String)
    /// R0343: a 奖金计税 that cannot tax: unknown method, a missing table or taxable income,
    /// a bonus that is not an annual 应发项.
    case bonusTaxProblem(Site, bonus: String, problem: String)
    /// R0344: 年度得分 rounded to a step that is not 1, 0.1, 0.01 ….
    case scoreRoundingStep(Site, written: String)
    /// R0345: 上年年度（X） where X is not an annual pay line of 年度考核 (`known`), or the annual
    /// article does not say the bonus is paid through a month's payroll (`发放 随 次年1月工资`).
    case notAnnualPayLine(Site, name: String, known: [String], separate: Bool)

    case unused(Site, kind: String, name: String)
    case midMonthDate(Site, date: String)

    public var site: Site {
        switch self {
        case .unknownName(let s, _, _, _), .unknownSource(let s, _, _), .unknownField(let s, _, _, _),
            .unknownTier(let s, _, _), .unknownTable(let s, _), .duplicateDeclaration(let s, _, _),
            .notAnEnumerationValue(let s, _, _, _), .unknownPayLine(let s, _), .unknownTaxColumn(let s, _, _), .incomparable(let s, _, _),
            .unknownHeadcountGroup(let s, _, _),
            .mixedUnits(let s, _, _, _), .expectedCondition(let s, _), .expectedType(let s, _, _, _),
            .aggregateWithoutRecords(let s, _), .argumentCount(let s, _, _, _), .quotaShare(let s),
            .divisionOfNonNumbers(let s), .cycle(let s, _), .tiersOverlap(let s, _, _, _), .tiersGap(let s, _),
            .bracketProblem(let s, _, _, _), .quotasOverHundred(let s, _), .versionGap(let s, _, _, _),
            .versionOverlap(let s, _, _), .needsRounding(let s, _), .netLineCount(let s, _),
            .adjustmentWithoutReason(let s, _), .duplicateTableKey(let s, _, _), .notConstant(let s, _),
            .tierTooEarly(let s, _, _), .tierCycle(let s, _, _), .payLineBeforeTiers(let s, _, _), .tierTableMissing(let s, _, _, _),
            .floorCannotApply(let s, _, _), .emptyScoreRange(let s, _, _), .groupCapMixed(let s, _, _),
            .groupingNotRoster(let s, _, _), .groupingWithoutOtherwise(let s, _), .unknownRankExclusion(let s, _),
            .openingWithoutPayLine(let s, _, _, _), .fieldRange(let s, _, _), .enumTableMissing(let s, _, _, _, _),
            .monthlyOutsideMonths(let s, _), .annualInsideMonths(let s, _), .yearIncomplete(let s, _, _), .bonusTaxProblem(let s, _, _),
            .scoreRoundingStep(let s, _), .notAnnualPayLine(let s, _, _, _),
            .unused(let s, _, _), .midMonthDate(let s, _):
            return s
        }
    }

    public var diagnostic: Diagnostic {
        let w = wording
        return Diagnostic(
            w.severity, code: w.code, at: .source(path: site.path, span: site.span), summary: w.summary,
            label: w.label, notes: w.notes, help: w.help)
    }

    /// A rules folder that cannot pay anyone: no rules files at all, or no data source or no
    /// pay line. Located at the folder, since what is
    /// wrong is what is not there. (Before this check a folder with no rules files checked
    /// clean and a batch paid every cadre 0.00.)
    public static func incompleteRules(folder: String, fileCount: Int, missing: [String]) -> Diagnostic {
        if fileCount == 0 {
            return Diagnostic(
                .error, code: "R0313", at: .file(path: folder),
                summary: Localized(zh: "规则文件夹中没有规则文件（*.jifen）", en: "the rules folder has no rules files (*.jifen)"),
                help: Localized(zh: "用 --rules 指向存放办法的文件夹（例如 rules），或在 jifen.json 的 \"rules\" 中写明。", en: "Point --rules at the folder holding the regulation (e.g. rules), or set \"rules\" in jifen.json."))
        }
        let list = missing.joined(separator: "、")
        return Diagnostic(
            .error, code: "R0314", at: .file(path: folder),
            summary: Localized(zh: "规则不完整：缺少\(list)", en: "the rules are incomplete: no \(list)"),
            notes: [Localized(zh: "没有这些声明就算不出任何人的积分或报酬。", en: "Without these nobody's points or pay can be computed.")],
            help: Localized(zh: "至少声明一个“数据源”和工资项目（含“实发项”）；见 docs/rules-language.md。",
                            en: "Declare at least one 数据源 and the pay lines, including a 实发项; see docs/rules-language.md."))
    }

    private typealias Wording = (code: String, severity: Severity, summary: Localized, label: Localized?, notes: [Localized], help: Localized)

    private var wording: Wording {
        func L(_ zh: String, _ en: String) -> Localized { Localized(zh: zh, en: en) }
        func list(_ names: [String]) -> String { names.prefix(8).joined(separator: "、") }
        func e(_ code: String, _ summary: Localized, _ label: Localized?, _ help: Localized, notes: [Localized] = []) -> Wording {
            (code, .error, summary, label, notes, help)
        }
        switch self {
        case .unknownName(_, let name, let context, let suggestions):
            return e("R0101", L("未定义的名称“\(name)”", "unknown name '\(name)'"), L("这里找不到“\(name)”", "nothing called '\(name)' here"),
                     suggestions.isEmpty
                        ? L("在\(context)中可用的名称里没有它；检查拼写，或先声明它。", "No \(context) has this name; check the spelling or declare it first.")
                        : L("是不是想写：\(list(suggestions))？", "Did you mean: \(suggestions.prefix(8).joined(separator: ", "))?"))
        case .unknownSource(_, let name, let known):
            return e("R0102", L("未声明的数据源“\(name)”", "unknown source '\(name)'"), L("没有这个数据源", "no such source"),
                     L("已声明的数据源有：\(list(known))；或用“数据源 \(name) { … }”声明它。", "Declared sources: \(known.joined(separator: ", ")); or declare it with 'source \(name) { … }'."))
        case .unknownField(_, let name, let source, let known):
            return e("R0103", L("数据源“\(source)”没有字段“\(name)”", "source '\(source)' has no field '\(name)'"), L("不是\(source)的字段", "not a field of \(source)"),
                     L("\(source)的字段有：\(list(known))。", "The fields of \(source) are: \(known.joined(separator: ", "))."))
        case .unknownTier(_, let name, let known):
            return e("R0104", L("未定义的等次“\(name)”", "unknown tier '\(name)'"), L("等次评定中没有它", "not a tier"),
                     L("等次评定中的等次有：\(list(known))。", "The tiers are: \(known.joined(separator: ", "))."))
        case .unknownTable(_, let name):
            return e("R0105", L("“\(name)”不是对照表或累进表", "'\(name)' is not a table"), L("不能这样查表", "cannot be looked up"),
                     L("用“对照表 \(name) 按 … { … }”或“累进表 \(name) { … }”声明它。", "Declare it with 'table \(name) by … { … }' or 'brackets \(name) { … }'."))
        case .duplicateDeclaration(_, let name, let first):
            return e("R0106", L("“\(name)”重复定义", "'\(name)' is defined twice"), L("第二次定义", "defined again here"),
                     L("改用另一个名称；若是新版本，请用（自 日期 起）和（至 日期）标明各自的施行期间。", "Use another name; for a new version, give each its period with (since DATE) and (until DATE)."),
                     notes: [L("第一次定义在 \(first.path)", "first defined in \(first.path)")])
        case .notAnEnumerationValue(_, let value, let named, let allowed):
            let field = named.isEmpty ? "这一项" : named
            return e("R0107", L("“\(value)”不是“\(field)”的取值", "'\(value)' is not a value of '\(field)'"), L("不在取值范围内", "not an allowed value"),
                     L("“\(field)”的取值有：\(list(allowed))。", "'\(field)' takes: \(allowed.joined(separator: ", "))."))
        case .unknownPayLine(_, let name):
            return e("R0108", L("“\(name)”不是工资项目", "'\(name)' is not a pay line"), L("这里需要工资项目的名称", "a pay line's name is needed here"),
                     L("本年累计、此前累计只用于应发项、扣款项、计算项的名称。", "Year-to-date totals take the name of a pay line."))
        case .unknownHeadcountGroup(_, let written, let groups):
            return e("R0109", L("不能按“\(written)”统计在岗人数", "cannot count the cadres in post by '\(written)'"),
                     L("应为全县、花名册的字段或分组", "the county, a roster field or a grouping is needed here"),
                     L("写“在岗人数（全县）”，或按花名册的字段、分组统计（几个用“、”隔开，如“在岗人数（社区、考核组）”）：\(list(groups.map { "在岗人数（\($0)）" }))。",
                       "Write 在岗人数（全县） for the county, or count by roster fields or groupings (several separated by 、, e.g. 在岗人数（社区、考核组）): \(groups.map { "在岗人数（\($0)）" }.prefix(8).joined(separator: ", "))."))
        case .unknownTaxColumn(_, let name, let known):
            return e("R0110", L("“\(name)”不是个税扣缴申报表的金额列", "'\(name)' is not an amount column of the tax filing sheet"),
                     L("正常工资薪金收入表中没有这一列", "no such column in 正常工资薪金收入"),
                     L("可用的列有：\(known.joined(separator: "、"))。", "The columns are: \(known.joined(separator: ", "))."))
        case .incomparable(_, let l, let r):
            return e("R0201", L("不能把\(l.chineseName)与\(r.chineseName)比较", "cannot compare \(l.englishName) with \(r.englishName)"), L("类型不同", "different kinds of value"),
                     r == .text || l == .text
                        ? L("数字不要加引号：写 40 而不是 “40”。", "Write numbers without quotes: 40, not \"40\".")
                        : L("比较的两边应是同一种量：积分与积分、金额与金额。", "Compare like with like: points with points, money with money."))
        case .mixedUnits(_, let op, let l, let r):
            return e("R0202", L("\(l.chineseName)与\(r.chineseName)不能相\(op)", "cannot \(op == "加" ? "add" : op == "减" ? "subtract" : op == "乘" ? "multiply" : "divide") \(l.englishName) and \(r.englishName)"), L("单位不一致", "units do not match"),
                     l == .points && r == .money || l == .money && r == .points
                        ? L("积分要乘以分值（每分多少元）才能变成金额，例如“得分 × 分值”。", "Points become money only through a rate, e.g. 得分 × 分值 (yuan per point).")
                        : l == .time || r == .time
                        ? L("时间只能相减或比较：“开始 - 应到时间（班次）”得到相差的分钟数，“开始 > 08:30”比较先后。",
                            "Times only subtract or compare: 开始 - 应到时间（班次） gives the minutes between them; 开始 > 08:30 compares them.")
                        : L("检查两边的单位：积分、元、百分比和计数不能随意混用。", "Check the units on both sides: points, yuan, percentages and counts do not mix freely."))
        case .expectedCondition(_, let found):
            return e("R0203", L("这里需要一个条件，得到的是\(found.chineseName)", "a condition is needed here, found \(found.englishName)"), L("不是条件", "not a condition"),
                     L("写成比较，例如“班次 = 夜班”或“得分 ≥ 90 分”。", "Write a comparison such as 班次 = 夜班 or 得分 ≥ 90 分."))
        case .expectedType(_, let expected, let found, let role):
            return e("R0204", L("\(role)应为\(expected.chineseName)，这里是\(found.chineseName)", "\(role) must be \(expected.englishName), found \(found.englishName)"), L("类型不对", "wrong kind of value"),
                     expected == .points ? L("积分项的分值要带“分”，例如“每条 2 分”。", "Item amounts are points: write 2 分.")
                        : expected == .money ? L("工资项目的结果要是金额，例如“50 元 × 条数（…）”。", "Pay lines come to money, e.g. 50 元 × 条数（…）.")
                        : L("换成\(expected.chineseName)类型的值。", "Use a value of type \(expected.englishName)."))
        case .aggregateWithoutRecords(_, let name):
            return e("R0205", L("“\(name)”不知道统计哪些记录", "'\(name)' has no records to count"), L("缺少记录范围", "no records given"),
                     L("在积分项或一票否决里使用，或写明来源：“\(name)（来自 值班 其中 …）”。", "Use it inside an item or veto, or name the records: \(name)（来自 值班 其中 …）."))
        case .argumentCount(_, let name, let expected, let found):
            return e("R0206", L("“\(name)”需要 \(expected) 个参数，这里有 \(found) 个", "'\(name)' takes \(expected) argument(s), found \(found)"), L("参数个数不对", "wrong number of arguments"),
                     L("按“\(name)（…）”的写法补齐或删去参数。", "Give \(name) the arguments it takes."))
        case .quotaShare:
            return e("R0207", L("名额比例应在 0% 与 100% 之间", "a quota must be between 0% and 100%"), L("比例不对", "not a share"),
                     L("写成百分比，例如“名额 20% 按 社区”。", "Write a percentage, e.g. 名额 20% 按 社区."))
        case .divisionOfNonNumbers:
            return e("R0208", L("只能对数量做除法", "only quantities can be divided"), L("不能相除", "cannot divide"),
                     L("除号两边应是金额、积分或数值。", "Both sides of ÷ must be quantities."))
        case .cycle(_, let names):
            return e("R0301", L("循环定义：\(names.joined(separator: " → "))", "cyclic definition: \(names.joined(separator: " → "))"), L("这里引用了自己", "refers back to itself"),
                     L("每个项目只能用在它之前算出的项目；拆开这个循环。", "Each line may use only lines computed before it; break the cycle."))
        case .tiersOverlap(_, let a, let b, let range):
            return e("R0302", L("等次“\(a)”与“\(b)”的条件重叠（\(range)）", "tiers '\(a)' and '\(b)' overlap (\(range))"), L("与前一个等次重叠", "overlaps another tier"),
                     L("调整分数线，使每个得分只落在一个等次里。", "Adjust the bounds so each score falls in exactly one tier."))
        case .tiersGap(_, let range):
            return e("R0303", L("得分在 \(range) 时没有等次", "no tier covers scores \(range)"), L("等次之间有空档", "a gap between tiers"),
                     L("调整分数线补上空档，或加一条“其余”等次。", "Close the gap, or add a tier for everyone else (其余)."))
        case .bracketProblem(_, let table, let p, let pEN):
            return e("R0304", L("累进表“\(table)”有误：\(p)", "bracket table '\(table)' is wrong: \(pEN)"), L("这一档有问题", "this row"),
                     L("各档上限应逐档递增、首尾相接，速算扣除数应与税率一致。", "Bounds must increase row by row without gaps, and quick deductions must match the rates."))
        case .quotasOverHundred(_, let total):
            return e("R0305", L("名额比例合计 \(total)，超过 100%", "quotas add up to \(total), over 100%"), L("名额超过 100%", "over 100%"),
                     L("降低名额比例。", "Lower the quotas."))
        case .versionGap(_, let name, let from, let to):
            return e("R0306", L("“\(name)”在 \(from) 至 \(to) 期间没有施行的版本", "'\(name)' has no version in force from \(from) to \(to)"), L("施行期间有空档", "a gap between versions"),
                     L("让新版本的“自”紧接旧版本的“至”。", "Start the new version the day after the old one ends."))
        case .versionOverlap(_, let name, _):
            return e("R0307", L("“\(name)”有两个版本同时施行", "two versions of '\(name)' are in force at once"), L("施行期间重叠", "periods overlap"),
                     L("给旧版本加上（至 日期），或调整新版本的（自 日期 起）。", "End the old version with (until DATE), or move the new one's start."))
        case .needsRounding(_, let line):
            return e("R0308", L("“\(line)”的结果可能不足一分，需要声明舍入", "'\(line)' may come to fractions of a 分 and needs a rounding"), L("缺少舍入", "no rounding"),
                     L("加上“{ 舍入 四舍五入 到分 }”（或到元）。", "Add { 舍入 四舍五入 到分 } (or 到元)."))
        case .openingWithoutPayLine(_, let column, let line, let near):
            return e("R0320", L("期初余额的“\(column)”没有对应的工资项目“\(line)”", "opening balance '\(column)' has no pay line '\(line)'"),
                     L("没有名为“\(line)”的工资项目", "no pay line named '\(line)'"),
                     near.map { L("期初余额的“累计X”一列补上工资项目 X 的本年累计：把列名改为“累计\($0)”，或把对应的工资项目命名为“\(line)”。",
                                  "An opening column 累计X carries pay line X's year to date; rename it 累计\($0), or name the pay line '\(line)'.") }
                        ?? L("期初余额的“累计X”一列补上工资项目 X 的本年累计；把列名改为“累计”加工资项目的名称，或删去这一列。",
                             "An opening column 累计X carries pay line X's year to date; name it 累计 + a pay line's name, or remove it."))
        case .fieldRange(_, let field, let problem):
            let (zh, en, label, labelEN) = problem.wording
            let help: Localized
            if case .notNumeric = problem {
                help = L("范围只能写在数字列（整数、小数、积分型、天数型、次数型）上：删去这一列的“最低”“最高”。",
                         "A range can only be stated for a number column (整数, 小数, 积分型, 天数型, 次数型): remove this column's 最低 and 最高.")
            } else {
                help = L("两端写不带单位的数，如“最低 0，最高 24”：最低不高于最高，小数位数不超过这一列（整数、天数型、次数型写整数，积分型最多 2 位小数）。",
                         "Write both ends as plain numbers, e.g. 最低 0，最高 24: the least not above the greatest, with no more places than the column holds (whole numbers for 整数, 天数型, 次数型; two places for 积分型).")
            }
            return e("R0321", L("字段“\(field)”的范围\(zh)", "the range of field '\(field)' \(en)"), L(label, labelEN), help)
        case .enumTableMissing(_, let table, let key, let missing, let values):
            return e("R0322", L("对照表“\(table)”缺少“\(key)”的取值“\(list(missing))”", "table '\(table)' has no row for \(key) '\(missing.joined(separator: ", "))'"),
                     L("按“\(key)”查表，缺了 \(missing.count) 个取值", "\(missing.count) value(s) of \(key) missing"),
                     L("“\(key)”的取值有：\(list(values))；给每个取值写一行（如“\(missing[0])：…”），或加一行“其余：…”（如“其余：0 分”）。",
                       "\(key) takes: \(values.joined(separator: ", ")); write a row per value (e.g. '\(missing[0])：…'), or add an '其余：…' row (e.g. '其余：0 分')."),
                     notes: [L("没有“其余”行时，取值查不到的记录一分不计，也不出现在说明里。",
                               "Without an 其余 row, records whose value the table lacks would count nothing and not appear in the explanation.")])
        case .netLineCount(_, let count):
            return e("R0309", count == 0 ? L("没有实发项", "there is no net pay line") : L("实发项有 \(count) 个，只能有一个", "there are \(count) net pay lines; there must be one"), L("实发项", "net pay"),
                     L("用“实发项 实发工资 = 应发合计 - 扣款合计”声明唯一的实发项。", "Declare exactly one net line, e.g. 实发项 实发工资 = 应发合计 - 扣款合计."))
        case .adjustmentWithoutReason(_, let item):
            return e("R0310", L("调整项“\(item)”没有要求注明原因", "adjustment '\(item)' does not require a reason"), L("缺少“须注明 原因”", "no 'requires 原因'"),
                     L("手工调整必须有原因：加上“须注明 原因、批准人”。", "Manual adjustments must carry a reason: add 须注明 原因、批准人."))
        case .duplicateTableKey(_, let table, let key):
            return e("R0311", L("对照表“\(table)”中“\(key)”出现两次", "table '\(table)' has the key '\(key)' twice"), L("重复的行", "repeated row"),
                     L("删除重复的一行。", "Delete the repeated row."))
        case .notConstant(_, let what):
            return e("R0312", L("\(what)必须是固定的数值", "\(what) must be a fixed value"), L("不是常量", "not a constant"),
                     L("写成带单位的数字，例如 60 分、15 元、8%。", "Write a number with its unit, e.g. 60 分, 15 元, 8%."))
        case .tierTooEarly(_, let word, let place):
            let order = L("等次要在得分算出、一票否决和名额都用过之后才确定（先算分，再评等次，最后算工资）。",
                          "The tier is final only after the score, the vetoes and the quotas (score, then tiers, then pay).")
            if place.isEmpty {
                return e("R0315", L("规则里没有等次评定，不能用“\(word)”", "'\(word)' is used but the rules declare no tiers"), L("没有等次评定", "no tiers"),
                         L("先写“等次评定 { 优秀：得分 ≥ 90 分 … }”，再在工资项目里用“\(word)”。", "Declare the tiers (等次评定 { … }) before reading '\(word)' in pay."))
            }
            return e("R0315", L("\(place)里不能用“\(word)”：这时等次还没有评定", "'\(word)' cannot be read in \(place): the tier is not decided yet"),
                     L("这里还没有\(word)", "no \(word) yet here"),
                     L("“\(word)”只能用在应发项、扣款项、实发项和计算项里（如 绩效报酬 = 得分 × 分值 × 等次系数（等次））。",
                       "'\(word)' can be read only in pay lines (e.g. 绩效报酬 = 得分 × 分值 × 等次系数（等次）)."),
                     notes: [order])
        case .tierCycle(_, let path, let place):
            return e("R0315", L("循环定义：\(path.joined(separator: " → "))", "cyclic definition: \(path.joined(separator: " → "))"),
                     L("\(place)用到了依赖等次的“\(path[1])”", "\(place) reads '\(path[1])', which depends on the tier"),
                     L("等次由\(place)决定，不能反过来用依赖等次的工资项目；把这个条件改用得分、积分项或花名册字段。",
                       "The tier is decided by the \(place); it cannot read a pay line that depends on the tier. Use the score, items or roster fields instead."),
                     notes: [L("等次要在得分算出、一票否决和名额都用过之后才确定，工资在等次之后才计算。",
                               "The tier is final only after the score, the vetoes and the quotas; pay is computed after the tiers.")])
        case .payLineBeforeTiers(_, let line, let place):
            return e("R0315", L("\(place)里不能用工资项目“\(line)”：这时工资还没有计算", "the \(place) cannot read pay line '\(line)': pay is not computed yet"),
                     L("这里还没有工资", "no pay yet here"),
                     L("先算分，再评等次，最后算工资；\(place)只能用得分、积分项、参数和花名册字段。",
                       "Score, then tiers, then pay: the \(place) can read the score, items, parameters and roster fields."))
        case .tierTableMissing(_, let table, let missing, let tiers):
            return e("R0316", L("对照表“\(table)”缺少等次“\(list(missing))”", "table '\(table)' has no row for tier '\(missing.joined(separator: ", "))'"),
                     L("按等次查表，缺了 \(missing.count) 个等次", "\(missing.count) tier(s) missing"),
                     L("等次评定中的等次有：\(list(tiers))；给每个等次写一行（如“\(missing[0])：0”），或加一行“其余：…”。",
                       "The tiers are: \(tiers.joined(separator: ", ")); write a row per tier (e.g. '\(missing[0])：0'), or add an '其余：…' row."))
        case .floorCannotApply(_, let item, let clause):
            return e("R0317", L("调整项“\(item)”里的“\(clause)”不起作用", "'\(clause)' has no effect in adjustment '\(item)'"),
                     L("调整按填写的分值计入", "adjustments count as written"),
                     L("删掉这一行；要让总分不低于某个分数，写“总分范围 { 最低 0 分 }”。",
                       "Delete this line; to keep the total from going below a score, write 总分范围 { 最低 0 分 }."),
                     notes: [L("扣完为止、下限只用于扣分项（扣到某个分数为止）和积分项。", "扣完为止 and 下限 apply to deductions and items only.")])
        case .emptyScoreRange(_, let lo, let hi):
            return e("R0318", L("总分范围的最低 \(lo) 分高于最高 \(hi) 分", "the score range's floor \(lo) is above its ceiling \(hi)"),
                     L("没有分数能在这个范围里", "no score fits"),
                     L("把“最低”改得不高于“最高”，例如“最低 0 分，最高 100 分”。", "Make the floor at most the ceiling, e.g. 最低 0 分，最高 100 分."))
        case .groupCapMixed(_, let group, let item):
            return e("R0319", L("合计上限“\(group)”不能包括“\(item)”", "group cap '\(group)' cannot include '\(item)'"),
                     L("与前面的项目不是同一类", "not the same kind as the others"),
                     L("一个合计上限只合计同一类的项目：都是积分项（加分合计），或都是扣分项（扣分合计）；调整项不封顶。",
                       "A group cap sums one kind: all items (points) or all deductions; adjustments are not capped."))
        case .groupingNotRoster(_, let grouping, let read):
            return e("R0330", L("分组“\(grouping)”的条件用到了“\(read)”", "grouping '\(grouping)' reads '\(read)'"),
                     L("分组只看花名册", "groupings read the roster only"),
                     L("分组的条件只能用花名册字段（如 岗位、岗位类别）和参数，例如“正职：岗位 属于（书记、主任）”。",
                       "A grouping's conditions can read roster fields (岗位, 岗位类别, …) and parameters only, e.g. 正职：岗位 属于（书记、主任）."),
                     notes: [L("分组在算分之前就确定，名额、排名和奖励池按它分组。", "Groups are fixed before scoring; quotas, ranks and pools are counted in them.")])
        case .groupingWithoutOtherwise(_, let grouping):
            return e("R0331", L("分组“\(grouping)”的最后一组不是“其余”", "grouping '\(grouping)' does not end with 其余"),
                     L("可能有人不在任何一组", "someone could be in no group"),
                     L("最后加一行“其他组：其余”，让每个人都有一组。", "End it with a group for everyone else, e.g. 其他组：其余."))
        case .unknownRankExclusion(_, let word):
            return e("R0332", L("“排名不含”不能列出“\(word)”", "排名不含 cannot list '\(word)'"),
                     L("不认识的排除对象", "not a known exclusion"),
                     L("“排名不含”后面可以写：一票否决者、本月入职、本月离职（用“、”隔开）。",
                       "排名不含 takes: 一票否决者、本月入职、本月离职 (separated by 、)."))
        case .monthlyOutsideMonths(_, let name):
            return e("R0340", L("“\(name)”是每个月的数，年度考核里要放在按月统计里", "'\(name)' is a month's value; in the annual article it belongs inside a statistic over the months"),
                     L("这里算的是全年", "this is the whole year"),
                     L("写成 平均（\(name)）、合计（\(name)）、最高（\(name)）、最低（\(name)），或用 月数（条件）数出符合条件的月份。",
                       "Write 平均（\(name)）, 合计（\(name)）, 最高（\(name)）, 最低（\(name)）, or count months with 月数（condition）."))
        case .annualInsideMonths(_, let name):
            return e("R0341", L("按月统计的括号里不能用“\(name)”", "'\(name)' cannot be used inside a statistic over the months"),
                     L("括号里算的是某一个月", "inside the brackets is one month"),
                     L("月数（…）、平均（…）、合计（…）、最高（…）、最低（…）的括号里只能用当月的 得分、等次、排名、一票否决、月份、积分项、扣分项、调整项和月度工资项目；“\(name)”写在括号外面。",
                       "Inside 月数（…）, 平均（…）, 合计（…）, 最高（…）, 最低（…） only a month's 得分, 等次, 排名, 一票否决, 月份, items and monthly pay lines are read; write '\(name)' outside the brackets."))
        case .yearIncomplete(_, let missing, let help):
            return e("R0342", L("年度考核缺少“\(missing)”", "the annual article has no '\(missing)'"), L("不完整", "incomplete"),
                     L(help, "Add the clause; see the chapter 年度考核 of docs/rules-language.md."))
        case .bonusTaxProblem(_, let bonus, let problem):
            return e("R0343", L("奖金计税的“\(bonus)”\(problem)", "the bonus tax of '\(bonus)': \(problem)"), L("不能计税", "cannot be taxed"),
                     L("写成：奖金计税 \(bonus) { 方式 取低者；单独计税 按 月度税率表；并入综合所得 按 综合所得税率表；应纳税所得额 = … }（方式可为 单独计税、并入综合所得、取低者）。",
                       "Write: 奖金计税 \(bonus) { 方式 取低者; 单独计税 按 monthly table; 并入综合所得 按 annual table; 应纳税所得额 = … } (方式: 单独计税, 并入综合所得 or 取低者)."))
        case .scoreRoundingStep(_, let written):
            return e("R0344", L("年度得分不能舍入到“\(written)”", "the annual score cannot be rounded to '\(written)'"), L("舍入位数不对", "not a rounding step"),
                     L("写成“舍入 四舍五入 到 0.01 分”（或 到 1 分、到 0.1 分）。", "Write 舍入 四舍五入 到 0.01 分 (or 到 1 分, 到 0.1 分)."))
        case .notAnnualPayLine(_, let name, let known, let separate):
            if separate {
                return e("R0345", L("年度考核规定年终奖单独发放，月度工资里不能用“上年年度（\(name)）”", "the annual article pays the bonus separately; a month cannot read 上年年度（\(name)）"),
                         L("年终奖会发两次", "the bonus would be paid twice"),
                         L("随工资发放时，在年度考核里写一行“发放 随 次年1月工资”；单独发放时，删去月度工资里的“上年年度（\(name)）”。",
                           "To pay it with the wages, write 发放 随 次年1月工资 in 年度考核; to pay it separately, drop 上年年度（\(name)） from the month's pay lines."))
            }
            let list = known.isEmpty ? "规定里没有年度考核的工资项目" : "年度考核的工资项目有：" + known.joined(separator: "、")
            return e("R0345", L("“\(name)”不是年度考核的工资项目", "'\(name)' is not an annual pay line of 年度考核"),
                     L("上年年度（…）读上一年年度考核的工资项目", "上年年度（…） reads an annual pay line of the previous year"),
                     L("括号里写年度考核里的应发项、扣款项、实发项或计算项的名称，如“上年年度（年终绩效奖）”。\(list)。",
                       "Name an annual pay line of 年度考核, e.g. 上年年度（年终绩效奖）."))
        case .unused(_, let kind, let name):
            return ("R0401", .warning, L("\(kind)“\(name)”没有被使用", "\(kind) '\(name)' is never used"), L("未使用", "unused"), [],
                    L("如果不需要，可以删除它。", "Delete it if it is not needed."))
        case .midMonthDate(_, let date):
            return ("R0402", .warning, L("生效日期 \(date) 不是月初，将从下个月起适用", "effective date \(date) is not the first of a month; it applies from the next month"), L("不是月初", "not the 1st"), [],
                    L("按月结算：新规定从某月 1 日起施行最清楚。", "Pay is monthly: start new rules on the 1st of a month."))
        }
    }
}

/// What is wrong with a source field's `最低`/`最高` (R0321).
public enum FieldRangeProblem: Sendable, Hashable {
    /// On a column that is not a number (文本, 日期型, 金额型 …): `type` as the rules wrote it.
    case notNumeric(type: String)
    /// Not a plain number (a name, a formula, a unit such as 分 or 小时).
    case notANumber(written: String)
    /// More decimal places than the column holds (a fraction on a whole-number column).
    case tooManyPlaces(written: String, places: Int)
    /// 最低 above 最高.
    case empty(minimum: String, maximum: String)

    var wording: (zh: String, en: String, label: String, labelEN: String) {
        switch self {
        case .notNumeric(let type):
            ("只能写在数字列上，这一列是\(type)", "can only be stated for a number column; this one is \(type)", "\(type)的列不能写范围", "no range on a \(type) column")
        case .notANumber(let written):
            ("应为不带单位的数，写的是“\(written)”", "must be a plain number, not '\(written)'", "这里写一个数", "a number is needed here")
        case .tooManyPlaces(let written, let places):
            (places == 0 ? "应为整数，写的是“\(written)”" : "最多 \(places) 位小数，写的是“\(written)”",
             places == 0 ? "must be a whole number, not '\(written)'" : "has at most \(places) decimal places, not '\(written)'",
             "这一列放不下这个数", "the column cannot hold this value")
        case .empty(let minimum, let maximum):
            ("不成立：最低 \(minimum) 高于最高 \(maximum)", "is empty: 最低 \(minimum) is above 最高 \(maximum)", "没有数能在这个范围里", "no value fits this range")
        }
    }
}
