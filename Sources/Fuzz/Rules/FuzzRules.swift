import Diagnostics
import FuzzSupport
import RulesLanguage

/// Fuzzes the rules language: lexer, parser, checker and formatter. The first input byte
/// picks one rules file, or a rules file and a test file split at the first 0x01 byte.
/// What must hold for any input: nothing crashes or hangs; every diagnostic points inside its
/// file and renders; the checker runs when the files parse (as `jifen check` does); and a
/// file that parses without a diagnostic formats to text that parses cleanly and formats to
/// itself again.
@main
struct FuzzRules {
    static func main() {
        var words: [String] = []
        for k in Keyword.allCases { words += [k.chinese, k.english] + k.chineseAliases }
        words += ["（", "）", "｛", "｝", "：", "，", "、", "；", "＝", "≤", "≥", "×", "÷", "～", "“", "”", "\n", "# ", "2020-12-01", "0.5", "１５"]
        FuzzMain.run(fuzzRules, seeds: seeds, dictionary: words)
    }

    /// Each rules file whole, and in pieces of a few paragraphs; each test file's cases after
    /// the whole rules (mode 1) and alone.
    static func seeds(_ paths: [String]) -> [(name: String, bytes: [UInt8])] {
        var out: [(name: String, bytes: [UInt8])] = []
        let rules = paths.filter { $0.hasSuffix(".jifen") }.map(Seeds.read).joined(separator: [0x0A])
        for path in paths {
            let bytes = Seeds.read(path)
            let text = String(decoding: bytes, as: UTF8.self)
            let paragraphs = text.components(separatedBy: "\n\n")
            var pieces: [String] = []
            var i = 0
            while i < paragraphs.count {
                pieces.append(paragraphs[i..<min(i + 3, paragraphs.count)].joined(separator: "\n\n"))
                i += 3
            }
            if path.hasSuffix(".jifen") {
                out.append((Seeds.name(path, "whole"), [0] + bytes))
                for (k, p) in pieces.enumerated() { out.append((Seeds.name(path, "p\(k)"), [0] + Array(p.utf8))) }
            } else {
                for (k, p) in pieces.enumerated() {
                    out.append((Seeds.name(path, "t\(k)"), [1] + rules + [0x01] + Array(p.utf8)))
                    out.append((Seeds.name(path, "a\(k)"), [1, 0x01] + Array(p.utf8)))
                }
            }
        }
        return out
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRules(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var files: [SourceFile]
    if data[0] & 1 == 0 {
        files = [SourceFile(path: "fuzz.jifen", bytes: body)]
    } else {
        let cut = body.firstIndex(of: 0x01) ?? body.count
        files = [SourceFile(path: "fuzz.jifen", bytes: Array(body[..<cut])),
                 SourceFile(path: "fuzz.jifen-test", bytes: cut < body.count ? Array(body[(cut + 1)...]) : [])]
    }
    let project = RulesProject.parse(files)
    var diagnostics = project.diagnostics
    if !project.diagnostics.hasErrors {
        diagnostics += Checker.check(project.files).1
    }
    let sizes = Dictionary(uniqueKeysWithValues: project.sources.map { ($0.path, $0.bytes.count) })
    for d in diagnostics {
        if case .source(let path, let span) = d.location {
            let n = sizes[path]
            fuzzCheck(n != nil, "\(d.code) points into \(path)")
            fuzzCheck(span.start >= 0 && span.start <= span.end && span.end <= n!, "\(d.code) span \(span) outside 0...\(n!)")
        }
    }
    // Rendering (snippet and caret) is most of the time an input takes: a sample is enough.
    _ = DiagnosticRenderer(language: .zh, sources: project.sources).render(Array(diagnostics.prefix(16)))
    _ = DiagnosticRenderer(language: .en, sources: project.sources).render(Array(diagnostics.suffix(2)))

    // Formatting: only the rules file, when it parsed without a single diagnostic.
    let rules = files[0]
    if !project.diagnostics.contains(where: { $0.location.path == rules.path }) {
        let once = RulesFormatter.format(rules)
        let again = SourceFile(path: rules.path, text: once)
        let (_, errors) = RulesParser.parse(file: again)
        fuzzCheck(errors.isEmpty, "formatted text does not parse: \(errors.map(\.code))")
        fuzzCheck(RulesFormatter.format(again) == once, "formatting is not idempotent")
    }
    return 0
}
