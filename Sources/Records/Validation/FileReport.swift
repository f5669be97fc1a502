import Diagnostics

/// What became of one input file: every row accounted for, and the problems found.
public struct FileReport: Sendable {
    public var path: String
    public var source: String
    public var format: TableFormat?
    /// Rows after the header (data rows, blank rows and anything else).
    public var rowsRead = 0
    public var accepted = 0
    public var rejected = 0
    /// Blank rows, and title rows above the header.
    public var ignored = 0
    public var headerLine: Int?
    /// The header's column names as written, once the header is found.
    public var columns: [String] = []
    public var byteCount = 0
    public var problems: [RecordProblem] = []
    public var rejectedRows: [RejectedRow] = []
    /// For the roster: 工号 of rejected rows and where they are, so that the records of those
    /// cadres say why they cannot be used (naming the roster row) instead of calling the
    /// cadre unknown.
    public var rejectedCadres: [String: RowOrigin] = [:]
    /// For the roster: every rejected row that names a cadre (by 工号 or 姓名), in file order.
    public var rejectedCadreRows: [RejectedCadre] = []

    public init(path: String, source: String) {
        self.path = path
        self.source = source
    }

    /// rows read = accepted + rejected + ignored, always; anything else is a bug.
    public var isBalanced: Bool { rowsRead == accepted + rejected + ignored }

    public var diagnostics: [Diagnostic] { problems.map(\.diagnostic) }

    public var sheet: String? {
        if case .xlsx(let s)? = format { return s }
        return nil
    }
}

/// A roster row that was rejected: the cadre it names is neither scored nor paid unless
/// another row of the roster has their 工号 (`MonthCheck.leftOut`).
public struct RejectedCadre: Sendable, Hashable {
    /// The 工号 as written (empty when the cell was); compare, never show: it may be an ID
    /// number typed in the wrong column (`PersonalData.maskByContent` before showing).
    public var id: String
    public var name: String
    public var origin: RowOrigin
    /// The codes of the row's errors (`D0112`).
    public var codes: [String]

    public init(id: String, name: String, origin: RowOrigin, codes: [String]) {
        self.id = id
        self.name = name
        self.origin = origin
        self.codes = codes
    }
}

/// A row left out of the month, with every reason, so that nothing disappears silently.
public struct RejectedRow: Sendable, Hashable {
    public var origin: RowOrigin
    public var codes: [String]
    public var reasons: [String]
    /// The row's cells as read, personal data masked.
    public var cells: [String]
    /// The 1-based column of each error (parallel to `codes`); nil for the whole row.
    public var columns: [Int?] = []
    /// How the spreadsheet stored each cell (parallel to `cells`); empty when unknown.
    public var kinds: [CellKind] = []
}
