import Exact

/// Why a pay computation could not produce a value; facts only, worded by the caller.
///
/// Pay does not depend on Diagnostics: the rules-language evaluator turns these into
/// `Diagnostic`s (pointing at the pay line that failed) in one place.
public enum PayError: Error, Sendable, Hashable {
    /// An exact result would not fit in 64-bit units at the needed scale.
    case overflow(PayText)
    /// A divisor was zero (a day-rate divisor, total points for 分值).
    case divisionByZero(PayText)
    /// A money result was declared with more than two places; money is held in 分.
    case moneyScaleTooFine(Int)
    /// A rounding scale outside 0…18.
    case scaleOutOfRange(Int)
    /// An input that must not be negative was (a pool, a weight, a contribution base).
    case negative(PayText, Fixed)
    /// Months employed by this payer this year outside 0…12.
    case monthsEmployedOutOfRange(Int)
    /// No row of the table covers the amount (above a bounded last row, or in a gap).
    case notCovered(amount: Money)
    /// The table has no rows.
    case emptyTable
    /// A contribution item's floor lies above its ceiling.
    case floorAboveCeiling(item: String, floor: Money, ceiling: Money)
    /// A key names no entry (a contribution item to switch off).
    case unknownKey(String)
    /// Two entries share a key that must be unique (pool shares, contribution items).
    case duplicateKey(String)
}
