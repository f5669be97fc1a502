import Exact
import Pay
import Testing

private let y = Fixtures.yuan

/// One month's pay as the batch would supply it.
struct MonthPay: Sendable {
    var income: Money
    var specialDeductions: Money
    var specialAdditionalDeductions: Money
    var taxFreeIncome: Money = .zero
    var otherDeductions: Money = .zero
}

/// Year-to-date values before the first month computed: zero for a payer that ran all
/// year, or a county's opening balances when it starts mid-year.
struct YearToDate: Sendable {
    var income = Money.zero
    var taxFreeIncome = Money.zero
    var specialDeductions = Money.zero
    var specialAdditionalDeductions = Money.zero
    var otherDeductions = Money.zero
    var withheld = Money.zero
    var monthsEmployed = 0
}

/// Runs the months in order the way the batch does: accumulate, compute, carry the
/// withholding forward.
func runMonths(
    _ months: [MonthPay], from opening: YearToDate = YearToDate(),
    table: BracketTable = Fixtures.annualTaxTable
) throws -> [WithholdingResult] {
    var ytd = opening
    var results: [WithholdingResult] = []
    for m in months {
        ytd.income = ytd.income + m.income
        ytd.taxFreeIncome = ytd.taxFreeIncome + m.taxFreeIncome
        ytd.specialDeductions = ytd.specialDeductions + m.specialDeductions
        ytd.specialAdditionalDeductions = ytd.specialAdditionalDeductions + m.specialAdditionalDeductions
        ytd.otherDeductions = ytd.otherDeductions + m.otherDeductions
        ytd.monthsEmployed += 1
        let result = try CumulativeWithholding(
            cumulativeIncome: ytd.income, cumulativeTaxFreeIncome: ytd.taxFreeIncome,
            monthsEmployed: ytd.monthsEmployed, basicDeductionPerMonth: Fixtures.basicDeduction,
            cumulativeSpecialDeductions: ytd.specialDeductions,
            cumulativeSpecialAdditionalDeductions: ytd.specialAdditionalDeductions,
            cumulativeOtherDeductions: ytd.otherDeductions, taxWithheldEarlier: ytd.withheld
        ).compute(with: table)
        ytd.withheld = ytd.withheld + result.withholding
        results.append(result)
    }
    return results
}

@Suite("CumulativeWithholding")
struct CumulativeWithholdingTests {
    static let example1 = Array(repeating: MonthPay(income: y("10000"), specialDeductions: y("1500"), specialAdditionalDeductions: y("1000")), count: 12)
    static let example2 = Array(repeating: MonthPay(income: y("30000"), specialDeductions: y("4500"), specialAdditionalDeductions: y("2000")), count: 12)

    // 国家税务总局 worked example: 10,000 a month, 1,500 social insurance, 1,000 special
    // additional deductions: 2,500 taxable a month stays within the 3% bracket all year.
    @Test("tax office example 1: 75.00 every month", arguments: 1...12)
    func example1(month: Int) throws {
        let results = try runMonths(Array(Self.example1.prefix(month)))
        let r = try #require(results.last)
        #expect(r.withholding == y("75.00"))
        #expect(r.cumulativeTaxableIncome == Money(yuan: 2_500 * Int64(month)))
        #expect(r.cumulativeTax == Money(yuan: 75 * Int64(month)))
    }

    // 国家税务总局 worked example: 30,000 a month, 4,500 social insurance, 2,000 special
    // additional deductions → 555, 625, 1,850 for January to March. The rest of the year
    // follows the same table: the 10% bracket is crossed in February, the 20% in August.
    @Test("tax office example 2: month by month, with the bracket crossings", arguments: zip(1...12, [
        "555.00", "625.00", "1850.00", "1850.00", "1850.00", "1850.00",
        "1850.00", "2250.00", "3700.00", "3700.00", "3700.00", "3700.00",
    ]))
    func example2(month: Int, expected: String) throws {
        let results = try runMonths(Array(Self.example2.prefix(month)))
        let r = try #require(results.last)
        #expect(r.withholding == y(expected))
        #expect(r.cumulativeTaxableIncome == Money(yuan: 18_500 * Int64(month)))
    }

    @Test("tax office example 2: the rows used and the year's total")
    func example2Year() throws {
        let results = try runMonths(Self.example2)
        let rows = results.map { Fixtures.annualTaxTable.rowIndex(for: $0.cumulativeTaxableIncome) }
        #expect(rows == [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
        #expect(results.map(\.withholding).sum() == y("27480"))
        #expect(results.last?.cumulativeTax == y("27480"))  // 222,000 × 20% − 16,920
    }

