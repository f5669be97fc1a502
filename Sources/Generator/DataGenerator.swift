import Exact
import Foundation

/// Writes jifen's synthetic month folders: the committed samples and province-scale months.
///
/// Output depends only on the seed and the options: the same call writes byte-identical
/// files on every run (the generator never reads the clock or the system's randomness).
///
/// ```swift
/// let months = try DataGenerator.writeSamples(to: URL(fileURLWithPath: "samples"))
/// let big = try DataGenerator.writeScaleMonth(
///     cadres: 50_000, month: YearMonth("2020-12")!, seed: 7, to: URL(fileURLWithPath: "/tmp/big"))
/// print(big.rows, big.bytes)
/// ```
public enum DataGenerator {
    /// The seed of the committed samples.
    public static let sampleSeed: UInt64 = 20_201_223
    /// The sample months, in order; the first also gets `opening.csv`.
    public static let sampleMonths = ["2020-10", "2020-11", "2020-12"].map { YearMonth($0)! }

    /// What one month folder received.
    public struct MonthSummary: Sendable, Equatable {
        public var month: YearMonth
        public var directory: String
        /// Data rows per file name (headers not counted), e.g. `["duty.csv": 612, …]`.
        public var rowsByFile: [String: Int]
        public var bytes: Int
        public var cadres: Int

        public var rows: Int { rowsByFile.values.reduce(0, +) }
    }

    /// Writes the three sample months of Rongjiang's four resettlement communities into
    /// `directory/2020-10`, `…/2020-11` and `…/2020-12`.
    public static func writeSamples(to directory: URL, seed: UInt64 = sampleSeed) throws(GeneratorError) -> [MonthSummary] {
        var rng = SeededGenerator(seed: seed)
        let county = County.rongjiang(&rng)
        let simulator = ActivitySimulator(county: county, profile: .samples, rng: SeededGenerator(seed: rng.next()))
        var summaries: [MonthSummary] = []
        for (i, month) in sampleMonths.enumerated() {
            let folder = directory.appendingPathComponent(month.description)
            summaries.append(
                try writeMonth(county, month, simulator: simulator, to: folder, opening: i == 0, &rng))
        }
        return summaries
    }

    /// Writes one province-scale month of `cadres` cadres (communities 社区0001… of 12–15),
    /// about 200 activity rows per cadre; with `opening`, also year-to-date balances.
    public static func writeScaleMonth(
        cadres: Int, month: YearMonth, seed: UInt64, to directory: URL, opening: Bool = false
    ) throws(GeneratorError) -> MonthSummary {
        guard cadres > 0 else { throw .invalidOptions(reason: "the number of cadres must be positive") }
        guard cadres <= 5_000_000 else { throw .invalidOptions(reason: "at most 5,000,000 cadres") }
        var rng = SeededGenerator(seed: seed)
        let county = County.province(cadreCount: cadres, month: month, &rng)
        let simulator = ActivitySimulator(county: county, profile: .scale, rng: SeededGenerator(seed: rng.next()))
        return try writeMonth(county, month, simulator: simulator, to: directory, opening: opening, &rng)
    }

    private static func writeMonth(
        _ county: County, _ month: YearMonth, simulator: ActivitySimulator, to folder: URL, opening: Bool,
        _ rng: inout SeededGenerator
    ) throws(GeneratorError) -> MonthSummary {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: folder.path, reason: "\(error)")
        }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        var outputs: [(String, CSVOutput)] = []
        let roster = try RosterFile.write(county, month: month, to: path("cadres.csv"))
        outputs.append(("cadres.csv", roster))
        if opening {
            outputs.append(("opening.csv", try RosterFile.writeOpening(county, month: month, to: path("opening.csv"), &rng)))
        }
        let files = ActivitySimulator.MonthFiles(
            duty: try CSVOutput(path: path("duty.csv")),
            service: try CSVOutput(path: path("service.csv")),
            training: try CSVOutput(path: path("training.csv"), bufferSize: 1 << 20),
            adjustments: try CSVOutput(path: path("adjustments.csv"), bufferSize: 1 << 20))
        files.duty.header("工号,日期,班次,开始,结束,状态,备注")
        files.service.header("编号,工号,日期,类别,户号,事项,状态,满意度,投诉,用时")
        files.training.header("工号,日期,课程,类型,学时,考核")
        files.adjustments.header("工号,项目,分值,金额,原因,批准人")
        simulator.play(month, into: files)
        for (name, out) in [
            ("duty.csv", files.duty), ("service.csv", files.service),
            ("training.csv", files.training), ("adjustments.csv", files.adjustments),
        ] {
            try out.close()
            outputs.append((name, out))
        }
        return MonthSummary(
            month: month, directory: folder.path,
            rowsByFile: Dictionary(uniqueKeysWithValues: outputs.map { ($0.0, $0.1.rows) }),
            bytes: outputs.reduce(0) { $0 + $1.1.bytes }, cadres: roster.rows)
    }
}
