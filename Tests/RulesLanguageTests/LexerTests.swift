import Diagnostics
import Exact
import Testing

@testable import RulesLanguage

@Suite("Lexer")
struct LexerTests {
    func kinds(_ text: String) -> [Token.Kind] {
        var lexer = Lexer(bytes: Array(text.utf8))
        return lexer.tokenize().map(\.kind).dropLast()
    }

    @Test("every keyword has one Chinese and one English spelling, none shared")
    func keywordTable() {
        var owner: [String: Keyword] = [:]
        for k in Keyword.allCases {
            #expect(!k.chinese.isEmpty && !k.english.isEmpty)
            #expect(k.english.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_") }, "\(k.english)")
            for s in [k.chinese, k.english] + k.chineseAliases {
                #expect(owner[s] == nil, "spelling \(s) used by \(owner[s].map { "\($0)" } ?? "") and \(k)")
                owner[s] = k
                #expect(kinds(s) == [.keyword(k)], "\(s) does not lex as \(k)")
            }
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var kinds: [Token.Kind]
        var testDescription: String { text }
    }

    @Test("reads numbers, dates, strings and full-width punctuation", arguments: [
        Case(text: "2 分", kinds: [.number(Fixed(2)), .keyword(.unitPoints)]),
        Case(text: "１５．５元", kinds: [.number(Fixed("15.5")!), .keyword(.unitYuan)]),
        Case(text: "20％", kinds: [.number(Fixed(20)), .percent]),
        Case(text: "2020-10-01", kinds: [.date(CivilDate(year: 2020, month: 10, day: 1)!)]),
        Case(text: "２０２１年１月１日", kinds: [.date(CivilDate(year: 2021, month: 1, day: 1)!)]),
        Case(text: "2020/12/5", kinds: [.date(CivilDate(year: 2020, month: 12, day: 5)!)]),
        Case(text: "2020-12", kinds: [.month(YearMonth(year: 2020, month: 12)!)]),
        Case(text: "自2021-01-01起", kinds: [.keyword(.since), .date(CivilDate(year: 2021, month: 1, day: 1)!), .keyword(.onward)]),
        Case(text: "“合格”", kinds: [.string("合格")]),
        Case(text: "”合格“", kinds: [.string("合格")]),
        Case(text: "\"ok\"", kinds: [.string("ok")]),
        Case(text: "《个人所得税法》", kinds: [.title("个人所得税法")]),
        Case(text: "（）【】｛｝：，、；。", kinds: [.lParen, .rParen, .lBracket, .rBracket, .lBrace, .rBrace, .colon, .comma, .listComma, .semicolon, .fullStop]),
        Case(text: "＝≠＜≤＞≥ <= >= <> !=", kinds: [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .lessEqual, .greaterEqual, .notEqual, .notEqual]),
        Case(text: "＋－×÷*/−", kinds: [.plus, .minus, .star, .slash, .star, .slash, .minus]),
        Case(text: "FM001 ＦＭ００２", kinds: [.identifier("FM001"), .identifier("FM002")]),
        Case(text: "取值班", kinds: [.identifier("取值班")]),
        Case(text: "a # 注释\n\n\nb", kinds: [.identifier("a"), .newline, .identifier("b")]),
        Case(text: "ITEM Item", kinds: [.keyword(.item), .keyword(.item)]),
        Case(text: "得分 》 90 《＝ 95 》＝ 1", kinds: [.keyword(.score), .greater, .number(Fixed(90)), .lessEqual, .number(Fixed(95)), .greaterEqual, .number(Fixed(1))]),
        Case(text: "0。5 分。", kinds: [.number(Fixed("0.5")!), .keyword(.unitPoints), .fullStop]),
        Case(text: "《个人所得税法》第十一条", kinds: [.title("个人所得税法"), .identifier("第十一条")]),
    ])
    func tokens(_ c: Case) {
        #expect(kinds(c.text) == c.kinds)
    }

    @Test("spans are byte offsets into the UTF-8 text")
    func spans() {
        var lexer = Lexer(bytes: Array("取 值班".utf8))
        let tokens = lexer.tokenize()
        #expect(tokens[0].span == Span(start: 0, end: 3))
        #expect(tokens[1].span == Span(start: 4, end: 10))
    }

    @Test("keeps comments with their spans and picks the file's keyword language")
    func commentsAndLanguage() {
        var lexer = Lexer(bytes: Array("item a { # night\n take duty\n}\n＃ 全角".utf8))
        _ = lexer.tokenize()
        #expect(lexer.comments.map(\.text) == ["night", "全角"])
        #expect(lexer.keywordLanguage == .english)
    }
}
