import Diagnostics
import Exact

/// Checks parsed rules without reading any data. For now: name resolution — unknown
/// sources, fields, enumeration values, tiers, tables and test columns, duplicate and unused
/// definitions, and pay lines that depend on themselves.
///
/// ```swift
/// let project = try RulesProject.load(directory: rulesURL)
/// let diagnostics = project.diagnostics + RulesChecker.check(project)
/// ```
public struct RulesChecker {
    let table: SymbolTable
    let sources: [String: SourceFile]
    var errors: [CheckError] = []
    var used: Set<String> = []
    var path = ""

    /// Where names in an expression are looked up.
    enum Scope {
        /// The records of a source (nil when the source is unknown: its names go unreported,
        /// the unknown source already was).
        case records(String?)
        case pay
        case tiers
    }

    /// Diagnostics for a project whose files parsed; files with syntax errors are checked as
    /// far as they were read.
    public static func check(_ project: RulesProject) -> [Diagnostic] {
        checkErrors(project).map { $0.diagnostic() }
    }

    public static func checkErrors(_ project: RulesProject) -> [CheckError] {
        var checker = RulesChecker(table: SymbolTable(files: project.files),
                                   sources: Dictionary(project.sources.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }))
        checker.checkDuplicates()
        for file in project.files {
            checker.path = file.path
            for d in file.declarations { checker.check(d) }
        }
        checker.checkCycles(project.files)
        checker.checkUnused(project.files)
        for file in project.testFiles {
            checker.path = file.path
            for case .test(let t) in file.declarations { checker.check(t) }
        }
        return checker.errors
    }

    // MARK: - Declarations

    mutating func check(_ d: Declaration) {
        switch d {
        case .source, .test:
            break
        case .item(let item):
            let scope = selectionScope(item.selection)
            for clause in item.clauses {
                switch clause {
                case .take(let s): if let f = s.filter { resolve(f, scope) }
                case .score(let s): resolve(s.amount, scope)
                case .cap(let c): resolve(c.amount, scope)
                case .floor(let f): if let a = f.amount { resolve(a, scope) }
                case .requires(let names, _):
                    if case .records(let source?) = scope {
                        for n in names where table.fields(of: source)?[n.name] == nil {
                            errors.append(.unknownName(path: path, n, context: .records(source: source),
                                                       suggestion: suggest(n.name, Array(table.fields(of: source)!.keys))))
                        }
                    }
                }
            }
        case .baseScore(let b):
            resolve(b.amount, .pay)
        case .veto(let v):
            let scope = v.selection.map { selectionScope($0) } ?? .records(SymbolTable.rosterName)
            if let c = v.condition { resolve(c, scope) }
            if let t = v.tier { checkTier(t) }
        case .tiers(let t):
            for r in t.rules {
                if let c = r.condition { resolve(c, .tiers) }
                if let q = r.quota {
                    resolve(q.share, .tiers)
                    if table.rosterFields[q.group.name] == nil { errors.append(.unknownGroupField(path: path, q.group)) }
                }
            }
            for k in t.ordering { resolve(k.key, .tiers) }
        case .parameter(let p):
            for v in p.values { resolve(v.value, .pay) }
        case .table(let t):
            var keyValues: [String]?
            if let key = t.key {
                if let f = table.rosterFields[key.name] {
                    keyValues = SymbolTable.enumerationValues(f)
                } else {
                    resolve(Expression(.name(key), key.span), .pay)
                }
            }
            for row in t.rows {
                if let k = row.key {
                    if case .name(let id) = k.kind, let values = keyValues {
                        if !values.contains(id.name) {
                            errors.append(.unknownEnumerationValue(path: path, id, field: t.key!.name, values: values))
                        }
                    } else {
                        resolve(k, .pay)
                    }
                }
                resolve(row.value, .pay)
            }
        case .brackets(let b):
            for row in b.rows {
                for e in [row.upTo, row.above, row.rate, row.quickDeduction].compactMap({ $0 }) { resolve(e, .pay) }
            }
        case .payLine(let p):
            resolve(p.formula, .pay)
            for c in p.clauses {
                switch c {
                case .round: break
                case .exempt(let e, _): resolve(e, .pay)
                case .floor(let f): if let a = f.amount { resolve(a, .pay) }
                }
            }
        }
    }

    mutating func selectionScope(_ s: Selection?) -> Scope {
        guard let s else { return .records(nil) }
        if table.isSource(s.source.name) { return .records(s.source.name) }
        errors.append(.unknownSource(path: path, s.source, suggestion: suggest(s.source.name, table.sourceNames)))
        return .records(nil)
    }

    mutating func checkTier(_ id: Identifier) {
        if !table.tiers.contains(id.name) {
            errors.append(.unknownTier(path: path, id, tiers: table.tiers))
        }
    }

    // MARK: - Expressions

    mutating func resolve(_ e: Expression, _ scope: Scope) {
        switch e.kind {
        case .number, .string, .date, .month, .boolean, .none, .score:
            break
        case .name(let id):
            resolveName(id, scope)
        case .parenthesized(let inner), .unary(_, let inner):
            resolve(inner, scope)
        case .binary(_, let l, let r):
            resolve(l, scope)
            resolve(r, scope)
        case .comparison(let first, let rest):
            let operands = [first] + rest.map(\.operand)
            var handled = Set<Int>()
            for i in 0..<(operands.count - 1) {
                for (a, b) in [(i, i + 1), (i + 1, i)] {
                    if let values = enumeration(of: operands[a], scope), case .name(let value) = operands[b].kind,
                       case .name(let field) = operands[a].kind, !handled.contains(b), !isKnown(value.name, scope) {
                        if !values.contains(value.name) {
                            errors.append(.unknownEnumerationValue(path: path, value, field: field.name, values: values))
                        }
                        handled.insert(b)
                    }
                }
            }
            for (i, o) in operands.enumerated() where !handled.contains(i) { resolve(o, scope) }
        case .membership(let x, let set):
            resolve(x, scope)
            if let values = enumeration(of: x, scope), case .name(let field) = x.kind {
                for element in set {
                    if case .name(let value) = element.kind, !isKnown(value.name, scope) {
                        if !values.contains(value.name) {
                            errors.append(.unknownEnumerationValue(path: path, value, field: field.name, values: values))
                        }
                    } else {
                        resolve(element, scope)
                    }
                }
            } else {
                for element in set { resolve(element, scope) }
            }
        case .conditional(let c, let a, let b):
            resolve(c, scope)
            resolve(a, scope)
            resolve(b, scope)
        case .aggregate(_, let argument, let from):
            var inner = scope
            if let from {
                inner = selectionScope(from)
                if let f = from.filter { resolve(f, inner) }
            }
            if let argument { resolve(argument, inner) }
        case .call(let id, let args):
            if table.tables[id.name] != nil || table.brackets.contains(id.name) {
                used.insert(id.name)
            } else {
                errors.append(.notATable(path: path, id, suggestion: suggest(id.name, Array(table.tables.keys) + Array(table.brackets))))
            }
            for a in args { resolve(a, scope) }
        case .builtin(let b, let args):
            // 本年累计（X）and 此前累计（X）total a pay line over the year.
            let argumentScope: Scope = b == .yearToDate || b == .priorToDate ? .pay : scope
            for a in args { resolve(a, argumentScope) }
        }
    }

    /// The enumeration values of a field named by `e` in this scope, if it is one.
    func enumeration(of e: Expression, _ scope: Scope) -> [String]? {
        guard case .name(let id) = e.kind else { return nil }
        switch scope {
        case .records(let source?):
            if let f = table.fields(of: source)?[id.name] { return SymbolTable.enumerationValues(f) }
            return SymbolTable.enumerationValues(table.rosterFields[id.name])
        case .records(nil):
            return nil
        case .pay, .tiers:
            return SymbolTable.enumerationValues(table.rosterFields[id.name])
        }
    }

    /// Whether a name means something other than an enumeration value in this scope.
    func isKnown(_ name: String, _ scope: Scope) -> Bool {
        candidates(scope).contains(name)
    }

    func candidates(_ scope: Scope) -> Set<String> {
        var names = Set(table.rosterFields.keys).union(table.parameters)
        switch scope {
        case .records(let source?):
            names.formUnion(table.fields(of: source)?.keys ?? [:].keys)
        case .records(nil):
            break
        case .pay:
            names.formUnion(table.payLines.keys)
            names.formUnion(table.items)
            names.formUnion(SymbolTable.batchNames)
        case .tiers:
            names.formUnion(table.items)
        }
        return names
    }

    mutating func resolveName(_ id: Identifier, _ scope: Scope) {
        if case .records(nil) = scope { return }
        let known = candidates(scope)
        if known.contains(id.name) {
            used.insert(id.name)
            return
        }
        // An enumeration value standing alone (若 满意度 = 满意 … is handled by the comparison).
        if allEnumerationValues(scope).contains(id.name) { return }
        let context: CheckError.NameContext =
            switch scope {
            case .records(let s): .records(source: s ?? "")
            case .pay: .pay
            case .tiers: .tiers
            }
        errors.append(.unknownName(path: path, id, context: context, suggestion: suggest(id.name, Array(known))))
    }

    func allEnumerationValues(_ scope: Scope) -> Set<String> {
        var fields = Array(table.rosterFields.values)
        if case .records(let source?) = scope, let own = table.fields(of: source) { fields += Array(own.values) }
        return Set(fields.compactMap { SymbolTable.enumerationValues($0) }.joined())
    }

    // MARK: - Whole-project checks

    /// Two declarations of one name whose periods in force overlap.
    mutating func checkDuplicates() {
        for group in [table.sourceEntries, table.entries] {
            var byName: [String: [SymbolTable.Entry]] = [:]
            for e in group { byName[e.name.name, default: []].append(e) }
            for e in group {
                let earlier = byName[e.name.name]!.prefix { !($0.path == e.path && $0.name.span == e.name.span) }
                if let first = earlier.first(where: { Self.overlap($0.attributes, e.attributes) }) {
                    let line = sources[first.path]?.lineAndColumn(of: first.name.span.start).line ?? 0
                    errors.append(.duplicateDefinition(path: e.path, e.name, firstPath: first.path, firstLine: line))
                }
            }
        }
    }

    static func overlap(_ a: Attributes, _ b: Attributes) -> Bool {
        let aStart = a.since?.date ?? CivilDate(daysSinceEpoch: Int32.min), aEnd = a.until?.date ?? CivilDate(daysSinceEpoch: Int32.max)
        let bStart = b.since?.date ?? CivilDate(daysSinceEpoch: Int32.min), bEnd = b.until?.date ?? CivilDate(daysSinceEpoch: Int32.max)
        return aStart <= bEnd && bStart <= aEnd
    }

    /// Pay lines and values whose formulas lead back to themselves. 此前累计 looks at earlier
    /// months only, so it is no dependency.
    mutating func checkCycles(_ files: [RuleFile]) {
        var edges: [String: [String]] = [:]
        var declared: [String: (String, Identifier)] = [:]
        for file in files {
            for case .payLine(let p) in file.declarations {
                var refs: [String] = []
                Self.collectNames(p.formula, into: &refs)
                for c in p.clauses {
                    if case .exempt(let e, _) = c { Self.collectNames(e, into: &refs) }
                    if case .floor(let f) = c, let a = f.amount { Self.collectNames(a, into: &refs) }
                }
                edges[p.name.name, default: []] += refs.filter { table.payLines[$0] != nil }
                if declared[p.name.name] == nil { declared[p.name.name] = (file.path, p.name) }
            }
        }
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        var reported: Set<String> = []
        func visit(_ n: String, _ errors: inout [CheckError]) {
            state[n] = 1
            stack.append(n)
            for m in edges[n] ?? [] {
                if state[m] == 1 {
                    let cycle = Array(stack[stack.firstIndex(of: m)!...]) + [m]
                    if reported.isDisjoint(with: cycle), let (p, id) = declared[m] {
                        errors.append(.cyclicDefinition(path: p, id, cycle: cycle))
                        reported.formUnion(cycle)
                    }
                } else if state[m] == nil {
                    visit(m, &errors)
                }
            }
            stack.removeLast()
            state[n] = 2
        }
        for n in edges.keys.sorted() where state[n] == nil { visit(n, &errors) }
    }

    static func collectNames(_ e: Expression, into out: inout [String]) {
        switch e.kind {
        case .name(let id): out.append(id.name)
        case .parenthesized(let x), .unary(_, let x): collectNames(x, into: &out)
        case .binary(_, let l, let r):
            collectNames(l, into: &out)
            collectNames(r, into: &out)
        case .comparison(let f, let rest):
            collectNames(f, into: &out)
            for r in rest { collectNames(r.operand, into: &out) }
        case .membership(let x, let set):
            collectNames(x, into: &out)
            for s in set { collectNames(s, into: &out) }
        case .conditional(let a, let b, let c):
            for x in [a, b, c] { collectNames(x, into: &out) }
        case .aggregate(_, let arg, _): if let arg { collectNames(arg, into: &out) }
        case .call(_, let args): for a in args { collectNames(a, into: &out) }
        case .builtin(.priorToDate, _): break
        case .builtin(_, let args): for a in args { collectNames(a, into: &out) }
        default: break
        }
    }

    /// Parameters, tables and values that nothing refers to.
    mutating func checkUnused(_ files: [RuleFile]) {
        for file in files {
            for d in file.declarations {
                let kind: (String, String)?
                switch d {
                case .parameter: kind = ("参数", "parameter")
                case .table: kind = ("对照表", "table")
                case .brackets: kind = ("累进表", "bracket table")
                case .payLine(let p) where p.kind == .value: kind = ("计算项", "value")
                default: kind = nil
                }
                if let kind, let name = d.name, !used.contains(name.name) {
                    errors.append(.unusedDefinition(path: file.path, name, kind: kind.0))
                }
            }
        }
    }

    // MARK: - Tests

    mutating func check(_ t: TestCaseDeclaration) {
        for clause in t.clauses {
            switch clause {
            case .month: break
            case .parameter(let p):
                if !table.parameters.contains(p.name.name) {
                    errors.append(.unknownName(path: path, p.name, context: .parameter, suggestion: suggest(p.name.name, Array(table.parameters))))
                }
                for v in p.values { resolve(v.value, .pay) }
            case .records(let r):
                guard let fields = table.fields(of: r.source.name) else {
                    errors.append(.unknownSource(path: path, r.source, suggestion: suggest(r.source.name, table.sourceNames)))
                    continue
                }
                let names = r.source.name == SymbolTable.rosterName
                    ? SymbolTable.rosterCore + fields.keys.filter { !SymbolTable.rosterCore.contains($0) }.sorted()
                    : table.sources[r.source.name]!.fields.map(\.name.name)
                for cell in r.header where fields[cell.text] == nil {
                    errors.append(.unknownColumn(path: path, cell, source: r.source.name, fields: names))
                }
            case .expect(let e):
                for check in e.checks {
                    switch check.target {
                    case .score: break
                    case .tier:
                        if case .name(let id) = check.value.kind { checkTier(id) }
                    case .name(let id):
                        if !table.items.contains(id.name) && table.payLines[id.name] == nil {
                            errors.append(.unknownName(path: path, id, context: .expectation,
                                                       suggestion: suggest(id.name, Array(table.items) + Array(table.payLines.keys))))
                        }
                    }
                }
            }
        }
    }

    // MARK: - Suggestions

    /// The closest known name, if it is close enough to be a slip of the keyboard.
    func suggest(_ name: String, _ candidates: [String]) -> String? {
        let a = Array(name)
        var best: (String, Int)?
        for c in candidates.sorted() {
            let d = Self.editDistance(a, Array(c))
            if d <= max(1, a.count / 2), best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
