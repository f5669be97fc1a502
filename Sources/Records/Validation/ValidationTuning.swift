/// How a validation spreads its work over threads: settings for speed that never change
/// what it finds. Passed in (`SourceValidator`, `MonthValidator`) rather than held in
/// statics, so that a test can choose its own without touching suites running beside it.
///
/// ```swift
/// var validator = MonthValidator(month: YearMonth("2020-12")!)
/// validator.tuning = ValidationTuning(rowsPerBatch: 2, precheckOnReader: false, lanes: 3)
/// ```
public struct ValidationTuning: Sendable, Hashable {
    /// Rows the reading thread hands over at a time (`TableReader.readAhead`); a batch also
    /// ends at about a megabyte of field bytes.
    public var rowsPerBatch: Int
    /// Whether the reading thread prechecks rows once the header is known (`RowPrecheck`);
    /// off, the validator's thread checks every row itself.
    public var precheckOnReader: Bool
    /// Threads an activity file's rows are checked on, each owning the cadres whose 工号
    /// hashes to it (`SourceValidator`'s lanes): every check but duplicate keys is per
    /// cadre, and duplicates are found in file order before the rows are handed out. With
    /// more than one lane the sink is called from the lanes' threads at once, for rows of
    /// different cadres (`DecodedRow.lane` tells which lane; one cadre's rows always come
    /// on one lane, in file order). 1: every row on the validator's thread.
    public var lanes: Int

    public init(rowsPerBatch: Int = RowBatch.defaultRowTarget, precheckOnReader: Bool = true, lanes: Int = 1) {
        self.rowsPerBatch = max(1, rowsPerBatch)
        self.precheckOnReader = precheckOnReader
        self.lanes = min(max(1, lanes), ValidationTuning.maximumLanes)
    }

    /// Lanes are numbered in four bits where results remember them (`MonthScorer`).
    public static let maximumLanes = 16
}
