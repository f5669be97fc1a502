import Exact
import Pay
import Testing

private let y = Fixtures.yuan

/// The monthly table of 全年一次性奖金单独计税 (财政部 税务总局公告2023年第30号 / 2018年第164号).
let monthlyBonusTable = BracketTable(
    name: PayText(zh: "按月换算后的综合所得税率表", en: "monthly table"),
    rows: [
        .init(upTo: y("3000"), rate: Fixtures.fixed("0.03"), quickDeduction: .zero),
        .init(upTo: y("12000"), rate: Fixtures.fixed("0.10"), quickDeduction: y("210")),
        .init(upTo: y("25000"), rate: Fixtures.fixed("0.20"), quickDeduction: y("1410")),
        .init(upTo: y("35000"), rate: Fixtures.fixed("0.25"), quickDeduction: y("2660")),
        .init(upTo: y("55000"), rate: Fixtures.fixed("0.30"), quickDeduction: y("4410")),
        .init(upTo: y("80000"), rate: Fixtures.fixed("0.35"), quickDeduction: y("7160")),
        .init(upTo: nil, rate: Fixtures.fixed("0.45"), quickDeduction: y("15160")),
    ])

@Suite("BonusTax")
struct BonusTaxTests {
    @Test("the monthly table is sound")
    func tableValidates() {
        #expect(monthlyBonusTable.validate() == [])
    }

    /// Worked by hand: bonus ÷ 12 picks the row, tax = bonus × rate − quick deduction, once.
    @Test("单独计税 in every bracket", arguments: [
        ("0", "0.00"),
        ("6000", "180.00"),          // 500 a month → 3%: 6,000 × 3% = 180
        ("36000", "1080.00"),        // 3,000 a month → still 3%: 1,080
        ("36001", "3390.10"),        // 3,000.08 a month → 10%: 3,600.10 − 210 = 3,390.10
        ("60000", "5790.00"),        // 5,000 → 10%: 6,000 − 210
        ("144000", "14190.00"),      // 12,000 → 10%: 14,400 − 210
        ("200000", "38590.00"),      // 16,666.67 → 20%: 40,000 − 1,410
        ("420000", "102340.00"),     // 35,000 → 25%: 105,000 − 2,660
        ("600000", "175590.00"),     // 50,000 → 30%: 180,000 − 4,410
        ("1000000", "434840.00"),    // 83,333.33 → 45%: 450,000 − 15,160
    ])
    func separate(_ bonus: String, _ tax: String) throws {
        let t = try BonusTax.separate(bonus: y(bonus), table: monthlyBonusTable)
        #expect(t.value == y(tax))
        #expect(t.trace.steps.count == 2)
    }

    @Test("单独计税 picks the row by the bonus against 12 × each bound, not a rounded quotient")
    func rowAtTheBound() throws {
        // 36,000.05 ÷ 12 = 3,000.004…, which rounds to 3,000.00 but is above it: 10%.
        let t = try BonusTax.separate(bonus: y("36000.05"), table: monthlyBonusTable)
        #expect(t.value == y("3390.01"))  // 3,600.005 − 210 = 3,390.005 → 3,390.01
    }

    /// Worked by hand with the annual table: tax(taxable + bonus) − tax(taxable).
    @Test("并入综合所得", arguments: [
        ("9000", "36000", "900.00"),      // 45,000: 4,500 − 2,520 = 1,980; 36,000: 1,080; 900
        ("36001", "0", "1080.10"),        // 36,001: 3,600.10 − 2,520 = 1,080.10; 0: 0
        ("20000", "-5000", "450.00"),     // 5,000 of deduction unused: 15,000 × 3% = 450; without: 0
        ("3000", "-5000", "0.00"),        // the bonus stays within the unused deduction: −2,000 → 0
        ("50000", "100000", "5600.00"),   // 150,000: 30,000 − 16,920 = 13,080; 100,000: 10,000 − 2,520 = 7,480
    ])
    func merged(_ bonus: String, _ taxable: String, _ tax: String) throws {
        let t = try BonusTax.merged(bonus: y(bonus), taxable: y(taxable), table: Fixtures.annualTaxTable)
        #expect(t.value == y(tax))
        #expect(t.trace.steps.last?.label.zh == "并入综合所得")
    }

    @Test("取低者 takes the lower tax, and 单独计税 on equal taxes")
    func lower() {
        let a = BonusTax.lower(separate: y("3390.10"), merged: y("1080.10"))
        #expect(a.method == .merged)
        #expect(a.why.zh == "取低者：并入综合所得 1,080.10 元 < 单独计税 3,390.10 元")
        let b = BonusTax.lower(separate: y("90"), merged: y("90"))
        #expect(b.method == .separate)
        #expect(b.why.zh.contains("相等时单独计税"))
        #expect(BonusTax.lower(separate: y("270"), merged: y("900")).method == .separate)
    }
}
