import ArgumentParser
import Diagnostics
import Exact
import RulesLanguage

/// `--month 2020-12`, defaulting to the month named by the data folder.
struct MonthOption: ParsableArguments {
    @Option(help: "月份，如 2020-12；缺省时取数据文件夹名。 The month, e.g. 2020-12; defaults to the folder's name.")
    var month: String?

    func resolve(folder: String) throws -> YearMonth {
        if let month {
            guard let m = YearMonth(month) else { throw ValidationError("月份“\(month)”无效，应写成 2020-12。 Invalid month '\(month)'; write it as 2020-12.") }
            return m
        }
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
}

extension Language: ExpressibleByArgument {}

/// `--rules rules/`: where the bureau's rules are, checked before anything runs.
struct RulesOption: ParsableArguments {
    @Option(name: .customLong("rules"), help: "规则文件夹（默认 rules）。 The rules folder.")
    var path: String = "rules"

    func load(language: Language) throws -> LoadedRules {
        try Self.load(path: path, language: language)
    }

    /// Loads and checks the rules; prints every problem and exits 65 when they are wrong.
    static func load(path: String, language: Language) throws -> LoadedRules {
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(directory: path)
        } catch {
            throw ValidationError(language == .zh ? "无法读取规则文件夹 \(path)" : "cannot read the rules folder \(path)")
        }
        if loaded.hasErrors {
            let renderer = DiagnosticRenderer(language: language, sources: loaded.project.sources)
            print(renderer.render(loaded.diagnostics.sortedByLocation()))
            print(renderer.tally(loaded.diagnostics))
            throw ExitCode(65)
        }
        return loaded
    }
}
