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
    /// The sample months, in order: 2020-10 … 2020-12 (the first also gets `opening.csv`),
    /// then the whole of 2021.
    public static let sampleMonths = ["2020-10", "2020-11", "2020-12"].map { YearMonth($0)! }
        + (1...12).map { YearMonth(year: 2021, month: $0)! }

    /// 2021's staff changes, made when the year starts (each takes effect on its day).
    static let hires2021: [(community: String, post: Post, day: CivilDate)] = [
        ("阳光", .gridWorker, CivilDate(year: 2021, month: 1, day: 4)!),
        ("特和", .gridWorker, CivilDate(year: 2021, month: 4, day: 6)!),
        ("卧龙", .gridWorker, CivilDate(year: 2021, month: 8, day: 16)!),
    ]
    static let leavers2021: [(id: String, day: CivilDate)] = [
        ("TH-013", CivilDate(year: 2021, month: 3, day: 12)!),
        ("FM-012", CivilDate(year: 2021, month: 7, day: 9)!),
    ]
    /// Months in which a cadre misses three day shifts on three days (一票否决 连续缺勤) or
    /// has three complaints with 不满意 (一票否决 重大投诉).
    static let scripted2021: [(month: Int, id: String, absences: Int, complaints: Int)] = [
        (3, "WL-006", 3, 0), (6, "YG-006", 3, 0), (9, "TH-004", 0, 3), (11, "FM-009", 0, 3),
    ]

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

    /// Writes the sample months of Rongjiang's four resettlement communities into
    /// `directory/2020-10` … `directory/2021-12`: the same cadres and days played on, with
    /// 2021's joiners and leavers (`hires2021`, `leavers2021`) and scripted vetoes.
    public static func writeSamples(to directory: URL, seed: UInt64 = sampleSeed) throws(GeneratorError) -> [MonthSummary] {
        var rng = SeededGenerator(seed: seed)
        var people = PersonFactory()
        let county = County.rongjiang(&rng, people: &people)
        let simulator = ActivitySimulator(county: county, profile: .samples, rng: SeededGenerator(seed: rng.next()))
        var summaries: [MonthSummary] = []
        for (i, month) in sampleMonths.enumerated() {
            if month == YearMonth(year: 2021, month: 1)! {
                for h in hires2021 {
                    guard let c = simulator.county.communities.firstIndex(where: { $0.name == h.community }) else { continue }
                    simulator.hire(toCommunity: c, post: h.post, hired: h.day, people: &people, &rng)
                }
                for l in leavers2021 { simulator.leave(l.id, on: l.day) }
            }
            if month.year == 2021 {
                for s in scripted2021 where s.month == month.month {
                    simulator.script(s.id, absences: s.absences, complaints: s.complaints)
                }
            }
            let folder = directory.appendingPathComponent(month.description)
            summaries.append(
                try writeMonth(simulator.county, month, simulator: simulator, to: folder, opening: i == 0, &rng))
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
