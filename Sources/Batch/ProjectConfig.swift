import Diagnostics
import Exact
import Foundation
import Reports
import Results

/// `jifen.json`: where things are and the county's report settings. Every key is read here
/// and documented in docs/configuration.md.
///
/// Every key is optional; a missing key takes its default. An unknown key (at any level),
/// a key given twice, a value of the wrong type or an invalid value is an *error* (C0001–C0005): a misspelt
/// `noticeIdentifier` or `bankColumns` silently ignored would change the bank file or what the
/// public notice shows, so the commands refuse to run rather than guess.
///
/// ```swift
/// let loaded = ProjectConfig.load(path: "jifen.json")
/// if loaded.diagnostics.hasErrors { /* render with loaded.source, stop */ }
/// let settings = loaded.config.reports ?? ReportSettings()
/// ```
public struct ProjectConfig: Sendable, Hashable {
    /// Data root; month folders such as `samples/2020-12` are under it.
    public var data: String?
    /// The rules folder.
    public var rules: String?
    /// The SQLite store file.
    public var store: String?
    /// The reports folder.
    public var out: String?
    /// Working days the 公示 (and so the objection period) lasts.
    public var noticeWorkingDays: Int?
    /// The report settings; nil when `reports` is absent.
    public var reports: ReportSettings?
    /// `reports.tierOrder` as written, when it is, with where each name is: checked against
    /// the rules' tiers once a batch has read the rules (`ConfiguredTierOrder.check`, C0007).
    public var tierOrder: ConfiguredTierOrder?

    public init(data: String? = nil, rules: String? = nil, store: String? = nil, out: String? = nil,
                noticeWorkingDays: Int? = nil, reports: ReportSettings? = nil) {
        self.data = data
        self.rules = rules
        self.store = store
        self.out = out
        self.noticeWorkingDays = noticeWorkingDays
        self.reports = reports
    }

    /// The keys of the top level and of `reports`, `reports.bankColumns[]`, `reports.noticePeriod`,
    /// `reports.banks[]`, `reports.taxColumns[]`.
    public static let topKeys = ["data", "rules", "store", "out", "noticeWorkingDays", "reports"]
    public static let reportKeys = [
        "county", "bureau", "bankColumns", "bankRemark", "noticeShowsPerformancePay", "performancePayLine",
        "noticeIdentifier", "noticePeriod", "objectionContact", "tierOrder", "temporaryDirectory", "writesInParallel",
        "noticeWorkingDays", "banks", "taxColumns", "taxIDType", "bonusTaxColumns",
    ]
    public static let bankColumnKeys = ["field", "header"]
    public static let bankFileKeys = ["name", "match", "columns", "remark"]
    public static let taxColumnKeys = ["field", "header"]
    public static let noticePeriodKeys = ["from", "to"]

    /// The outcome of reading a config file: the config (defaults where it had errors), the
    /// problems found, and the file for rendering them with its lines.
    public struct Loaded: Sendable {
        public var config: ProjectConfig
        public var diagnostics: [Diagnostic]
        public var source: SourceFile?
    }

    /// Reads `path`; a file that does not exist is an empty config (all defaults).
    public static func load(path: String) -> Loaded {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            return Loaded(config: ProjectConfig(), diagnostics: [], source: nil)
        }
        return parse(path: path, bytes: Array(bytes))
    }

    public static func parse(path: String, text: String) -> Loaded { parse(path: path, bytes: Array(text.utf8)) }

    public static func parse(path: String, bytes: [UInt8]) -> Loaded {
        let source = SourceFile(path: path, bytes: bytes)
        var reader = ConfigReader(path: path)
        var parser = JSONSpanParser(bytes: bytes)
        let root: JSONSpanValue
        do {
            root = try parser.parseDocument()
        } catch {
            let d = Diagnostic(
                .error, code: "C0001", at: .source(path: path, span: Span(start: error.offset, end: min(error.offset + 1, bytes.count))),
                summary: Localized(zh: "配置文件不是有效的 JSON：\(error.zh)", en: "the config file is not valid JSON: \(error.en)"),
                help: Localized(zh: "检查这一处附近的引号、逗号和括号；见 docs/configuration.md。",
                                en: "Check the quotes, commas and brackets near here; see docs/configuration.md."))
            return Loaded(config: ProjectConfig(), diagnostics: [d], source: source)
        }
        let config = reader.top(root)
        return Loaded(config: config, diagnostics: reader.diagnostics, source: source)
    }
}

