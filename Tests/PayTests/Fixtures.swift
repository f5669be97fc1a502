import Exact
import Foundation
import Pay
import Testing

/// Test fixtures: the figures a county's rules would supply. None of them is built into Pay.
enum Fixtures {
    static func yuan(_ text: String) -> Money { Money(text)! }
    static func fixed(_ text: String) -> Fixed { Fixed(text)! }

    /// The annual 预扣率表 of the cumulative method (DOMAIN.md), four-five-rounded to the 分.
    static let annualTaxTable = BracketTable(
        name: PayText(zh: "个人所得税预扣率表", en: "withholding rate table"),
        rows: [
            .init(upTo: yuan("36000"), rate: fixed("0.03"), quickDeduction: .zero),
            .init(upTo: yuan("144000"), rate: fixed("0.10"), quickDeduction: yuan("2520")),
            .init(upTo: yuan("300000"), rate: fixed("0.20"), quickDeduction: yuan("16920")),
            .init(upTo: yuan("420000"), rate: fixed("0.25"), quickDeduction: yuan("31920")),
            .init(upTo: yuan("660000"), rate: fixed("0.30"), quickDeduction: yuan("52920")),
            .init(upTo: yuan("960000"), rate: fixed("0.35"), quickDeduction: yuan("85920")),
            .init(upTo: nil, rate: fixed("0.45"), quickDeduction: yuan("181920")),
        ])

    static let basicDeduction = yuan("5000")

    static let pension = ContributionItem(
        key: "养老", name: PayText(zh: "养老保险", en: "pension insurance"), rate: fixed("0.08"),
        baseFloor: yuan("3000"), baseCeiling: yuan("15000"))
    static let medical = ContributionItem(
        key: "医疗", name: PayText(zh: "医疗保险", en: "medical insurance"), rate: fixed("0.02"),
        baseFloor: yuan("3000"), baseCeiling: yuan("15000"))
    static let unemployment = ContributionItem(
        key: "失业", name: PayText(zh: "失业保险", en: "unemployment insurance"), rate: fixed("0.005"),
        baseFloor: yuan("3000"), baseCeiling: yuan("15000"))
    static let socialInsurance = SocialInsurance(items: [pension, medical, unemployment])
}

/// SplitMix64: a small seeded generator, so every "random" case is the same on every run
/// and every machine. Its own range helpers keep the draws independent of the standard
/// library's sampling algorithm.
struct SeededGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `range`; the tiny modulo bias does not matter for tests.
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int64(next() % width)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int(int(Int64(range.lowerBound)...Int64(range.upperBound)))
    }

    mutating func bool() -> Bool { next() & 1 == 1 }
}

/// Compares `actual` with the golden file `Snapshots/<name>`; with JIFEN_RECORD_SNAPSHOTS=1
/// it rewrites the file and fails, so that someone looks at the new output before it counts.
func expectSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots").appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["JIFEN_RECORD_SNAPSHOTS"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("recorded snapshot \(name); check it and run again without JIFEN_RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "snapshot \(name) differs", sourceLocation: sourceLocation)
}
