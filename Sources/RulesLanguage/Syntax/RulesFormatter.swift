import Diagnostics
import Exact

/// Writes a rules file in canonical layout: one clause per line, two-space indents, one blank
/// line between declarations, keywords and punctuation in the file's own language (Chinese
/// punctuation for a Chinese file), comments kept where they were.
///
/// Formatting is idempotent and keeps the syntax tree: `parse(format(x))` equals `parse(x)`
/// apart from spans. A file with syntax errors is returned unchanged. Comments stay before
/// the line they preceded or at the end of the line they ended; one written inside a formula
/// that spans several lines moves to just after that clause.
///
/// ```swift
/// let text = RulesFormatter.format(SourceFile(path: "rules/x.jifen", text: "积分项 甲{取 值班\n每条 2分}"))
/// // 积分项 甲 {\n  取 值班\n  每条 2 分\n}\n
/// ```
public struct RulesFormatter {
    let source: SourceFile
    let language: KeywordLanguage
    var comments: [Comment]
    var nextComment = 0
    var lines: [String] = []

    /// The canonical text of a file, or the file unchanged when it does not parse.
    public static func format(_ file: SourceFile) -> String {
        let (ast, errors) = RulesParser.parseErrors(file: file)
        guard errors.isEmpty else { return String(decoding: file.bytes, as: UTF8.self) }
        return format(ast, source: file)
    }

