import Reports
import Store

extension ReportRun {
    /// The run as the store holds it.
    public init(_ record: RunRecord) {
        self.init(
            id: record.id, month: record.month, rulesVersion: record.rulesVersion, rulesHash: record.rulesHash,
            engineVersion: record.engineVersion, createdAt: record.createdAt,
            inputs: record.inputs)
    }

    /// The run as its reports show it once stored under `reservation`, before it is.
    init(_ reservation: RunReservation, _ run: NewRun) {
        self.init(
            id: reservation.id, month: run.month, rulesVersion: run.rulesVersion, rulesHash: run.rulesHash,
            engineVersion: run.engineVersion, createdAt: run.at,
            inputs: reservation.inputs)
        self = reproducible
    }
}
