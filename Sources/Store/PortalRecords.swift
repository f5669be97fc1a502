import Exact

/// Who a portal account is: bureau staff, finance, or a cadre who sees only their own data.
public enum PortalRole: String, Sendable, Hashable, Codable, CaseIterable {
    case staff, finance, cadre

    public var chineseName: String {
        switch self {
        case .staff: "民政局工作人员"
        case .finance: "财务"
        case .cadre: "社区干部"
        }
    }
}

/// A portal account. Cadres log in with their 工号 as the user name.
public struct PortalUser: Sendable, Hashable {
    public var id: Int64
    public var username: String
    public var role: PortalRole
    /// The cadre the account belongs to (cadres only).
    public var cadreID: String?
    public var displayName: String
    /// bcrypt hash of the password.
    public var passwordHash: String
    public var failedAttempts: Int
    /// Seconds since 1970 until which logins are refused, after too many failures.
    public var lockedUntil: Int64?
    /// When staff disabled the account (`jifen user disable`); nil while it may log in.
    public var disabledAt: String? = nil
    /// Seconds since 1970 of the last login or activation.
    public var lastLoginAt: Int64? = nil

    public var isDisabled: Bool { disabledAt != nil }
}

/// A logged-in session: found by the hash of its cookie token, with its CSRF token.
public struct PortalSession: Sendable, Hashable {
    public var user: PortalUser
    public var csrfToken: String
    public var createdAt: Int64
    public var expiresAt: Int64
    /// When the session last answered a request (its idle timeout counts from here).
    public var lastSeenAt: Int64? = nil
}

/// A cadre's one-time activation code as stored (hashed) and how it has been used.
public struct ActivationRecord: Sendable, Hashable {
    public var cadreID: String
    public var codeHash: String
    public var month: String
    public var usedAt: String?
    public var failedAttempts: Int
    public var lockedUntil: Int64?
}

/// Where an objection's state stands: open until staff accept or reject it.
public enum ObjectionState: String, Sendable, Hashable, Codable, CaseIterable {
    case open, accepted, rejected

    public var chineseName: String {
        switch self {
        case .open: "待处理"
        case .accepted: "已采纳"
        case .rejected: "未采纳"
        }
    }
}

/// A cadre's objection (申诉) to an item or a record of a published month.
public struct Objection: Sendable, Hashable, Codable {
    public var id: Int64
    public var runID: Int64
    public var month: String
    public var cadreID: String
    /// `item:<line name>` or `record:<file>:<line>`.
    public var reference: String
    /// The reference in words, as the cadre saw it when objecting.
    public var referenceLabel: String
    public var reason: String
    public var state: ObjectionState
    public var reply: String?
    public var repliedBy: String?
    public var createdAt: String
    public var repliedAt: String?
    /// How an accepted objection was resolved (nil while open, when rejected, or when
    /// accepted before resolutions were recorded).
    public var resolution: ObjectionResolution?
    /// For a data fix: the file or record staff said will be corrected.
    public var dataFix: String?
    /// For an adjustment: the adjustment stored with the acceptance.
    public var adjustment: ObjectionAdjustment?
    /// An objection to a year run (the annual 公示): the year run; `month` is then the year's
    /// key (`2021-年度`) and `runID` the last month run the year read.
    public var yearRunID: Int64? = nil
}

/// How staff resolved an objection they accepted.
public enum ObjectionResolution: String, Sendable, Hashable, Codable, CaseIterable {
    /// Points and/or an amount added to the month as an adjustment row.
    case adjustment
    /// The source data will be corrected; nothing is stored beyond the decision.
    case dataFix

    public var chineseName: String {
        switch self {
        case .adjustment: "调整"
        case .dataFix: "更正数据"
        }
    }
}

