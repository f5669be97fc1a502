/// How a validation spreads its work over threads: settings for speed that never change
/// what it finds. Passed in (`SourceValidator`, `MonthValidator`) rather than held in
/// statics, so that a test can choose its own without touching suites running beside it.
///
/// ```swift
/// var validator = MonthValidator(month: YearMonth("2020-12")!)
/// validator.tuning = ValidationTuning(rowsPerBatch: 2, precheckOnReader: false)
/// ```
public struct ValidationTuning: Sendable, Hashable {
    /// Rows the reading thread hands over at a time (`TableReader.readAhead`); a batch also
    /// ends at about a megabyte of field bytes.
    public var rowsPerBatch: Int
    /// Whether the reading thread prechecks rows once the header is known (`RowPrecheck`);
    /// off, the validator's thread checks every row itself.
    public var precheckOnReader: Bool

    public init(rowsPerBatch: Int = RowBatch.defaultRowTarget, precheckOnReader: Bool = true) {
        self.rowsPerBatch = max(1, rowsPerBatch)
        self.precheckOnReader = precheckOnReader
    }
}