/// Suggestions by edit distance: the candidates closest to a misspelt name.
public enum DidYouMean {
    /// The candidates at the smallest Levenshtein distance (case-insensitive) from `name`,
    /// if that distance is small for the name's length: at most 2, or a third of its length when that is more.
    public static func suggestions(for name: String, among candidates: [String]) -> [String] {
        let n = Array(name.lowercased())
        let limit = max(2, n.count / 3)
        var best = Int.max, found: [String] = []
        for c in candidates {
            let d = distance(n, Array(c.lowercased()))
            if d > limit { continue }
            if d < best { best = d; found = [c] } else if d == best { found.append(c) }
        }
        return found
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count), current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Turns the parsed JSON into the typed config, collecting diagnostics.
private struct ConfigReader {
    let path: String
    var diagnostics: [Diagnostic] = []

    init(path: String) { self.path = path }

    mutating func top(_ v: JSONSpanValue) -> ProjectConfig {
        var c = ProjectConfig()
        guard let members = object(v, at: "jifen.json") else { return c }
        for m in members {
            switch m.key {
            case "data": c.data = string(m.value, at: m.key)
            case "rules": c.rules = string(m.value, at: m.key)
            case "store": c.store = string(m.value, at: m.key)
            case "out": c.out = string(m.value, at: m.key)
            case "noticeWorkingDays": c.noticeWorkingDays = workingDays(m.value, at: m.key)
            case "reports": (c.reports, c.tierOrder) = reports(m.value)
            default: unknown(m, among: ProjectConfig.topKeys, in: nil)
            }
        }
        return c
    }

    mutating func reports(_ v: JSONSpanValue) -> (ReportSettings?, ConfiguredTierOrder?) {
        guard let members = object(v, at: "reports") else { return (nil, nil) }
        var s = ReportSettings()
        var origin: ConfiguredTierOrder?
        for m in members {
            let at = "reports.\(m.key)"
            switch m.key {
            case "county": if let x = string(m.value, at: at) { s.county = x }
            case "bureau": if let x = string(m.value, at: at) { s.bureau = x }
            case "bankRemark": if let x = string(m.value, at: at) { s.bankRemark = x }
            case "performancePayLine": if let x = string(m.value, at: at) { s.performancePayLine = x }
            case "objectionContact": if let x = string(m.value, at: at) { s.objectionContact = x }
            case "temporaryDirectory": s.temporaryDirectory = string(m.value, at: at)
            case "noticeShowsPerformancePay": if let x = bool(m.value, at: at) { s.noticeShowsPerformancePay = x }
            case "writesInParallel": if let x = bool(m.value, at: at) { s.writesInParallel = x }
            case "noticeWorkingDays": if let x = workingDays(m.value, at: at) { s.noticeWorkingDays = x }
            case "noticeIdentifier":
                if let x = string(m.value, at: at) {
                    if let id = NoticeIdentifier(rawValue: x) { s.noticeIdentifier = id } else {
                        badValue(m.value, at: at, found: x, allowed: ["none", "maskedIDNumber", "cadreID"])
                    }
                }
            case "tierOrder":
                if let items = array(m.value, at: at) {
                    var seen: Set<String> = []
                    let tiers = items.enumerated().compactMap { (k, item) -> String? in
                        guard let t = string(item, at: "\(at)[\(k)]") else { return nil }
                        if !seen.insert(t).inserted {
                            badValue(item, at: "\(at)[\(k)]", found: t, allowed: [],
                                     expected: Localized(zh: "前面没有写过的等次（每个等次只写一次）", en: "a tier not listed before (each tier once)"))
                            return nil
                        }
                        return t
                    }
                    if items.isEmpty {
                        badValue(m.value, at: at, found: "[]", allowed: [],
                                 expected: Localized(zh: "规则的全部等次，从好到差（或删去 tierOrder，按规则的顺序）",
                                                     en: "every tier of the rules, best first (or leave tierOrder out for the rules' order)"))
                    } else if tiers.count == items.count {
                        s.tierOrder = tiers
                        origin = ConfiguredTierOrder(names: tiers, path: path, span: m.value.span, nameSpans: items.map(\.span))
                    }
                }
            case "bankColumns":
                if let items = array(m.value, at: at) {
                    let columns = items.enumerated().compactMap { bankColumn($0.element, at: "\(at)[\($0.offset)]") }
                    if columns.count == items.count { s.bankColumns = columns }
                }
            case "noticePeriod": s.noticePeriod = noticePeriod(m.value, at: at)
            case "taxIDType": if let x = string(m.value, at: at) { s.taxIDType = x }
            case "taxColumns":
                if let items = array(m.value, at: at) {
                    let columns = items.enumerated().compactMap { taxColumn($0.element, at: "\(at)[\($0.offset)]") }
                    if columns.count == items.count { s.taxColumns = columns }
                }
            case "bonusTaxColumns":
                if let items = array(m.value, at: at) {
                    let columns = items.enumerated().compactMap { bonusTaxColumn($0.element, at: "\(at)[\($0.offset)]") }
                    if columns.count == items.count { s.bonusTaxColumns = columns }
                }
            case "banks":
                if let items = array(m.value, at: at) {
                    var names: Set<String> = []
                    let banks = items.enumerated().compactMap { (k, item) -> BankFile? in
                        guard let b = bankFile(item, at: "\(at)[\(k)]") else { return nil }
                        if !names.insert(b.name).inserted {
                            badValue(item, at: "\(at)[\(k)].name", found: b.name, allowed: [],
                                     expected: Localized(zh: "与其他银行不同的名称", en: "a name no other bank has"))
                            return nil
                        }
                        return b
                    }
                    if items.isEmpty {
                        badValue(m.value, at: at, found: "[]", allowed: [], expected: Localized(zh: "至少一家银行（或删去 banks，只出一个银行代发文件）", en: "at least one bank (or leave banks out for one bank file)"))
                    } else if banks.count == items.count {
                        s.banks = banks
                    }
                }
            default: unknown(m, among: ProjectConfig.reportKeys, in: "reports")
            }
        }
        return (s, origin)
    }

