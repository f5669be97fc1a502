import Foundation
import TestSupport
import Testing

/// `jifen.json` through the built binary (issue 12 item 11): a misspelt or unknown key, a
/// wrong type or broken JSON stops every command that reads the file, with exit code 78 and
/// a located diagnostic; the output is compared with golden files in Fixtures/config/
/// (`JIFEN_UPDATE_GOLDEN=1` rewrites them).
struct ConfigCLITests {
    static let folder = "Tests/CLITests/Fixtures/config/"

    static func golden(_ name: String, _ output: String) throws {
        let path = PackagePaths.path(folder + name)
        if ProcessInfo.processInfo.environment["JIFEN_UPDATE_GOLDEN"] == "1" {
            try output.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(output == expected, "\(name) differs from the binary's output:\n\(output)")
    }

    @Test(arguments: [("misspelt", "zh"), ("misspelt", "en"), ("broken", "zh"), ("types", "zh")])
    func aBadConfigStopsTheCommandWithLocatedDiagnostics(name: String, lang: String) throws {
        let root = PackagePaths.temporaryDirectory("config-\(name)")
        let r = try CLI.run(["batch", "list", "--lang", lang, "--config", Self.folder + name + ".json", "--store", root + "/s.sqlite"])
        #expect(r.status == 78)
        try Self.golden("\(name).\(lang).txt", r.stdout)
        // Nothing ran: the store was not even created.
        #expect(!FileManager.default.fileExists(atPath: root + "/s.sqlite"))
    }

    @Test func theMisspeltKeysAreNamedWithWhatWasMeant() throws {
        let r = try CLI.run(["batch", "list", "--config", Self.folder + "misspelt.json"])
        for (wrong, meant) in [("noticeWorkingDay", "noticeWorkingDays"), ("bankColum", "bankColumns"), ("headr", "header"),
                               ("maskedIdNumber", "maskedIDNumber")] {
            #expect(r.stdout.contains("“\(wrong)”"))
            #expect(r.stdout.contains("您是不是想写“\(meant)"))
        }
        #expect(r.stdout.contains("misspelt.json:3:3: 错误[C0002]"))
    }

    @Test func everyCommandThatReadsTheConfigStops() throws {
        let root = PackagePaths.temporaryDirectory("config-commands")
        let config = Self.folder + "misspelt.json"
        for command in [["batch", "run", "--no-earlier-income", "--month", "2020-12", "--config", config, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"],
                        ["batch", "publish", "--month", "2020-12", "--config", config, "--store", root + "/s.sqlite"],
                        ["report", "--run", "1", "--config", config, "--store", root + "/s.sqlite"],
                        ["template", "--month", "2020-12", "--out", root + "/t", "--config", config],
                        ["user", "activation-codes", "--month", "2020-12", "--config", config, "--store", root + "/s.sqlite"]] {
            let r = try CLI.run(command)
            #expect(r.status == 78, "\(command): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("C0002"), "\(command)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/out"))
        #expect(!FileManager.default.fileExists(atPath: root + "/t"))
    }

    @Test func theRepositorysConfigIsClean() throws {
        let root = PackagePaths.temporaryDirectory("config-clean")
        // A run creates the store; listing it then reads the repository's jifen.json cleanly.
        let run = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--config", "jifen.json", "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let r = try CLI.run(["batch", "list", "--config", "jifen.json", "--store", root + "/s.sqlite"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(!r.stdout.contains("C00") && !run.stdout.contains("C00"))
    }

    @Test func aMissingJifenJSONIsAllDefaults() throws {
        let root = PackagePaths.temporaryDirectory("config-missing")
        // Run where there is no jifen.json: the defaults apply and the command runs.
        // The config is read (no C0xxx) before the store is looked for: the store does not
        // exist here, so the command stops at S0017 and nothing else.
        let r = try CLI.run(["batch", "list", "--store", root + "/s.sqlite"], in: root)
        #expect(r.status == 65 && (r.stdout + r.stderr).contains("S0017"), "\(r.stdout)\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("C00"))
    }

    @Test func aConfigNamedByTheOptionMustExist() throws {
        let root = PackagePaths.temporaryDirectory("config-named")
        let r = try CLI.run(["batch", "list", "--config", root + "/none.json", "--store", root + "/s.sqlite"])
        #expect(r.status == 78, "\(r.stdout)")
        #expect(r.stdout.contains("C0006"))
        #expect(!FileManager.default.fileExists(atPath: root + "/s.sqlite"))
    }
}

/// `reports.tierOrder` through the built binary: it orders the month's tiers in 社区汇总 and
/// the batch's summary line, and a name the rules do not have stops the batch (C0007, 78).
struct TierOrderCLITests {
    static let rulesTiers = ["优秀", "称职", "基本称职", "不称职"]

    static func run(_ config: String, in root: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let path = root + "/jifen.json"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        return try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--config", path, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
    }

    /// The tiers of the summary line, in the order printed: `等次 优秀 2、称职 20`.
    static func summaryTiers(_ stdout: String) -> [String] {
        guard let line = stdout.split(separator: "\n").first(where: { $0.contains("；等次 ") }) else { return [] }
        let list = line[line.range(of: "；等次 ")!.upperBound...]
        return list.split(separator: "、").map { String($0.split(separator: " ").first!) }
    }

    static func summaryColumns(_ root: String) throws -> [String] {
        let sheet = try #require(try XlsxFile(path: root + "/out/2020-12/社区汇总.xlsx").sheet("社区汇总"))
        return sheet.rows[2].map(\.value).filter { rulesTiers.contains($0) }
    }

    @Test func aReversedTierOrderReversesTheSummaryColumnsAndTheSummaryLine() throws {
        let root = PackagePaths.temporaryDirectory("tier-order")
        let r = try Self.run(#"{"reports": {"tierOrder": ["不称职", "基本称职", "称职", "优秀"]}}"#, in: root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(try Self.summaryColumns(root) == ["不称职", "基本称职", "称职", "优秀"])
        let printed = Self.summaryTiers(r.stdout)
        #expect(!printed.isEmpty && printed == ["不称职", "基本称职", "称职", "优秀"].filter(printed.contains), "\(r.stdout)")
        // The run keeps the order: `batch show` lists it the same way.
        let show = try CLI.run(["batch", "show", "--month", "2020-12", "--store", root + "/s.sqlite", "--config", root + "/jifen.json"])
        let shown = show.stdout.split(separator: "\n").first { $0.hasPrefix("等次 ") }.map { String($0.dropFirst(3)) } ?? ""
        #expect(shown.split(separator: "，").map { String($0.split(separator: " ").first!) } == printed, "\(show.stdout)")
    }

    @Test func withoutATierOrderTheRulesOrderIsUsedBestFirst() throws {
        let root = PackagePaths.temporaryDirectory("tier-order-default")
        let r = try Self.run(#"{"reports": {"county": "榕江县"}}"#, in: root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(try Self.summaryColumns(root) == Self.rulesTiers)
        let printed = Self.summaryTiers(r.stdout)
        #expect(!printed.isEmpty && printed == Self.rulesTiers.filter(printed.contains), "\(r.stdout)")
    }

    @Test func aTierTheRulesDoNotHaveStopsTheBatchWithALocatedError() throws {
        let root = PackagePaths.temporaryDirectory("tier-order-bad")
        let r = try Self.run("{\n  \"reports\": {\n    \"tierOrder\": [\"优秀\", \"合格\", \"基本称职\", \"不称职\"]\n  }\n}\n", in: root)
        #expect(r.status == 78, "\(r.stdout)")
        #expect(r.stdout.contains("jifen.json:3:25: 错误[C0007]: jifen.json 的“reports.tierOrder”写了“合格”，规则里没有这个等次"), "\(r.stdout)")
        #expect(r.stdout.contains("规则的等次（从好到差）：优秀、称职、基本称职、不称职"))
        #expect(r.stdout.contains("没有列出规则的等次：称职"))
        // Stopped before anything was read or stored.
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
        #expect(!FileManager.default.fileExists(atPath: root + "/s.sqlite"))
    }
}
