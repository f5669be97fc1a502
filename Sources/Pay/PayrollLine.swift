import Exact

/// One pay line as the payroll computes it: what the rules declare about it (its kind,
/// rounding, floor, the texts of its trace), without its formula, which the rules evaluate
/// when asked (`PayFormulas`). Pay knows no rules language: the rules language describes
/// its checked lines in these terms.
public struct PayrollLine: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// 应发项: adds to gross pay.
        case earning
        /// 扣款项: withheld from gross pay.
        case withholding
        /// 实发项: net pay, which must equal gross minus the withholdings.
        case net
        /// 计算项: a value other lines use; shown on the slip only when it is money.
        case value
    }

    /// How a trace shows one of the line's inputs.
    public enum Shown: Sendable, Hashable {
        /// To the 分 (half up).
        case money
        /// As a whole count.
        case count
        /// As an exact number without trailing zeros.
        case number
    }

    /// A named value the trace lists among the step's inputs.
    public struct Input: Sendable, Hashable {
        public var name: String
        public var shown: Shown

        public init(name: String, shown: Shown) {
            self.name = name
            self.shown = shown
        }
    }

    /// A part of the line's formula the payroll asks the rules for.
    public enum Part: Sendable, Hashable {
        /// The whole formula.
        case formula
        /// The two sides of a formula that is one quotient (`isQuotient`).
        case dividend, divisor
        /// The value of `inputs[i]`.
        case input(Int)
        /// The pool and this cadre's weight in it (`sharesPool`).
        case pool, weight
    }

    public var name: String
    public var kind: Kind
    public var citation: String?
    /// Money lines are rounded to the 分 at the latest, paid or shown, and carried into the
    /// year to date; other lines are plain numbers later lines use.
    public var isMoney: Bool
    public var rounding: RoundingSpec?
    /// 下限: a value below it is raised to it (not on the net line, where it is a guard).
    public var floor: Fixed?
    /// The formula as the rules write it (`得分 × 分值`), for the trace.
    public var formula: String
    public var inputs: [Input]
    /// The 不适用 conditions as the rules write them, in order: the first that holds makes
    /// the line 0.00 for that cadre.
    public var exemptions: [String]
    /// Whether the formula is one quotient (`基本工资 ÷ 月计薪天数`), which a line with a
    /// rounding divides once at its own places rather than at ten and then again.
    public var isQuotient: Bool
    /// Whether the formula shares a pool (按比例分配): each cadre's share is allocated
    /// (`PoolAllocation`) before any cadre's line is computed.
    public var sharesPool: Bool

    public init(name: String, kind: Kind, citation: String? = nil, isMoney: Bool, rounding: RoundingSpec? = nil, floor: Fixed? = nil,
                formula: String, inputs: [Input] = [], exemptions: [String] = [], isQuotient: Bool = false, sharesPool: Bool = false) {
        self.name = name
        self.kind = kind
        self.citation = citation
        self.isMoney = isMoney
        self.rounding = rounding
        self.floor = floor
        self.formula = formula
        self.inputs = inputs
        self.exemptions = exemptions
        self.isQuotient = isQuotient
        self.sharesPool = sharesPool
    }
}

/// What the payroll asks the rules: the value of part of a line's formula for one cadre,
/// given what the cadre's sheet holds so far (the lines computed, the year to date, a pool
/// share). The rules language answers; Pay holds no expressions.
///
/// Called from several threads at once, for different cadres (`CadreChunks`): an answer
/// may read shared state but write only to the sheet it is given.
public protocol PayFormulas {
    /// A number for `part` of line `line` (an index in the payroll's lines) for the cadre at
    /// `cadre` (an index in the cadres paid); nil when it cannot be computed (a blank, an
    /// overflow, a quotient by zero, a table with no row for the value).
    func number(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Fixed?
    /// Whether the line's `index`th 不适用 condition holds for the cadre.
    func exempts(_ index: Int, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Bool
    /// The group a cadre shares a pool line's pool in ("" for one pool for all).
    func poolGroup(ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> String
    /// Notes for the cadre's line that the formula's inputs do not tell (why the tier a
    /// line reads is what it is).
    func notes(ofLine line: Int, cadre: Int) -> [PayNote]
    /// Whether the formulas read the lines paid so far by name (`PaySheet.lines`); when not,
    /// the payroll keeps them by position only (`PaySheet.values`), which saves hashing
    /// every line's name for every cadre.
    var readsLinesByName: Bool { get }
}

extension PayFormulas {
    public func notes(ofLine line: Int, cadre: Int) -> [PayNote] { [] }
    public var readsLinesByName: Bool { true }
}

/// One cadre's pay while the lines are computed in order.
public struct PaySheet: Sendable {
    /// The value of each line computed so far, by name, before it became money (unless the
    /// formulas read lines by position only: `PayFormulas.readsLinesByName`).
    public var lines: [String: Fixed] = [:]
    /// The value of each line computed so far, by its position in the payroll's lines.
    public var values: [Fixed] = []
    /// Each line's total this year before this month (累计预扣法), by name.
    public var prior: [String: Money] = [:]
    /// Months employed by this payer this year, this month included.
    public var months = 0
    /// Each line's total of the previous year with this payer, by name (上年累计).
    public var previousYear: [String: Money] = [:]
    /// Months employed by this payer in the previous year (上年任职月数; 0 when not known).
    public var previousYearMonths = 0
    /// The previous year's annual pay lines in its closed year run, by name (上年年度).
    public var previousYearAnnual: [String: Money] = [:]
    /// This cadre's share of the pool of the line being computed.
    public var poolShare: Money?
    /// Steps met while evaluating the line being computed (a bracket table's), which
    /// lead its trace.
    public var steps: [PayStep] = []

    public init(lines: [String: Fixed] = [:], prior: [String: Money] = [:], months: Int = 0) {
        self.lines = lines
        self.prior = prior
        self.months = months
    }
}