    @Test("months employed count from the hiring month within the year", arguments: [
        ("2020-07", "2020-09", 3), ("2019-05", "2020-03", 3), ("2020-01", "2020-12", 12),
        ("2020-12", "2020-12", 1), ("2020-10", "2020-09", 0),
    ])
    func monthsEmployed(hired: String, month: String, expected: Int) {
        let months = CumulativeWithholding.monthsEmployed(hiredIn: YearMonth(hired)!, through: YearMonth(month)!)
        #expect(months == expected)
    }

    // Hired in July at 20,000 with 2,000 social insurance: the basic deduction counts
    // six months (July–December), not twelve, and the 10% bracket is reached in September.
    @Test("a mid-year hire deducts only the months employed")
    func midYearHire() throws {
        let months = Array(repeating: MonthPay(income: y("20000"), specialDeductions: y("2000"), specialAdditionalDeductions: .zero), count: 6)
        let results = try runMonths(months)
        #expect(results.map(\.withholding) == ["390", "390", "600", "1300", "1300", "1300"].map(y))
        #expect(results.map(\.cumulativeBasicDeduction) == (1...6).map { Money(yuan: 5_000 * Int64($0)) })
        #expect(results.map(\.withholding).sum() == y("5280"))  // 78,000 × 10% − 2,520
    }

    // Unpaid leave in March: the cumulative tax (855) falls below what January and February
    // withheld (1,180), so March withholds 0 and the 325 is not refunded; April catches up.
    @Test("a month with income dropping withholds 0 and reports the would-be refund")
    func incomeDrops() throws {
        var months = Array(Self.example2.prefix(4))
        months[2].income = y("3000")
        let results = try runMonths(months)
        #expect(results.map(\.withholding) == ["555", "625", "0", "1000"].map(y))
        #expect(results[2].cumulativeTax == y("855"))
        #expect(results[2].unrefundedExcess == y("325"))
        #expect(results[3].unrefundedExcess == .zero)
        let step = try #require(results[2].trace.step("本期应预扣预缴税额"))
        #expect(step.notes.map { $0.text(.zh) } == ["计算结果为 -325.00，本月不预扣；多预扣的 325.00 元本月不退，由年度汇算办理"])
    }

    // A county that starts using jifen in July supplies January–June as opening balances;
    // July to December must come out exactly as if the whole year had been run.
    @Test("opening balances give the same months as a full year")
    func openingBalances() throws {
        let full = try runMonths(Self.example2)
        let opening = YearToDate(
            income: y("180000"), specialDeductions: y("27000"), specialAdditionalDeductions: y("12000"),
            withheld: y("8580"), monthsEmployed: 6)
        let fromJuly = try runMonths(Array(Self.example2.suffix(6)), from: opening)
        #expect(fromJuly.map(\.withholding) == full.suffix(6).map(\.withholding))
        #expect(fromJuly.map(\.withholding) == ["1850", "2250", "3700", "3700", "3700", "3700"].map(y))
    }

    struct FieldCase: CustomTestStringConvertible, Sendable {
        let name: String
        let input: CumulativeWithholding
        let taxable: String
        let withholding: String
        var testDescription: String { name }
    }

    @Test("every field of the formula counts", arguments: [
        FieldCase(
            name: "tax-free income",
            input: CumulativeWithholding(cumulativeIncome: y("30000"), cumulativeTaxFreeIncome: y("1000"), monthsEmployed: 1, basicDeductionPerMonth: y("5000")),
            taxable: "24000", withholding: "720"),
        FieldCase(
            name: "other deductions",
            input: CumulativeWithholding(cumulativeIncome: y("30000"), monthsEmployed: 1, basicDeductionPerMonth: y("5000"), cumulativeOtherDeductions: y("200")),
            taxable: "24800", withholding: "744"),
        FieldCase(
            name: "tax relief",
            input: CumulativeWithholding(cumulativeIncome: y("30000"), monthsEmployed: 1, basicDeductionPerMonth: y("5000"), cumulativeTaxRelief: y("50")),
            taxable: "25000", withholding: "700"),
        FieldCase(
            name: "a different basic deduction (a parameter, not 5,000)",
            input: CumulativeWithholding(cumulativeIncome: y("30000"), monthsEmployed: 2, basicDeductionPerMonth: y("3500")),
            taxable: "23000", withholding: "690"),
        FieldCase(
            name: "deductions above income floor the taxable income at 0",
            input: CumulativeWithholding(cumulativeIncome: y("4000"), monthsEmployed: 1, basicDeductionPerMonth: y("5000")),
            taxable: "0", withholding: "0"),
        FieldCase(
            name: "fen survive: 3% of 12,345.67",
            input: CumulativeWithholding(cumulativeIncome: y("17345.67"), monthsEmployed: 1, basicDeductionPerMonth: y("5000")),
            taxable: "12345.67", withholding: "370.37"),
        FieldCase(
            name: "the whole-year 60,000 from January (公告2020年第19号)",
            input: CumulativeWithholding(cumulativeIncome: y("120000"), monthsEmployed: 12, basicDeductionPerMonth: y("5000"), cumulativeBasicDeductionOverride: y("60000"), cumulativeSpecialDeductions: y("12000"), taxWithheldEarlier: y("1380")),
            taxable: "48000", withholding: "900"),
        FieldCase(
            name: "the whole-year 60,000 in January leaves nothing taxable",
            input: CumulativeWithholding(cumulativeIncome: y("10000"), monthsEmployed: 1, basicDeductionPerMonth: y("5000"), cumulativeBasicDeductionOverride: y("60000"), cumulativeSpecialDeductions: y("1000")),
            taxable: "0", withholding: "0"),
    ])
    func fields(_ c: FieldCase) throws {
        let r = try c.input.compute(with: Fixtures.annualTaxTable)
        #expect(r.cumulativeTaxableIncome == y(c.taxable))
        #expect(r.withholding == y(c.withholding))
    }

