import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

/// A small deterministic generator (SplitMix64), so that a failing corpus file can be rebuilt.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Pieces a token soup is made of: every keyword spelling, both widths of punctuation, names,
/// numbers, dates, strings, comments and line breaks.
let soupVocabulary: [String] = {
    var v: [String] = []
    for k in Keyword.allCases { v += [k.chinese, k.english] + k.chineseAliases }
    v += ["（", "）", "(", ")", "【", "】", "[", "]", "{", "}", "｛", "｝", "：", ":", "，", ",", "、", "；", ";", "。",
          "=", "＝", "≠", "!=", "<", "<=", "≤", ">", ">=", "≥", "＞", "+", "-", "－", "×", "*", "÷", "/", "%", "％", "～"]
    v += ["值班", "班次", "夜班", "得分", "分值", "FM001", "岗位工资标准", "学时", "社区", "甲"]
    v += ["2", "0.5", "１５", "12345678901234567890", "2020-12-01", "2021-02-30", "2020-12", "2020年1月1日", "3.1415926"]
    v += ["“合格”", "\"ok\"", "“没有结束", "《个人所得税法》", "# 注释\n", "\n", "\n\n", " ", "@", "\u{FEFF}"]
    return v
}()

@Suite("Generated corpus: the parser never crashes, hangs or blows the stack")
struct CorpusRobustnessTests {
    /// Parses one generated file and checks what must hold for any input.
    @discardableResult
    func check(_ bytes: [UInt8], _ label: String) -> Bool {
        let file = SourceFile(path: "corpus/\(label).jifen", bytes: bytes)
        let (ast, diagnostics) = RulesParser.parse(file: file)
        for d in diagnostics {
            guard case .source(let path, let span) = d.location else {
                Issue.record("\(label): \(d.code) has no source location")
                continue
            }
            #expect(path == file.path)
            #expect(span.start >= 0 && span.start <= span.end && span.end <= bytes.count, "\(label): \(d.code) span \(span) outside 0...\(bytes.count)")
            #expect(d.code.hasPrefix("R00") && d.code.count == 5, "\(label): code \(d.code)")
            #expect(d.help != nil)
        }
        // A file that parses must survive formatting unchanged in meaning.
        if diagnostics.isEmpty {
            let once = RulesFormatter.format(ast, source: file)
            let reparsed = SourceFile(path: file.path, text: once)
            let (ast2, d2) = RulesParser.parse(file: reparsed)
            #expect(d2.isEmpty, "\(label): formatted text does not parse: \(d2.map(\.code))\n\(once)")
            #expect(spanless(ast) == spanless(ast2), "\(label): fmt changed the tree\n\(String(decoding: bytes, as: UTF8.self))\n---\n\(once)")
            #expect(RulesFormatter.format(ast2, source: reparsed) == once, "\(label): fmt is not idempotent\n\(once)")
        }
        return diagnostics.isEmpty
    }

    @Test("random byte strings")
    func randomBytes() {
        var rng = SeededGenerator(state: 1)
        let interesting: [UInt8] = Array("（）【】“”，：；＝＞０９积分项{}#\n".utf8)
        for n in 0..<600 {
            let length = Int.random(in: 0...300, using: &rng)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : interesting.randomElement(using: &rng)!
            }
            check(bytes, "bytes-\(n)")
        }
    }

    @Test("random token soups")
    func tokenSoups() {
        var rng = SeededGenerator(state: 2)
        for n in 0..<1500 {
            var text = ""
            for _ in 0..<Int.random(in: 1...80, using: &rng) {
                text += soupVocabulary.randomElement(using: &rng)!
                if Int.random(in: 0..<3, using: &rng) > 0 { text += " " }
            }
            check(Array(text.utf8), "soup-\(n)")
        }
    }

    @Test("mutations of the sample rules")
    func mutations() throws {
        let project = try sampleRules()
        var rng = SeededGenerator(state: 3)
        var count = 0, clean = 0
        for source in project.sources {
            var lexer = Lexer(bytes: source.bytes)
            let tokens = lexer.tokenize().filter { $0.kind != .endOfFile }
            let spans = tokens.map(\.span)
            for n in 0..<1200 {
                var bytes = source.bytes
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let a = spans.randomElement(using: &rng)!, b = spans.randomElement(using: &rng)!
                    guard a.end <= bytes.count, b.end <= bytes.count else { continue }
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0: bytes.removeSubrange(a.start..<a.end)
                    case 1: bytes.insert(contentsOf: bytes[a.start..<a.end], at: a.start)
                    case 2:
                        let (x, y) = a.start < b.start ? (a, b) : (b, a)
                        guard x.end <= y.start else { continue }
                        let first = Array(bytes[x.start..<x.end]), second = Array(bytes[y.start..<y.end])
                        bytes.replaceSubrange(y.start..<y.end, with: first)
                        bytes.replaceSubrange(x.start..<x.end, with: second)
                    case 3: bytes.removeSubrange(Int.random(in: 0...bytes.count, using: &rng)..<bytes.count)
                    case 4: bytes.insert(contentsOf: Array(soupVocabulary.randomElement(using: &rng)!.utf8), at: a.start)
                    default:
                        // Cut inside a multi-byte character.
                        let i = Int.random(in: 0...bytes.count, using: &rng)
                        bytes.insert(0xE4, at: i)
                    }
                }
                if check(bytes, "mutation-\(count)-\(n)") { clean += 1 }
            }
            count += 1
        }
        // Enough mutants stay valid for the formatter checks above to mean something.
        #expect(clean > 200, "only \(clean) mutants parsed cleanly")
    }

    @Test("nesting 10,000 levels deep", arguments: [
        "（", "(", "【", "{", "｛", "-", "非 ", "若 ", "条数（", "合计（来自 值班 其中 ", "限于（", "岗位工资标准（", "枚举（", "“", "1 + ", "a 且 ", "2 × ", "- 1 - ", "若 a 则 1 否则 ",
    ])
    func deepNesting(_ opener: String) {
        let deep = String(repeating: opener, count: 10_000)
        let texts = [
            "参数 甲 = \(deep)1",
            "参数 甲 = （\(deep)1）",
            "积分项 甲 {\n  取 值班\n  每条 \(deep)2 分\n}\n",
            "等次评定 {\n  优秀：\(deep)\n}\n",
            deep,
            "数据源 值班 {\n  班次：\(deep)\n}\n",
        ]
        for (i, t) in texts.enumerated() { check(Array(t.utf8), "deep-\(i)") }
    }
}
