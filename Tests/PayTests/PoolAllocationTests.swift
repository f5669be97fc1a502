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
        // By position, as the payroll reads every entry's: the same trace, entry by entry.
        for (i, e) in entries.enumerated() { #expect(result.trace(at: i) == result.trace(for: e.key)) }
        #expect(result.trace(at: 1).steps.map(\.label.zh) == ["积分合计", "乙 的份额", "尾差分配"])
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