/// An accepted objection's adjustment: every later run of its month scores it as a row of
/// the month's adjustments (`申诉调整.csv`), until the month is closed.
public struct ObjectionAdjustment: Sendable, Hashable, Codable {
    public var id: Int64
    public var objectionID: Int64
    public var month: String
    public var cadreID: String
    public var points: Fixed?
    public var amount: Money?
    public var reason: String
    /// Who approved it: the staff member who accepted the objection.
    public var approver: String
    public var createdAt: String
    /// The month's current run when that run included this adjustment; nil while pending
    /// (accepted since the month was last run).
    public var includedIn: Int64?
    /// Above the review line the rules state (调整复核分值, 调整复核金额), an adjustment counts
    /// only once a second staff member has approved it: true until then.
    public var awaitingApproval: Bool = false
    /// Who approved it second, when it needed it.
    public var secondApprover: String?

    public init(id: Int64, objectionID: Int64, month: String, cadreID: String, points: Fixed?, amount: Money?, reason: String,
                approver: String, createdAt: String, includedIn: Int64? = nil, awaitingApproval: Bool = false, secondApprover: String? = nil) {
        self.awaitingApproval = awaitingApproval
        self.secondApprover = secondApprover
        self.id = id
        self.objectionID = objectionID
        self.month = month
        self.cadreID = cadreID
        self.points = points
        self.amount = amount
        self.reason = reason
        self.approver = approver
        self.createdAt = createdAt
        self.includedIn = includedIn
    }
}

/// What staff accept an objection with.
public enum Acceptance: Sendable, Hashable {
    /// Points and/or an amount (at least one), with the reason written on the adjustment.
    case adjustment(points: Fixed?, amount: Money?, reason: String, approver: String)
    /// The named file or record will be corrected at the source.
    case dataFix(String)
}

/// A new objection as the portal hands it to the store.
public struct NewObjection: Sendable, Hashable {
    public var runID: Int64
    public var month: YearMonth
    public var cadreID: String
    public var reference: String
    public var referenceLabel: String
    public var reason: String

    public init(runID: Int64, month: YearMonth, cadreID: String, reference: String, referenceLabel: String, reason: String) {
        self.runID = runID
        self.month = month
        self.cadreID = cadreID
        self.reference = reference
        self.referenceLabel = referenceLabel
        self.reason = reason
    }
}

/// One month of a cadre's history for the chart: points and net pay.
public struct CadreMonth: Sendable, Hashable, Codable {
    public var month: YearMonth
    public var runID: Int64
    public var state: RunState
    public var points: Fixed
    public var net: Money
    public var tier: String
}

/// A cadre of a run as listed (without decoding the whole result).
public struct CadreListing: Sendable, Hashable {
    public var cadreID: String
    public var name: String
    public var community: String
}

/// A cadre's line in a run's list for staff: figures only, no personal data.
public struct CadreSummaryRow: Sendable, Hashable, Codable {
    public var cadreID: String
    public var name: String
    public var community: String
    public var points: Fixed
    public var tier: String
    public var rank: Int
    public var groupSize: Int
    public var net: Money
}

/// What the portal's store operations refuse, as data.
public enum PortalStoreError: Error, Sendable, Hashable {
    case userExists(String)
    case objectionNotFound(Int64)
    case objectionNotOpen(Int64, ObjectionState)
    /// The objection's month is closed: it can no longer be adjusted.
    case monthClosed(String)
    case adjustmentNotFound(Int64)
    /// The adjustment needs no second approval, or has it already.
    case adjustmentNotAwaiting(Int64)
    /// The staff member who accepted an adjustment cannot also approve it.
    case sameApprover(Int64)
    /// The cadre already has as many objections to this month (or year) as `ObjectionLimits`
    /// allow: `open` when it is the open ones that are too many.
    case tooManyObjections(open: Bool, limit: Int)
    /// No account has this user name or 工号.
    case userNotFound(String)
    /// The account is disabled (`jifen user disable`): it cannot be activated until enabled.
    case accountDisabled(String)
    case database(String)
}

/// How many objections one cadre may raise to one month (or one year's 公示): open at once,
/// and in all. Staff answer each by hand, so a cadre (or a stolen session) cannot fill the
/// queue; a handful covers every item a cadre could dispute.
public struct ObjectionLimits: Sendable, Hashable {
    public var open: Int
    public var total: Int

    public init(open: Int = 5, total: Int = 20) {
        self.open = open
        self.total = total
    }
}
