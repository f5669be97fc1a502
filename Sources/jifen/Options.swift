import ArgumentParser
import Batch
import Diagnostics
import Exact
import RulesLanguage

/// A month on the command line, checked by the parser: `--month 2020-12`.
extension YearMonth: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

/// Why `jifen` exits, in the sysexits spirit; the one place exit codes are numbered.
enum ExitStatus: Int32 {
    /// A rules test failed (`jifen test`), `fmt --check` found files to reformat, or the
    /// portal stopped on an error.
    case checkFailed = 1
    static let serverFailed = ExitStatus.checkFailed
    case usage = 64
    /// Errors in the data or the rules: nothing was stored.
    case dataError = 65
    /// A report or output file could not be written.
    case cannotWrite = 73
    /// Another batch holds the store.
    case busy = 75
    /// `jifen.json` (or `--config`) has an error: an unknown key, a wrong type, invalid JSON.
    case configError = 78

    var exit: ExitCode { ExitCode(rawValue) }

    /// The status for a command that printed `diagnostics`: busy when another batch held the
    /// store, a config error when the batch stopped on one (C0007), a data error when any is
    /// an error.
    static func of(_ diagnostics: [Diagnostic], busy: Bool = false, config: Bool = false) -> ExitCode? {
        if busy { return ExitStatus.busy.exit }
        if config { return ExitStatus.configError.exit }
        return diagnostics.hasErrors ? ExitStatus.dataError.exit : nil
    }
}

/// `--month 2020-12`, defaulting to the month named by the data folder.
struct MonthOption: ParsableArguments {
    @Option(help: "月份，如 2020-12；缺省时取数据文件夹名。 The month, e.g. 2020-12; defaults to the folder's name.")
    var month: YearMonth?

    func resolve(folder: String) throws -> YearMonth {
        if let month { return month }
        let last = folder.split(separator: "/").last.map(String.init) ?? folder
        guard let m = YearMonth(last) else {
            throw ValidationError("无法从文件夹名“\(last)”看出月份，请加上 --month 2020-12。 Cannot tell the month from '\(last)'; pass --month.")
        }
        return m
    }
}

/// Language and verbosity of what jifen prints.
struct OutputOptions: ParsableArguments {
    @Option(help: "输出语言 zh 或 en。 Output language: zh (default) or en.")
    var lang: Language = .zh

    @Option(help: "每个文件每种问题最多显示几条。 Show at most this many problems of each kind per file.")
    var limit: Int = 20

    var language: Language { lang }

    /// `--lang` read straight from the command line, for what is printed before the options
    /// are all parsed (an error in `jifen.json`, found while validating).
    static func languageFromArguments(_ arguments: [String] = CommandLine.arguments) -> Language {
        for (i, a) in arguments.enumerated() {
            if a == "--lang", i + 1 < arguments.count { return Language(rawValue: arguments[i + 1]) ?? .zh }
            if a.hasPrefix("--lang=") { return Language(rawValue: String(a.dropFirst(7))) ?? .zh }
        }
        return .zh
    }

    /// The text of a message in the chosen language.
    func say(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
}

extension Language: ExpressibleByArgument {}

/// `--config`: `jifen.json` (default: in the current folder, when it exists), read by the
/// commands that take a rules folder, a data folder or a store without their own flags
/// (`check`, `test`, `check-data`, `explain`), as `batch run` reads it.
struct ConfigOption: ParsableArguments {
    @Option(help: "项目配置文件（默认 jifen.json，如存在）：未写 --rules、--store 时取其中的位置。 Project config: where the rules and the store are unless flags say.")
    var config: String?
    var configPath: String { config ?? "jifen.json" }
    var project: ProjectConfig { ProjectConfig.checked(configPath) }

    /// Stops on an error in the config file before the command runs.
    func validate() throws { _ = try ProjectConfig.loadOrExit(configPath, named: config != nil) }

    /// The rules folder: the flag, else `jifen.json`'s `rules`, else `rules`.
    func rulesFolder(_ flag: String?) -> String { flag ?? project.rules ?? "rules" }
}

/// `--rules rules/`: where the bureau's rules are, checked before anything runs.
struct RulesOption: ParsableArguments {
    @Option(name: .customLong("rules"), help: "规则文件夹（默认 jifen.json 的 rules，否则 rules）。 The rules folder (default: jifen.json's rules, else rules).")
    var path: String?

    /// Loads and checks the rules; prints every problem and exits 65 when they are wrong.
    static func load(path: String, language: Language) throws -> LoadedRules {
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(directory: path)
        } catch {
            throw ValidationError(language == .zh
                ? "无法读取规则文件夹 \(path)：文件夹不存在或不能读取。用 --rules 指定规则文件夹，或在 jifen.json 中写明 \"rules\"（docs/configuration.md）。"
                : "cannot read the rules folder \(path): it does not exist or cannot be read. Name it with --rules, or as \"rules\" in jifen.json (docs/configuration.md).")
        }
        if loaded.hasErrors {
            let renderer = DiagnosticRenderer(language: language, sources: loaded.project.sources)
            print(renderer.render(loaded.diagnostics.sortedByLocation()))
            print(renderer.tally(loaded.diagnostics))
            throw ExitStatus.dataError.exit
        }
        return loaded
    }
}

/// Run ids on the command line: positive numbers, as `jifen batch list` shows them
/// (`report --run -1` was taken for a missing value).
enum RunIDOption {
    static func check(_ id: Int64, flag: String) throws {
        guard id > 0 else {
            throw ValidationError("运行编号应为正整数（见 jifen batch list），\(flag) 写的是 \(id)。 A run id is a positive number (see jifen batch list); \(flag) got \(id).")
        }
    }
}
