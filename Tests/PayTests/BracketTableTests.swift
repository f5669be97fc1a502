import Exact
import Pay
import Testing

private let y = Fixtures.yuan
private let f = Fixtures.fixed

@Suite("BracketTable")
struct BracketTableTests {
    struct TaxCase: CustomTestStringConvertible, Sendable {
        let taxable: String
        let tax: String
        let row: Int?
        var testDescription: String { "\(taxable) → \(tax)" }
    }

    @Test("the annual table is sound")
    func annualTableValidates() {
        #expect(Fixtures.annualTaxTable.validate() == [])
    }

    @Test("tax by quick deduction on the annual table", arguments: [
        TaxCase(taxable: "-100", tax: "0.00", row: nil),
        TaxCase(taxable: "0", tax: "0.00", row: nil),
        TaxCase(taxable: "0.01", tax: "0.00", row: 0),
        TaxCase(taxable: "0.17", tax: "0.01", row: 0),  // 0.0051 rounds up
        TaxCase(taxable: "18500", tax: "555.00", row: 0),
        TaxCase(taxable: "36000", tax: "1080.00", row: 0),
        TaxCase(taxable: "36000.01", tax: "1080.00", row: 1),  // 1080.001
        TaxCase(taxable: "37000", tax: "1180.00", row: 1),
        TaxCase(taxable: "144000", tax: "11880.00", row: 1),
        TaxCase(taxable: "144000.05", tax: "11880.01", row: 2),  // 11880.010
        TaxCase(taxable: "300000", tax: "43080.00", row: 2),
        TaxCase(taxable: "420000", tax: "73080.00", row: 3),
        TaxCase(taxable: "660000", tax: "145080.00", row: 4),
        TaxCase(taxable: "960000", tax: "250080.00", row: 5),
        TaxCase(taxable: "1000000", tax: "268080.00", row: 6),
    ])
    func taxOnAnnualTable(_ c: TaxCase) throws {
        let table = Fixtures.annualTaxTable
        let taxable = y(c.taxable)
        #expect(table.rowIndex(for: taxable) == c.row)
        let quick = try table.tax(on: taxable)
        let sliced = try table.progressiveTax(on: taxable)
        #expect(quick.value == y(c.tax))
        #expect(sliced.value == y(c.tax))
        #expect(try table.exactTax(on: taxable).tax == table.exactProgressiveTax(on: taxable))
    }

    struct RoundingCase: CustomTestStringConvertible, Sendable {
        let spec: RoundingSpec
        let tax: String
        var testDescription: String { "\(spec.rule) scale \(spec.scale) → \(tax)" }
    }

    // 3% of 100.50 is 3.015 exactly: a half, so the rules differ.
    @Test("the table rounds as declared", arguments: [
        RoundingCase(spec: .fen, tax: "3.02"),
        RoundingCase(spec: RoundingSpec(.halfEven, scale: 2), tax: "3.02"),
        RoundingCase(spec: RoundingSpec(.down, scale: 2), tax: "3.01"),
        RoundingCase(spec: RoundingSpec(.up, scale: 1), tax: "3.10"),
        RoundingCase(spec: .jiao, tax: "3.00"),
        RoundingCase(spec: .yuan, tax: "3.00"),
    ])
    func declaredRounding(_ c: RoundingCase) throws {
        var table = Fixtures.annualTaxTable
        table.rounding = c.spec
        let result = try table.tax(on: y("100.50"))
        #expect(result.value == y(c.tax))
        let applied = try #require(result.trace.steps.last?.rounding)
        #expect(applied.exact == f("3.015"))
        #expect(applied.spec == c.spec)
    }

    @Test("a money table cannot round finer than the fen")
    func moneyScaleTooFine() {
        var table = Fixtures.annualTaxTable
        table.rounding = RoundingSpec(.halfUp, scale: 3)
        #expect(throws: PayError.moneyScaleTooFine(3)) { try table.tax(on: y("100")) }
    }

    @Test("the quick-deduction trace names the bracket")
    func quickTrace() throws {
        let result = try Fixtures.annualTaxTable.tax(on: y("37000"))
        let step = try #require(result.trace.steps.first)
        #expect(step.inputs.map(\.value) == [.money(y("37000")), .rate(f("0.10")), .money(y("2520"))])
        #expect(step.notes.map { $0.text(.zh) } == ["适用个人所得税预扣率表第2级（超过 36,000.00 至 144,000.00）"])
    }

