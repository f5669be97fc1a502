import Diagnostics

/// A syntax error in a rules or test file, held as data: where and what, never a sentence.
/// `diagnostic(path:)` is the one place that words it. Codes R0001–R0099 are syntax; R01xx
/// and later belong to the checker.
public enum SyntaxError: Sendable, Hashable {
    /// R0001: a character the language does not use (or invalid UTF-8).
    case unexpectedCharacter(Span, text: String)
    /// R0002: a “ without its closing ” on the same line.
    case unterminatedString(Span)
    /// R0003: a number too long or with too many decimal places.
    case invalidNumber(Span, text: String)
    /// R0004: a date that does not exist (2020-02-30) or a month 13.
    case invalidDate(Span, text: String)
    /// R0005: something at the top of a file that does not start a declaration.
    case expectedDeclaration(Span, found: Token.Kind)
    /// R0006: a declaration keyword without a name after it.
    case expectedName(Span, after: Keyword, found: Token.Kind)
    /// R0007: a particular piece of punctuation or keyword is missing.
    case expectedToken(Span, expected: Expected, found: Token.Kind)
    /// R0008: a block opened with { and never closed.
    case unclosedBlock(Span, openedAt: Span)
    /// R0009: a line in a block that does not start with a clause this declaration allows.
    case unknownClause(Span, declaration: Keyword, found: Token.Kind, allowed: [Keyword])
    /// R0010: a value or formula is missing.
    case expectedExpression(Span, found: Token.Kind)
    /// R0011: a （ without its ）.
    case unclosedParenthesis(Span, openedAt: Span)
    /// R0012: brackets or operators nested deeper than the parser allows.
    case nestingTooDeep(Span, limit: Int)
    /// R0013: more written on a line after a complete clause.
    case unexpectedAfterClause(Span, found: Token.Kind)
    /// R0014: a keyword written together with a name (`取值班`).
    case keywordJoinedToName(Span, keyword: Keyword, written: String)
    /// R0015: the same clause twice in one declaration.
    case duplicateClause(Span, clause: Keyword, first: Span)
    /// R0016: a declaration without a clause it needs.
    case missingClause(Span, declaration: Keyword, clause: Keyword)
    /// R0017: a field without a type the language knows.
    case expectedFieldType(Span, found: Token.Kind)
    /// R0018: `依据` with nothing after it.
    case emptyCitation(Span)
    /// R0019: `舍入` without a rounding mode or place the language knows.
    case expectedRounding(Span, found: Token.Kind)
    /// R0019: `舍入 … 到 0.0001 元`, `到毛`: a place other than 到分, 到角, 到元.
    case roundingPlace(Span, written: String)
    /// R0020: a record row in a test file with more or fewer cells than its header.
    case recordCellCount(Span, found: Int, expected: Int)
    /// R0021: `枚举（）` with no values.
    case emptyEnumeration(Span)
    /// R0022: a keyword where a name is expected (`参数 测试 = 5`, `对照表 X 按 一票否决`).
    case keywordAsName(Span, keyword: Keyword)
    /// R0023: a time of day that does not exist (25:00, 08:75).
    case invalidTime(Span, text: String)

    /// Punctuation and keywords the parser may be missing.
    public enum Expected: Sendable, Hashable {
        case openBrace, closeBrace, closeParen, closeBracket, colon, equals, keyword(Keyword), name, date, month

        var zh: String {
            switch self {
            case .openBrace: "“{”"
            case .closeBrace: "“}”"
            case .closeParen: "“）”"
            case .closeBracket: "“】”"
            case .colon: "“：”"
            case .equals: "“=”"
            case .keyword(let k): "“\(k.chinese)”"
            case .name: "名称"
            case .date: "日期（如 2021-01-01）"
            case .month: "月份（如 2020-12）"
            }
        }

        var en: String {
            switch self {
            case .openBrace: "'{'"
            case .closeBrace: "'}'"
            case .closeParen: "')'"
            case .closeBracket: "']'"
            case .colon: "':'"
            case .equals: "'='"
            case .keyword(let k): "'\(k.english)'"
            case .name: "a name"
            case .date: "a date (such as 2021-01-01)"
            case .month: "a month (such as 2020-12)"
            }
        }
    }

