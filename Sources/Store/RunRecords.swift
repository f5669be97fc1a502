import Exact
import Results

/// A file a run used, copied into the store by content.
public struct InputFile: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, Codable { case rules, data }
    public var role: Role
    /// The name recorded: relative to the rules or month folder (`duty.csv`).
    public var name: String
    /// Where to read it now.
    public var path: String

    public init(role: Role, name: String, path: String) {
        self.role = role
        self.name = name
        self.path = path
    }
}

/// What the summary of a run says: counts and money totals.
public struct RunSummary: Sendable, Hashable, Codable {
    public struct FileLine: Sendable, Hashable, Codable {
        public var name: String
        public var source: String
        public var format: String
        public var read: Int
        public var accepted: Int
        public var rejected: Int
        public var ignored: Int
        public init(name: String, source: String, format: String, read: Int, accepted: Int, rejected: Int, ignored: Int) {
            self.name = name
            self.source = source
            self.format = format
            self.read = read
            self.accepted = accepted
            self.rejected = rejected
            self.ignored = ignored
        }
    }

    public var cadres: Int
    public var rowsUsed: Int
    public var rowsIgnored: Int
    public var rowsRejected: Int
    public var pointsTotal: Fixed
    public var gross: Money
    public var deductions: Money
    public var net: Money
    public var tiers: [String: Int]
    public var files: [FileLine]
    /// The rules' tiers, best first, so reports written later list them in the same order.
    public var tierOrder: [String]?

    public init(
        cadres: Int, rowsUsed: Int, rowsIgnored: Int, rowsRejected: Int, pointsTotal: Fixed, gross: Money,
        deductions: Money, net: Money, tiers: [String: Int], files: [FileLine]
    ) {
        self.cadres = cadres
        self.rowsUsed = rowsUsed
        self.rowsIgnored = rowsIgnored
        self.rowsRejected = rowsRejected
        self.pointsTotal = pointsTotal
        self.gross = gross
        self.deductions = deductions
        self.net = net
        self.tiers = tiers
        self.files = files
    }
}

/// A row a run left out, with its reasons (personal data already masked).
public struct StoredRejectedRow: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var codes: [String]
    public var reasons: [String]
    public var cells: [String]

    public init(file: String, line: Int, codes: [String], reasons: [String], cells: [String]) {
        self.file = file
        self.line = line
        self.codes = codes
        self.reasons = reasons
        self.cells = cells
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
    /// SHA-256 and size of input files already hashed (by path), so a batch can hash them
    /// on a spare core while it validates.
    public var knownHashes: [String: (sha256: String, size: Int)] = [:]
    /// Adjustments from accepted objections the run included, with their line in its
    /// `申诉调整.csv` input.
    public var adjustmentLines: [(adjustmentID: Int64, line: Int)] = []

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
    public var inputs: [(name: String, role: String, sha256: String, byteCount: Int)]

    public static func == (a: RunRecord, b: RunRecord) -> Bool { a.id == b.id && a.state == b.state }
    public func hash(into h: inout Hasher) { h.combine(id) }
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
