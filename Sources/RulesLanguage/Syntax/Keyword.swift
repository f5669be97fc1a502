/// Every keyword of the rules language, each with its Chinese and its English spelling.
///
/// This table is the one place where keywords are spelled: the lexer reads it, the formatter
/// writes from it and `docs/rules-language.md` lists it. Chinese keywords are whole words
/// separated from names by spaces (`取 值班`, not `取值班`).
public enum Keyword: String, Sendable, Hashable, CaseIterable {
    // Declarations
    case source, item, deduction, adjustment, base, scoreRange, groupCap, veto, tiers, parameter, table, brackets, grouping
    case earning, withholding, net, value, yearAssessment
    // Attributes in （…）
    case per, since, onward, until, file
    // Clauses
    case take, `where`, each, total, dailyCap, monthlyCap, floor, untilZero, requires, atLeast, atMost, includes
    case when, force, quota, by, order, descending, ascending, otherwise
    case round, halfUp, halfEven, down, up, toFen, toJiao, toYuan, exempt, taxColumn, quick, upTo, above
    case optional, rankExcludes
    // Expressions
    case and, or, not, `in`, `if`, then, `else`, yes, no, none, score
    case count, sum, distinctDays, max, min, from, clamp, yearToDate, priorToDate, poolShare, rank
    case previousYearTotal, previousYearAnnual
    case daysInPost, daysInMonth, joinedThisMonth, leftThisMonth, headcount
    // Field types
    case text, integer, decimal, date, time, money, boolean, enumeration, points, days, times
    // Units (after a number)
    case unitPoints, unitYuan, unitHours, unitMinutes, unitDays, unitTimes, unitMonths, unitPersons
    // Test files
    case test, month, records, expect, tier

    /// The Chinese spelling, the one the formatter writes in a Chinese file.
    public var chinese: String { Keyword.spellings[self]!.zh }
    /// The English spelling.
    public var english: String { Keyword.spellings[self]!.en }
    /// Further Chinese spellings the lexer accepts (`加分项` for `积分项`).
    public var chineseAliases: [String] { Keyword.spellings[self]!.aliases }

    public func spelling(_ language: KeywordLanguage) -> String {
        language == .chinese ? chinese : english
    }