    public var span: Span {
        switch self {
        case .unexpectedCharacter(let s, _), .unterminatedString(let s), .invalidNumber(let s, _),
            .invalidDate(let s, _), .expectedDeclaration(let s, _), .expectedName(let s, _, _),
            .expectedToken(let s, _, _), .unclosedBlock(let s, _), .unknownClause(let s, _, _, _),
            .expectedExpression(let s, _), .unclosedParenthesis(let s, _), .nestingTooDeep(let s, _),
            .unexpectedAfterClause(let s, _), .keywordJoinedToName(let s, _, _), .duplicateClause(let s, _, _),
            .missingClause(let s, _, _), .expectedFieldType(let s, _), .emptyCitation(let s),
            .expectedRounding(let s, _), .roundingPlace(let s, _), .recordCellCount(let s, _, _), .emptyEnumeration(let s), .keywordAsName(let s, _),
            .invalidTime(let s, _):
            s
        }
    }

    public var code: String {
        switch self {
        case .unexpectedCharacter: "R0001"
        case .unterminatedString: "R0002"
        case .invalidNumber: "R0003"
        case .invalidDate: "R0004"
        case .invalidTime: "R0023"
        case .expectedDeclaration: "R0005"
        case .expectedName: "R0006"
        case .expectedToken: "R0007"
        case .unclosedBlock: "R0008"
        case .unknownClause: "R0009"
        case .expectedExpression: "R0010"
        case .unclosedParenthesis: "R0011"
        case .nestingTooDeep: "R0012"
        case .unexpectedAfterClause: "R0013"
        case .keywordJoinedToName: "R0014"
        case .duplicateClause: "R0015"
        case .missingClause: "R0016"
        case .expectedFieldType: "R0017"
        case .emptyCitation: "R0018"
        case .expectedRounding, .roundingPlace: "R0019"
        case .recordCellCount: "R0020"
        case .emptyEnumeration: "R0021"
        case .keywordAsName: "R0022"
        }
    }

    /// The diagnostic a clerk reads, in Chinese with its English form.
    public func diagnostic(path: String) -> Diagnostic {
        let w = wording
        return Diagnostic(.error, code: code, at: .source(path: path, span: span), summary: w.summary, label: w.label, help: w.help)
    }

