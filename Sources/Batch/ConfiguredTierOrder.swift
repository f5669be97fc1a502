import Diagnostics
import Foundation

/// `reports.tierOrder` in `jifen.json`: the order a county wants the month's tiers in (columns
/// and chart of 社区汇总, the tier counts of 核对, the batch's summary line), with where each
/// name is written.
///
/// `ProjectConfig` can only check its shape (strings, none twice); whether the names are the
/// rules' tiers is known once a batch has read the rules, so `check(against:)` runs there,
/// before anything is scored. Without the key the rules' own order (best first) applies.
///
/// ```swift
/// if let order = project.tierOrder {
///     let problems = order.check(against: rules.tierOrder)   // C0007, located in jifen.json
/// }
/// ```
public struct ConfiguredTierOrder: Sendable, Hashable {
    /// The tiers as listed, best first.
    public var names: [String]
    /// The config file they were read from.
    public var path: String
    /// The array `[…]`.
    public var span: Span
    /// Each name's string, in order.
    public var nameSpans: [Span]

    public init(names: [String], path: String, span: Span, nameSpans: [Span]) {
        self.names = names
        self.path = path
        self.span = span
        self.nameSpans = nameSpans
    }

    /// The order the month's reports and summary use: `configured` when set, else the rules'.
    public static func effective(_ configured: ConfiguredTierOrder?, rules: [String]) -> [String] {
        configured?.names ?? rules
    }

    /// What stops a batch whose configured order does not fit the rules' tiers: the C0007
    /// errors and the config file to show them in; nil when there is no order or it fits.
    static func refusal(_ configured: ConfiguredTierOrder?, rules: [String]) -> (diagnostics: [Diagnostic], sources: [SourceFile])? {
        guard let configured else { return nil }
        let problems = configured.check(against: rules)
        guard problems.hasErrors else { return nil }
        return (problems, configured.source.map { [$0] } ?? [])
    }

    /// C0007, errors: a name that is not one of `tiers` (the rules' tiers, best first), at the
    /// name; tiers of the rules the list leaves out, at the list. An order must place every
    /// tier: one left out would have no place in the columns a county asked to order.
    public func check(against tiers: [String]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let known = tiers.joined(separator: "、"), knownEN = tiers.joined(separator: ", ")
        let file = (path as NSString).lastPathComponent
        let missing = tiers.filter { !names.contains($0) }
        let note = Localized(zh: "规则的等次（从好到差）：\(known)", en: "the rules' tiers, best first: \(knownEN)")
        for (k, name) in names.enumerated() where !tiers.contains(name) {
            // A misspelt tier is most likely one the list leaves out.
            let suggestions = DidYouMean.suggestions(for: name, among: missing.isEmpty ? tiers : missing)
            out.append(Diagnostic(
                .error, code: "C0007", at: .source(path: path, span: k < nameSpans.count ? nameSpans[k] : span),
                summary: Localized(zh: "\(file) 的“reports.tierOrder”写了“\(name)”，规则里没有这个等次",
                                   en: "\(file) 'reports.tierOrder' lists '\(name)', which is not a tier of the rules"),
                label: Localized(zh: "不是规则的等次", en: "not a tier of the rules"),
                notes: [note],
                help: suggestions.isEmpty
                    ? Localized(zh: "tierOrder 只能列规则的等次，每个一次，从好到差；删去 tierOrder 则按规则的顺序。",
                                en: "tierOrder lists the rules' tiers, each once, best first; leave it out for the rules' order.")
                    : Localized(zh: "您是不是想写“\(suggestions.joined(separator: "”或“"))”？", en: "Did you mean '\(suggestions.joined(separator: "' or '"))'?")))
        }
        if !missing.isEmpty {
            out.append(Diagnostic(
                .error, code: "C0007", at: .source(path: path, span: span),
                summary: Localized(zh: "\(file) 的“reports.tierOrder”没有列出规则的等次：\(missing.joined(separator: "、"))",
                                   en: "\(file) 'reports.tierOrder' leaves out tiers of the rules: \(missing.joined(separator: ", "))"),
                label: Localized(zh: "缺少等次", en: "tiers missing"),
                notes: [note],
                help: Localized(zh: "把规则的每个等次都按从好到差写进 tierOrder（例如 [\(tiers.map { "\"\($0)\"" }.joined(separator: ", "))]），或删去 tierOrder，按规则的顺序。",
                                en: "List every tier of the rules in tierOrder, best first (e.g. [\(tiers.map { "\"\($0)\"" }.joined(separator: ", "))]), or leave it out for the rules' order.")))
        }
        return out
    }

    /// The config file, for rendering `check`'s diagnostics with its lines; nil when it can no
    /// longer be read.
    public var source: SourceFile? {
        FileManager.default.contents(atPath: path).map { SourceFile(path: path, bytes: Array($0)) }
    }
}