    mutating func bankColumn(_ v: JSONSpanValue, at: String) -> BankColumn? {
        guard let members = object(v, at: at) else { return nil }
        var field: BankColumn.Field?, header: String?, ok = true
        for m in members {
            switch m.key {
            case "field":
                guard let x = string(m.value, at: "\(at).field") else { ok = false; continue }
                field = BankColumn.Field(rawValue: x)
                if field == nil { badValue(m.value, at: "\(at).field", found: x, allowed: BankColumn.Field.allCases.map(\.rawValue)); ok = false }
            case "header":
                header = string(m.value, at: "\(at).header")
                if header == nil { ok = false }
            default: unknown(m, among: ProjectConfig.bankColumnKeys, in: at); ok = false
            }
        }
        guard ok else { return nil }
        guard let field else {
            diagnostics.append(Diagnostic(
                .error, code: "C0004", at: .source(path: path, span: v.span),
                summary: Localized(zh: "“\(at)”缺少“field”", en: "'\(at)' has no 'field'"),
                help: Localized(zh: "每一列写明 field（account、accountName、amount、idNumber、remark、cadreID 之一），header 可省略。",
                                en: "Give each column a field (one of account, accountName, amount, idNumber, remark, cadreID); header is optional.")))
            return nil
        }
        return BankColumn(field, header: header)
    }

