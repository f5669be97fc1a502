import Exact
import Pay
import Testing

private let y = Fixtures.yuan
private let f = Fixtures.fixed

@Suite("PoolAllocation")
struct PoolAllocationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let pool: String
        let entries: [(String, String)]
        let shares: [String]
        var testDescription: String { name }
    }

    @Test("largest remainder, exact to the fen", arguments: [
        Case(name: "three equal: the tie goes to the first key", pool: "100",
             entries: [("A", "1"), ("B", "1"), ("C", "1")], shares: ["33.34", "33.33", "33.33"]),
        Case(name: "the tie-break is the key order, not the input order", pool: "100",
             entries: [("C", "1"), ("B", "1"), ("A", "1")], shares: ["33.33", "33.33", "33.34"]),
        Case(name: "the larger remainder wins before the key", pool: "10",
             entries: [("A", "1"), ("B", "2")], shares: ["3.33", "6.67"]),
        Case(name: "zero weights get nothing", pool: "1.01",
             entries: [("A", "0"), ("B", "1"), ("C", "1")], shares: ["0.00", "0.51", "0.50"]),
        Case(name: "weights at different scales", pool: "100",
             entries: [("A", "1.5"), ("B", "2.25"), ("C", "0.25")], shares: ["37.50", "56.25", "6.25"]),
        // 1,000 ÷ 7 = 142.857…: 5 fen left over. Chinese keys sort by code point:
        // 丁(4E01) 丙(4E19) 乙(4E59) 己(5DF1) 庚(5E9A) | 戊(620A) 甲(7532).
        Case(name: "five fen left over among seven Chinese keys", pool: "1000",
             entries: [("甲", "3"), ("乙", "3"), ("丙", "3"), ("丁", "3"), ("戊", "3"), ("己", "3"), ("庚", "3")],
             shares: ["142.85", "142.86", "142.86", "142.86", "142.85", "142.86", "142.86"]),
        Case(name: "a pool of one fen", pool: "0.01",
             entries: [("A", "2"), ("B", "3")], shares: ["0.00", "0.01"]),
        Case(name: "an empty pool", pool: "0",
             entries: [("A", "2"), ("B", "3")], shares: ["0.00", "0.00"]),
    ])
    func allocation(_ c: Case) throws {
        let entries = c.entries.map { PoolAllocation<String>.Entry(key: $0.0, weight: f($0.1)) }
        let result = try PoolAllocation(pool: y(c.pool), entries: entries).allocate()
        #expect(result.shares.map(\.amount) == c.shares.map(y))
        #expect(result.shares.map(\.amount).sum() == y(c.pool))
        #expect(result.unallocated == .zero)
    }

    // 甲(7532) 乙(4E59) 丙(4E19): by code point 丙 comes first.
    @Test("the tie-break order is stated and visible in the shares")
    func tieBreakTrace() throws {
        let entries = ["甲", "乙", "丙"].map { PoolAllocation<String>.Entry(key: $0, weight: Fixed(1)) }
        let result = try PoolAllocation(pool: y("1"), entries: entries).allocate()
        #expect(result.shares.map(\.amount) == ["0.33", "0.33", "0.34"].map(y))
        #expect(result.shares.map(\.remainderRank) == [3, 2, 1])
        let last = try #require(result.trace.steps.last)
        #expect(last.result == .count(1))
        #expect(last.notes.map { $0.text(.zh) } == ["剩余 1 分按余数从大到小各补 1 分；余数相同时按编号升序"])
        let share = try #require(result.trace.step("丙 的份额"))
        #expect(share.notes.map { $0.text(.zh) } == ["按比例为 0.333333… 元，取整到分为 0.33；余数排第 1，补 0.01"])
    }

    @Test("one entry's explanation: the total, its share and the remainder rule")
    func traceForOneEntry() throws {
        let entries = ["甲", "乙", "丙"].map { PoolAllocation<String>.Entry(key: $0, weight: Fixed(1)) }
        let result = try PoolAllocation(pool: y("1"), entries: entries).allocate()
        let trace = try #require(result.trace(for: "乙"))
        #expect(trace.steps.map(\.label.zh) == ["积分合计", "乙 的份额", "尾差分配"])
        #expect(result.trace(for: "丁") == nil)
    }

    @Test("all weights zero: nothing allocated, the pool reported as unallocated", arguments: [
        [("A", "0"), ("B", "0.00")], [],
    ])
    func allZero(_ entries: [(String, String)]) throws {
        let result = try PoolAllocation(pool: y("500"), entries: entries.map { .init(key: $0.0, weight: f($0.1)) }).allocate()
        #expect(result.shares.map(\.amount) == Array(repeating: .zero, count: entries.count))
        #expect(result.unallocated == y("500"))
        #expect(result.trace.step("未分配金额")?.result == .money(y("500")))
    }

    @Test("negative pools, negative weights and duplicate keys are refused")
    func errors() {
        #expect(throws: PayError.negative(PayText(zh: "奖金池", en: "pool"), f("-1.00"))) {
            try PoolAllocation(pool: y("-1"), entries: [.init(key: "A", weight: Fixed(1))]).allocate()
        }
        #expect(throws: PayError.negative(PayText(zh: "积分", en: "weight"), f("-2"))) {
            try PoolAllocation(pool: y("1"), entries: [.init(key: "A", weight: f("-2"))]).allocate()
        }
        #expect(throws: PayError.duplicateKey("A")) {
            try PoolAllocation(pool: y("1"), entries: [.init(key: "A", weight: Fixed(1)), .init(key: "A", weight: Fixed(2))]).allocate()
        }
    }

    @Test("1,000 seeded pools: shares sum to the pool, within a fen of proportional, monotone, order-free")
    func properties() throws {
        var g = SeededGenerator(seed: 0x6A69_6665_6E04)
        for _ in 0..<1_000 {
            let pool = Money(fen: g.int(0...100_000_000))
            let count = g.int(1...60)
            let entries = (0..<count).map { i in
                // A quarter of the weights are zero; the rest have up to two places.
                PoolAllocation<Int>.Entry(key: i, weight: g.int(0...3) == 0 ? .zero : Fixed(units: g.int(1...20_000), scale: g.int(0...2)))
            }
            let result = try PoolAllocation(pool: pool, entries: entries).allocate()
            let total = entries.reduce(Fixed.zero) { $0 + $1.weight }
            if total.isZero {
                #expect(result.unallocated == pool)
                continue
            }
            #expect(result.shares.map(\.amount).sum() == pool)
            #expect(result.unallocated == .zero)
            for s in result.shares {
                #expect(s.amount.fen - s.roundedDownAmount.fen == 0 || s.amount.fen - s.roundedDownAmount.fen == 1)
                if s.weight.isZero { #expect(s.amount == .zero) }
            }
            for a in result.shares { for b in result.shares where a.weight > b.weight { #expect(a.amount >= b.amount) } }
            // Reversing the input changes nothing for any key.
            let reversed = try PoolAllocation(pool: pool, entries: entries.reversed()).allocate()
            for s in reversed.shares { #expect(result.amount(for: s.key) == s.amount) }
        }
    }
}

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
