import Diagnostics
import Exact

/// Parses a rules file (or a test file) into a `RuleFile`, reporting every syntax error in
/// one run.
///
/// Recursive descent over the lexer's tokens. A broken clause is skipped to the end of its
/// line, a broken declaration to the next line that starts a declaration, so one mistake
/// yields one diagnostic and the rest of the file is still read. Nesting is limited to
/// `maxDepth`, so no input overflows the stack; every loop consumes a token, so none hangs.
///
/// ```swift
/// let (file, diagnostics) = RulesParser.parse(file: SourceFile(path: "rules/x.jifen", text: text))
/// ```
public struct RulesParser {
    /// How deep brackets, prefix operators and chains of operators may nest in one expression.
    public static let maxDepth = 100

    let source: SourceFile
    var tokens: [Token]
    var index = 0
    var errors: [SyntaxError] = []
    /// The cells of test records: data kept as written, which the records reader checks
    /// (a time 25:00 there is the test's record error, not the file's).
    var rawCells: [Span] = []
    var depth = 0
    /// Inside `年度考核 { … }`: 一票否决 and 月份 are a month's values there.
    var inYear = false

    init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses one file: the syntax tree (with whatever could be read) and the syntax diagnostics.
    public static func parse(file: SourceFile) -> (RuleFile, [Diagnostic]) {
        let (ast, errors) = parseErrors(file: file)
        return (ast, errors.map { $0.diagnostic(path: file.path) })
    }

    /// Like `parse(file:)`, with the errors as data.
    public static func parseErrors(file: SourceFile) -> (RuleFile, [SyntaxError]) {
        var lexer = Lexer(bytes: file.bytes)
        let tokens = lexer.tokenize()
        var parser = RulesParser(source: file, tokens: tokens)
        let declarations = parser.parseFile()
        let ast = RuleFile(
            path: file.path, declarations: declarations, comments: lexer.comments,
            keywordLanguage: lexer.keywordLanguage, span: Span(start: 0, end: file.bytes.count))
        let cells = parser.rawCells
        let lexed = lexer.errors.filter { e in
            guard case .invalidTime(let span, _) = e else { return true }
            return !cells.contains { $0.start <= span.start && span.end <= $0.end }
        }
        let all = (lexed + parser.errors).enumerated().sorted {
            $0.element.span.start != $1.element.span.start ? $0.element.span.start < $1.element.span.start : $0.offset < $1.offset
        }.map(\.element)
        return (ast, all)
    }

    /// Thrown after an error has been recorded, to unwind to the clause or declaration.
    struct Abort: Error {}

    // MARK: - Token access

    var peek: Token { tokens[index] }
    var peekKind: Token.Kind { tokens[index].kind }

