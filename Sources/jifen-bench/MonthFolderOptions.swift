import ArgumentParser
import RulesLanguage
import Exact

/// The month folder a benchmark reads, its month (the folder's name unless given) and the
/// rules folder: the options `validate`, `evaluate` and `score` share.
struct MonthFolderOptions: ParsableArguments {
    @Argument(help: "The month folder.")
    var folder: String

    @Option(help: "The month, e.g. 2020-12 (defaults to the folder's name).")
    var month: String?

    @Option(help: "The rules folder.")
    var rules: String = "rules"

    /// `--month`, else the folder's last path component, as a month.
    func resolvedMonth() throws -> YearMonth {
        let name = month ?? (folder.split(separator: "/").last.map(String.init) ?? folder)
        guard let m = YearMonth(name) else { throw ValidationError("cannot tell the month; pass --month") }
        return m
    }

    /// The rules, refused when they have errors.
    func loadRules() throws -> LoadedRules {
        let loaded = try LoadedRules.load(directory: rules)
        guard !loaded.hasErrors else { throw ValidationError("the rules have errors; run jifen check") }
        return loaded
    }
}