    /// The canonical text of a parsed file; `source` supplies the comments' positions.
    public static func format(_ file: RuleFile, source: SourceFile) -> String {
        var f = RulesFormatter(source: source, language: file.keywordLanguage, comments: file.comments)
        for (i, d) in file.declarations.enumerated() {
            if i > 0 { f.lines.append("") }
            f.declaration(d)
        }
        f.flushComments(before: Int.max, indent: 0)
        while f.lines.last == "" { f.lines.removeLast() }
        return f.lines.isEmpty ? "" : f.lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Lines and comments

    /// Emits a line for a node starting at `start`; comments before it come first, and a comment
    /// on the same source line after `end` stays at the end of the line.
    mutating func line(_ text: String, indent: Int, start: Int, end: Int) {
        flushComments(before: start, indent: indent)
        var out = String(repeating: "  ", count: indent) + text
        if nextComment < comments.count {
            let c = comments[nextComment]
            if c.span.start >= end, !source.bytes[min(end, source.bytes.count)..<min(c.span.start, source.bytes.count)].contains(0x0A) {
                out += "  " + render(c)
                nextComment += 1
            }
        }
        lines.append(out)
    }

    /// Emits the comments that come before `offset`, keeping a blank line that separated a
    /// comment from what came before it or from what follows.
    mutating func flushComments(before offset: Int, indent: Int) {
        var flushed = false
        while nextComment < comments.count, comments[nextComment].span.start < offset {
            let c = comments[nextComment]
            if !lines.isEmpty, lines.last != "", blankLineBefore(c.span.start) { lines.append("") }
            lines.append(String(repeating: "  ", count: indent) + render(c))
            nextComment += 1
            flushed = true
        }
        if flushed, offset < source.bytes.count, blankLineBefore(offset) { lines.append("") }
    }

    /// Whether an empty line precedes the line holding `offset`, with only white space
    /// between.
    func blankLineBefore(_ offset: Int) -> Bool {
        var i = min(offset, source.bytes.count) - 1
        var newlines = 0
        while i >= 0 {
            switch source.bytes[i] {
            case 0x20, 0x09, 0x0D: break
            case 0x0A:
                newlines += 1
                if newlines == 2 { return true }
            default: return false
            }
            i -= 1
        }
        return false
    }

    func render(_ c: Comment) -> String {
        c.text.isEmpty ? "#" : "# " + c.text
    }

    // MARK: - Spelling

    func kw(_ k: Keyword) -> String { k.spelling(language) }
    var zh: Bool { language == .chinese }
    var colon: String { zh ? "：" : ": " }
    var comma: String { zh ? "，" : ", " }
    var listSep: String { zh ? "、" : ", " }
    func paren(_ s: String) -> String { zh ? "（\(s)）" : "(\(s))" }
    func quote(_ s: String) -> String { zh ? "“\(s)”" : "\"\(s)\"" }

    func attributes(_ a: Attributes) -> String {
        guard !a.isEmpty else { return "" }
        var parts: [String] = []
        if !a.files.isEmpty { parts.append(kw(.file) + " " + a.files.map { quote($0.text) }.joined(separator: listSep)) }
        if let c = a.citation { parts.append(kw(.per) + " " + c.text) }
        if let s = a.since { parts.append(kw(.since) + " \(s.date) " + kw(.onward)) }
        if let u = a.until { parts.append(kw(.until) + " \(u.date)") }
        return " " + paren(parts.joined(separator: comma))
    }

    func header(_ k: Keyword, _ name: Identifier?, _ a: Attributes) -> String {
        var s = kw(k)
        if let name { s += " " + name.name }
        return s + attributes(a)
    }

    /// The end offset of a declaration's header (name or attributes), for trailing comments.
    func headerEnd(_ name: Identifier?, _ a: Attributes, fallback: Int) -> Int {
        a.span?.end ?? name?.span.end ?? fallback
    }

    mutating func block(_ head: String, start: Int, headEnd: Int, end: Int, body: (inout RulesFormatter) -> Void) {
        line(head + " {", indent: 0, start: start, end: headEnd)
        body(&self)
        line("}", indent: 0, start: max(start, end - 1), end: end)
    }

    // MARK: - Declarations

    mutating func declaration(_ d: Declaration) {
        switch d {
        case .source(let s):
            block(header(.source, s.name, s.attributes), start: s.span.start, headEnd: headerEnd(s.name, s.attributes, fallback: s.span.start), end: s.span.end) { f in
                for field in s.fields {
                    var text = field.name.name + f.colon + f.fieldType(field.type)
                    if let m = field.minimum { text += f.comma + f.kw(.atLeast) + " " + f.expr(m) }
                    if let m = field.maximum { text += f.comma + f.kw(.atMost) + " " + f.expr(m) }
                    if field.isOptional { text += f.comma + f.kw(.optional) }
                    f.line(text, indent: 1, start: field.span.start, end: field.span.end)
                }
            }
        case .item(let item):
            let k: Keyword = item.kind == .points ? .item : item.kind == .deduction ? .deduction : .adjustment
            block(header(k, item.name, item.attributes), start: item.span.start, headEnd: headerEnd(item.name, item.attributes, fallback: item.span.start), end: item.span.end) { f in
                for clause in item.clauses {
                    f.line(f.itemClause(clause), indent: 1, start: clause.span.start, end: clause.span.end)
                }
            }
        case .baseScore(let b):
            line(header(.base, nil, b.attributes) + " " + expr(b.amount), indent: 0, start: b.span.start, end: b.span.end)
        case .groupCap(let g):
            block(header(.groupCap, g.name, g.attributes), start: g.span.start, headEnd: headerEnd(g.name, g.attributes, fallback: g.span.start), end: g.span.end) { f in
                if let first = g.items.first, let last = g.items.last {
                    f.line(f.kw(.includes) + " " + g.items.map(\.name).joined(separator: f.listSep), indent: 1, start: first.span.start, end: last.span.end)
                }
                if let c = g.cap { f.line(f.kw(.monthlyCap) + " " + f.expr(c), indent: 1, start: c.span.start, end: c.span.end) }
            }
        case .scoreRange(let r):
            let end = r.attributes.span?.end ?? (r.span.start + Keyword.scoreRange.chinese.utf8.count)
            block(header(.scoreRange, nil, r.attributes), start: r.span.start, headEnd: end, end: r.span.end) { f in
                if let x = r.floor { f.line(f.kw(.atLeast) + " " + f.expr(x), indent: 1, start: x.span.start, end: x.span.end) }
                if let x = r.ceiling { f.line(f.kw(.atMost) + " " + f.expr(x), indent: 1, start: x.span.start, end: x.span.end) }
            }
        case .veto(let v):
            block(header(.veto, v.name, v.attributes), start: v.span.start, headEnd: headerEnd(v.name, v.attributes, fallback: v.span.start), end: v.span.end) { f in
                if let s = v.selection { f.line(f.selection(s), indent: 1, start: s.span.start, end: s.span.end) }
                if let c = v.condition { f.line(f.kw(.when) + " " + f.expr(c), indent: 1, start: c.span.start, end: c.span.end) }
                if let t = v.tier { f.line(f.kw(.force) + " " + t.name, indent: 1, start: t.span.start, end: t.span.end) }
            }
        case .tiers(let t):
            block(header(.tiers, nil, t.attributes), start: t.span.start, headEnd: t.attributes.span?.end ?? t.span.start, end: t.span.end) { f in
                for r in t.rules {
                    var text = r.tier.name + f.colon + (r.condition.map(f.expr) ?? f.kw(.otherwise))
                    if let q = r.quota {
                        text += f.comma + f.kw(.quota) + " " + f.expr(q.share) + " " + f.kw(.by) + " " + f.groupKeys(q.groups)
                    }
                    f.line(text, indent: 1, start: r.span.start, end: r.span.end)
                }
                if let span = t.orderingSpan {
                    let keys = t.ordering.map { f.expr($0.key) + " " + f.kw($0.direction == .descending ? .descending : .ascending) }
                    f.line(f.kw(.order) + " " + keys.joined(separator: f.listSep), indent: 1, start: span.start, end: span.end)
                }
                if let g = t.rankGroups {
                    f.line(f.kw(.rank) + " " + f.kw(.by) + " " + f.groupKeys(g), indent: 1, start: g.span.start, end: g.span.end)
                }
                if let span = t.rankExclusionsSpan {
                    f.line(f.kw(.rankExcludes) + " " + t.rankExclusions.map(\.name).joined(separator: f.listSep), indent: 1, start: span.start, end: span.end)
                }
            }
        case .grouping(let g):
            block(header(.grouping, g.name, g.attributes), start: g.span.start, headEnd: headerEnd(g.name, g.attributes, fallback: g.span.start), end: g.span.end) { f in
                for r in g.groups {
                    f.line(r.label.name + f.colon + (r.condition.map(f.expr) ?? f.kw(.otherwise)), indent: 1, start: r.span.start, end: r.span.end)
                }
            }
        case .parameter(let p):
            parameter(p, indent: 0)
        case .table(let t):
            var head = header(.table, t.name, t.attributes)
            if let key = t.key { head += " " + kw(.by) + " " + (key.name == Keyword.tier.chinese ? kw(.tier) : key.name) }
            block(head, start: t.span.start, headEnd: t.key?.span.end ?? headerEnd(t.name, t.attributes, fallback: t.span.start), end: t.span.end) { f in
                for row in t.rows {
                    f.line((row.key.map(f.expr) ?? f.kw(.otherwise)) + f.colon + f.expr(row.value), indent: 1, start: row.span.start, end: row.span.end)
                }
            }
        case .brackets(let b):
            block(header(.brackets, b.name, b.attributes), start: b.span.start, headEnd: headerEnd(b.name, b.attributes, fallback: b.span.start), end: b.span.end) { f in
                for row in b.rows {
                    var text: String
                    if let up = row.upTo {
                        text = f.kw(.upTo) + " " + f.expr(up)
                    } else {
                        text = f.kw(.above) + (row.above.map { " " + f.expr($0) } ?? "")
                    }
                    text += f.colon + f.expr(row.rate)
                    if let q = row.quickDeduction { text += f.comma + f.kw(.quick) + " " + f.expr(q) }
                    f.line(text, indent: 1, start: row.span.start, end: row.span.end)
                }
            }
        case .payLine(let p):
            let k: Keyword =
                switch p.kind {
                case .earning: .earning
                case .withholding: .withholding
                case .net: .net
                case .value: .value
                }
            let head = header(k, p.name, p.attributes) + " = " + expr(p.formula)
            if p.clauses.isEmpty {
                line(head, indent: 0, start: p.span.start, end: p.formula.span.end)
            } else {
                block(head, start: p.span.start, headEnd: p.formula.span.end, end: p.span.end) { f in
                    for c in p.clauses {
                        f.line(f.payClause(c), indent: 1, start: c.span.start, end: c.span.end)
                    }
                }
            }
        case .year(let y):
            // The annual article is written back as it stands (its own comments included):
            // its clauses are laid out by the clerk.
            flushComments(before: y.span.start, indent: 0)
            let text = String(decoding: source.bytes[y.span.start..<min(y.span.end, source.bytes.count)], as: UTF8.self)
            lines.append(contentsOf: text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).replacingOccurrences(of: "\r", with: "") })
            while nextComment < comments.count, comments[nextComment].span.start < y.span.end { nextComment += 1 }
        case .test(let t):
            block(header(.test, t.name, t.attributes), start: t.span.start, headEnd: headerEnd(t.name, t.attributes, fallback: t.span.start), end: t.span.end) { f in
                for c in t.clauses { f.testClause(c) }
            }
        }
    }

    mutating func parameter(_ p: ParameterDeclaration, indent: Int) {
        let head = header(.parameter, p.name, p.attributes)
        if p.isInline, let v = p.values.first {
            line(head + " = " + expr(v.value), indent: indent, start: p.span.start, end: p.span.end)
            return
        }
        line(head + " {", indent: indent, start: p.span.start, end: headerEnd(p.name, p.attributes, fallback: p.span.start))
        for v in p.values {
            var text = ""
            if let s = v.since { text = kw(.since) + " \(s.date) " + kw(.onward) + " " }
            line(text + expr(v.value), indent: indent + 1, start: v.span.start, end: v.span.end)
        }
        line("}", indent: indent, start: max(p.span.start, p.span.end - 1), end: p.span.end)
    }

    func groupKeys(_ g: GroupKeys) -> String {
        g.names.isEmpty ? GroupKeys.countyWord : g.names.map(\.name).joined(separator: "、")
    }

    func fieldType(_ t: FieldType) -> String {
        switch t.kind {
        case .text: kw(.text)
        case .integer: kw(.integer)
        case .decimal: kw(.decimal)
        case .date: kw(.date)
        case .time: kw(.time)
        case .money: kw(.money)
        case .boolean: kw(.boolean)
        case .points: kw(.points)
        case .days: kw(.days)
        case .count: kw(.times)
        case .enumeration(let values): kw(.enumeration) + paren(values.map { name($0) }.joined(separator: listSep))
        }
    }

    /// A name as written; a name that would not read back as one (a quoted enumeration value
    /// such as “1级”) is quoted.
    func name(_ id: Identifier) -> String {
        var lexer = Lexer(bytes: Array(id.name.utf8))
        let tokens = lexer.tokenize()
        if tokens.count == 2, case .identifier = tokens[0].kind { return id.name }
        return quote(id.name)
    }

    func selection(_ s: Selection) -> String {
        var text = kw(.take) + " " + s.source.name
        if let f = s.filter { text += " " + kw(.where) + " " + expr(f) }
        return text
    }

    func itemClause(_ c: ItemClause) -> String {
        switch c {
        case .take(let s): selection(s)
        case .score(let s): kw(s.mode == .eachRecord ? .each : .total) + " " + expr(s.amount)
        case .cap(let cap): kw(cap.period == .day ? .dailyCap : .monthlyCap) + " " + expr(cap.amount)
        case .floor(let f): f.amount.map { kw(.floor) + " " + expr($0) } ?? kw(.untilZero)
        case .requires(let names, _): kw(.requires) + " " + names.map(\.name).joined(separator: listSep)
        }
    }

    func payClause(_ c: PayClause) -> String {
        switch c {
        case .round(let r):
            let mode: Keyword =
                switch r.mode {
                case .halfEven: .halfEven
                case .down, .floor: .down
                case .up, .ceiling: .up
                case .halfUp: .halfUp
                }
            let place: Keyword = r.place == .fen ? .toFen : r.place == .jiao ? .toJiao : .toYuan
            return kw(.round) + " " + kw(mode) + " " + kw(place)
        case .exempt(let e, _): return kw(.exempt) + " " + expr(e)
        case .floor(let f): return kw(.floor) + " " + (f.amount.map(expr) ?? "0")
        case .taxColumn(let c, _): return kw(.taxColumn) + " " + quote(c.text)
        }
    }

    mutating func testClause(_ c: TestClause) {
        switch c {
        case .month(let m, let span):
            line(kw(.month) + " \(m)", indent: 1, start: span.start, end: span.end)
        case .parameter(let p):
            parameter(p, indent: 1)
        case .records(let r):
            line(kw(.records) + " " + r.source.name + " {", indent: 1, start: r.span.start, end: r.source.span.end)
            let all = [r.header] + r.rows
            let columns = all.map(\.count).max() ?? 0
            var widths = [Int](repeating: 0, count: columns)
            for row in all {
                for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DiagnosticRenderer.displayWidth(cell.text)) }
            }
            for row in all where !row.isEmpty {
                var text = ""
                for (i, cell) in row.enumerated() {
                    text += cell.text
                    if i < row.count - 1 {
                        text += String(repeating: " ", count: widths[i] - DiagnosticRenderer.displayWidth(cell.text) + 2)
                    }
                }
                line(text, indent: 2, start: row.first!.span.start, end: row.last!.span.end)
            }
            line("}", indent: 1, start: r.span.end - 1, end: r.span.end)
        case .expect(let e):
            line(kw(.expect) + " " + e.cadre.text + " {", indent: 1, start: e.span.start, end: e.cadre.span.end)
            for check in e.checks {
                let target: String =
                    switch check.target {
                    case .score: kw(.score)
                    case .tier: kw(.tier)
                    case .rank: kw(.rank)
                    case .name(let n): n.name
                    }
                line(target + " = " + expr(check.value), indent: 2, start: check.span.start, end: check.span.end)
            }
            line("}", indent: 1, start: e.span.end - 1, end: e.span.end)
        }
    }

    // MARK: - Expressions

    func expr(_ e: Expression) -> String {
        switch e.kind {
        case .number(let value, let unit):
            let digits = value.description
            guard let unit else { return digits }
            if unit == .percent { return digits + "%" }
            return digits + " " + kw(unit.keyword!)
        case .string(let s): return quote(s)
        case .date(let d): return d.description
        case .month(let m): return m.description
        case .time(let t): return t.description
        case .calendar(let v): return kw(v.keyword)
        case .boolean(let b): return kw(b ? .yes : .no)
        case .none: return kw(.none)
        case .score: return kw(.score)
        case .tier: return kw(.tier)
        case .rank: return kw(.rank)
        case .name(let id): return id.name
        case .parenthesized(let inner): return paren(expr(inner))
        case .unary(.negate, let operand): return "-" + expr(operand)
        case .unary(.not, let operand): return kw(.not) + " " + expr(operand)
        case .binary(let op, let l, let r):
            let symbol: String =
                switch op {
                case .add: "+"
                case .subtract: "-"
                case .multiply: zh ? "×" : "*"
                case .divide: zh ? "÷" : "/"
                case .and: kw(.and)
                case .or: kw(.or)
                }
            return expr(l) + " " + symbol + " " + expr(r)
        case .comparison(let first, let rest):
            return rest.reduce(expr(first)) { $0 + " " + comparison($1.op) + " " + expr($1.operand) }
        case .membership(let x, let set):
            return expr(x) + " " + kw(.in) + paren(set.map(expr).joined(separator: listSep))
        case .conditional(let c, let a, let b):
            return kw(.if) + " " + expr(c) + " " + kw(.then) + " " + expr(a) + " " + kw(.else) + " " + expr(b)
        case .aggregate(let agg, let argument, let from):
            var inside: [String] = []
            if let argument { inside.append(expr(argument)) }
            if let from {
                var s = kw(.from) + " " + from.source.name
                if let f = from.filter { s += " " + kw(.where) + " " + expr(f) }
                inside.append(s)
            }
            return kw(agg.keyword) + (argument == nil && from == nil ? "" : paren(inside.joined(separator: " ")))
        case .call(let id, let args):
            return id.name + paren(args.map(expr).joined(separator: comma))
        case .builtin(.headcount, let args):
            // 在岗人数（社区、考核组）: a list of group keys, as 名额 … 按 writes them.
            return kw(.headcount) + paren(args.map(expr).joined(separator: "、"))
        case .builtin(.poolShare, let args) where args.count > 3:
            return kw(.poolShare) + paren(args.prefix(2).map(expr).joined(separator: comma) + comma + args.dropFirst(2).map(expr).joined(separator: "、"))
        case .builtin(let b, let args):
            return kw(b.keyword) + paren(args.map(expr).joined(separator: comma))
        }
    }

    func comparison(_ op: ComparisonOperator) -> String {
        switch op {
        case .equal: "="
        case .notEqual: zh ? "≠" : "!="
        case .less: "<"
        case .lessEqual: zh ? "≤" : "<="
        case .greater: ">"
        case .greaterEqual: zh ? "≥" : ">="
        }
    }
}
