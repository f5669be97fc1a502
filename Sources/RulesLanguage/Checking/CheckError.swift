import Diagnostics

/// A problem the checker finds in rules that parse, held as data; `diagnostic()` words it.
/// Codes R0101–R0199 are name resolution; later checks (types, units, tiers, brackets) take
/// R02xx and up.
public enum CheckError: Sendable, Hashable {
    /// R0101: `取 X` or `来自 X` or `记录 X` names no source.
    case unknownSource(path: String, Identifier, suggestion: String?)
    /// R0102: a name that is no field, parameter, table, item or pay line here.
    case unknownName(path: String, Identifier, context: NameContext, suggestion: String?)
    /// R0103: a value an enumeration field does not have (`班次 = 夜半`).
    case unknownEnumerationValue(path: String, Identifier, field: String, values: [String])
    /// R0104: a tier that 等次评定 does not define.
    case unknownTier(path: String, Identifier, tiers: [String])
    /// R0105: `X（…）` where X is no lookup or bracket table.
    case notATable(path: String, Identifier, suggestion: String?)
    /// R0106: `名额 … 按 X` where X is no roster field.
    case unknownGroupField(path: String, Identifier)
    /// R0107: the same name declared twice with overlapping periods in force.
    case duplicateDefinition(path: String, Identifier, firstPath: String, firstLine: Int)
    /// R0108 (warning): a parameter, table or value that nothing uses.
    case unusedDefinition(path: String, Identifier, kind: String)
    /// R0109: a column in a test's records that the source does not have.
    case unknownColumn(path: String, Cell, source: String, fields: [String])
    /// R0110: pay lines or values that depend on themselves.
    case cyclicDefinition(path: String, Identifier, cycle: [String])

    /// Where a name was looked up, for the wording of R0102.
    public enum NameContext: Sendable, Hashable {
        /// Among the fields of a source (and the roster and the parameters).
        case records(source: String)
        /// Among items, pay lines, parameters and roster fields.
        case pay
        /// Among items and roster fields (tier conditions and ordering).
        case tiers
        /// Among the items and pay lines a test may expect.
        case expectation
        /// Among the parameters a test may set.
        case parameter
    }

    public var code: String {
        switch self {
        case .unknownSource: "R0101"
        case .unknownName: "R0102"
        case .unknownEnumerationValue: "R0103"
        case .unknownTier: "R0104"
        case .notATable: "R0105"
        case .unknownGroupField: "R0106"
        case .duplicateDefinition: "R0107"
        case .unusedDefinition: "R0108"
        case .unknownColumn: "R0109"
        case .cyclicDefinition: "R0110"
        }
    }

    var location: (String, Span) {
        switch self {
        case .unknownSource(let p, let id, _), .unknownName(let p, let id, _, _), .unknownEnumerationValue(let p, let id, _, _),
            .unknownTier(let p, let id, _), .notATable(let p, let id, _), .unknownGroupField(let p, let id),
            .duplicateDefinition(let p, let id, _, _), .unusedDefinition(let p, let id, _), .cyclicDefinition(let p, let id, _):
            (p, id.span)
        case .unknownColumn(let p, let cell, _, _): (p, cell.span)
        }
    }

