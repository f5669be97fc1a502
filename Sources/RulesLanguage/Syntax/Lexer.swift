import Diagnostics
import Exact

/// Splits a rules file (UTF-8 bytes) into tokens with byte-offset spans.
///
/// Full-width punctuation and digits (`，：（）【】“”；＝＞０-９`) read as their ASCII
/// counterparts, so a clerk can write a whole file without leaving the Chinese input method.
/// `#` or `＃` starts a comment that runs to the end of the line. Line breaks are tokens:
/// a statement inside a block ends at the end of its line.
///
/// ```swift
/// var lexer = Lexer(bytes: Array("每条 2 分，每月上限 20 分".utf8))
/// let tokens = lexer.tokenize()   // each, 2, 分, ，, monthly cap, 20, 分, end of file
/// ```
public struct Lexer {
    let bytes: [UInt8]
    var position = 0
    var tokens: [Token] = []
    public private(set) var comments: [Comment] = []
    public private(set) var errors: [SyntaxError] = []
    var sawSpace = false
    /// Keyword tokens written in Chinese and in English, to pick the formatter's language.
    public private(set) var chineseKeywords = 0
    public private(set) var englishKeywords = 0

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The tokens of the whole file, ending with `.endOfFile`. Runs of line breaks are one token.
    public mutating func tokenize() -> [Token] {
        // A byte-order mark is not content.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        while true {
            let start = position
            guard let (scalar, length) = peekScalar() else {
                if position >= bytes.count {
                    append(.endOfFile, start, start)
                    return tokens
                }
                // Invalid UTF-8: report the byte and move on.
                position += 1
                errors.append(.unexpectedCharacter(Span(start: start, end: position), text: "\\x" + hex(bytes[start])))
                append(.invalid, start, position)
                continue
            }
            let v = scalar.value
            switch v {
            case 0x20, 0x09, 0x0D, 0x3000, 0xFEFF, 0xA0:
                position += length
                sawSpace = true
            case 0x0A:
                position += length
                if case .newline? = tokens.last?.kind {
                    tokens[tokens.count - 1].span.end = position
                } else {
                    append(.newline, start, position)
                }
                sawSpace = true
            case 0x23, 0xFF03:  // # ＃
                position += length
                let textStart = position
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
                var textEnd = position
                if textEnd > textStart, bytes[textEnd - 1] == 0x0D { textEnd -= 1 }
                comments.append(Comment(
                    text: String(decoding: bytes[textStart..<textEnd], as: UTF8.self).trimmingSpaces,
                    span: Span(start: start, end: textEnd)))
                sawSpace = true
            case 0x30...0x39, 0xFF10...0xFF19:
                lexNumber()
            case 0x22, 0x201C, 0x201D, 0x300C:  // " “ ” 「
                lexString(closers: [0x22, 0x201C, 0x201D, 0x300D], open: length)
            case 0x300A where isTitleAhead(after: length):  // 《个人所得税法》
                lexString(closers: [0x300B], open: length, isTitle: true)
            case 0x300A, 0x300B:
                // A Chinese input method types < and > as 《 and 》.
                position += length
                append(v == 0x300A ? .less : .greater, start, position)
                combineOperator()
            default:
                if let kind = Lexer.punctuation[v] {
                    position += length
                    append(kind, start, position)
                    combineOperator()
                } else if v == 0x21 || v == 0xFF01, nextScalarValue(after: length) == 0x3D || nextScalarValue(after: length) == 0xFF1D {
                    position += length
                    position += peekScalar()!.1
                    append(.notEqual, start, position)
                } else if Lexer.isIdentifierStart(v) {
                    lexWord()
                } else {
                    position += length
                    errors.append(.unexpectedCharacter(Span(start: start, end: position), text: String(Character(scalar))))
                    append(.invalid, start, position)
                }
            }
        }
    }

    /// Which spelling most keywords in the file used.
    public var keywordLanguage: KeywordLanguage {
        englishKeywords > chineseKeywords ? .english : .chinese
    }

    // MARK: - Pieces

    mutating func append(_ kind: Token.Kind, _ start: Int, _ end: Int) {
        tokens.append(Token(kind: kind, span: Span(start: start, end: end), hasSpaceBefore: sawSpace || tokens.isEmpty))
        sawSpace = false
    }

    /// Two-character operators: `<=`, `>=`, `<>` and their full-width forms.
    mutating func combineOperator() {
        guard tokens.count >= 2 else { return }
        let a = tokens[tokens.count - 2], b = tokens[tokens.count - 1]
        guard a.span.end == b.span.start else { return }
        let combined: Token.Kind? =
            switch (a.kind, b.kind) {
            case (.less, .equal): .lessEqual
            case (.greater, .equal): .greaterEqual
            case (.less, .greater): .notEqual
            default: nil
            }
        if let combined {
            tokens.removeLast(2)
            tokens.append(Token(kind: combined, span: a.span.union(b.span), hasSpaceBefore: a.hasSpaceBefore))
        }
    }

    static let punctuation: [UInt32: Token.Kind] = [
        0x28: .lParen, 0xFF08: .lParen, 0x29: .rParen, 0xFF09: .rParen,
        0x5B: .lBracket, 0x3010: .lBracket, 0xFF3B: .lBracket, 0x5D: .rBracket, 0x3011: .rBracket, 0xFF3D: .rBracket,
        0x7B: .lBrace, 0xFF5B: .lBrace, 0x7D: .rBrace, 0xFF5D: .rBrace,
        0x3A: .colon, 0xFF1A: .colon, 0x2C: .comma, 0xFF0C: .comma, 0x3001: .listComma,
        0x3B: .semicolon, 0xFF1B: .semicolon, 0x3002: .fullStop,
        0x2B: .plus, 0xFF0B: .plus, 0x2D: .minus, 0xFF0D: .minus, 0x2212: .minus,
        0x2A: .star, 0xFF0A: .star, 0xD7: .star, 0x2F: .slash, 0xFF0F: .slash, 0xF7: .slash,
        0x25: .percent, 0xFF05: .percent,
        0x3D: .equal, 0xFF1D: .equal, 0x2260: .notEqual,
        0x3C: .less, 0xFF1C: .less, 0x2264: .lessEqual, 0x2266: .lessEqual,
        0x3E: .greater, 0xFF1E: .greater, 0x2265: .greaterEqual, 0x2267: .greaterEqual,
        0x7E: .tilde, 0xFF5E: .tilde,
    ]

    static func isIdentifierStart(_ v: UInt32) -> Bool {
        (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
            || (0xFF21...0xFF3A).contains(v) || (0xFF41...0xFF5A).contains(v) || v == 0xFF3F
            || isHan(v)
    }

    static func isHan(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2FFFF).contains(v)
            || (0xF900...0xFAFF).contains(v) || v == 0x3007 || v == 0xB7
    }

    static func isASCIIWordPart(_ v: UInt32) -> Bool {
        (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F || (0x30...0x39).contains(v)
            || (0xFF21...0xFF3A).contains(v) || (0xFF41...0xFF5A).contains(v) || v == 0xFF3F
            || (0xFF10...0xFF19).contains(v)
    }

    /// A name or keyword: Han characters, or a Latin word that may carry digits (`FM001`).
    /// Digits never continue a Han word, so `自2020-10-01起` reads as 自, a date, 起.
    mutating func lexWord() {
        let start = position
        var scalars = String.UnicodeScalarView()
        let latin = !Lexer.isHan(peekScalar()!.0.value)
        while let (s, len) = peekScalar() {
            let v = s.value
            let ok = latin ? Lexer.isASCIIWordPart(v) : Lexer.isIdentifierStart(v)
            guard ok else { break }
            scalars.append(TextNormalizer.normalize(s))
            position += len
        }
        let text = String(scalars)
        if let k = Keyword.lookup(text) {
            if latin { englishKeywords += 1 } else { chineseKeywords += 1 }
            append(.keyword(k), start, position)
        } else {
            append(.identifier(text), start, position)
        }
    }

    /// A number (`2`, `0.5`, `１５`), a date (`2020-10-01`, `2020/10/1`, `2020年10月1日`) or a
    /// month (`2020-12`, `2020年12月`).
    mutating func lexNumber() {
        let start = position
        var text = readDigits()
        if text.count == 4, let date = lexDateTail(year: Int(text)!, start: start) {
            append(date, start, position)
            return
        }
        if text.count <= 2, let time = lexTimeTail(hour: text, start: start) {
            append(time, start, position)
            return
        }
        // 。 between digits is a decimal point typed on a Chinese input method (0。5).
        if let (s, len) = peekScalar(), s.value == 0x2E || s.value == 0xFF0E || s.value == 0x3002 {
            let save = position
            position += len
            let frac = readDigits()
            if frac.isEmpty {
                position = save
            } else {
                text += "." + frac
            }
        }
        if let value = Fixed(text) {
            append(.number(value), start, position)
        } else {
            errors.append(.invalidNumber(Span(start: start, end: position), text: text))
            append(.number(.zero), start, position)
        }
    }

    mutating func readDigits() -> String {
        var out = ""
        while let (s, len) = peekScalar() {
            let v = s.value
            if (0x30...0x39).contains(v) {
                out.append(Character(s))
            } else if (0xFF10...0xFF19).contains(v) {
                out.append(Character(Unicode.Scalar(v - 0xFEE0)!))
            } else {
                break
            }
            position += len
        }
        return out
    }

    /// After one or two digits: `:MM` or `：MM` (two digits, no more) makes a time of day,
    /// `08:30`. Not at the start of a line, where `1：30 元` is the row of a table keyed by
    /// number. Leaves the position alone when the text is not a time.
    mutating func lexTimeTail(hour: String, start: Int) -> Token.Kind? {
        let save = position
        let atLineStart = tokens.last.map { $0.kind == .newline } ?? true
        guard !atLineStart, let (sep, len) = peekScalar(), sep.value == 0x3A || sep.value == 0xFF1A else { return nil }
        position += len
        let minuteText = readDigits()
        let digitFollows = peekScalar().map { [0x2E, 0xFF0E].contains($0.0.value) } ?? false
        guard minuteText.count == 2, !digitFollows else {
            position = save
            return nil
        }
        if let t = TimeOfDay(hour: Int(hour)!, minute: Int(minuteText)!) { return .time(t) }
        errors.append(.invalidTime(Span(start: start, end: position), text: String(decoding: bytes[start..<position], as: UTF8.self)))
        return .time(TimeOfDay(minutes: 0))
    }

    /// After four digits: `-MM[-DD]`, `/MM[/DD]` or `年M月[D日]`. Leaves the position alone when
    /// the text is not a date.
    mutating func lexDateTail(year: Int, start: Int) -> Token.Kind? {
        let save = position
        guard let (sep, len) = peekScalar() else { return nil }
        let chinese = sep.value == 0x5E74  // 年
        guard chinese || [0x2D, 0xFF0D, 0x2F, 0xFF0F].contains(sep.value) else { return nil }
        position += len
        let monthText = readDigits()
        guard !monthText.isEmpty, monthText.count <= 2 else {
            position = save
            return nil
        }
        let month = Int(monthText)!
        if chinese {
            guard let (m, mlen) = peekScalar(), m.value == 0x6708 else {  // 月
                position = save
                return nil
            }
            position += mlen
        }
        var day: Int?
        let afterMonth = position
        if let (s2, len2) = peekScalar(), chinese ? (0x30...0x39).contains(s2.value) || (0xFF10...0xFF19).contains(s2.value) : s2.value == sep.value {
            if !chinese { position += len2 }
            let dayText = readDigits()
            if !dayText.isEmpty, dayText.count <= 2 {
                day = Int(dayText)
                if chinese {
                    if let (d, dlen) = peekScalar(), d.value == 0x65E5 || d.value == 0x53F7 {  // 日 号
                        position += dlen
                    }
                }
            } else {
                position = afterMonth
            }
        }
        let span = Span(start: start, end: position)
        if let day {
            if let date = CivilDate(year: year, month: month, day: day) { return .date(date) }
            errors.append(.invalidDate(span, text: String(decoding: bytes[start..<position], as: UTF8.self)))
            return .date(CivilDate(year: 2000, month: 1, day: 1)!)
        }
        if let ym = YearMonth(year: year, month: month) { return .month(ym) }
        errors.append(.invalidDate(span, text: String(decoding: bytes[start..<position], as: UTF8.self)))
        return .month(YearMonth(year: 2000, month: 1)!)
    }

    /// A string from its opening quote to a closing one on the same line. Chinese input
    /// methods alternate “ and ”, so any of them closes a string opened by any of them.
    mutating func lexString(closers: Set<UInt32>, open: Int, isTitle: Bool = false) {
        let start = position
        position += open
        var scalars = String.UnicodeScalarView()
        while true {
            guard let (s, len) = peekScalar() else {
                if position < bytes.count {
                    position += 1
                    continue
                }
                break
            }
            if s.value == 0x0A { break }
            position += len
            if closers.contains(s.value) {
                let text = String(scalars)
                append(isTitle ? .title(text) : .string(text), start, position)
                return
            }
            scalars.append(s)
        }
        var end = position
        if end > start, end <= bytes.count, end > 0, bytes[end - 1] == 0x0D { end -= 1 }
        errors.append(.unterminatedString(Span(start: start, end: end)))
        let text = String(scalars)
        append(isTitle ? .title(text) : .string(text), start, end)
    }

    /// Whether the 《 at the position opens a document title: its 》 follows on the same line,
    /// with no space inside and not starting with a digit (`《 90` is a comparison).
    func isTitleAhead(after open: Int) -> Bool {
        var i = position + open
        var first = true
        while let (s, len) = scalar(at: i) {
            switch s.value {
            case 0x300B: return !first
            case 0x0A, 0x0D, 0x20, 0x09, 0x3000, 0x300A: return false
            case 0x30...0x39, 0xFF10...0xFF19, 0x3D, 0xFF1D: if first { return false }
            default: break
            }
            first = false
            i += len
        }
        return false
    }

    // MARK: - UTF-8

    /// The scalar at the position and its length in bytes; nil at the end or on invalid UTF-8.
    func peekScalar() -> (Unicode.Scalar, Int)? {
        scalar(at: position)
    }

    func nextScalarValue(after length: Int) -> UInt32? {
        scalar(at: position + length)?.0.value
    }

    func scalar(at i: Int) -> (Unicode.Scalar, Int)? {
        guard i < bytes.count else { return nil }
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        // Reject overlong forms and surrogates.
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, let s = Unicode.Scalar(value) else { return nil }
        return (s, length)
    }

    func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
