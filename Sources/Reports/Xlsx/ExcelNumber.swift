import Exact

/// The one place where exact amounts become `Double`: the number a cell stores.
///
/// An xlsx cell holds an IEEE double. For an amount of `fen` 分 we write `Double(fen) / 100`:
/// `fen` converts exactly (|fen| ≤ 2⁵³) and IEEE division rounds correctly, so the result
/// is the double nearest to the decimal `fen/100` — the same double Excel stores when a
/// clerk types the amount. Excel and LibreOffice display it with two places and add it
/// correctly, and every total jifen writes is computed from 分, not by adding doubles.
///
/// libxlsxwriter 1.1.4 prints the double with `%.16G`, which for some amounts shows a noise
/// digit in the XML (`77.01000000000001` for 77.01, whose nearest double lies just over
/// half a unit of the 16th digit away). That text still parses back to the very same
/// double, so no reader sees a value between two 分; the tests check exactly that.
///
/// Points and other `Fixed` values follow the same argument with `10^scale`.
enum ExcelNumber {
    static let exactLimit: Int64 = 1 << 53

    static func double(_ money: Money, file: @autoclosure () -> String) throws(ReportError) -> Double {
        guard let d = exact(money) else { throw .numberTooLarge(file: file(), value: money.description) }
        return d
    }

    static func double(_ value: Fixed, file: @autoclosure () -> String) throws(ReportError) -> Double {
        guard let d = exact(value) else { throw .numberTooLarge(file: file(), value: value.description) }
        return d
    }

    /// The double, nil when it would not hold the amount exactly.
    @inline(__always)
    static func exact(_ money: Money) -> Double? {
        money.fen.magnitude <= UInt64(exactLimit) ? Double(money.fen) / 100 : nil
    }

    @inline(__always)
    static func exact(_ value: Fixed) -> Double? {
        value.units.magnitude <= UInt64(exactLimit) ? Double(value.units) / Double(Fixed.pow10(value.scale)) : nil
    }
}
