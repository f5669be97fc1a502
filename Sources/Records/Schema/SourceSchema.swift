import Exact

/// A field of a record file: its canonical (Chinese) name, accepted aliases and type.
public struct FieldSpec: Sendable, Hashable {
    public var name: String
    public var aliases: [String]
    public var type: FieldType
    public var isRequired: Bool
    /// Whether a row may leave it empty.
    public var isOptionalValue: Bool
    /// For a number or money: the largest magnitude a value may have, either way; nil for
    /// the type's sanity bound (`FieldSpec.defaultLimit`). Values beyond it are rejected
    /// (D0108) before they are scored or paid, so no sum or product of accepted values can
    /// overflow the exact arithmetic, and a typo of ten digits never pays.
    public var limit: Fixed?
    /// The rules' parameter that set `limit` (`调整分值上限`), for the clerk's help.
    public var limitRule: String?
    /// For money: whether a negative value is refused (D0108): amounts that are never
    /// negative, such as 专项附加扣除 or a year-to-date balance, where a minus sign would
    /// lower or raise the tax.
    public var nonNegative: Bool
    /// A value the rules never read (an adjustment's 金额 without a pay line that sums it): a
    /// row that fills it is refused (D0220) rather than counted as used while changing nothing.
    public var unreadByRules = false
    /// An optional column of an activity source that nothing reads: no rule's filter, score
    /// or aggregate, no check (the cadre, date, key or shift fields). A merged range over only
    /// such columns loses nothing that counts (D0036 is then a warning). Set from the rules
    /// by `MonthEvaluation.schemas`; false (it counts) where the rules are not known.
    public var isUnread = false

    public init(_ name: String, aliases: [String] = [], _ type: FieldType, required: Bool = true, optionalValue: Bool = false,
                limit: Fixed? = nil, limitRule: String? = nil, nonNegative: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.type = type
        self.isRequired = required
        self.isOptionalValue = optionalValue || !required
        self.limit = limit
        self.limitRule = limitRule
        self.nonNegative = nonNegative
    }

    /// The bound on any amount of money in a record file: ¥10,000,000.00 either way. A
    /// month's pay, deduction or year-to-date total of a community cadre is five or six
    /// digits; ten million is far beyond any, yet a sum over a province's records of such
    /// values stays well inside `Fixed`'s range (9.2 × 10¹⁸ units).
    public static let moneyLimit = Fixed(10_000_000)
    /// The bound on any other number without a stated range (points, hours, counts):
    /// 1,000,000,000 either way.
    public static let numberLimit = Fixed(1_000_000_000)

    /// `limit`, or the type's sanity bound; nil for a type that is not a number.
    public var effectiveLimit: Fixed? {
        if let limit { return limit }
        switch type {
        case .money: return Self.moneyLimit
        case .integer, .decimal: return Self.numberLimit
        default: return nil
        }
    }
}

/// What role a source plays in a month.
public enum SourceRole: String, Sendable, Hashable {
    /// The roster: one row per cadre, fixed and checked core fields.
    case roster
    /// An activity log: rows by cadre and date that earn or lose points.
    case activity
    /// Manual corrections, each with a reason.
    case adjustments
    /// Year-to-date balances for a county starting mid-year.
    case opening
    /// Differences of corrected closed months a later month pays or recovers (补发/补扣):
    /// written by the batch from the store, never by a clerk (docs/corrections.md).
    case corrections
}

/// The shape of one record file: its names, role and fields.
///
/// The standard sources are in `StandardSchemas`; the rules language can declare more
/// activity sources (a volunteer log, say) with the same structure, so a county adds a
/// column or a whole source without a code change.
public struct SourceSchema: Sendable, Hashable {
    /// The Chinese name used in rules and messages (`值班`).
    public var name: String
    /// File stems that hold this source (`duty`, `值班`), compared case-insensitively.
    public var fileStems: [String]
    public var role: SourceRole
    public var fields: [FieldSpec]
    /// The field naming the cadre (`工号`); nil for none.
    public var cadreField: String?
    /// The field holding the record's date, checked to lie in the month; nil for none.
    public var dateField: String?
    /// A field whose values must be unique (`编号`); nil for none.
    public var keyField: String?
    /// For duty-like sources: start and end time fields whose intervals per cadre must not
    /// overlap, and an optional end-date field for shifts longer than a day.
    public var shift: ShiftFields?
    /// Whether a file for this source must be present in every month.
    public var isRequired: Bool

    public struct ShiftFields: Sendable, Hashable {
        public var start: String
        public var end: String
        public var endDate: String?
        public var status: String?
        /// Statuses for which the cadre was not there (absence, leave). Their shifts are
        /// checked for overlap with the same cadre's other shifts like any (another cadre's
        /// cover shift is no overlap, being someone else's).
        public var absentStatuses: [String]
        public init(start: String, end: String, endDate: String? = nil, status: String? = nil, absentStatuses: [String] = []) {
            self.start = start
            self.end = end
            self.endDate = endDate
            self.status = status
            self.absentStatuses = absentStatuses
        }
    }

    public init(
        name: String, fileStems: [String], role: SourceRole, fields: [FieldSpec], cadreField: String? = "工号",
        dateField: String? = nil, keyField: String? = nil, shift: ShiftFields? = nil, isRequired: Bool = false
    ) {
        self.name = name
        self.fileStems = fileStems
        self.role = role
        self.fields = fields
        self.cadreField = cadreField
        self.dateField = dateField
        self.keyField = keyField
        self.shift = shift
        self.isRequired = isRequired
    }

    public func fieldIndex(_ name: String) -> Int? {
        fields.firstIndex { $0.name == name || $0.aliases.contains(name) }
    }
}

extension SourceSchema {
    /// The note that marks a column made by formula rather than typed (`姓名（自动）` beside
    /// a template's 工号, `问题（自动）` in a rejected-rows workbook). Readers skip such a
    /// column without a word, so a filled template or a corrected rejected-rows file is read
    /// as it is.
    public static let derivedColumnNote = "自动"

    /// `姓名（自动）`: a header with the derived-column note.
    public static func derivedColumnHeader(_ name: String) -> String { name + "（" + derivedColumnNote + "）" }

    /// Whether a header names a derived column, in full-width or ASCII brackets.
    public static func isDerivedColumn(_ header: String) -> Bool {
        TextNormalizer.normalize(header).trimmingSpaces.replacingOccurrences(of: " ", with: "")
            .hasSuffix("(" + derivedColumnNote + ")")
    }
}
