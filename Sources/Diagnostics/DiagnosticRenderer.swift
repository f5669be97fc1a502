/// Turns diagnostics into text: the one place where they are worded for people.
///
/// Rules-file diagnostics show the source line with a caret under the span; data diagnostics
/// show the column, what was found, what was expected and how to fix it.
public struct DiagnosticRenderer: Sendable {
    public var language: Language
    /// Source texts by path, for rendering spans. A span in an unknown file renders without
    /// a snippet.
    public var sources: [String: SourceFile]

    public init(language: Language = .zh, sources: [SourceFile] = []) {
        self.language = language
        self.sources = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined(separator: "\n")
    }

    /// Renders at most `limit` diagnostics of each code in each file, then one line saying
    /// how many more there are, so that a file broken on every row stays readable.
    public func render(_ diagnostics: [Diagnostic], limitPerCode limit: Int) -> String {
        var shown: [String: Int] = [:]
        var out: [String] = []
        for d in diagnostics {
            let key = d.location.path + "\u{0}" + d.code
            let n = shown[key, default: 0]
            shown[key] = n + 1
            if n < limit { out.append(render(d)) }
        }
        var hidden: [(String, String, Int)] = []
        for (key, n) in shown where n > limit {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            hidden.append((String(parts[0]), String(parts[1]), n - limit))
        }
        for (path, code, n) in hidden.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            out.append(language == .zh
                ? "\(path): 另有 \(n) 条 [\(code)] 未显示（完整列表见 --rejected 输出的文件）\n"
                : "\(path): \(n) more [\(code)] not shown (see the --rejected file for all)\n")
        }
        return out.joined(separator: "\n")
    }

    public func render(_ d: Diagnostic) -> String {
        var out = "\(header(d))\n"
        if case .source(let path, let span) = d.location, let file = sources[path] {
            out += snippet(file: file, span: span, label: d.label)
        } else if let label = d.label {
            out += "   = \(word(.labelNote)): \(label.text(language))\n"
        }
        switch d.location {
        case .row(_, _, _, let name?), .cell(_, _, _, let name?):
            out += "   = \(word(.column)): \(name)\n"
        default: break
        }
        if let found = d.found { out += "   = \(word(.found)): \(found)\n" }
        if let expected = d.expected { out += "   = \(word(.expected)): \(expected.text(language))\n" }
        for note in d.notes { out += "   = \(word(.remark)): \(note.text(language))\n" }
        if let help = d.help { out += "   = \(word(.help)): \(help.text(language))\n" }
        return out
    }

    /// `path:line:col: error[CODE]: summary`, the first line of every diagnostic and the
    /// whole of a short (log) rendering.
    public func header(_ d: Diagnostic) -> String {
        "\(position(d.location)): \(word(d.severity))[\(d.code)]: \(d.summary.text(language))"
    }

    public func position(_ location: Location) -> String {
        switch location {
        case .source(let path, let span):
            guard let file = sources[path] else { return path }
            let (line, column) = file.lineAndColumn(of: span.start)
            return "\(path):\(line):\(column)"
        case .row(let path, let line, let column, _):
            return column.map { "\(path):\(line):\($0)" } ?? "\(path):\(line)"
        case .cell(let path, let sheet, let ref, _):
            // The cell for the clerk to click, and the row as a row count would give it.
            let row = CellReference.row(ref).map(String.init) ?? "?"
            let whole = CellReference.isWholeRow(ref)
            switch language {
            case .zh: return whole ? "\(path) 工作表“\(sheet)” 第 \(row) 行" : "\(path) 工作表“\(sheet)” \(ref)（第 \(row) 行）"
            case .en: return whole ? "\(path)[\(sheet)] row \(row)" : "\(path)[\(sheet)]!\(ref) (row \(row))"
            }
        case .file(let path):
            return path.isEmpty ? "jifen" : path
        }
    }

    /// A closing line such as `发现 2 个错误、1 个警告`.
    public func tally(_ diagnostics: [Diagnostic]) -> String {
        let e = diagnostics.errorCount, w = diagnostics.warningCount
        switch language {
        case .zh: return "发现 \(e) 个错误、\(w) 个警告"
        case .en: return "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")"
        }
    }

    private func snippet(file: SourceFile, span: Span, label: Localized?) -> String {
        let (line, _) = file.lineAndColumn(of: span.start)
        let text = file.lineText(line)
        let lineStart = file.lineStarts[line - 1]
        let lineBytes = Array(text.utf8)
        let startInLine = max(0, min(span.start - lineStart, lineBytes.count))
        var endInLine = max(startInLine, min(span.end - lineStart, lineBytes.count))
        if endInLine == startInLine { endInLine = startInLine }
        let pad = String(repeating: " ", count: String(line).count)
        let before = String(decoding: lineBytes[0..<startInLine], as: UTF8.self)
        let marked = String(decoding: lineBytes[startInLine..<endInLine], as: UTF8.self)
        let caretIndent = String(repeating: " ", count: Self.displayWidth(before))
        let caret = String(repeating: "^", count: max(1, Self.displayWidth(marked)))
        var out = "\(pad) |\n\(line) | \(text)\n\(pad) | \(caretIndent)\(caret)"
        if let label { out += " \(label.text(language))" }
        out += "\n\(pad) |\n"
        return out
    }

    /// Terminal columns a text takes: East Asian wide characters take two.
    public static func displayWidth(_ s: String) -> Int {
        var w = 0
        for scalar in s.unicodeScalars {
            if scalar == "\t" { w += 4; continue }
            w += isWide(scalar.value) ? 2 : 1
        }
        return w
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    private enum Word { case labelNote, column, found, expected, remark, help }

    private func word(_ w: Word) -> String {
        switch (w, language) {
        case (.labelNote, .zh): "说明"
        case (.labelNote, .en): "label"
        case (.column, .zh): "列"
        case (.column, .en): "column"
        case (.found, .zh): "实际"
        case (.found, .en): "found"
        case (.expected, .zh): "应为"
        case (.expected, .en): "expected"
        case (.remark, .zh): "注"
        case (.remark, .en): "note"
        case (.help, .zh): "帮助"
        case (.help, .en): "help"
        }
    }

    private func word(_ s: Severity) -> String {
        switch (s, language) {
        case (.error, .zh): "错误"
        case (.warning, .zh): "警告"
        case (.note, .zh): "提示"
        case (.error, .en): "error"
        case (.warning, .en): "warning"
        case (.note, .en): "note"
        }
    }
}
