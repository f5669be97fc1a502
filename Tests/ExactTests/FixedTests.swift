import Exact
import Testing

struct FixedTests {
    struct ParseCase: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: String?
        var testDescription: String { "\"\(text)\" → \(expected ?? "nil")" }
    }

    @Test(arguments: [
        ParseCase(text: "12.50", expected: "12.50"), ParseCase(text: "-3", expected: "-3"),
        ParseCase(text: "+0.5", expected: "0.5"), ParseCase(text: "1,234.5", expected: "1234.5"),
        ParseCase(text: "1e5", expected: nil), ParseCase(text: "1.2.3", expected: nil),
        ParseCase(text: "", expected: nil), ParseCase(text: ".", expected: nil),
        ParseCase(text: ",1", expected: nil), ParseCase(text: "1,,2", expected: nil),
        ParseCase(text: "99999999999999999999", expected: nil),
        // Thousands separators in groups of three only: anything else would silently read
        // a typo (1,5 for 1.5) as another number (15).
        ParseCase(text: "1,5", expected: nil), ParseCase(text: "1,2,3", expected: nil),
        ParseCase(text: "12,34.5", expected: nil), ParseCase(text: "1234,567", expected: nil),
        ParseCase(text: "1,2345", expected: nil), ParseCase(text: "1,234,56", expected: nil),
        ParseCase(text: "1,234", expected: "1234"), ParseCase(text: "12,345,678.90", expected: "12345678.90"),
        ParseCase(text: "-123,456.5", expected: "-123456.5"),
    ])
    func parses(_ c: ParseCase) {
        #expect(Fixed(c.text)?.description == c.expected)
    }

    struct RoundCase: Sendable, CustomTestStringConvertible {
        var value: String
        var rounding: Rounding
        var scale: Int
        var expected: String
        var testDescription: String { "\(value) \(rounding) to \(scale) → \(expected)" }
    }

    @Test(arguments: [
        RoundCase(value: "2.345", rounding: .halfUp, scale: 2, expected: "2.35"),
        RoundCase(value: "-2.345", rounding: .halfUp, scale: 2, expected: "-2.35"),
        RoundCase(value: "2.345", rounding: .halfEven, scale: 2, expected: "2.34"),
        RoundCase(value: "2.355", rounding: .halfEven, scale: 2, expected: "2.36"),
        RoundCase(value: "2.349", rounding: .down, scale: 2, expected: "2.34"),
        RoundCase(value: "2.341", rounding: .up, scale: 2, expected: "2.35"),
        RoundCase(value: "-2.341", rounding: .floor, scale: 2, expected: "-2.35"),
        RoundCase(value: "-2.349", rounding: .ceiling, scale: 2, expected: "-2.34"),
        RoundCase(value: "1234.5", rounding: .halfUp, scale: 0, expected: "1235"),
        RoundCase(value: "7", rounding: .halfUp, scale: 2, expected: "7.00"),
    ])
    func rounds(_ c: RoundCase) {
        #expect(Fixed(c.value)!.rounded(scale: c.scale, c.rounding).description == c.expected)
    }

    @Test func arithmeticIsExact() {
        let a = Fixed("0.1")!, b = Fixed("0.2")!
        #expect(a + b == Fixed("0.3")!)
        #expect((Fixed("2.5")! * Fixed("0.5")!).description == "1.25")
        #expect(Fixed("1.50")! == Fixed("1.5")!)
        #expect(Fixed("1.50")!.hashValue == Fixed("1.5")!.hashValue)
        #expect(Fixed("-1")! < Fixed("0.001")!)
    }

    @Test func divisionRoundsAsDeclared() {
        // Day rate: 3,200 ÷ 21.75 = 147.1264…
        let rate = Fixed("3200")!.dividing(by: Fixed("21.75")!, scale: 2, .halfUp)
        #expect(rate?.description == "147.13")
        #expect(Fixed("1")!.dividing(by: Fixed("3")!, scale: 4, .down)?.description == "0.3333")
        #expect(Fixed("1")!.dividing(by: Fixed.zero, scale: 2, .halfUp) == nil)
    }

    @Test func overflowIsReportedNotTrapped() {
        let big = Fixed(units: Int64.max / 2, scale: 0)
        #expect(big.adding(big) != nil)
        #expect(big.adding(big)!.adding(big) == nil)
        #expect(big.multiplying(Fixed(3)) == nil)
    }

    @Test func moneyParsesAndFormats() {
        #expect(Money("1234.5")?.fen == 123_450)
        #expect(Money("1.234") == nil)
        #expect(Money(fen: 123_456_789).grouped == "1,234,567.89")
        #expect(Money(fen: -5).description == "-0.05")
        #expect(Money(yuan: 5000).multiplied(by: Fixed("0.08")!, .halfUp) == Money(yuan: 400))
        #expect(Money(fen: 12_345).rounded(scale: 0, .halfUp) == Money(yuan: 123))
    }
}