    mutating func taxColumn(_ v: JSONSpanValue, at: String) -> TaxColumn? {
        guard let members = object(v, at: at) else { return nil }
        var field: TaxFilingColumn?, header: String?, ok = true
        for m in members {
            switch m.key {
            case "field":
                guard let x = string(m.value, at: "\(at).field") else { ok = false; continue }
                field = TaxFilingColumn(rawValue: x)
                if field == nil { badValue(m.value, at: "\(at).field", found: x, allowed: TaxFilingColumn.allCases.map(\.rawValue)); ok = false }
            case "header":
                header = string(m.value, at: "\(at).header")
                if header == nil { ok = false }
            default: unknown(m, among: ProjectConfig.taxColumnKeys, in: at); ok = false
            }
        }
        guard ok else { return nil }
        guard let field else {
            diagnostics.append(Diagnostic(
                .error, code: "C0004", at: .source(path: path, span: v.span),
                summary: Localized(zh: "“\(at)”缺少“field”", en: "'\(at)' has no 'field'"),
                help: Localized(zh: "每一列写明 field（如 cadreID、name、idType、idNumber、income、pension，见 docs/configuration.md），header 可省略。",
                                en: "Give each column a field (such as cadreID, name, idType, idNumber, income, pension; see docs/configuration.md); header is optional.")))
            return nil
        }
        return TaxColumn(field, header: header)
    }

    /// A `bonusTaxColumns` entry: as a `taxColumns` one, with the ten columns of 全年一次性奖金收入.
    mutating func bonusTaxColumn(_ v: JSONSpanValue, at: String) -> BonusTaxColumn? {
        guard let members = object(v, at: at) else { return nil }
        var field: BonusTaxFilingColumn?, header: String?, ok = true
        for m in members {
            switch m.key {
            case "field":
                guard let x = string(m.value, at: "\(at).field") else { ok = false; continue }
                field = BonusTaxFilingColumn(rawValue: x)
                if field == nil { badValue(m.value, at: "\(at).field", found: x, allowed: BonusTaxFilingColumn.allCases.map(\.rawValue)); ok = false }
            case "header":
                header = string(m.value, at: "\(at).header")
                if header == nil { ok = false }
            default: unknown(m, among: ProjectConfig.taxColumnKeys, in: at); ok = false
            }
        }
        guard ok else { return nil }
        guard let field else {
            diagnostics.append(Diagnostic(
                .error, code: "C0004", at: .source(path: path, span: v.span),
                summary: Localized(zh: "“\(at)”缺少“field”", en: "'\(at)' has no 'field'"),
                help: Localized(zh: "每一列写明 field（cadreID、name、idType、idNumber、bonus、taxFreeIncome、other、donation、taxRelief、remark 之一），header 可省略。",
                                en: "Give each column a field (one of cadreID, name, idType, idNumber, bonus, taxFreeIncome, other, donation, taxRelief, remark); header is optional.")))
            return nil
        }
        return BonusTaxColumn(field, header: header)
    }

    mutating func bankFile(_ v: JSONSpanValue, at: String) -> BankFile? {
        guard let members = object(v, at: at) else { return nil }
        var name: String?, match: [String] = [], columns: [BankColumn]?, remark: String?, ok = true
        for m in members {
            let here = "\(at).\(m.key)"
            switch m.key {
            case "name":
                guard let x = string(m.value, at: here) else { ok = false; continue }
                if x.isEmpty || x.contains("/") || x.contains("\\") {
                    badValue(m.value, at: here, found: x, allowed: [], expected: Localized(zh: "不含 / 和 \\ 的银行简称，如“农商行”", en: "a short bank name without / or \\, such as 农商行"))
                    ok = false
                } else {
                    name = x
                }
            case "match":
                guard let items = array(m.value, at: here) else { ok = false; continue }
                let texts = items.enumerated().compactMap { string($0.element, at: "\(here)[\($0.offset)]") }
                if texts.count != items.count { ok = false } else { match = texts.filter { !$0.isEmpty } }
            case "columns":
                guard let items = array(m.value, at: here) else { ok = false; continue }
                let cols = items.enumerated().compactMap { bankColumn($0.element, at: "\(here)[\($0.offset)]") }
                if cols.count != items.count { ok = false } else { columns = cols }
            case "remark":
                remark = string(m.value, at: here)
                if remark == nil { ok = false }
            default: unknown(m, among: ProjectConfig.bankFileKeys, in: at); ok = false
            }
        }
        guard ok else { return nil }
        guard let name else {
            diagnostics.append(Diagnostic(
                .error, code: "C0004", at: .source(path: path, span: v.span),
                summary: Localized(zh: "“\(at)”缺少“name”", en: "'\(at)' has no 'name'"),
                help: Localized(zh: "每家银行写明 name（文件名为 银行代发-<name>.xlsx）和 match（开户行中含有的文字）。",
                                en: "Give each bank a name (the file is 银行代发-<name>.xlsx) and a match (text found in the roster's 开户行).")))
            return nil
        }
        return BankFile(name: name, match: match, columns: columns, remark: remark)
    }