    func peek(_ offset: Int) -> Token {
        tokens[min(index + offset, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    var previousEnd: Int { index > 0 ? tokens[index - 1].span.end : 0 }

    func at(_ k: Keyword) -> Bool { peek.keyword == k }

    func atKind(_ kind: Token.Kind) -> Bool { peekKind == kind }

    var atLineEnd: Bool { peek.isLineEnd }

    /// Whether the current token is the first of its line.
    var atLineStart: Bool {
        index == 0 || tokens[index - 1].kind == .newline
    }

    mutating func eat(_ k: Keyword) -> Token? {
        at(k) ? advance() : nil
    }

    mutating func eatKind(_ kind: Token.Kind) -> Token? {
        atKind(kind) ? advance() : nil
    }

    mutating func skipNewlines() {
        while atKind(.newline) { advance() }
    }

    /// Records the error and unwinds.
    mutating func fail(_ error: SyntaxError) throws -> Never {
        // At bytes the lexer already reported, a second message would only repeat it.
        if peekKind != .invalid { errors.append(error) }
        throw Abort()
    }

    mutating func expect(_ kind: Token.Kind, _ expected: SyntaxError.Expected) throws -> Token {
        if let t = eatKind(kind) { return t }
        try fail(.expectedToken(peek.span, expected: expected, found: peekKind))
    }

    mutating func expect(_ k: Keyword) throws -> Token {
        if let t = eat(k) { return t }
        try fail(.expectedToken(peek.span, expected: .keyword(k), found: peekKind))
    }

    /// A name; a Chinese keyword run into a name (`取值班`) is reported as such.
    mutating func expectName(after keyword: Keyword) throws -> Identifier {
        if let id = nameToken(peek) {
            advance()
            return id
        }
        try fail(keywordError(peek) ?? .expectedName(peek.span, after: keyword, found: peekKind))
    }

    mutating func name(_ expected: SyntaxError.Expected = .name) throws -> Identifier {
        if let id = nameToken(peek) {
            advance()
            return id
        }
        if expected == .name, let k = keywordError(peek) { try fail(k) }
        try fail(.expectedToken(peek.span, expected: expected, found: peekKind))
    }

    /// A keyword standing where a name or value is expected (`参数 测试 = 5`, `按 一票否决`):
    /// R0022, which says it is a keyword and what to write instead.
    /// In a formula only keywords that read like names count (a declaration's or a type's
    /// word, 测试, 月份 …): `每条 则` is a missing value, not a misused name.
    func keywordError(_ t: Token, inFormula: Bool = false) -> SyntaxError? {
        guard case .keyword(let k) = t.kind else { return nil }
        if inFormula && !k.readsLikeName { return nil }
        return .keywordAsName(t.span, keyword: k)
    }

    /// Skips the rest of a broken clause: up to its line break or the block's `}`.
    mutating func syncToLineEnd() {
        while !atLineEnd, !atKind(.rBrace) { advance() }
    }

    /// Skips a broken declaration: up to the next line that starts with a declaration keyword.
    mutating func syncToDeclaration() {
        while !atKind(.endOfFile) {
            if let k = peek.keyword, k.isDeclaration, atLineStart { return }
            advance()
        }
    }

    func isIdentifier(_ t: Token) -> Bool {
        nameToken(t) != nil
    }

    /// The token as a name: an identifier, or an English keyword that cannot start anything
    /// where a name is expected (a field called `date` or `hours` in an English file).
    func nameToken(_ t: Token) -> Identifier? {
        switch t.kind {
        case .identifier(let name): return Identifier(name: name, span: t.span)
        case .keyword(let k) where k.isSoft && t.span.start < source.bytes.count && source.bytes[t.span.start] < 0x80:
            return Identifier(name: TextNormalizer.normalize(source.text(t.span)), span: t.span)
        default: return nil
        }
    }

    func isString(_ t: Token) -> Bool {
        if case .string = t.kind { return true }
        return false
    }

    func isSeparator(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .comma, .semicolon, .fullStop, .newline: true
        default: false
        }
    }

    /// If a Chinese keyword from `allowed` begins the identifier under the cursor, the
    /// clerk left out a space.
    func joinedKeyword(allowed: [Keyword]) -> SyntaxError? {
        guard case .identifier(let text) = peekKind else { return nil }
        for (spelling, k) in Keyword.chinesePrefixes where allowed.contains(k) && text.hasPrefix(spelling) && text.count > spelling.count {
            return .keywordJoinedToName(peek.span, keyword: k, written: text)
        }
        return nil
    }

    // MARK: - File

    /// file = { separator | declaration } EOF
    mutating func parseFile() -> [Declaration] {
        var out: [Declaration] = []
        while true {
            while isSeparator(peekKind) { advance() }
            if atKind(.endOfFile) { return out }
            let before = index
            do {
                out.append(try parseDeclaration())
                // Anything after a complete declaration on its line is a mistake.
                if !atLineEnd, !isSeparator(peekKind), !atLineStart {
                    errors.append(.unexpectedAfterClause(peek.span, found: peekKind))
                    syncToDeclaration()
                }
            } catch {
                if index == before { advance() }
                syncToDeclaration()
            }
        }
    }

    static let declarationKeywords: [Keyword] = [
        .source, .item, .deduction, .adjustment, .base, .scoreRange, .groupCap, .veto, .tiers, .parameter, .table, .brackets, .grouping,
        .earning, .withholding, .net, .value, .test, .yearAssessment,
    ]

    /// declaration = source | item | base | veto | tiers | parameter | table | brackets | payLine | test
    mutating func parseDeclaration() throws -> Declaration {
        guard let k = peek.keyword, k.isDeclaration else {
            if let joined = joinedKeyword(allowed: Self.declarationKeywords) { try fail(joined) }
            try fail(.expectedDeclaration(peek.span, found: peekKind))
        }
        let start = advance().span.start
        switch k {
        case .source: return .source(try parseSource(start: start))
        case .item: return .item(try parseItem(.points, keyword: k, start: start))
        case .deduction: return .item(try parseItem(.deduction, keyword: k, start: start))
        case .adjustment: return .item(try parseItem(.adjustment, keyword: k, start: start))
        case .base: return .baseScore(try parseBaseScore(start: start))
        case .scoreRange: return .scoreRange(try parseScoreRange(start: start))
        case .groupCap: return .groupCap(try parseGroupCap(start: start))
        case .veto: return .veto(try parseVeto(start: start))
        case .tiers: return .tiers(try parseTiers(start: start))
        case .parameter: return .parameter(try parseParameter(start: start))
        case .table: return .table(try parseLookupTable(start: start))
        case .brackets: return .brackets(try parseBrackets(start: start))
        case .earning: return .payLine(try parsePayLine(.earning, keyword: k, start: start))
        case .withholding: return .payLine(try parsePayLine(.withholding, keyword: k, start: start))
        case .net: return .payLine(try parsePayLine(.net, keyword: k, start: start))
        case .value: return .payLine(try parsePayLine(.value, keyword: k, start: start))
        case .test: return .test(try parseTest(start: start))
        case .grouping: return .grouping(try parseGrouping(start: start))
        case .yearAssessment: return .year(try parseYear(start: start))
        default: try fail(.expectedDeclaration(peek.span, found: peekKind))
        }
    }

    // MARK: - Blocks

    /// block = "{" { separator | clause } "}"
    ///
    /// Calls `clause` for each clause; a clause that fails is skipped to the end of its line.
    /// After a clause only a separator, a line break or `}` may follow. A line starting with a
    /// declaration keyword ends an unclosed block.
    mutating func parseBlock(_ declaration: Keyword, clause: (inout RulesParser) throws -> Void) throws -> Span {
        skipNewlines()
        let open = try expect(.lBrace, .openBrace)
        while true {
            while isSeparator(peekKind) { advance() }
            if let close = eatKind(.rBrace) { return Span(start: open.span.start, end: close.span.end) }
            if atKind(.endOfFile) || (peek.keyword?.isDeclaration == true && atLineStart && declaration != .test && declaration != .yearAssessment) {
                errors.append(.unclosedBlock(open.span, openedAt: open.span))
                return Span(start: open.span.start, end: previousEnd)
            }
            let before = index
            do {
                try clause(&self)
                if !atLineEnd, !isSeparator(peekKind), !atKind(.rBrace) {
                    try fail(.unexpectedAfterClause(peek.span, found: peekKind))
                }
            } catch {
                if index == before { advance() }
                syncToLineEnd()
            }
        }
    }

    func unknownClause(_ declaration: Keyword, allowed: [Keyword]) -> SyntaxError {
        joinedKeyword(allowed: allowed) ?? .unknownClause(peek.span, declaration: declaration, found: peekKind, allowed: allowed)
    }

    // MARK: - Attributes

    /// attributes = ( "（" | "【" ) attribute { ( "，" | "、" | "；" ) attribute } ( "）" | "】" )
    /// attribute  = "依据" citation | "自" DATE [ "起" ] | "至" DATE | "文件" STRING { "、" STRING }
    mutating func parseAttributes() throws -> Attributes {
        var a = Attributes()
        let closer: Token.Kind
        switch peekKind {
        case .lParen: closer = .rParen
        case .lBracket: closer = .rBracket
        default: return a
        }
        let open = advance()
        while true {
            while atKind(.comma) || atKind(.listComma) || atKind(.semicolon) { advance() }
            if let close = eatKind(closer) {
                a.span = open.span.union(close.span)
                return a
            }
            if let t = eat(.per) {
                a.citation = try parseCitation(after: t, closer: closer)
            } else if eat(.since) != nil {
                a.since = try parseDate()
                _ = eat(.onward)
            } else if eat(.until) != nil {
                a.until = try parseDate()
            } else if eat(.file) != nil {
                repeat {
                    guard case .string(let s) = peekKind else {
                        try fail(.expectedToken(peek.span, expected: .keyword(.file), found: peekKind))
                    }
                    a.files.append(StringValue(text: s, span: advance().span))
                } while eatKind(.listComma) != nil || (atKind(.comma) && isString(peek(1)) && advance().kind == .comma)
            } else if atLineEnd || atKind(.lBrace) || atKind(.equal) {
                try fail(.unclosedParenthesis(open.span, openedAt: open.span))
            } else {
                try fail(.expectedToken(peek.span, expected: closer == .rParen ? .closeParen : .closeBracket, found: peekKind))
            }
        }
    }

    /// citation = { token except "，" "；" "）" "】" "自" "至" line-end }
    mutating func parseCitation(after keyword: Token, closer: Token.Kind) throws -> Citation {
        let start = peek.span.start
        var end = start
        var nested = 0
        // A citation may carry its own brackets: 第七条（2021年修订）.
        while !atLineEnd, nested > 0 || (!atKind(closer) && !atKind(.comma) && !atKind(.semicolon) && !at(.since) && !at(.until)) {
            if atKind(.lParen) || atKind(.lBracket) { nested += 1 }
            if atKind(.rParen) || atKind(.rBracket) { nested -= 1 }
            end = advance().span.end
        }
        if end == start { try fail(.emptyCitation(keyword.span)) }
        let span = Span(start: start, end: end)
        let raw = source.text(span)
        let text = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }).joined(separator: " ")
        return Citation(text: text, article: Self.chineseOrdinal(in: text, before: "条"),
                        paragraph: Self.chineseOrdinal(in: text, before: "款"), span: span)
    }

    /// The number in `第五条` (before: "条") or `第2款`, written in Chinese numerals or digits.
    static func chineseOrdinal(in text: String, before marker: Character) -> Int? {
        let chars = Array(text)
        guard let end = chars.firstIndex(of: marker) else { return nil }
        var start = end
        while start > 0, chars[start - 1] != "第" { start -= 1 }
        guard start > 0, start < end else { return nil }
        let digits = String(chars[start..<end])
        if let n = Int(TextNormalizer.normalize(digits)) { return n }
        let values: [Character: Int] = ["零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        var total = 0, current = 0
        for c in digits {
            if let v = values[c] {
                current = v
            } else if c == "十" {
                total += (current == 0 ? 1 : current) * 10
                current = 0
            } else if c == "百" {
                total += (current == 0 ? 1 : current) * 100
                current = 0
            } else {
                return nil
            }
        }
        return total + current
    }

    /// date = DATE   (2021-01-01, 2021/1/1, 2021年1月1日)
    mutating func parseDate() throws -> DateValue {
        if case .date(let d) = peekKind { return DateValue(date: d, span: advance().span) }
        try fail(.expectedToken(peek.span, expected: .date, found: peekKind))
    }
}