    @Test("slice by slice shows every bracket")
    func slicedTrace() throws {
        let result = try Fixtures.annualTaxTable.progressiveTax(on: y("150000"))
        let slices = result.trace.steps.dropLast()
        #expect(slices.map(\.result) == [.number(f("1080.00")), .number(f("10800.00")), .number(f("1200.00"))])
        #expect(slices.map { $0.inputs[0].value } == [.money(y("36000")), .money(y("108000")), .money(y("6000"))])
        #expect(result.value == y("13080"))  // 150,000 × 20% − 16,920
    }

    @Test("an amount no row covers is an error")
    func notCovered() {
        let bounded = BracketTable(rows: [.init(upTo: y("1000"), rate: f("0.1"))])
        #expect(throws: PayError.notCovered(amount: y("1000.01"))) { try bounded.tax(on: y("1000.01")) }
        #expect(throws: PayError.notCovered(amount: y("1000.01"))) { try bounded.progressiveTax(on: y("1000.01")) }
        #expect(throws: PayError.emptyTable) { try BracketTable(rows: []).tax(on: y("1")) }
    }

    struct ProblemCase: CustomTestStringConvertible, Sendable {
        let name: String
        let rows: [BracketTable.Row]
        let problems: [BracketTableProblem]
        var testDescription: String { name }
    }

    @Test("validation reports every problem as data", arguments: [
        ProblemCase(name: "empty", rows: [], problems: [.empty]),
        ProblemCase(
            name: "gap between rows (quick deduction matching the gap)",
            rows: [
                .init(upTo: y("36000"), rate: f("0.03")),
                .init(over: y("40000"), upTo: nil, rate: f("0.10"), quickDeduction: y("2920")),
            ],
            problems: [.gap(row: 1, from: y("36000"), to: y("40000"))]),
        ProblemCase(
            name: "first row starting above zero",
            rows: [.init(over: y("1000"), upTo: nil, rate: f("0.03"))],
            problems: [
                .gap(row: 0, from: .zero, to: y("1000")),
                .inconsistentQuickDeduction(row: 0, declared: .zero, expected: f("30.00")),
            ]),
        ProblemCase(
            name: "overlap",
            rows: [
                .init(upTo: y("36000"), rate: f("0.03")),
                .init(over: y("30000"), upTo: nil, rate: f("0.10"), quickDeduction: y("1920")),
            ],
            problems: [.overlap(row: 1, lowerBound: y("30000"), previousUpperBound: y("36000"))]),
        ProblemCase(
            name: "non-increasing bound",
            rows: [
                .init(upTo: y("36000"), rate: f("0.03")),
                .init(upTo: y("20000"), rate: f("0.10"), quickDeduction: y("2520")),
                .init(upTo: nil, rate: f("0.20"), quickDeduction: y("4520")),
            ],
            problems: [.nonIncreasingBound(row: 1, upperBound: y("20000"), previousBound: y("36000"))]),
        ProblemCase(
            name: "open end not last",
            rows: [
                .init(upTo: nil, rate: f("0.03")),
                .init(upTo: y("144000"), rate: f("0.10"), quickDeduction: y("2520")),
            ],
            problems: [.openEndNotLast(row: 0), .boundedLastRow(row: 1, upperBound: y("144000"))]),
        ProblemCase(
            name: "rates out of 0…1",
            rows: [
                .init(upTo: y("1000"), rate: f("-0.1")),
                .init(upTo: nil, rate: f("1.5"), quickDeduction: y("1600")),
            ],
            problems: [.rateOutOfRange(row: 0, rate: f("-0.1")), .rateOutOfRange(row: 1, rate: f("1.5"))]),
        ProblemCase(
            name: "a mistyped quick deduction",
            rows: Fixtures.annualTaxTable.rows.enumerated().map { i, row in
                var r = row
                if i == 2 { r.quickDeduction = y("16290") }
                return r
            },
            problems: [.inconsistentQuickDeduction(row: 2, declared: y("16290"), expected: f("16920.00"))]),
        ProblemCase(
            name: "quick deduction needing a fraction of a fen",
            rows: [
                .init(upTo: y("1000.01"), rate: f("0.03")),
                .init(upTo: nil, rate: f("0.105"), quickDeduction: y("75")),
            ],
            problems: [.inconsistentQuickDeduction(row: 1, declared: y("75"), expected: f("75.00075"))]),
        ProblemCase(
            name: "negative lower bound",
            rows: [.init(over: y("-10"), upTo: nil, rate: f("0.1"), quickDeduction: y("-1"))],
            problems: [.negativeBound(row: 0, lowerBound: y("-10"))]),
    ])
    func validation(_ c: ProblemCase) {
        #expect(BracketTable(rows: c.rows).validate() == c.problems)
    }