    mutating func noticePeriod(_ v: JSONSpanValue, at: String) -> NoticePeriod? {
        guard let members = object(v, at: at) else { return nil }
        var from: CivilDate?, to: CivilDate?
        for m in members {
            switch m.key {
            case "from": from = date(m.value, at: "\(at).from")
            case "to": to = date(m.value, at: "\(at).to")
            default: unknown(m, among: ProjectConfig.noticePeriodKeys, in: at)
            }
        }
        guard let from, let to else {
            if !diagnostics.hasErrors {
                diagnostics.append(Diagnostic(
                    .error, code: "C0004", at: .source(path: path, span: v.span),
                    summary: Localized(zh: "“\(at)”要同时写 from 和 to", en: "'\(at)' needs both from and to"),
                    help: Localized(zh: "例如 {\"from\": \"2021-01-04\", \"to\": \"2021-01-08\"}。", en: "For example {\"from\": \"2021-01-04\", \"to\": \"2021-01-08\"}.")))
            }
            return nil
        }
        return NoticePeriod(from: from, to: to)
    }

    // MARK: Values

    mutating func object(_ v: JSONSpanValue, at: String) -> [JSONSpanValue.Member]? {
        if case .object(let m) = v.kind {
            var seen: Set<String> = []
            for member in m where !seen.insert(member.key).inserted {
                diagnostics.append(Diagnostic(
                    .error, code: "C0005", at: .source(path: path, span: member.keySpan),
                    summary: Localized(zh: "配置项“\(member.key)”写了两次", en: "the key '\(member.key)' is given twice"),
                    label: Localized(zh: "重复", en: "again"),
                    help: Localized(zh: "删去其中一个，只留要用的值。", en: "Delete one of them, keeping the value meant.")))
            }
            return m
        }
        wrongType(v, at: at, expected: Localized(zh: "对象 { … }", en: "an object { … }"))
        return nil
    }

    mutating func array(_ v: JSONSpanValue, at: String) -> [JSONSpanValue]? {
        if case .array(let a) = v.kind { return a }
        wrongType(v, at: at, expected: Localized(zh: "数组 [ … ]", en: "an array [ … ]"))
        return nil
    }

    mutating func string(_ v: JSONSpanValue, at: String) -> String? {
        if case .string(let s) = v.kind { return s }
        wrongType(v, at: at, expected: Localized(zh: "文字（加引号）", en: "a string (in quotes)"))
        return nil
    }

    mutating func bool(_ v: JSONSpanValue, at: String) -> Bool? {
        if case .bool(let b) = v.kind { return b }
        wrongType(v, at: at, expected: Localized(zh: "true 或 false（不加引号）", en: "true or false (no quotes)"))
        return nil
    }

    mutating func workingDays(_ v: JSONSpanValue, at: String) -> Int? {
        guard case .number(let text) = v.kind, let n = Int(text) else {
            wrongType(v, at: at, expected: Localized(zh: "整数（不加引号）", en: "a whole number (no quotes)"))
            return nil
        }
        guard (1...60).contains(n) else {
            diagnostics.append(Diagnostic(
                .error, code: "C0004", at: .source(path: path, span: v.span),
                summary: Localized(zh: "“\(at)”的值 \(n) 超出范围", en: "'\(at)' is \(n), out of range"),
                label: Localized(zh: "应为 1 到 60 个工作日", en: "1 to 60 working days"), found: text,
                help: Localized(zh: "写公示期的工作日数，例如 5。", en: "Give the notice period in working days, e.g. 5.")))
            return nil
        }
        return n
    }

    mutating func date(_ v: JSONSpanValue, at: String) -> CivilDate? {
        guard let s = string(v, at: at) else { return nil }
        if let d = DateParser.parse(s) { return d }
        badValue(v, at: at, found: s, allowed: [], expected: Localized(zh: "日期，如 2021-01-04", en: "a date such as 2021-01-04"))
        return nil
    }

    // MARK: Diagnostics

