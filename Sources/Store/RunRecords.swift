import Exact
import Results

/// A file a run used, copied into the store by content.
public struct InputFile: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, Codable { case rules, data }
    public var role: Role
    /// The name recorded: relative to the rules or month folder (`duty.csv`).
    public var name: String
    /// Where to read it now; for an input held in memory, only what it is known by.
    public var path: String
    /// The content, when it is held in memory rather than read from `path` (the adjustments
    /// of accepted objections, a stored run's inputs run again).
    public var bytes: [UInt8]?

    public init(role: Role, name: String, path: String) {
        self.role = role
        self.name = name
        self.path = path
        self.bytes = nil
    }

    /// An input held in memory.
    public init(role: Role, name: String, bytes: [UInt8]) {
        self.role = role
        self.name = name
        self.path = name
        self.bytes = bytes
    }
}

/// Everything a batch hands the store to record, in one transaction.
public struct NewRun: Sendable {
    public var month: YearMonth
    public var rulesHash: String
    public var rulesVersion: String
    public var engineVersion: String
    public var actor: String
    /// When the run happened (ISO 8601); passed in so tests can fix the clock.
    public var at: String
    public var inputs: [InputFile]
    public var results: MonthResults
    public var rejected: [StoredRejectedRow]
    public var summary: RunSummary
    /// Adjustments from accepted objections the run included, with their line in its
    /// `申诉调整.csv` input.
    public var adjustmentLines: [(adjustmentID: Int64, line: Int)] = []
    /// Corrections of closed months the run carries as 补发/补扣 (`jifen batch correct`).
    public var correctionIDs: [Int64] = []

    public init(
        month: YearMonth, rulesHash: String, rulesVersion: String, engineVersion: String, actor: String, at: String,
        inputs: [InputFile], results: MonthResults, rejected: [StoredRejectedRow], summary: RunSummary
    ) {
        self.month = month
        self.rulesHash = rulesHash
        self.rulesVersion = rulesVersion
        self.engineVersion = engineVersion
        self.actor = actor
        self.at = at
        self.inputs = inputs
        self.results = results
        self.rejected = rejected
        self.summary = summary
    }
}

/// A stored run as listed and shown.
public struct RunRecord: Sendable, Hashable {
    public var id: Int64
    public var month: YearMonth
    public var state: RunState
    public var rulesHash: String
    public var rulesVersion: String
    public var engineVersion: String
    public var createdBy: String
    public var createdAt: String
    public var publishedAt: String?
    public var objectionsUntil: String?
    public var closedAt: String?
    public var supersededBy: Int64?
    public var summary: RunSummary
    /// The run's inputs in the store's listing order (`StoredInput.listingOrder`).
    public var inputs: [StoredInput]
    /// Why the run is out of date: an earlier month of its year was run again after it, so
    /// its year to date (cumulative withholding) was carried from results that are no longer
    /// current. nil when it is not. A stale run cannot be published or closed (S0024).
    public var staleReason: String? = nil
    /// The run the year to date was carried from (nil: none, or stored before v14).
    public var yearToDateRunID: Int64? = nil

    public static func == (a: RunRecord, b: RunRecord) -> Bool { a.id == b.id && a.state == b.state }
    public func hash(into h: inout Hasher) { h.combine(id) }
}

/// An input a run used, as the store keeps it: by name, role and content.
public typealias StoredInput = RunInput

extension RunInput {
    /// The order runs list their inputs in: by role, then name, each by its UTF-8 bytes.
    public static func listingOrder(_ a: RunInput, _ b: RunInput) -> Bool {
        a.role != b.role ? a.role.utf8.lexicographicallyPrecedes(b.role.utf8) : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
}

/// The id a run will be recorded under and its inputs as the store lists them, handed out
/// before the run is recorded so that its reports can be written meanwhile.
///
/// Valid while the batch holds the store's `RunLock` (runs are recorded by batches alone):
/// `record(_:as:)` refuses a reservation whose id was taken since.
public struct RunReservation: Sendable {
    public let id: Int64
    public let month: YearMonth
    /// In the store's listing order, as `RunRecord.inputs` will hold them.
    public let inputs: [StoredInput]
    /// The inputs by content (a path, or bytes held in memory), for the store to copy those
    /// not copied yet.
    let paths: [String: InputFile]
    /// The ingest that copied them, told when the run is recorded.
    let ingest: InputIngest?

    init(id: Int64, month: YearMonth, inputs: [StoredInput], paths: [String: InputFile], ingest: InputIngest?) {
        self.id = id
        self.month = month
        self.inputs = inputs
        self.paths = paths
        self.ingest = ingest
    }
}

/// How much of a stored result to read.
public enum ResultDetail: Sendable, Hashable {
    /// Figures, score lines (with their clips and how many records), standing with its
    /// reasons, pay lines and year to date: what the reports, `batch diff` and the next
    /// month need. Score lines come without their records and pay lines without traces.
    case lines
    /// Everything, with each score line's records and each pay line's trace (explanations,
    /// the portal's 积分明细).
    case full
}

/// One line of the audit log.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var month: String?
    public var runID: Int64?
    public var reason: String?
    public var detail: String?
}
