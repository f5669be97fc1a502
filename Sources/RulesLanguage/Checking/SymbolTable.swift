import Diagnostics

/// Every name the rules declare, by kind, gathered from all the files of a project before
/// any name is resolved (so a declaration may use one written later or in another file).
struct SymbolTable {
    /// A declaration with the file it came from.
    struct Entry {
        var path: String
        var name: Identifier
        var attributes: Attributes
        var kind: String
    }

    var sources: [String: SourceDeclaration] = [:]
    var sourceEntries: [Entry] = []
    /// The roster's fields: the fixed core, refined by a `数据源 花名册` in the rules.
    var rosterFields: [String: FieldDeclaration?] = [:]
    var items: Set<String> = []
    var vetoes: Set<String> = []
    var parameters: Set<String> = []
    var tables: [String: LookupTableDeclaration] = [:]
    var brackets: Set<String> = []
    var payLines: [String: PayLineDeclaration] = [:]
    var tiers: [String] = []
    /// Items, vetoes, parameters, tables and pay lines share one namespace.
    var entries: [Entry] = []

    static let rosterName = "花名册"

    /// The roster's core fields, known to the language whether or not the rules declare them.
    /// Mirrors the records model's fixed roster schema (issue 2).
    static let rosterCore = ["工号", "姓名", "身份证号", "社区", "网格", "岗位", "岗位等级", "入职日期", "离职日期", "银行账号", "开户行", "手机", "专项附加扣除"]

    /// Names the batch supplies to pay formulas.
    static let batchNames = ["本年任职月数"]

    init(files: [RuleFile]) {
        for name in Self.rosterCore { rosterFields[name] = .some(nil) }
        for file in files {
            for d in file.declarations {
                let kind: String
                switch d {
                case .source(let s):
                    sources[s.name.name] = s
                    sourceEntries.append(Entry(path: file.path, name: s.name, attributes: s.attributes, kind: "数据源"))
                    if s.name.name == Self.rosterName {
                        for f in s.fields { rosterFields[f.name.name] = f }
                    }
                    continue
                case .item(let i):
                    items.insert(i.name.name)
                    kind = "积分项"
                case .veto(let v):
                    vetoes.insert(v.name.name)
                    kind = "一票否决"
                case .parameter(let p):
                    parameters.insert(p.name.name)
                    kind = "参数"
                case .table(let t):
                    tables[t.name.name] = t
                    kind = "对照表"
                case .brackets(let b):
                    brackets.insert(b.name.name)
                    kind = "累进表"
                case .payLine(let p):
                    payLines[p.name.name] = p
                    kind = "工资项"
                case .tiers(let t):
                    for r in t.rules where !tiers.contains(r.tier.name) { tiers.append(r.tier.name) }
                    continue
                case .baseScore, .test:
                    continue
                }
                entries.append(Entry(path: file.path, name: d.name!, attributes: d.attributes, kind: kind))
            }
        }
    }

    /// The fields of a source by name; the roster's include its core.
    func fields(of source: String) -> [String: FieldDeclaration?]? {
        if source == Self.rosterName { return rosterFields }
        guard let s = sources[source] else { return nil }
        var out: [String: FieldDeclaration?] = [:]
        for f in s.fields { out[f.name.name] = f }
        return out
    }

    func isSource(_ name: String) -> Bool { name == Self.rosterName || sources[name] != nil }

    var sourceNames: [String] { [Self.rosterName] + sources.keys.sorted() }

    /// The values of an enumeration field, or nil when the field is no enumeration.
    static func enumerationValues(_ field: FieldDeclaration??) -> [String]? {
        guard case .some(.some(let f)) = field, case .enumeration(let values) = f.type.kind else { return nil }
        return values.map(\.name)
    }
}