    mutating func unknown(_ m: JSONSpanValue.Member, among known: [String], in parent: String?) {
        let suggestions = DidYouMean.suggestions(for: m.key, among: known)
        let whereZH = parent.map { "“\($0)”中" } ?? ""
        let whereEN = parent.map { " in '\($0)'" } ?? ""
        let help = suggestions.isEmpty
            ? Localized(zh: "\(whereZH)可用的配置项有：\(known.joined(separator: "、"))；见 docs/configuration.md。",
                        en: "The keys\(whereEN) are: \(known.joined(separator: ", ")); see docs/configuration.md.")
            : Localized(zh: "您是不是想写“\(suggestions.joined(separator: "”或“"))”？",
                        en: "Did you mean '\(suggestions.joined(separator: "' or '"))'?")
        diagnostics.append(Diagnostic(
            .error, code: "C0002", at: .source(path: path, span: m.keySpan),
            summary: Localized(zh: "未知的配置项“\(m.key)”\(parent.map { "（在“\($0)”中）" } ?? "")",
                               en: "unknown key '\(m.key)'\(whereEN)"),
            label: Localized(zh: "jifen 不认识这个配置项", en: "jifen does not know this key"),
            notes: [Localized(zh: "拼错的配置项不会被忽略：否则会悄悄改用默认设置。",
                              en: "A misspelt key is not ignored: jifen would otherwise quietly use the default.")],
            help: help))
    }

    mutating func wrongType(_ v: JSONSpanValue, at: String, expected: Localized) {
        diagnostics.append(Diagnostic(
            .error, code: "C0003", at: .source(path: path, span: v.span),
            summary: Localized(zh: "配置项“\(at)”的类型不对", en: "'\(at)' has the wrong type"),
            label: Localized(zh: "这是\(v.kindName.zh)", en: "this is \(v.kindName.en)"),
            expected: expected,
            help: Localized(zh: "“\(at)”应为\(expected.zh)；见 docs/configuration.md。", en: "'\(at)' should be \(expected.en); see docs/configuration.md.")))
    }

    mutating func badValue(_ v: JSONSpanValue, at: String, found: String, allowed: [String], expected: Localized? = nil) {
        let suggestions = DidYouMean.suggestions(for: found, among: allowed)
        let help: Localized
        if !suggestions.isEmpty {
            help = Localized(zh: "您是不是想写“\(suggestions.joined(separator: "”或“"))”？", en: "Did you mean '\(suggestions.joined(separator: "' or '"))'?")
        } else if !allowed.isEmpty {
            help = Localized(zh: "可用的值有：\(allowed.joined(separator: "、"))。", en: "The values are: \(allowed.joined(separator: ", ")).")
        } else {
            help = Localized(zh: "应为\(expected?.zh ?? "")。", en: "Expected \(expected?.en ?? "")." )
        }
        diagnostics.append(Diagnostic(
            .error, code: "C0004", at: .source(path: path, span: v.span),
            summary: Localized(zh: "配置项“\(at)”的值“\(found)”无效", en: "'\(at)' has an invalid value '\(found)'"),
            found: found, expected: expected, help: help))
    }
}

// MARK: - JSON with positions

/// A JSON value with the byte span it was read from, so that config diagnostics can point at
/// the line and column of a key or value.
struct JSONSpanValue: Sendable {
    struct Member: Sendable {
        var key: String
        var keySpan: Span
        var value: JSONSpanValue
    }
    enum Kind: Sendable {
        case object([Member]), array([JSONSpanValue]), string(String), number(String), bool(Bool), null
    }
    var kind: Kind
    var span: Span