    static let spellings: [Keyword: (zh: String, en: String, aliases: [String])] = [
        .source: ("数据源", "source", []),
        .item: ("积分项", "item", ["加分项"]),
        .deduction: ("扣分项", "deduction", []),
        .adjustment: ("调整项", "adjustment", []),
        .base: ("基础分", "base", []),
        .scoreRange: ("总分范围", "score_range", []),
        .groupCap: ("合计上限", "group_cap", []),
        .veto: ("一票否决", "veto", []),
        .tiers: ("等次评定", "tiers", []),
        .parameter: ("参数", "parameter", []),
        .table: ("对照表", "table", ["查找表"]),
        .brackets: ("累进表", "brackets", []),
        .grouping: ("分组", "grouping", []),
        .earning: ("应发项", "earning", []),
        .withholding: ("扣款项", "withholding", []),
        .net: ("实发项", "net", []),
        .value: ("计算项", "value", []),
        .yearAssessment: ("年度考核", "year_assessment", []),
        .per: ("依据", "per", []),
        .since: ("自", "since", []),
        .onward: ("起", "onward", []),
        .until: ("至", "until", []),
        .file: ("文件", "file", []),
        .take: ("取", "take", []),
        .where: ("其中", "where", []),
        .each: ("每条", "each", []),
        .total: ("计", "total", []),
        .dailyCap: ("每日上限", "daily_cap", []),
        .monthlyCap: ("每月上限", "monthly_cap", []),
        .floor: ("下限", "floor", []),
        .untilZero: ("扣完为止", "until_zero", []),
        .requires: ("须注明", "requires", []),
        .atLeast: ("最低", "at_least", []),
        .atMost: ("最高", "at_most", []),
        .includes: ("包括", "includes", []),
        .when: ("当", "when", []),
        .force: ("定为", "force", []),
        .quota: ("名额", "quota", []),
        .by: ("按", "by", []),
        .order: ("排序", "order", []),
        .descending: ("从高到低", "descending", []),
        .ascending: ("从低到高", "ascending", []),
        .otherwise: ("其余", "otherwise", []),
        .round: ("舍入", "round", []),
        .halfUp: ("四舍五入", "half_up", []),
        .halfEven: ("银行家舍入", "half_even", []),
        .down: ("舍去", "round_down", ["去尾"]),
        .up: ("进一", "round_up", ["进位"]),
        .toFen: ("到分", "to_fen", []),
        .toJiao: ("到角", "to_jiao", []),
        .toYuan: ("到元", "to_yuan", []),
        .exempt: ("不适用", "exempt", []),
        .taxColumn: ("个税申报", "tax_column", []),
        .quick: ("速算扣除", "quick_deduction", []),
        .upTo: ("不超过", "up_to", []),
        .above: ("超过", "above", []),
        .optional: ("可空", "optional", []),
        .rankExcludes: ("排名不含", "rank_excludes", []),
        .and: ("且", "and", ["并且"]),
        .or: ("或", "or", ["或者"]),
        .not: ("非", "not", []),
        .in: ("属于", "in", []),
        .if: ("若", "if", ["如果"]),
        .then: ("则", "then", []),
        .else: ("否则", "else", []),
        .yes: ("是", "yes", []),
        .no: ("否", "no", []),
        .none: ("空", "none", []),
        .score: ("得分", "score", []),
        .count: ("条数", "count", []),
        .sum: ("合计", "sum", []),
        .distinctDays: ("天数", "distinct_days", []),
        .max: ("最大", "max", []),
        .min: ("最小", "min", []),
        .from: ("来自", "from", []),
        .clamp: ("限于", "clamp", []),
        .yearToDate: ("本年累计", "year_to_date", []),
        .priorToDate: ("此前累计", "prior_to_date", []),
        .previousYearTotal: ("上年累计", "previous_year_total", []),
        .previousYearAnnual: ("上年年度", "previous_year_annual", []),
        .poolShare: ("按比例分配", "pool_share", []),
        .rank: ("排名", "rank", []),
        .daysInPost: ("在岗天数", "days_in_post", []),
        .daysInMonth: ("本月天数", "days_in_month", []),
        .joinedThisMonth: ("本月入职", "joined_this_month", []),
        .leftThisMonth: ("本月离职", "left_this_month", []),
        .headcount: ("在岗人数", "headcount", []),
        .text: ("文本", "text", []),
        .integer: ("整数", "integer", []),
        .decimal: ("小数", "decimal", []),
        .date: ("日期型", "date", []),
        .time: ("时间型", "time", []),
        .money: ("金额型", "money", []),
        .boolean: ("是否型", "boolean", []),
        .enumeration: ("枚举", "enum", []),
        .points: ("积分型", "points", []),
        .days: ("天数型", "day_count", []),
        .times: ("次数型", "counts", []),
        .unitPoints: ("分", "pt", []),
        .unitYuan: ("元", "yuan", []),
        .unitHours: ("小时", "hours", []),
        .unitMinutes: ("分钟", "minutes", []),
        .unitDays: ("天", "days", []),
        .unitTimes: ("次", "times", []),
        .unitMonths: ("个月", "months", []),
        .unitPersons: ("人", "persons", []),
        .test: ("测试", "test", []),
        .month: ("月份", "month", []),
        .records: ("记录", "records", []),
        .expect: ("期望", "expect", []),
        .tier: ("等次", "tier", []),
    ]

    /// Every spelling (Chinese, aliases and English) mapped to its keyword. English is
    /// matched case-insensitively by lowercasing before lookup.
    static let bySpelling: [String: Keyword] = {
        var map: [String: Keyword] = [:]
        for k in Keyword.allCases {
            let s = spellings[k]!
            map[s.zh] = k
            map[s.en] = k
            for a in s.aliases { map[a] = k }
        }
        return map
    }()

