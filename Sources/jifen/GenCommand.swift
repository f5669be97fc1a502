import ArgumentParser
import Exact
import Foundation
import Generator

/// `jifen gen`: writes the committed sample months or a province-scale synthetic month.
struct GenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "生成演示或压力测试用的月度数据 — generate sample or province-scale month folders.",
        discussion: """
            jifen gen --samples samples/
            jifen gen --cadres 50000 --month 2020-12 --seed 7 --out /tmp/province-2020-12
            The same seed and options always give byte-identical files.
            """
    )

    @Option(help: ArgumentHelp("写出三个样例月份（2020-10 至 2020-12）到此目录 — regenerate the sample months into DIR.", valueName: "DIR"))
    var samples: String?

    @Option(help: ArgumentHelp("省级规模：社区干部人数 — province scale: number of cadres.", valueName: "N"))
    var cadres: Int?

    @Option(help: ArgumentHelp("月份，如 2020-12 — the month to generate (scale mode).", valueName: "YYYY-MM"))
    var month: YearMonth = YearMonth(year: 2020, month: 12)!

    @Option(help: "随机种子 — seed (scale mode; samples use a fixed seed).")
    var seed: UInt64 = 7

    @Option(help: ArgumentHelp("输出目录 — output folder (scale mode).", valueName: "DIR"))
    var out: String?

    @Flag(help: "同时写出期初余额 opening.csv — also write year-to-date opening balances (scale mode).")
    var opening = false

    func validate() throws {
        if samples == nil && cadres == nil {
            throw ValidationError("需要 --samples DIR 或 --cadres N --out DIR — give --samples DIR or --cadres N --out DIR")
        }
        if samples != nil && cadres != nil {
            throw ValidationError("--samples 与 --cadres 不能同时使用 — use either --samples or --cadres")
        }
        if cadres != nil {
            guard out != nil else { throw ValidationError("规模模式需要 --out DIR — scale mode needs --out DIR") }
            guard let n = cadres, n > 0 else { throw ValidationError("--cadres 必须为正数 — --cadres must be positive") }
        }
    }

    func run() throws {
        do {
            if let samples {
                let summaries = try DataGenerator.writeSamples(to: URL(fileURLWithPath: samples))
                for s in summaries { report(s) }
            } else if let cadres, let out {
                let s = try DataGenerator.writeScaleMonth(
                    cadres: cadres, month: month, seed: seed, to: URL(fileURLWithPath: out), opening: opening)
                report(s)
            }
        } catch {
            FileHandle.standardError.write(Data((GenCommand.describe(error) + "\n").utf8))
            throw (error.isUsage ? ExitStatus.usage : ExitStatus.cannotWrite).exit
        }
    }

    private func report(_ s: DataGenerator.MonthSummary) {
        let files = s.rowsByFile.keys.sorted().map { "\($0) \(s.rowsByFile[$0]!)" }.joined(separator: ", ")
        print("\(s.directory): \(s.cadres) 名干部 cadres, \(s.rows) 行 rows, \(s.bytes) 字节 bytes (\(files))")
    }

    /// The one place generator errors become text.
    static func describe(_ error: GeneratorError) -> String {
        switch error {
        case .cannotCreateDirectory(let path, let reason):
            "错误：无法创建目录 \(path)（\(reason)）— error: cannot create the folder \(path)"
        case .cannotWrite(let path, let reason):
            "错误：无法写入 \(path)（\(reason)）— error: cannot write \(path)"
        case .invalidOptions(let reason):
            "错误：参数无效 — error: invalid options: \(reason)"
        }
    }
}

extension GeneratorError {
    fileprivate var isUsage: Bool {
        if case .invalidOptions = self { return true }
        return false
    }
}
