import Exact
import Results

/// A store of runs: what the batch, `jifen report --run`, `batch list/show/diff` and the
/// explanations need, independent of the database engine.
///
/// `RunStore` is the one engine (SQLite through GRDB). Everything engine-specific — SQL text,
/// the run id's sequence, how blobs are chunked and compressed, the schema's migrations —
/// stays inside it, so that a second engine (PostgreSQL for a province) implements this
/// protocol and runs the same tests (`Tests/StoreTests`, each test over `StoreEngines.all`).
///
/// ```swift
/// let store: any RunStoring = try RunStore(path: "store/jifen.sqlite")
/// let ingest = store.ingest(paths: files)                   // hashed and copied meanwhile
/// let reservation = try store.reserveRun(month: m, inputs: inputs, ingest: ingest)
/// // … write the reports for reservation.id and reservation.inputs …
/// let id = try store.record(newRun, as: reservation)        // one transaction
/// let results = try store.results(runID: id, detail: .lines)
/// ```
public protocol RunStoring: AnyObject, Sendable {
    // MARK: Recording a run

    /// Starts hashing the files and copying them in by content (compressed) on another
    /// thread. Inputs so copied belong to no run until one is recorded with them; if none
    /// is, `InputIngest.close()` removes them again.
    func ingest(paths: [String]) -> InputIngest

    /// The id the next run will be recorded under and its inputs as the store will list them
    /// (hashing any input `ingest` did not). Call while holding the store's `RunLock`.
    func reserveRun(month: YearMonth, inputs: [InputFile], ingest: InputIngest?) throws(StoreError) -> RunReservation

    /// Records a run as the month's draft under its reservation, superseding the month's
    /// earlier draft or published run. Refuses a closed month. One transaction.
    func record(_ run: NewRun, as reservation: RunReservation) throws(StoreError) -> Int64

    // MARK: States

    func publish(month: YearMonth, actor: String, at: String, objectionsUntil: String) throws(StoreError)
    func close(month: YearMonth, actor: String, at: String) throws(StoreError)
    func reopen(month: YearMonth, actor: String, at: String, reason: String) throws(StoreError)

    // MARK: Reading

    /// Every run, newest first.
    func runs() throws(StoreError) -> [RunRecord]
    /// The month's current (not superseded) run.
    func currentRun(month: YearMonth) throws(StoreError) -> RunRecord?
    func run(id: Int64) throws(StoreError) -> RunRecord
    /// A run's results in roster order.
    func results(runID: Int64, detail: ResultDetail) throws(StoreError) -> MonthResults
    /// One cadre's whole result in a run (with records and traces).
    func result(runID: Int64, cadreID: String) throws(StoreError) -> CadreResult?
    func rejectedRows(runID: Int64) throws(StoreError) -> [StoredRejectedRow]
    /// The year-to-date figures each cadre ended the month before `month` with.
    func yearToDate(before month: YearMonth) throws(StoreError) -> [String: YearToDate]
    /// The year-end figures of `year` by 工号: each cadre's year to date as the current run
    /// of their last month of that year ended it (empty when no month of the year is stored).
    func yearEnd(of year: Int) throws(StoreError) -> [String: YearToDate]
    /// Writes a stored input back out, byte for byte.
    func exportBlob(sha256: String, to path: String) throws(StoreError)
    /// A stored input's bytes, in memory.
    func input(sha256: String) throws(StoreError) -> [UInt8]

    // MARK: Audit

    func audit(at: String, actor: String, action: String, month: YearMonth?, runID: Int64?, reason: String?, detail: String?) throws(StoreError)
    func auditLog(month: YearMonth?) throws(StoreError) -> [AuditEntry]

    // MARK: The year (年度考核)

    /// For every month of `year` with a current run, each cadre's score, tier, rank, vetoes,
    /// the points of the named score lines and the amounts of the named pay lines, and each
    /// cadre's year to date after their last month: what the annual assessment reads.
    func yearMonths(year: Int, items: [String], payLines: [String]) throws(StoreError) -> StoredYearMonths
    /// Records a year run as the year's draft, superseding its earlier draft or published
    /// run. Refuses a closed year. One transaction.
    func recordYear(_ run: NewYearRun) throws(StoreError) -> Int64
    /// The same, calling `numbered` with the run's number inside the transaction, before its
    /// rows are written (the reports start from the results in memory then).
    func recordYear(_ run: NewYearRun, numbered: (@Sendable (Int64) -> Void)?) throws(StoreError) -> Int64
    /// Refuse a stale year (`StoreError.yearStale`).
    func publishYear(year: Int, actor: String, at: String, objectionsUntil: String) throws(StoreError)
    func closeYear(year: Int, actor: String, at: String) throws(StoreError)
    /// Marks the year's current run stale (a month it read changed), audited.
    func markYearStale(year: Int, reason: String, actor: String, at: String) throws(StoreError)
    /// Every year run, newest first.
    func yearRuns() throws(StoreError) -> [YearRunRecord]
    func currentYearRun(year: Int) throws(StoreError) -> YearRunRecord?
    func yearRun(id: Int64) throws(StoreError) -> YearRunRecord
    /// A year run's results with every trace.
    func yearResults(yearRunID: Int64) throws(StoreError) -> YearResults
    func yearResult(yearRunID: Int64, cadreID: String) throws(StoreError) -> CadreYearResult?
    /// The annual pay lines of `year`'s current year run when it is closed; nil when the year
    /// has no year run or it is not closed (its bonus cannot be paid yet).
    func closedYearPay(of year: Int) throws(StoreError) -> ClosedYearPay?
    /// The audit entries of a year (keyed `2021-年度`).
    func yearAuditLog(year: Int) throws(StoreError) -> [AuditEntry]
}

extension RunStoring {
    /// Records a run under a reservation taken now (a caller with no reports to write early).
    @discardableResult
    public func record(_ run: NewRun) throws(StoreError) -> Int64 {
        try record(run, as: try reserveRun(month: run.month, inputs: run.inputs, ingest: nil))
    }

    /// A run's results with every record and trace.
    public func results(runID: Int64) throws(StoreError) -> MonthResults {
        try results(runID: runID, detail: .full)
    }

    public func auditLog() throws(StoreError) -> [AuditEntry] {
        try auditLog(month: nil)
    }
}
