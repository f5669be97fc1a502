import Exact
import Pay
import Testing

private let y = Fixtures.yuan
private let f = Fixtures.fixed

@Suite("PayArithmetic")
struct PayArithmeticTests {
    struct RateCase: CustomTestStringConvertible, Sendable {
        let monthly: String
        let divisor: String
        let rounding: RoundingSpec
        let rate: String
        var testDescription: String { "\(monthly) ÷ \(divisor) at scale \(rounding.scale) \(rounding.rule)" }
    }

    @Test("day rate = monthly ÷ divisor at the declared scale", arguments: [
        RateCase(monthly: "3000", divisor: "21.75", rounding: .fen, rate: "137.93"),
        RateCase(monthly: "3000", divisor: "21.75", rounding: RoundingSpec(.halfUp, scale: 4), rate: "137.9310"),
        RateCase(monthly: "3000", divisor: "21.75", rounding: RoundingSpec(.up, scale: 2), rate: "137.94"),
        RateCase(monthly: "4350", divisor: "21.75", rounding: .fen, rate: "200.00"),
        RateCase(monthly: "3000", divisor: "30", rounding: .fen, rate: "100.00"),
        RateCase(monthly: "2500", divisor: "21.75", rounding: .yuan, rate: "115"),  // 114.9425…
    ])
    func dayRate(_ c: RateCase) throws {
        let r = try PayArithmetic.ratePerDay(monthly: y(c.monthly), divisor: f(c.divisor), rounding: c.rounding)
        #expect(r.value == f(c.rate))
        #expect(r.value.scale == c.rounding.scale)
    }

    @Test("a non-terminating quotient is shown cut, not as exact")
    func quotientTrace() throws {
        let r = try PayArithmetic.ratePerDay(monthly: y("3000"), divisor: f("21.75"), rounding: RoundingSpec(.halfUp, scale: 4))
        let applied = try #require(r.trace.steps.first?.rounding)
        #expect(!applied.isExact)
        #expect(applied.exact == f("137.9310344827"))
        #expect(applied.text(.zh) == "137.9310344827… 四舍五入保留 4 位小数")
        let exact = try PayArithmetic.ratePerDay(monthly: y("4350"), divisor: f("21.75"), rounding: .fen)
        #expect(exact.trace.steps.first?.rounding?.isExact == true)
    }

    struct OvertimeCase: CustomTestStringConvertible, Sendable {
        let dayRateScale: Int
        let days: String
        let pay: String
        var testDescription: String { "day rate to \(dayRateScale) places, \(days) days" }
    }

    // Holiday overtime at 300% on 3,000 a month: where the day rate is rounded matters.
    @Test("overtime = day rate × days × multiplier, composed from the two helpers", arguments: [
        OvertimeCase(dayRateScale: 4, days: "2", pay: "827.59"),   // 137.9310 × 6 = 827.586
        OvertimeCase(dayRateScale: 2, days: "2", pay: "827.58"),   // 137.93 × 6
        OvertimeCase(dayRateScale: 2, days: "0.5", pay: "206.90"), // 137.93 × 1.5 = 206.895
        OvertimeCase(dayRateScale: 4, days: "3", pay: "1241.38"),  // 137.9310 × 9 = 1241.379
    ])
    func overtime(_ c: OvertimeCase) throws {
        let day = try PayArithmetic.ratePerDay(monthly: y("3000"), divisor: f("21.75"), rounding: RoundingSpec(.halfUp, scale: c.dayRateScale))
        let pay = try PayArithmetic.scaledAmount(
            PayText(zh: "节假日加班工资", en: "holiday overtime"),
            factors: [
                PayInput(PayText(zh: "日工资", en: "day rate"), .number(day.value)),
                PayInput(PayText(zh: "加班天数", en: "days"), .number(f(c.days))),
                PayInput(PayText(zh: "倍数", en: "multiplier"), .rate(Fixed(3))),
            ],
            rounding: .fen)
        #expect(pay.value == y(c.pay))
        #expect(pay.trace.steps.first?.formula.zh == "日工资 × 加班天数 × 倍数")
    }

    struct PointValueCase: CustomTestStringConvertible, Sendable {
        let pool: String
        let points: String
        let rounding: RoundingSpec
        let value: String
        var testDescription: String { "\(pool) ÷ \(points) at scale \(rounding.scale)" }
    }

    @Test("分值 = pool ÷ total points at the declared scale", arguments: [
        PointValueCase(pool: "10000", points: "37.5", rounding: .fen, value: "266.67"),
        PointValueCase(pool: "10000", points: "37.5", rounding: RoundingSpec(.halfUp, scale: 4), value: "266.6667"),
        PointValueCase(pool: "10000", points: "37.5", rounding: RoundingSpec(.down, scale: 2), value: "266.66"),
        PointValueCase(pool: "45000", points: "3000", rounding: .fen, value: "15.00"),
    ])
    func pointValue(_ c: PointValueCase) throws {
        let r = try PayArithmetic.pointValue(pool: y(c.pool), totalPoints: f(c.points), rounding: c.rounding)
        #expect(r.value == f(c.value))
    }

    @Test("points × 分值 to money")
    func performancePay() throws {
        let value = try PayArithmetic.pointValue(pool: y("10000"), totalPoints: f("37.5"), rounding: RoundingSpec(.halfUp, scale: 4))
        let pay = try PayArithmetic.scaledAmount(
            PayText(zh: "绩效工资", en: "performance pay"),
            factors: [PayInput(PayText(zh: "积分", en: "points"), .number(f("12.5"))), PayInput(PayText(zh: "分值", en: "point value"), .number(value.value))],
            rounding: .fen)
        #expect(pay.value == y("3333.33"))  // 12.5 × 266.6667 = 3333.33375
    }

    @Test("division by zero, too fine a money scale and overflow are errors")
    func errors() {
        #expect(throws: PayError.divisionByZero(PayText(zh: "月计薪天数", en: "pay days per month"))) {
            try PayArithmetic.ratePerDay(monthly: y("3000"), divisor: .zero, rounding: .fen)
        }
        #expect(throws: PayError.divisionByZero(PayText(zh: "积分合计", en: "total points"))) {
            try PayArithmetic.pointValue(pool: y("3000"), totalPoints: f("0.0"), rounding: .fen)
        }
        #expect(throws: PayError.moneyScaleTooFine(3)) {
            try PayArithmetic.scaledAmount(PayText(zh: "x", en: "x"), factors: [PayInput(PayText(zh: "a", en: "a"), .number(Fixed(1)))], rounding: RoundingSpec(.halfUp, scale: 3))
        }
        #expect(throws: PayError.scaleOutOfRange(19)) {
            try PayArithmetic.ratePerDay(monthly: y("3000"), divisor: f("21.75"), rounding: RoundingSpec(.halfUp, scale: 19))
        }
        let huge = PayInput(PayText(zh: "a", en: "a"), .number(Fixed(units: Int64.max / 2, scale: 0)))
        #expect(throws: PayError.self) {
            try PayArithmetic.scaledAmount(PayText(zh: "x", en: "x"), factors: [huge, huge], rounding: .fen)
        }
    }
}
