import Diagnostics
import Exact

/// One lexical unit of a rules file with the bytes it came from.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case keyword(Keyword)
        case identifier(String)
        /// A number as written (ASCII digits), and its exact value.
        case number(Fixed)
        case date(CivilDate)
        /// `08:30`, `8：30`: a time of day (never the first token of a line, where `1：30 元`
        /// is a table row).
        case time(TimeOfDay)
        case month(YearMonth)
        /// “…”, "…" or 「…」.
        case string(String)
        /// 《…》, the title of a document in a citation.
        case title(String)
        case lParen, rParen, lBracket, rBracket, lBrace, rBrace
        case colon, comma, listComma, semicolon, fullStop
        case plus, minus, star, slash, percent
        case equal, notEqual, less, lessEqual, greater, greaterEqual, tilde
        /// One or more line breaks; statements in a block end at a line break.
        case newline
        /// Bytes the lexer could not read (already reported).
        case invalid
        case endOfFile
    }

    public var kind: Kind
    public var span: Span
    /// Whether white space or a comment separates this token from the previous one.
    public var hasSpaceBefore: Bool

    public init(kind: Kind, span: Span, hasSpaceBefore: Bool) {
        self.kind = kind
        self.span = span
        self.hasSpaceBefore = hasSpaceBefore
    }

    public var keyword: Keyword? {
        if case .keyword(let k) = kind { return k }
        return nil
    }

    public var isLineEnd: Bool {
        switch kind {
        case .newline, .endOfFile: true
        default: false
        }
    }
}

/// A `#` comment with its span, kept so that the formatter can put it back.
public struct Comment: Sendable, Hashable {
    /// The text after `#`, without the line break.
    public var text: String
    public var span: Span
}

extension Token.Kind {
    /// How the token is shown in a diagnostic (“found …”).
    var display: String {
        switch self {
        case .keyword(let k): "“\(k.chinese)”"
        case .identifier(let s): "“\(s)”"
        case .number(let f): "“\(f)”"
        case .date(let d): "“\(d)”"
        case .time(let t): "“\(t)”"
        case .month(let m): "“\(m)”"
        case .string(let s): "“\(s)”"
        case .title(let s): "《\(s)》"
        case .lParen: "“（”"
        case .rParen: "“）”"
        case .lBracket: "“【”"
        case .rBracket: "“】”"
        case .lBrace: "“{”"
        case .rBrace: "“}”"
        case .colon: "“：”"
        case .comma: "“，”"
        case .listComma: "“、”"
        case .semicolon: "“；”"
        case .fullStop: "“。”"
        case .plus: "“+”"
        case .minus: "“-”"
        case .star: "“×”"
        case .slash: "“÷”"
        case .percent: "“%”"
        case .equal: "“=”"
        case .notEqual: "“≠”"
        case .less: "“<”"
        case .lessEqual: "“≤”"
        case .greater: "“>”"
        case .greaterEqual: "“≥”"
        case .tilde: "“～”"
        case .newline: "换行"
        case .invalid: "无法识别的字符"
        case .endOfFile: "文件结尾"
        }
    }

    var displayEnglish: String {
        switch self {
        case .keyword(let k): "'\(k.english)'"
        case .identifier(let s): "'\(s)'"
        case .string(let s): "\"\(s)\""
        case .number(let f): "'\(f)'"
        case .date(let d): "'\(d)'"
        case .time(let t): "'\(t)'"
        case .month(let m): "'\(m)'"
        case .newline: "end of line"
        case .invalid: "an unreadable character"
        case .endOfFile: "end of file"
        case .lParen: "'('"
        case .rParen: "')'"
        case .lBracket: "'['"
        case .rBracket: "']'"
        case .colon: "':'"
        case .comma: "','"
        case .listComma: "'、'"
        case .semicolon: "';'"
        case .fullStop: "'。'"
        default: "'" + String(display.filter { $0 != "“" && $0 != "”" }) + "'"
        }
    }
}
