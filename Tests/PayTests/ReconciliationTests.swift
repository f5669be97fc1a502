import Exact
import Pay
import Testing

private let y = Fixtures.yuan

@Suite("Reconciliation")
struct ReconciliationTests {
    static func cadre(_ key: String, gross: [String], deductions: [String], net: String) -> CadrePayLines<String> {
        CadrePayLines(
            key: key,
            gross: gross.enumerated().map { PayLineAmount("收入\($0.offset)", y($0.element)) },
            deductions: deductions.enumerated().map { PayLineAmount("扣款\($0.offset)", y($0.element)) },
            net: y(net))
    }

    static let balanced = [
        cadre("RJ-001", gross: ["3000", "1200.50"], deductions: ["336.04", "30.00"], net: "3834.46"),
        cadre("RJ-002", gross: ["2800"], deductions: ["240", "60", "15"], net: "2485"),
        cadre("RJ-003", gross: [], deductions: [], net: "0"),
    ]

    @Test("a month that adds up balances, with its totals")
    func balancedMonth() throws {
        let report = try Reconciliation.check(Self.balanced, bankTotal: y("6319.46"))
        #expect(report.isBalanced)
        #expect(report.mismatches == [])
        #expect(report.grossTotal == y("7000.50"))
        #expect(report.deductionTotal == y("681.04"))
        #expect(report.netTotal == y("6319.46"))
    }

    struct MismatchCase: CustomTestStringConvertible, Sendable {
        let name: String
        let cadres: [CadrePayLines<String>]
        let bankTotal: String
        let mismatches: [ReconciliationMismatch<String>]
        var testDescription: String { name }
    }

    @Test("every sum that does not add up is reported as data", arguments: [
        MismatchCase(
            name: "one cadre's net a fen short",
            cadres: [cadre("RJ-001", gross: ["3000"], deductions: ["240"], net: "2759.99"), cadre("RJ-002", gross: ["100"], deductions: [], net: "100")],
            bankTotal: "2859.99",
            mismatches: [
                .cadre("RJ-001", gross: y("3000"), deductions: y("240"), net: y("2759.99"), difference: y("-0.01")),
                .total(gross: y("3100"), deductions: y("240"), net: y("2859.99"), difference: y("-0.01")),
            ]),
        MismatchCase(
            name: "two cadres off in opposite directions: the total still balances",
            cadres: [cadre("A", gross: ["100"], deductions: [], net: "100.01"), cadre("B", gross: ["100"], deductions: [], net: "99.99")],
            bankTotal: "200",
            mismatches: [
                .cadre("A", gross: y("100"), deductions: .zero, net: y("100.01"), difference: y("0.01")),
                .cadre("B", gross: y("100"), deductions: .zero, net: y("99.99"), difference: y("-0.01")),
            ]),
        MismatchCase(
            name: "the bank file differs from Σ net",
            cadres: [cadre("A", gross: ["100"], deductions: ["10"], net: "90")],
            bankTotal: "90.10",
            mismatches: [.bank(bankTotal: y("90.10"), netTotal: y("90"), difference: y("0.10"))]),
    ])
    func mismatches(_ c: MismatchCase) throws {
        let report = try Reconciliation.check(c.cadres, bankTotal: y(c.bankTotal))
        #expect(report.mismatches == c.mismatches)
        #expect(!report.isBalanced)
    }

    @Test("1,000 seeded payrolls balance, and a fen moved anywhere is caught at that cadre")
    func properties() throws {
        var g = SeededGenerator(seed: 0x6A69_6665_6E05)
        for _ in 0..<1_000 {
            let cadres = (0..<g.int(1...30)).map { i in
                let gross = (0..<g.int(0...4)).map { j in PayLineAmount("g\(j)", Money(fen: g.int(0...2_000_000))) }
                let grossTotal = gross.map(\.amount).sum()
                let deductions = (0..<g.int(0...4)).map { j in PayLineAmount("d\(j)", Money(fen: g.int(0...max(grossTotal.fen / 5, 0)))) }
                return CadrePayLines(key: i, gross: gross, deductions: deductions, net: grossTotal - deductions.map(\.amount).sum())
            }
            let net = cadres.map(\.net).sum()
            #expect(try Reconciliation.check(cadres, bankTotal: net).isBalanced)

            var broken = cadres
            let victim = g.int(0...(cadres.count - 1))
            broken[victim].net = broken[victim].net + Money(fen: 1)
            let report = try Reconciliation.check(broken, bankTotal: net)
            guard case .cadre(let key, _, _, _, let difference)? = report.mismatches.first else {
                Issue.record("no cadre mismatch reported")
                continue
            }
            #expect(key == victim)
            #expect(difference == Money(fen: 1))
            #expect(report.mismatches.count == 3)  // the cadre, the total and the bank
        }
    }
}