    @Test("months employed outside 0…12 are refused", arguments: [-1, 13])
    func monthsOutOfRange(months: Int) {
        let input = CumulativeWithholding(cumulativeIncome: y("1000"), monthsEmployed: months, basicDeductionPerMonth: y("5000"))
        #expect(throws: PayError.monthsEmployedOutOfRange(months)) { try input.compute(with: Fixtures.annualTaxTable) }
    }

    @Test("a negative taxable difference is noted in the trace")
    func flooredNote() throws {
        let r = try CumulativeWithholding(cumulativeIncome: y("4000"), monthsEmployed: 1, basicDeductionPerMonth: y("5000"))
            .compute(with: Fixtures.annualTaxTable)
        let step = try #require(r.trace.step("累计预扣预缴应纳税所得额"))
        #expect(step.notes.map { $0.text(.zh) } == ["计算结果为 -1,000.00，按 0 计"])
    }

    // For a constant monthly income the cumulative tax never falls, so nothing is ever
    // "refunded" and twelve months of withholding add up to the table's tax on the
    // year's taxable income, to the 分.
    @Test("twelve months sum to the annual tax: 1,000 seeded constant incomes")
    func twelveMonthsSumToAnnualTax() throws {
        var g = SeededGenerator(seed: 0x6A69_6665_6E02)
        for _ in 0..<1_000 {
            let income = Money(fen: g.int(0...12_000_000))
            let special = Money(fen: g.int(0...(income.fen / 4)))
            let additional = Money(yuan: 1_000 * g.int(0...5))
            let months = Array(repeating: MonthPay(income: income, specialDeductions: special, specialAdditionalDeductions: additional), count: 12)
            let results = try runMonths(months)
            let annualTaxable = max(Money(fen: 12 * (income.fen - special.fen - additional.fen - 500_000)), .zero)
            let annualTax = try Fixtures.annualTaxTable.tax(on: annualTaxable).value
            #expect(results.map(\.withholding).sum() == annualTax)
            #expect(results.allSatisfy { $0.unrefundedExcess == .zero })
        }
    }

    // With any incomes, what was withheld plus what was not refunded never falls short of the
    // cumulative tax, and equals it whenever no month went negative.
    @Test("withheld so far tracks the cumulative tax: 1,000 seeded varying years")
    func varyingIncomes() throws {
        var g = SeededGenerator(seed: 0x6A69_6665_6E03)
        for _ in 0..<1_000 {
            let months = (0..<12).map { _ in
                MonthPay(income: Money(fen: g.int(0...8_000_000)), specialDeductions: Money(fen: g.int(0...300_000)), specialAdditionalDeductions: Money(yuan: 1_000 * g.int(0...3)))
            }
            let results = try runMonths(months)
            var withheld = Money.zero
            for r in results {
                withheld = withheld + r.withholding
                #expect(withheld >= r.cumulativeTax)
                if r.unrefundedExcess == .zero { #expect(withheld == r.cumulativeTax) }
                else { #expect(withheld - r.unrefundedExcess == r.cumulativeTax) }
            }
        }
    }

    @Test("the February trace of example 2 reads like the tax office's worksheet")
    func traceSnapshot() throws {
        let results = try runMonths(Array(Self.example2.prefix(2)))
        let trace = try #require(results.last).trace
        try expectSnapshot(trace.rendered(.zh) + "\n" + trace.rendered(.en), named: "withholding-february.txt")
    }
}
