import Foundation
@testable import Reports
import Testing

/// CShortestNumber prints amounts (k/100) without printf; the text must be exactly what the
/// general path (`%.15G`, `%.16G`, `%.17G`, the first that reads back) gives, for every kind
/// of number a report writes and some it never does.
@Suite struct ShortestNumberTests {
    @Test func theFastTextOfAnAmountIsThePrintfText() {
        #expect(ShortestNumbers.printedShortest, "CShortestNumber's snprintf is not the one this executable uses")
        var g = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.01, -0.01, 0.1, 0.05, 1, -1, 94.4, 67440.35, 77.01, 1e13, -1e13, 9_999_999_999_999.99,
                                1e-3, 1e300, 5e-324, .infinity, -.infinity, .nan, 0.1 + 0.2, 1.0 / 3]
        for k in -20_000...20_000 { values.append(Double(k) / 100) }
        for _ in 0..<30_000 {
            let k = Int64.random(in: -999_999_999_999_999...999_999_999_999_999, using: &g)
            values.append(Double(k) / 100)
            values.append(Double(k % 1_000_000) / 10)
            values.append(Double.random(in: -1e6...1e6, using: &g))
        }
        var mismatches: [String] = []
        for v in values {
            let (fast, general) = ShortestNumbers.printed(v)
            if fast != general, mismatches.count < 10 { mismatches.append("\(v): \(fast) ≠ \(general)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(ShortestNumbers.printed(94.4).fast == "94.4" && ShortestNumbers.printed(-0.5).fast == "-0.5")
    }
}