    /// The keyword spelled `text`, if any.
    public static func lookup(_ text: String) -> Keyword? {
        if let k = bySpelling[text] { return k }
        if text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return bySpelling[text.lowercased()] }
        return nil
    }

    /// Chinese keywords a clerk may have run into a name (`取值班`), longest first.
    static let chinesePrefixes: [(String, Keyword)] = spellings
        .flatMap { k, s in ([s.zh] + s.aliases).map { ($0, k) } }
        .filter { $0.0.unicodeScalars.count >= 1 }
        .sorted { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.0 < $1.0 }

    /// Keywords that open a top-level declaration in a rules file.
    public var isDeclaration: Bool {
        switch self {
        case .source, .item, .deduction, .adjustment, .base, .scoreRange, .groupCap, .veto, .tiers, .parameter, .table, .brackets, .grouping,
            .earning, .withholding, .net, .value, .test, .yearAssessment:
            true
        default: false
        }
    }

    /// Whether an English spelling of this keyword may also serve as a name where a name is
    /// expected: field types, units, declarations and test words never start an expression,
    /// so a field called `date` or `hours` stays usable in an English file.
    public var isSoft: Bool {
        switch self {
        case .text, .integer, .decimal, .date, .time, .money, .boolean, .points, .days, .times, .file,
            .unitPoints, .unitYuan, .unitHours, .unitMinutes, .unitDays, .unitTimes, .unitMonths, .unitPersons,
            .source, .item, .deduction, .adjustment, .base, .scoreRange, .groupCap, .veto, .tiers, .parameter, .table, .brackets, .grouping,
            .earning, .withholding, .net, .value, .test, .month, .records, .expect, .tier, .yearAssessment:
            true
        default: false
        }
    }

    /// Whether a clerk may well have meant this keyword as a name: the word of a
    /// declaration, a field type, a test file or a tier rule, rather than an operator or a
    /// clause's verb.
    public var readsLikeName: Bool {
        switch self {
        case .source, .item, .deduction, .adjustment, .base, .scoreRange, .groupCap, .veto, .tiers, .parameter, .table, .brackets, .grouping,
            .earning, .withholding, .net, .value, .yearAssessment, .file, .quota, .order,
            .text, .integer, .decimal, .date, .time, .money, .boolean, .enumeration, .points, .days, .times,
            .test, .month, .records, .expect:
            true
        default: false
        }
    }

    /// What a keyword means, in a few words, for the message that finds it used as a name.
    public var meaning: (zh: String, en: String) {
        switch category {
        case "声明 declaration": ("开始一条规定", "starts a declaration")
        case "属性 attribute": ("写在名称后的括号里", "goes in the brackets after a name")
        case "表达式 expression": ("用在算式里", "is part of formulas")
        case "字段类型 field type": ("是字段类型", "is a field type")
        case "单位 unit": ("是单位", "is a unit")
        case "测试 test file": ("用在测试用例文件里", "is used in test files")
        default: ("是子句的开头", "starts a clause")
        }
    }

    /// The unit a unit keyword stands for.
    public var unit: Unit? {
        switch self {
        case .unitPoints: .points
        case .unitYuan: .yuan
        case .unitHours: .hours
        case .unitMinutes: .minutes
        case .unitDays: .days
        case .unitTimes: .times
        case .unitMonths: .months
        case .unitPersons: .persons
        default: nil
        }
    }

    /// The keyword category shown in the documentation's keyword table.
    public var category: String {
        switch self {
        case .source, .item, .deduction, .adjustment, .base, .scoreRange, .groupCap, .veto, .tiers, .parameter, .table, .brackets, .grouping,
            .earning, .withholding, .net, .value, .yearAssessment:
            "声明 declaration"
        case .per, .since, .onward, .until, .file: "属性 attribute"
        case .and, .or, .not, .in, .if, .then, .else, .yes, .no, .none, .score, .count, .sum, .distinctDays,
            .max, .min, .from, .clamp, .yearToDate, .priorToDate, .poolShare, .rank, .previousYearTotal, .previousYearAnnual,
            .daysInPost, .daysInMonth, .joinedThisMonth, .leftThisMonth, .headcount:
            "表达式 expression"
        case .text, .integer, .decimal, .date, .time, .money, .boolean, .enumeration, .points, .days, .times:
            "字段类型 field type"
        case .unitPoints, .unitYuan, .unitHours, .unitMinutes, .unitDays, .unitTimes, .unitMonths, .unitPersons:
            "单位 unit"
        case .tier: "表达式 expression"
        case .test, .month, .records, .expect: "测试 test file"
        default: "子句 clause"
        }
    }
}

/// Which spelling of the keywords a file mostly uses; the formatter keeps it.
public enum KeywordLanguage: String, Sendable, Hashable {
    case chinese, english
}

/// The unit written after a number: `2 分`, `15 元`, `20%`.
public enum Unit: String, Sendable, Hashable, CaseIterable {
    case points, yuan, percent, hours, minutes, days, times, months, persons

    public var keyword: Keyword? {
        switch self {
        case .points: .unitPoints
        case .yuan: .unitYuan
        case .percent: nil
        case .hours: .unitHours
        case .minutes: .unitMinutes
        case .days: .unitDays
        case .times: .unitTimes
        case .months: .unitMonths
        case .persons: .unitPersons
        }
    }
}
