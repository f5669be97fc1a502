import Exact
import Pay
import Testing

private let y = Fixtures.yuan
private let f = Fixtures.fixed

@Suite("SocialInsurance")
struct SocialInsuranceTests {
    struct BaseCase: CustomTestStringConvertible, Sendable {
        let wage: String
        let base: String
        let amounts: [String]  // pension, medical, unemployment
        let total: String
        var testDescription: String { "wage \(wage)" }
    }

    @Test("8% / 2% / 0.5% on a base clamped to [3,000, 15,000]", arguments: [
        BaseCase(wage: "5000", base: "5000", amounts: ["400.00", "100.00", "25.00"], total: "525.00"),
        BaseCase(wage: "2000", base: "3000", amounts: ["240.00", "60.00", "15.00"], total: "315.00"),
        BaseCase(wage: "3000", base: "3000", amounts: ["240.00", "60.00", "15.00"], total: "315.00"),
        BaseCase(wage: "15000", base: "15000", amounts: ["1200.00", "300.00", "75.00"], total: "1575.00"),
        BaseCase(wage: "20000", base: "15000", amounts: ["1200.00", "300.00", "75.00"], total: "1575.00"),
        // 345.7256, 86.4314, 21.60785: each item rounds on its own.
        BaseCase(wage: "4321.57", base: "4321.57", amounts: ["345.73", "86.43", "21.61"], total: "453.77"),
        // 0.5% of 3,001.00 is 15.005: a half, rounded up.
        BaseCase(wage: "3001", base: "3001", amounts: ["240.08", "60.02", "15.01"], total: "315.11"),
    ])
    func clampedBase(_ c: BaseCase) throws {
        let r = try Fixtures.socialInsurance.contributions(base: y(c.wage))
        #expect(r.lines.map(\.base) == Array(repeating: y(c.base), count: 3))
        #expect(r.lines.map(\.amount) == c.amounts.map(y))
        #expect(r.total == y(c.total))
    }

    @Test("the clamp is explained")
    func clampNotes() throws {
        let low = try Fixtures.socialInsurance.contributions(base: y("2000"))
        #expect(low.trace.step("养老保险")?.notes.map { $0.text(.zh) } == ["缴费工资 2,000.00 低于缴费基数下限 3,000.00，按下限计"])
        let high = try Fixtures.socialInsurance.contributions(base: y("20000"))
        #expect(high.trace.step("养老保险")?.notes.map { $0.text(.en) } == ["the wage 20,000.00 is above the base ceiling 15,000.00; the ceiling is used"])
    }

    struct HousingCase: CustomTestStringConvertible, Sendable {
        let rate: String
        let rounding: RoundingSpec
        let amount: String
        var testDescription: String { "\(rate) rounded to scale \(rounding.scale) \(rounding.rule)" }
    }

    // 4,321.57 × 12% = 518.5884; × 5% = 216.0785.
    @Test("each item rounds as declared: a housing fund to the yuan", arguments: [
        HousingCase(rate: "0.12", rounding: .yuan, amount: "519"),
        HousingCase(rate: "0.12", rounding: .fen, amount: "518.59"),
        HousingCase(rate: "0.12", rounding: RoundingSpec(.down, scale: 0), amount: "518"),
        HousingCase(rate: "0.05", rounding: .yuan, amount: "216"),
        HousingCase(rate: "0.05", rounding: .jiao, amount: "216.1"),
    ])
    func housingFundRounding(_ c: HousingCase) throws {
        let fund = ContributionItem(key: "公积金", name: PayText(zh: "住房公积金", en: "housing fund"), rate: f(c.rate), rounding: c.rounding)
        let r = try SocialInsurance(items: [Fixtures.pension, fund]).contributions(base: y("4321.57"))
        #expect(r.line("公积金")?.amount == y(c.amount))
        #expect(r.line("养老")?.amount == y("345.73"))
        #expect(r.total == y("345.73") + y(c.amount))
    }

    @Test("an item without floor or ceiling takes the wage as it is")
    func noClamp() throws {
        let item = ContributionItem(key: "养老", name: PayText(zh: "养老保险", en: "pension"), rate: f("0.08"))
        let r = try SocialInsurance(items: [item]).contributions(base: y("1234.56"))
        #expect(r.lines.map(\.base) == [y("1234.56")])
        #expect(r.total == y("98.76"))  // 98.7648
    }

    @Test("a switched-off item contributes 0 and says why (公益性岗位)")
    func switchedOff() throws {
        let reason = PayText(zh: "公益性岗位，个人缴费由财政补贴", en: "public-welfare post: the employee share is subsidised")
        let r = try Fixtures.socialInsurance.contributions(base: y("5000"), switchedOff: ["养老": reason])
        #expect(r.lines.map(\.amount) == ["0", "100", "25"].map(y))
        #expect(r.line("养老")?.switchedOffReason == reason)
        #expect(r.total == y("125"))
        let step = try #require(r.trace.step("养老保险"))
        #expect(step.result == .money(.zero))
        #expect(step.rounding == nil)
        #expect(step.notes.map { $0.text(.zh) } == ["不扣缴：公益性岗位，个人缴费由财政补贴"])
    }

    @Test("the total step lists every item")
    func totalStep() throws {
        let r = try Fixtures.socialInsurance.contributions(base: y("5000"))
        let total = try #require(r.trace.step("个人缴费合计"))
        #expect(total.inputs.map(\.value) == ["400", "100", "25"].map { .money(y($0)) })
        #expect(total.result == .money(y("525")))
        #expect(r.trace.step("失业保险")?.inputs.map(\.value) == [.money(y("5000")), .rate(f("0.005"))])
    }

    @Test("bad items and inputs are errors, not guesses")
    func errors() {
        var upsideDown = Fixtures.pension
        upsideDown.baseFloor = y("20000")
        #expect(throws: PayError.floorAboveCeiling(item: "养老", floor: y("20000"), ceiling: y("15000"))) {
            try SocialInsurance(items: [upsideDown]).contributions(base: y("5000"))
        }
        #expect(throws: PayError.duplicateKey("养老")) {
            try SocialInsurance(items: [Fixtures.pension, Fixtures.pension]).contributions(base: y("5000"))
        }
        #expect(throws: PayError.unknownKey("工伤")) {
            try Fixtures.socialInsurance.contributions(base: y("5000"), switchedOff: ["工伤": PayText(zh: "x", en: "x")])
        }
        #expect(throws: PayError.negative(PayText(zh: "缴费工资", en: "contribution wage"), f("-1.00"))) {
            try Fixtures.socialInsurance.contributions(base: y("-1"))
        }
        var tooFine = Fixtures.pension
        tooFine.rounding = RoundingSpec(.halfUp, scale: 4)
        #expect(throws: PayError.moneyScaleTooFine(4)) { try SocialInsurance(items: [tooFine]).contributions(base: y("5000")) }
    }
}
