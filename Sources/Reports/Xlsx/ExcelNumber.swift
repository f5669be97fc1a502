import Exact

/// The one place where exact amounts become `Double`: the number a cell stores.
///
/// An xlsx cell holds an IEEE double. For an amount of `fen` 分 we write `Double(fen) / 100`:
/// `fen` converts exactly (|fen| ≤ 2⁵³) and IEEE division rounds correctly, so the result
/// is the double nearest to the decimal `fen/100`. libxlsxwriter prints it with `%.16G`,
/// and since half an ulp is below half a unit of the 16th significant digit, the file holds
/// the decimal text itself (`1234.56`, never `1234.5600000000001`). Excel and LibreOffice
/// parse that text back to the same double, display it with two places and sum it
/// correctly; every total jifen writes is computed from 分, not by adding doubles.
///
/// Points and other `Fixed` values follow the same argument with `10^scale`.
enum ExcelNumber {
    static let exactLimit: Int64 = 1 << 53

    static func double(_ money: Money, file: String) throws(ReportError) -> Double {
        guard money.fen.magnitude <= UInt64(exactLimit) else { throw .numberTooLarge(file: file, value: money.description) }
        return Double(money.fen) / 100
    }

    static func double(_ value: Fixed, file: String) throws(ReportError) -> Double {
        guard value.units.magnitude <= UInt64(exactLimit) else { throw .numberTooLarge(file: file, value: value.description) }
        return Double(value.units) / Double(Fixed.pow10(value.scale))
    }
}