    /// The diagnostic a clerk reads, in Chinese with its English form.
    public func diagnostic() -> Diagnostic {
        func L(_ zh: String, _ en: String) -> Localized { Localized(zh: zh, en: en) }
        func didYouMean(_ s: String?) -> (String, String) {
            guard let s else { return ("", "") }
            return ("你是不是想写“\(s)”？", "Did you mean '\(s)'? ")
        }
        func list(_ names: [String], _ limit: Int = 12) -> String {
            names.count <= limit ? names.joined(separator: "、") : names.prefix(limit).joined(separator: "、") + "……"
        }
        let (path, span) = location
        let severity: Severity
        let summary: Localized, label: Localized, help: Localized
        var notes: [Localized] = []
        switch self {
        case .unknownSource(_, let id, let suggestion):
            let (zh, en) = didYouMean(suggestion)
            severity = .error
            summary = L("没有名为“\(id.name)”的数据源", "no source named '\(id.name)'")
            label = L("未定义的数据源", "unknown source")
            help = L("\(zh)数据源要先用“数据源 \(id.name) { … }”定义。", "\(en)Declare it first with 'source \(id.name) { … }'.")
        case .unknownName(_, let id, let context, let suggestion):
            let (zh, en) = didYouMean(suggestion)
            severity = .error
            let whereZh: String, whereEn: String
            switch context {
            case .records(let source):
                whereZh = "“\(source)”的字段、花名册字段和参数里"
                whereEn = "the fields of '\(source)', the roster's fields and the parameters"
            case .pay:
                whereZh = "工资项、计算项、积分项、参数和花名册字段里"
                whereEn = "the pay lines, values, items, parameters and roster fields"
            case .tiers:
                whereZh = "积分项和花名册字段里"
                whereEn = "the items and the roster's fields"
            case .expectation:
                whereZh = "积分项、扣分项和工资项里"
                whereEn = "the items and pay lines"
            case .parameter:
                whereZh = "参数里"
                whereEn = "the parameters"
            }
            summary = L("找不到“\(id.name)”", "cannot find '\(id.name)'")
            label = L("未定义的名称", "unknown name")
            help = L("\(zh)在\(whereZh)都没有“\(id.name)”；请检查拼写，或先定义它。",
                     "\(en)'\(id.name)' is none of \(whereEn); check the spelling or declare it.")
        case .unknownEnumerationValue(_, let id, let field, let values):
            severity = .error
            summary = L("“\(field)”没有“\(id.name)”这个取值", "'\(field)' has no value '\(id.name)'")
            label = L("不是“\(field)”的取值", "not a value of '\(field)'")
            help = L("“\(field)”只能是 \(list(values)) 之一。", "'\(field)' is one of: \(values.joined(separator: ", ")).")
        case .unknownTier(_, let id, let tiers):
            severity = .error
            summary = L("没有名为“\(id.name)”的等次", "no tier named '\(id.name)'")
            label = L("未定义的等次", "unknown tier")
            help = tiers.isEmpty
                ? L("先在“等次评定 { … }”里定义等次。", "Define the tiers first in 'tiers { … }'.")
                : L("等次只能是 \(list(tiers)) 之一。", "The tiers are: \(tiers.joined(separator: ", ")).")
        case .notATable(_, let id, let suggestion):
            let (zh, en) = didYouMean(suggestion)
            severity = .error
            summary = L("“\(id.name)”不是对照表或累进表", "'\(id.name)' is not a table")
            label = L("不能查表", "cannot be looked up")
            help = L("\(zh)“名称（…）”用来查对照表或累进表；请先用“对照表 \(id.name) { … }”定义。",
                     "\(en)'name(…)' looks up a table; declare it with 'table \(id.name) { … }'.")
        case .unknownGroupField(_, let id):
            severity = .error
            summary = L("名额不能按“\(id.name)”分组", "cannot group a quota by '\(id.name)'")
            label = L("不是花名册的字段", "not a roster field")
            help = L("名额按花名册的字段分组，例如“名额 20% 按 社区”。", "Group a quota by a roster field, e.g. 'quota 20% by 社区'.")
        case .duplicateDefinition(_, let id, let firstPath, let firstLine):
            severity = .error
            summary = L("“\(id.name)”定义了两次", "'\(id.name)' is declared twice")
            label = L("重复的定义", "second declaration")
            notes = [L("第一次定义在 \(firstPath) 第 \(firstLine) 行", "first declared at \(firstPath):\(firstLine)")]
            help = L("改用另一个名称；如果是新版本，在两处的括号里写明生效期，例如“至 2020-12-31”和“自 2021-01-01 起”，使它们不重叠。",
                     "Rename one, or give both periods in force that do not overlap ('until 2020-12-31', 'since 2021-01-01').")
        case .unusedDefinition(_, let id, let kind):
            severity = .warning
            summary = L("\(kind)“\(id.name)”没有被使用", "\(kind) '\(id.name)' is never used")
            label = L("没有用到", "unused")
            help = L("如果不再需要就删掉它；否则检查使用它的地方是否写错了名称。", "Delete it if it is not needed, or check where it should be used for a misspelt name.")
        case .unknownColumn(_, let cell, let source, let fields):
            severity = .error
            summary = L("“\(source)”没有“\(cell.text)”这一列", "'\(source)' has no column '\(cell.text)'")
            label = L("未定义的列", "unknown column")
            help = L("列名应为 \(list(fields)) 之一。", "The columns are: \(fields.joined(separator: ", ")).")
        case .cyclicDefinition(_, let id, let cycle):
            severity = .error
            summary = L("“\(id.name)”的计算依赖它自己", "'\(id.name)' depends on itself")
            label = L("循环定义", "cyclic definition")
            help = L("计算顺序是 \(cycle.joined(separator: " → "))，绕回了起点；请改写其中一项，使它不依赖后面的项。",
                     "The definitions go \(cycle.joined(separator: " → ")) and back; rewrite one so that it does not depend on the others.")
        }
        return Diagnostic(severity, code: code, at: .source(path: path, span: span), summary: summary, label: label, notes: notes, help: help)
    }
}