    @Test("the expected quick deductions of the annual table are its own")
    func expectedQuickDeductions() throws {
        let table = Fixtures.annualTaxTable
        #expect(try table.expectedQuickDeductions() == table.rows.map { $0.quickDeduction.fixed })
    }

    /// A random table whose quick deductions are computed to be consistent: bounds in whole
    /// yuan, rates to the percent, so every quick deduction is a whole number of 分.
    static func randomConsistentTable(_ g: inout SeededGenerator) throws -> BracketTable {
        let count = g.int(1...8)
        var bound: Int64 = 0
        var rows: [BracketTable.Row] = []
        for i in 0..<count {
            bound += g.int(1...200_000)
            let rate = Fixed(units: g.int(0...100), scale: 2)
            rows.append(.init(upTo: i == count - 1 ? nil : Money(yuan: bound), rate: rate))
        }
        var table = BracketTable(rows: rows)
        let expected = try table.expectedQuickDeductions()
        for i in rows.indices {
            let qd = try #require(expected[i])
            table.rows[i].quickDeduction = try #require(Money(qd, .halfUp))
            #expect(table.rows[i].quickDeduction.fixed == qd)
        }
        return table
    }

    @Test("slices and quick deduction agree exactly on 1,000 random consistent cases")
    func slicesAgreeWithQuickDeduction() throws {
        var g = SeededGenerator(seed: 0x6A69_6665_6E01)
        for _ in 0..<1_000 {
            let table = try Self.randomConsistentTable(&g)
            #expect(table.validate() == [])
            let amount = Money(fen: g.int(0...200_000_000))
            #expect(try table.exactTax(on: amount).tax == table.exactProgressiveTax(on: amount))
            #expect(try table.tax(on: amount).value == table.progressiveTax(on: amount).value)
        }
    }

    // Random tables, often malformed (explicit lower bounds, open rows anywhere, perturbed
    // quick deductions): validation never traps, and whenever it finds nothing the two
    // forms of the tax agree on every amount tried.
    @Test("a table that validates clean computes the same tax both ways: 1,000 seeded tables")
    func cleanMeansConsistent() throws {
        var g = SeededGenerator(seed: 0x6A69_6665_6E06)
        var clean = 0
        for _ in 0..<1_000 {
            var table = try Self.randomConsistentTable(&g)
            for i in table.rows.indices {
                switch g.int(0...9) {
                case 0: table.rows[i].quickDeduction = table.rows[i].quickDeduction + Money(fen: g.int(-100...100))
                case 1: table.rows[i].lowerBound = Money(yuan: g.int(0...300_000))
                case 2: table.rows[i].upperBound = nil
                default: break
                }
            }
            let problems = table.validate()
            guard problems.isEmpty else { continue }
            clean += 1
            for _ in 0..<20 {
                let amount = Money(fen: g.int(-1_000...200_000_000))
                #expect(try table.exactTax(on: amount).tax == table.exactProgressiveTax(on: amount))
            }
        }
        #expect(clean > 100)  // enough clean tables for the check to mean something
    }

    @Test("an inconsistent table is caught both by validation and by the two forms disagreeing")
    func inconsistentDisagrees() throws {
        var table = Fixtures.annualTaxTable
        table.rows[1].quickDeduction = y("2500")
        #expect(table.validate() == [.inconsistentQuickDeduction(row: 1, declared: y("2500"), expected: f("2520.00"))])
        #expect(try table.tax(on: y("50000")).value == y("2500"))
        #expect(try table.progressiveTax(on: y("50000")).value == y("2480"))
    }
}
