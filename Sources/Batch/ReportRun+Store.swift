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
}
