import Exact

/// One named money line of a person's pay: 基本工资, 绩效工资, 个人所得税, ….
public struct PayLineAmount: Sendable, Hashable, Codable {
    public var name: String
    public var amount: Money

    public init(_ name: String, _ amount: Money) {
        self.name = name
        self.amount = amount
    }
}

/// One person's pay as the batch computed it: gross items, deduction items and net.
public struct CadrePayLines<Key: Hashable & Sendable>: Sendable, Hashable {
    public var key: Key
    public var gross: [PayLineAmount]
    public var deductions: [PayLineAmount]
    public var net: Money

    public init(key: Key, gross: [PayLineAmount], deductions: [PayLineAmount], net: Money) {
        self.key = key
        self.gross = gross
        self.deductions = deductions
        self.net = net
    }
}

/// A sum that does not add up, as data; `difference` is always left side − right side.
public enum ReconciliationMismatch<Key: Hashable & Sendable>: Sendable, Hashable {
    /// A person's net + deductions differs from their gross.
    case cadre(Key, gross: Money, deductions: Money, net: Money, difference: Money)
    /// Σ net + Σ deductions differs from Σ gross over everyone.
    case total(gross: Money, deductions: Money, net: Money, difference: Money)
    /// The bank file's total differs from Σ net.
    case bank(bankTotal: Money, netTotal: Money, difference: Money)
}

/// The outcome of reconciling a month's pay: the totals and every mismatch found.
public struct ReconciliationReport<Key: Hashable & Sendable>: Sendable, Hashable {
    public var grossTotal: Money
    public var deductionTotal: Money
    public var netTotal: Money
    public var mismatches: [ReconciliationMismatch<Key>]

    /// True when every sum adds up to the 分.
    public var isBalanced: Bool { mismatches.isEmpty }
}

/// Checks that pay adds up to the 分: for each person and in total, Σ net + Σ deductions =
/// Σ gross, and the bank total equals Σ net. The batch aborts a run that does not balance.
///
/// ```swift
/// let report = try Reconciliation.check([
///     CadrePayLines(key: "RJ-001", gross: [PayLineAmount("基本工资", Money(yuan: 3_000))],
///                   deductions: [PayLineAmount("养老保险", Money(yuan: 240))], net: Money(yuan: 2_760)),
/// ], bankTotal: Money(yuan: 2_760))
/// report.isBalanced   // true
/// ```
public enum Reconciliation {
    /// Every mismatch, people in the order given, then the total, then the bank.
    public static func check<Key>(_ cadres: [CadrePayLines<Key>], bankTotal: Money) throws(PayError) -> ReconciliationReport<Key> {
        var mismatches: [ReconciliationMismatch<Key>] = []
        var gross = Money.zero, deductions = Money.zero, net = Money.zero
        for c in cadres {
            let g = try c.gross.map(\.amount).checkedSum()
            let d = try c.deductions.map(\.amount).checkedSum()
            let difference = try c.net.plus(d).minus(g)
            if difference != .zero {
                mismatches.append(.cadre(c.key, gross: g, deductions: d, net: c.net, difference: difference))
            }
            gross = try gross.plus(g)
            deductions = try deductions.plus(d)
            net = try net.plus(c.net)
        }
        let totalDifference = try net.plus(deductions).minus(gross)
        if totalDifference != .zero {
            mismatches.append(.total(gross: gross, deductions: deductions, net: net, difference: totalDifference))
        }
        let bankDifference = try bankTotal.minus(net)
        if bankDifference != .zero {
            mismatches.append(.bank(bankTotal: bankTotal, netTotal: net, difference: bankDifference))
        }
        return ReconciliationReport(grossTotal: gross, deductionTotal: deductions, netTotal: net, mismatches: mismatches)
    }
}