    private var wording: (summary: Localized, label: Localized, help: Localized) {
        func L(_ zh: String, _ en: String) -> Localized { Localized(zh: zh, en: en) }
        switch self {
        case .unexpectedCharacter(_, let text):
            return (L("无法识别的字符“\(text)”", "unexpected character '\(text)'"),
                    L("规则里不用这个字符", "the rules language does not use this character"),
                    L("删掉它；名称用汉字或字母，标点用 ，：（）【】“”；等。",
                      "Delete it; names are Chinese characters or letters, and punctuation is ,:()[]\"\"; and the like."))
        case .unterminatedString:
            return (L("引号没有结束", "unterminated string"),
                    L("这里开始的文字缺少后引号", "this text has no closing quote"),
                    L("在同一行的文字末尾补上后引号 ”。", "Add the closing quote ” at the end of the text on the same line."))
        case .invalidNumber(_, let text):
            return (L("数字“\(text)”无效", "invalid number '\(text)'"),
                    L("数字太大或小数位太多", "too large or too many decimal places"),
                    L("数字最多 18 位，小数最多 18 位；请检查是否多打了数字。", "Numbers have at most 18 digits and 18 decimal places; check for extra digits."))
        case .invalidTime(_, let text):
            return (L("时间“\(text)”不存在", "time '\(text)' does not exist"),
                    L("时为 0–24，分为 00–59", "hours 0–24, minutes 00–59"),
                    L("写成 24 小时制的时间，例如 08:30 或 20:00。", "Write a time on the 24-hour clock, such as 08:30 or 20:00."))
        case .invalidDate(_, let text):
            return (L("日期“\(text)”不存在", "date '\(text)' does not exist"),
                    L("没有这一天", "no such day"),
                    L("写成存在的日期，例如 2021-01-01 或 2021年1月1日。", "Write a date that exists, such as 2021-01-01."))
        case .expectedDeclaration(_, let found):
            return (L("这里应当开始一条规定，却是\(found.display)", "expected a declaration, found \(found.displayEnglish)"),
                    L("不是一条规定的开头", "does not start a declaration"),
                    L("每条规定以 积分项、扣分项、参数、对照表、应发项 等关键字开头，例如“积分项 夜间值班 { … }”。",
                      "Each declaration starts with a keyword such as item, deduction, parameter, table or earning, e.g. 'item night_duty { … }'."))
        case .expectedName(_, let after, let found):
            return (L("“\(after.chinese)”后面应当是名称，却是\(found.display)", "expected a name after '\(after.english)', found \(found.displayEnglish)"),
                    L("这里缺少名称", "a name is missing here"),
                    L("在“\(after.chinese)”后空一格写上名称，例如“\(after.chinese) 夜间值班”。",
                      "Write a name after '\(after.english)', e.g. '\(after.english) night_duty'."))
        case .expectedToken(_, let expected, let found):
            return (L("缺少\(expected.zh)，这里是\(found.display)", "expected \(expected.en), found \(found.displayEnglish)"),
                    L("应当是\(expected.zh)", "expected \(expected.en) here"),
                    L("在这里补上\(expected.zh)。", "Add \(expected.en) here."))
        case .unclosedBlock:
            return (L("大括号没有闭合", "unclosed block"),
                    L("这个“{”没有对应的“}”", "this '{' has no matching '}'"),
                    L("在这条规定的最后一行之后补上“}”，与开头的“{”配对。", "Add '}' after the last line of the declaration to match its '{'."))
        case .unknownClause(_, let decl, let found, let allowed):
            let zh = allowed.map(\.chinese).joined(separator: "、"), en = allowed.map(\.english).joined(separator: ", ")
            return (L("“\(decl.chinese)”里不能以\(found.display)开头", "a '\(decl.english)' cannot contain a line starting with \(found.displayEnglish)"),
                    L("不认识的子句", "unknown clause"),
                    L("这一行应以 \(zh) 之一开头。", "Start the line with one of: \(en)."))
        case .expectedExpression(_, let found):
            return (L("这里应当是数值或算式，却是\(found.display)", "expected a value or formula, found \(found.displayEnglish)"),
                    L("缺少数值", "a value is missing"),
                    L("写上数值（如 2 分、15 元、20%）、名称或算式（如 学时 × 0.5 分）。",
                      "Write a value (2 pt, 15 yuan, 20%), a name or a formula (hours × 0.5 pt)."))
        case .unclosedParenthesis:
            return (L("括号没有闭合", "unclosed parenthesis"),
                    L("这里的“（”缺少“）”", "this '(' has no ')'"),
                    L("在括号里的内容之后补上“）”。", "Add ')' after what the parenthesis encloses."))
        case .nestingTooDeep(_, let limit):
            return (L("括号或运算嵌套太深", "nesting too deep"),
                    L("超过 \(limit) 层", "more than \(limit) levels"),
                    L("把算式拆成几个计算项，每项不超过 \(limit) 层括号。", "Split the formula into several values, each with at most \(limit) levels."))
        case .unexpectedAfterClause(_, let found):
            return (L("这一行末尾多出了\(found.display)", "unexpected \(found.displayEnglish) after the end of the clause"),
                    L("多余的内容", "unexpected here"),
                    L("删掉多余的内容，或把它另起一行；一行只写一个子句（可用“，”隔开多个子句）。",
                      "Delete it or move it to its own line; write one clause per line (or separate clauses with ',')."))
        case .keywordJoinedToName(_, let k, let written):
            let rest = String(written.dropFirst(k.chinese.count))
            return (L("关键字“\(k.chinese)”和名称“\(rest)”连在了一起", "keyword '\(k.chinese)' written together with the name '\(rest)'"),
                    L("中间缺少空格", "a space is missing"),
                    L("在关键字和名称之间空一格：写成“\(k.chinese) \(rest)”。", "Put a space between keyword and name: '\(k.chinese) \(rest)'."))
        case .duplicateClause(_, let clause, _):
            return (L("“\(clause.chinese)”写了两次", "'\(clause.english)' written twice"),
                    L("重复的子句", "repeated clause"),
                    L("只保留一个“\(clause.chinese)”，删掉另一个。", "Keep one '\(clause.english)' and delete the other."))
        case .missingClause(_, let decl, let clause):
            return (L("“\(decl.chinese)”缺少“\(clause.chinese)”", "'\(decl.english)' without '\(clause.english)'"),
                    L("这条规定不完整", "this declaration is incomplete"),
                    L("在大括号里加一行“\(clause.chinese) …”。", "Add a line '\(clause.english) …' inside the braces."))
        case .expectedFieldType(_, let found):
            return (L("这里应当是字段类型，却是\(found.display)", "expected a field type, found \(found.displayEnglish)"),
                    L("不认识的类型", "unknown type"),
                    L("类型写 文本、整数、小数、日期型、时间型、金额型、是否型、积分型、天数型、次数型 或 枚举（甲、乙）。",
                      "Use text, integer, decimal, date, time, money, boolean, points, day_count, counts or enum(a, b)."))
        case .emptyCitation:
            return (L("“依据”后面没有写条款", "citation is empty"),
                    L("缺少条款", "the article is missing"),
                    L("写明依据的条款，例如“依据 第五条第二款”。", "Name the article, e.g. 'per 第五条第二款'."))
        case .expectedRounding(_, let found):
            return (L("舍入方式不明确，这里是\(found.display)", "expected a rounding rule, found \(found.displayEnglish)"),
                    L("应为舍入方式和位数", "expected a rounding mode and place"),
                    L("写成“舍入 四舍五入 到分”；方式有 四舍五入、银行家舍入、舍去、进一，位数有 到分、到角、到元。",
                      "Write 'round half_up to_fen'; modes are half_up, half_even, round_down, round_up and places to_fen, to_jiao, to_yuan."))
        case .roundingPlace(_, let written):
            return (L("金额只能舍入到分、角或元，这里写的是“\(written)”", "money rounds to the fen, jiao or yuan only, not '\(written)'"),
                    L("不能舍入到这一位", "not a place money rounds to"),
                    L("位数写 到分（0.01 元）、到角（0.1 元）或 到元（1 元），例如“舍入 四舍五入 到分”；更细的位数不能发放。",
                      "Write to_fen (0.01), to_jiao (0.1) or to_yuan (1), e.g. 'round half_up to_fen'; finer places cannot be paid."))
        case .recordCellCount(_, let found, let expected):
            return (L("这一行有 \(found) 格，表头有 \(expected) 格", "row has \(found) cells but the header has \(expected)"),
                    L("格数与表头不符", "cell count differs from the header"),
                    L("每行按表头顺序写满 \(expected) 格，格与格之间用空格隔开；空值写“空”。",
                      "Write \(expected) cells in header order, separated by spaces; write 'none' for an empty cell."))
        case .keywordAsName(_, let k):
            let m = k.meaning
            let zhHelp: String, enHelp: String
            switch k {
            case .tier, .score, .rank:
                zhHelp = "“\(k.chinese)”直接写在算式里就是本人的\(k == .tier ? "最终等次" : k == .rank ? "排名" : "总分")，不用另起名称：例如“等次系数（等次）”、“若 等次 = 优秀 则 300 元 否则 0 元”；名称请换一个，例如“\(k.chinese)标准”。"
                enHelp = "'\(k.english)' in a formula already means the cadre's \(k == .tier ? "final tier" : k == .rank ? "rank" : "total score"), e.g. 等次系数（等次）; for a name, choose another word, e.g. '\(k.chinese)标准'."
            default:
                zhHelp = "关键字不能单独用作名称：换一个名称，例如“\(k.chinese)项目”“本月\(k.chinese)”；全部关键字见 docs/rules-language.md 第 6 节。"
                enHelp = "A keyword cannot be a name on its own: choose another, e.g. '\(k.chinese)项目'; docs/rules-language.md section 6 lists every keyword."
            }
            return (L("“\(k.chinese)”是关键字，不能用作名称", "'\(k.english)' is a keyword and cannot be used as a name"),
                    L("关键字（\(m.zh)）", "a keyword (\(m.en))"),
                    L(zhHelp, enHelp))
        case .emptyEnumeration:
            return (L("枚举没有列出任何取值", "enumeration lists no values"),
                    L("括号里是空的", "nothing in the parentheses"),
                    L("在括号里列出取值，用“、”隔开，例如“枚举（白班、晚班、夜班）”。",
                      "List the values separated by commas, e.g. 'enum(day, evening, night)'."))
        }
    }
}