    var kindName: Localized {
        switch kind {
        case .object: Localized(zh: "对象", en: "an object")
        case .array: Localized(zh: "数组", en: "an array")
        case .string: Localized(zh: "文字", en: "a string")
        case .number: Localized(zh: "数字", en: "a number")
        case .bool: Localized(zh: "true/false", en: "a boolean")
        case .null: Localized(zh: "null", en: "null")
        }
    }
}

struct JSONSpanError: Error {
    var offset: Int
    var zh: String
    var en: String
}

/// A small strict JSON parser (RFC 8259) that keeps byte offsets.
struct JSONSpanParser {
    let bytes: [UInt8]
    var i = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is tolerated (Notepad writes one).
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    mutating func parseDocument() throws(JSONSpanError) -> JSONSpanValue {
        let v = try value()
        skipSpace()
        if i < bytes.count { throw JSONSpanError(offset: i, zh: "值之后还有多余的内容", en: "unexpected text after the value") }
        return v
    }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    mutating func value() throws(JSONSpanError) -> JSONSpanValue {
        skipSpace()
        guard i < bytes.count else { throw JSONSpanError(offset: i, zh: "文件意外结束", en: "unexpected end of file") }
        let start = i
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [JSONSpanValue.Member] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return JSONSpanValue(kind: .object(members), span: Span(start: start, end: i)) }
            while true {
                skipSpace()
                let keyStart = i
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    throw JSONSpanError(offset: i, zh: "这里应为加双引号的配置项名", en: "expected a key in double quotes")
                }
                let key = try string()
                let keySpan = Span(start: keyStart, end: i)
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw JSONSpanError(offset: i, zh: "配置项名之后应为冒号", en: "expected ':' after the key") }
                i += 1
                members.append(JSONSpanValue.Member(key: key, keySpan: keySpan, value: try value()))
                skipSpace()
                guard i < bytes.count else { throw JSONSpanError(offset: i, zh: "文件意外结束，缺少 }", en: "unexpected end of file, missing }") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw JSONSpanError(offset: i, zh: "这里应为逗号或 }", en: "expected ',' or '}'")
            }
            return JSONSpanValue(kind: .object(members), span: Span(start: start, end: i))
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONSpanValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return JSONSpanValue(kind: .array(items), span: Span(start: start, end: i)) }
            while true {
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw JSONSpanError(offset: i, zh: "文件意外结束，缺少 ]", en: "unexpected end of file, missing ]") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                throw JSONSpanError(offset: i, zh: "这里应为逗号或 ]", en: "expected ',' or ']'")
            }
            return JSONSpanValue(kind: .array(items), span: Span(start: start, end: i))
        case UInt8(ascii: "\""):
            let s = try string()
            return JSONSpanValue(kind: .string(s), span: Span(start: start, end: i))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for (word, kind) in [("true", JSONSpanValue.Kind.bool(true)), ("false", .bool(false)), ("null", .null)] {
                let w = Array(word.utf8)
                if bytes[i...].starts(with: w) {
                    i += w.count
                    return JSONSpanValue(kind: kind, span: Span(start: start, end: i))
                }
            }
            throw JSONSpanError(offset: i, zh: "无法识别的值", en: "unrecognised value")
        default:
            let numberBytes: Set<UInt8> = Set(Array("+-0123456789.eE".utf8))
            while i < bytes.count, numberBytes.contains(bytes[i]) { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard i > start, Double(text) != nil, !text.hasPrefix("+") else {
                throw JSONSpanError(offset: start, zh: "无法识别的值（文字要加双引号）", en: "unrecognised value (strings need double quotes)")
            }
            return JSONSpanValue(kind: .number(text), span: Span(start: start, end: i))
        }
    }

    /// A string starting at the opening quote; leaves `i` after the closing quote.
    mutating func string() throws(JSONSpanError) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw JSONSpanError(offset: i, zh: "文字中不能直接换行", en: "a string cannot contain a line break") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, let unit = UInt16(String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else {
                        throw JSONSpanError(offset: i, zh: "无效的 \\u 转义", en: "invalid \\u escape")
                    }
                    i += 4
                    var units = [unit]
                    if (0xD800..<0xDC00).contains(unit), i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u"),
                       let low = UInt16(String(decoding: bytes[(i + 3)...(i + 6)], as: UTF8.self), radix: 16) {
                        units.append(low)
                        i += 6
                    }
                    out.append(contentsOf: Array(String(decoding: units, as: UTF16.self).utf8))
                default: throw JSONSpanError(offset: i, zh: "无效的转义", en: "invalid escape")
                }
                i += 1
                continue
            }
            out.append(b)
            i += 1
        }
        throw JSONSpanError(offset: start, zh: "文字缺少结尾的双引号", en: "a string is missing its closing quote")
    }
}
