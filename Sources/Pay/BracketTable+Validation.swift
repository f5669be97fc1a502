import Exact

/// Something wrong with a bracket table, as data; rows are 0-based indexes into `rows`.
///
/// The rules checker turns these into diagnostics pointing at the row's source.
public enum BracketTableProblem: Sendable, Hashable {
    /// The table has no rows.
    case empty
    /// A declared lower bound below zero.
    case negativeBound(row: Int, lowerBound: Money)
    /// Amounts from `from` (exclusive) to `to` (inclusive) fall in no row: the row starts
    /// above where the previous one ended (or, for row 0, above zero).
    case gap(row: Int, from: Money, to: Money)
    /// The row starts at `lowerBound`, below the previous row's upper bound.
    case overlap(row: Int, lowerBound: Money, previousUpperBound: Money)
    /// The upper bound is not above the row's lower bound or the previous upper bound.
    case nonIncreasingBound(row: Int, upperBound: Money, previousBound: Money)
    /// An open-ended row (no upper bound) that is not the last row.
    case openEndNotLast(row: Int)
    /// The last row has an upper bound: amounts above it fall in no row.
    case boundedLastRow(row: Int, upperBound: Money)
    /// A rate below 0 or above 1.
    case rateOutOfRange(row: Int, rate: Fixed)
    /// The quick deduction differs from the one that makes `amount × rate − quick deduction`
    /// equal the tax computed slice by slice; `expected` is exact (it may hold fractions of
    /// a 分 when rates have many places).
    case inconsistentQuickDeduction(row: Int, declared: Money, expected: Fixed)
}

extension BracketTable {
    /// Every problem with the table, in row order; empty when the table is sound.
    ///
    /// Quick deductions are checked against the slice-by-slice tax (`progressiveTax`):
    /// `expected[i] = rate[i] × lower[i] − Σ_{j<i} rate[j] × (upper[j] − lower[j])`, which for
    /// a table without gaps is the familiar `QD[i] = QD[i−1] + lower[i] × (rate[i] − rate[i−1])`.
    public func validate() -> [BracketTableProblem] {
        guard !rows.isEmpty else { return [.empty] }
        var problems: [BracketTableProblem] = []
        let lowers = effectiveLowerBounds
        let expected = (try? expectedQuickDeductions()) ?? Array(repeating: nil, count: rows.count)
        for (i, row) in rows.enumerated() {
            if let declared = row.lowerBound, declared < .zero {
                problems.append(.negativeBound(row: i, lowerBound: declared))
            }
            if i == 0 {
                if let l = lowers[0], l > .zero { problems.append(.gap(row: 0, from: .zero, to: l)) }
            } else if let previousUpper = rows[i - 1].upperBound, let l = lowers[i] {
                if l > previousUpper { problems.append(.gap(row: i, from: previousUpper, to: l)) }
                if l < previousUpper {
                    problems.append(.overlap(row: i, lowerBound: l, previousUpperBound: previousUpper))
                }
            }
            if let upper = row.upperBound {
                var previous = lowers[i]
                if i > 0, let pu = rows[i - 1].upperBound { previous = max(previous ?? pu, pu) }
                if let previous, upper <= previous {
                    problems.append(.nonIncreasingBound(row: i, upperBound: upper, previousBound: previous))
                }
                if i == rows.count - 1 { problems.append(.boundedLastRow(row: i, upperBound: upper)) }
            } else if i < rows.count - 1 {
                problems.append(.openEndNotLast(row: i))
            }
            if row.rate < .zero || row.rate > Fixed(1) {
                problems.append(.rateOutOfRange(row: i, rate: row.rate))
            }
            if let e = expected[i], e != row.quickDeduction.fixed {
                problems.append(.inconsistentQuickDeduction(row: i, declared: row.quickDeduction, expected: e))
            }
        }
        return problems
    }

    /// The quick deduction each row should have for the table's tax to be continuous and
    /// equal to the slice-by-slice tax; nil for a row whose bounds are undefined (after an
    /// open end that is not last).
    public func expectedQuickDeductions() throws(PayError) -> [Fixed?] {
        let lowers = effectiveLowerBounds
        var result: [Fixed?] = []
        // Σ rate × width of the rows below, exact.
        var below = Fixed.zero
        var broken = false
        for (i, row) in rows.enumerated() {
            guard !broken, let lower = lowers[i] else {
                result.append(nil)
                broken = true
                continue
            }
            result.append(try row.rate.times(lower.fixed).minus(below))
            if let upper = row.upperBound {
                below = try below.plus(row.rate.times(upper.fixed.minus(lower.fixed)))
            } else {
                broken = true
            }
        }
        return result
    }
}
