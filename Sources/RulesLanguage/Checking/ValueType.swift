/// The type of a value in the rules, with its unit: points never become money without a
/// rate, and text never compares with numbers.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// 分
    case points
    /// 元, exact to the 分 once rounded.
    case money
    /// A plain number: a rate (8%), a factor (21.75), hours.
    case number
    /// A whole count: records, days, months.
    case count
    case date
    case time
    case text
    case boolean
    /// A value of a declared enumeration (班次 ∈ {白班, …}).
    case enumeration([String])
    /// 空: an empty cell.
    case none
    /// The type of something already reported as an error; compatible with anything, so
    /// that one mistake does not cascade into many.
    case unknown

    public var description: String { chineseName }

    public var chineseName: String {
        switch self {
        case .points: "积分"
        case .money: "金额"
        case .number: "数值"
        case .count: "计数"
        case .date: "日期"
        case .time: "时间"
        case .text: "文本"
        case .boolean: "是否"
        case .enumeration(let v): "枚举（\(v.joined(separator: "、"))）"
        case .none: "空"
        case .unknown: "未知"
        }
    }

    public var englishName: String {
        switch self {
        case .points: "points"
        case .money: "money"
        case .number: "a number"
        case .count: "a count"
        case .date: "a date"
        case .time: "a time"
        case .text: "text"
        case .boolean: "a yes/no value"
        case .enumeration(let v): "one of (\(v.joined(separator: ", ")))"
        case .none: "empty"
        case .unknown: "unknown"
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .points, .money, .number, .count, .unknown: true
        default: false
        }
    }

    /// Whether values of the two types can be compared with =, <, ….
    func isComparable(with other: ValueType) -> Bool {
        switch (self, other) {
        case (.unknown, _), (_, .unknown), (.none, _), (_, .none): return true
        case (.enumeration, .enumeration), (.enumeration, .text), (.text, .enumeration): return true
        case (.text, .text), (.date, .date), (.time, .time), (.boolean, .boolean): return true
        default:
            guard isNumeric, other.isNumeric else { return false }
            // A plain number compares with anything numeric (a bare 90 against 得分); two
            // units must be the same, except counts against points is still a mix-up.
            if self == other || self == .number || other == .number { return true }
            return (self == .count && other == .count)
        }
    }
}
