import Exact

/// A text in Simplified Chinese (for clerks, cadres and auditors) and English.
///
/// Pay depends only on Exact, so it carries its own pair rather than Diagnostics'
/// `Localized`; the two have the same shape and convert field by field.
public struct PayText: Sendable, Hashable, Codable, CustomStringConvertible {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func text(_ language: TraceLanguage) -> String { language == .zh ? zh : en }

    public var description: String { zh }
}

/// The language a trace is written out in.
public enum TraceLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case zh, en
}

/// A value that went into or came out of a step.
///
/// Encodes as `{"kind": "money", "value": "555.00"}` (decimals as exact text, a count as
/// a number) so that programs reading `--format json` need no knowledge of Swift enums.
public enum PayQuantity: Sendable, Hashable, Codable {
    /// An amount in 分.
    case money(Money)
    /// A plain exact decimal: points, days, a day rate kept to more places than the 分.
    case number(Fixed)
    /// A fraction shown as a percentage: `0.08` reads 8%.
    case rate(Fixed)
    /// A whole count: months, people.
    case count(Int)

    private enum CodingKeys: String, CodingKey { case kind, value }
    private enum Kind: String, Codable { case money, number, rate, count }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .count: self = .count(try c.decode(Int.self, forKey: .value))
        case let kind:
            let text = try c.decode(String.self, forKey: .value)
            guard let f = Fixed(text) else {
                throw DecodingError.dataCorruptedError(forKey: .value, in: c, debugDescription: "not a decimal: \(text)")
            }
            switch kind {
            case .money:
                guard let m = Money(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .value, in: c, debugDescription: "not money: \(text)")
                }
                self = .money(m)
            case .rate: self = .rate(f)
            default: self = .number(f)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .money(let m):
            try c.encode(Kind.money, forKey: .kind)
            try c.encode(m.description, forKey: .value)
        case .number(let f):
            try c.encode(Kind.number, forKey: .kind)
            try c.encode(f.description, forKey: .value)
        case .rate(let f):
            try c.encode(Kind.rate, forKey: .kind)
            try c.encode(f.description, forKey: .value)
        case .count(let n):
            try c.encode(Kind.count, forKey: .kind)
            try c.encode(n, forKey: .value)
        }
    }
}

/// One named value that went into a step.
public struct PayInput: Sendable, Hashable, Codable {
    public var name: PayText
    public var value: PayQuantity

    public init(_ name: PayText, _ value: PayQuantity) {
        self.name = name
        self.value = value
    }
}

/// The rounding a step applied: the exact value, the rule and scale, and what came out.
public struct AppliedRounding: Sendable, Hashable, Codable {
    public var spec: RoundingSpec
    /// The value before rounding: exact when `isExact`, otherwise the leading places of a
    /// quotient that does not terminate (shown followed by "…").
    public var exact: Fixed
    /// The value after rounding.
    public var rounded: Fixed
    /// False when `exact` is a cut of a non-terminating quotient (3,000 ÷ 21.75).
    public var isExact: Bool

    public init(spec: RoundingSpec, exact: Fixed, rounded: Fixed, isExact: Bool = true) {
        self.spec = spec
        self.exact = exact
        self.rounded = rounded
        self.isExact = isExact
    }

    /// Whether rounding changed the value (a rounding that only adds zero places did not).
    public var changedValue: Bool { !isExact || exact != rounded }
}

/// One step of a pay computation: what was computed, by which formula, from which values,
/// with which result and rounding.
///
/// ```swift
/// PayStep(label: PayText(zh: "日工资", en: "day rate"),
///         formula: PayText(zh: "月工资 ÷ 月计薪天数", en: "monthly pay ÷ pay days per month"),
///         inputs: [PayInput(PayText(zh: "月工资", en: "monthly pay"), .money(Money(yuan: 3000)))],
///         result: .number(Fixed("137.93")!))
/// ```
public struct PayStep: Sendable, Hashable, Codable {
    /// What this step computes (应纳税所得额 / taxable income).
    public var label: PayText
    /// The formula in words (累计收入 − 累计减除费用 − … / cumulative income − …).
    public var formula: PayText
    public var inputs: [PayInput]
    public var result: PayQuantity
    /// The rounding applied to reach `result`, if the step rounds at all.
    public var rounding: AppliedRounding?
    /// Remarks an auditor needs: a clamp that applied, a refund not paid, a tie-break.
    public var notes: [PayNote]

    public init(
        label: PayText, formula: PayText, inputs: [PayInput], result: PayQuantity,
        rounding: AppliedRounding? = nil, notes: [PayNote] = []
    ) {
        self.label = label
        self.formula = formula
        self.inputs = inputs
        self.result = result
        self.rounding = rounding
        self.notes = notes
    }
}

/// The steps of a pay computation, in the order they were taken, so that an explanation
/// can show where every 分 came from.
public struct PayTrace: Sendable, Hashable, Codable {
    public var steps: [PayStep]

    public init(steps: [PayStep] = []) { self.steps = steps }

    public mutating func append(_ step: PayStep) { steps.append(step) }

    public mutating func append(contentsOf other: PayTrace) { steps.append(contentsOf: other.steps) }

    /// The step with this Chinese label, if any (tests and explanations pick steps by label).
    public func step(_ zhLabel: String) -> PayStep? { steps.first { $0.label.zh == zhLabel } }
}

/// A computed value with the trace that explains it.
public struct Traced<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var trace: PayTrace

    public init(_ value: Value, trace: PayTrace) {
        self.value = value
        self.trace = trace
    }
}
