import Exact

/// One person on the month's roster (花名册), with the fixed, checked core fields.
public struct Cadre: Sendable, Hashable {
    /// 工号
    public var id: String
    public var name: String
    /// 身份证号, validated (GB 11643); personal data.
    public var idNumber: String
    public var community: String
    public var grid: String?
    public var post: String
    public var level: Int
    public var hiredOn: CivilDate
    public var leftOn: CivilDate?
    /// 银行账号, digits only; personal data.
    public var bankAccount: String
    public var bank: String?
    /// 手机; personal data.
    public var phone: String?
    /// 专项附加扣除 per month, for income tax: the part not split by category (the categories,
    /// 子女教育 … 个人养老金, are in `extra` by name, as their columns give them).
    public var specialDeduction: Money?
    /// Where the row came from.
    public var origin: RowOrigin
    /// Any further roster columns, by header name, as text.
    public var extra: [String: String]

    public init(
        id: String, name: String, idNumber: String, community: String, grid: String? = nil, post: String,
        level: Int, hiredOn: CivilDate, leftOn: CivilDate? = nil, bankAccount: String, bank: String? = nil,
        phone: String? = nil, specialDeduction: Money? = nil, origin: RowOrigin, extra: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.idNumber = idNumber
        self.community = community
        self.grid = grid
        self.post = post
        self.level = level
        self.hiredOn = hiredOn
        self.leftOn = leftOn
        self.bankAccount = bankAccount
        self.bank = bank
        self.phone = phone
        self.specialDeduction = specialDeduction
        self.origin = origin
        self.extra = extra
    }

    /// Whether the cadre was employed on `date` (the 离职日期 is the last day worked).
    public func isEmployed(on date: CivilDate) -> Bool {
        date >= hiredOn && (leftOn.map { date <= $0 } ?? true)
    }

    /// Whether the cadre was employed on any day of `month`.
    public func isEmployed(in month: YearMonth) -> Bool {
        hiredOn <= month.lastDay && (leftOn.map { $0 >= month.firstDay } ?? true)
    }
}

/// Where a record came from: a file and the line (CSV) or row number (xlsx) in it.
public struct RowOrigin: Sendable, Hashable, Codable, Comparable {
    public var path: String
    public var sheet: String?
    public var line: Int

    public init(path: String, sheet: String? = nil, line: Int) {
        self.path = path
        self.sheet = sheet
        self.line = line
    }

    public static func < (a: RowOrigin, b: RowOrigin) -> Bool { (a.path, a.line) < (b.path, b.line) }

    /// `duty.csv:14` or `service.xlsx[服务台账]:14`.
    public var description: String {
        let file = FileName.of(path)
        return sheet.map { "\(file)[\($0)]:\(line)" } ?? "\(file):\(line)"
    }
}

/// The month's roster, indexed by 工号.
public struct Roster: Sendable {
    public private(set) var cadres: [Cadre] = []
    private var indexByID: [String: Int] = [:]

    public init(_ cadres: [Cadre] = []) {
        for c in cadres { append(c) }
    }

    public mutating func append(_ cadre: Cadre) {
        indexByID[cadre.id] = cadres.count
        cadres.append(cadre)
    }

    public func index(of id: String) -> Int? { indexByID[id] }
    public subscript(id: String) -> Cadre? { indexByID[id].map { cadres[$0] } }
    public var count: Int { cadres.count }
}

/// The last component of a path (`samples/2020-12/duty.csv` → `duty.csv`): how files are
/// named in messages, record references and stored inputs.
public enum FileName {
    public static func of(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
