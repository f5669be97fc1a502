import Exact

/// Why a month could not be paid; facts only, worded by the batch (B0002–B0004).
public enum PayrollError: Error, Sendable, Hashable {
    /// A pay line could not be computed for a cadre (overflow, division by zero, a table
    /// with no row for the value).
    case payLine(cadre: String, line: String)
    /// The net line differs from gross minus deductions.
    case netMismatch(cadre: String, net: Money, expected: Money)
    /// Pool shares could not be allocated.
    case pool(line: String, reason: String)
}
