import Exact

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
    /// The month's tier order, best first (the county's `reports.tierOrder`, else the
    /// rules'), so reports written later and every listing of `tiers` use the same order.
    public var tierOrder: [String]?
    /// The pay lines the rules declare for the tax file (`个税申报`), in the rules' order; nil
    /// when they declare none (the tax file then states 本期收入 as 应发合计).
    public var taxFiling: [TaxFilingLine]?

    /// Corrections of closed months the run carried (补发/补扣), reconciled.
    public var corrections: Corrections?

    /// The cadres in post this month by the roster: its accepted rows of cadres in post, and
    /// the cadres whose only row was rejected (`leftOut`). Against the payroll's `cadres`, it
    /// is 核对's head count; nil for runs stored before it was kept.
    public var rosterCadres: Int?
    /// Cadres whose roster row was rejected (`--skip-invalid`) and who are therefore neither
    /// scored nor paid: named by 工号 and 姓名 (no ID number) with the row. nil for runs
    /// stored before it was kept; empty for none.
    public var leftOut: [LeftOutCadre]?

    /// A cadre left out of scoring and pay because their roster row was rejected.
    public struct LeftOutCadre: Sendable, Hashable, Codable {
        /// The 工号 as a clerk reads it (masked if it holds personal data; "" if empty).
        public var id: String
        public var name: String
        /// The roster file, its sheet (xlsx) and the row.
        public var file: String
        public var sheet: String?
        public var line: Int
        /// The codes of the row's errors.
        public var codes: [String]

        public init(id: String, name: String, file: String, sheet: String? = nil, line: Int, codes: [String]) {
            self.id = id
            self.name = name
            self.file = file
            self.sheet = sheet
            self.line = line
            self.codes = codes
        }

        /// `cadres.csv 第 5 行`, `花名册-富民.xlsx 工作表“花名册” 第 5 行`.
        public var place: String {
            file + (sheet.map { " 工作表“\($0)”" } ?? "") + " 第 \(line) 行"
        }
    }

    /// The folder the batch wrote the month's reports to (absolute), so that `batch show`
    /// looks where they are, not in the default `out/`; nil for runs stored before it was kept
    /// and for correction runs, which write none.
    public var reportFolder: String?

    /// Σ corrections paid in the month against Σ differences of the correction runs it
    /// carries: `carried + leavers == due`, and `paid == carried` when the rules pay every
    /// row of the corrections source.
    public struct Corrections: Sendable, Hashable, Codable {
        /// How many corrections the run carries.
        public var count: Int
        /// Σ of the carried corrections' lines (their effect on net pay): what the
        /// correction runs come to.
        public var due: Money
        /// Σ of those lines for cadres on the roster, written to the corrections source.
        public var carried: Money
        /// Σ for cadres no longer on the roster (补发名单, 追回 when negative).
        public var leavers: Money
        /// Σ of the pay lines that read the corrections source (应发 less 扣款), over cadres.
        public var paid: Money

        public init(count: Int, due: Money, carried: Money, leavers: Money, paid: Money) {
            self.count = count
            self.due = due
            self.carried = carried
            self.leavers = leavers
            self.paid = paid
        }

        public var reconciles: Bool { carried + leavers == due && paid == carried }
    }

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

    /// `tiers` in `tierOrder`, then any tier outside it by name (a run stored before the
    /// order was kept lists them all by name): `优秀 4、合格 9、基本合格 5、不合格 2`.
    public var orderedTiers: [(tier: String, count: Int)] {
        let order = tierOrder ?? []
        let known = order.compactMap { t in tiers[t].map { (tier: t, count: $0) } }
        let other = tiers.keys.filter { !order.contains($0) }.sorted().map { (tier: $0, count: tiers[$0]!) }
        return known + other
    }
}

/// An input file a run used, by name, role and content: as the store keeps it and as the
/// reports list it (核对, document properties).
public struct RunInput: Sendable, Hashable, Codable {
    public var name: String
    /// `rules` or `data` (`InputFile.Role`'s raw value).
    public var role: String
    /// SHA-256 of the file's bytes (uncompressed), hex: the content's address.
    public var sha256: String
    /// The file's size (uncompressed).
    public var byteCount: Int

    public init(name: String, role: String, sha256: String, byteCount: Int) {
        self.name = name
        self.role = role
        self.sha256 = sha256
        self.byteCount = byteCount
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
