import Exact

/// A progressive table: rows of (upper bound, rate, quick deduction), as in the annual
/// income-tax table of the 累计预扣法.
///
/// Nothing in it is built in: the rules language supplies the rows and the rounding. A row
/// covers amounts above its lower bound (超过) up to and including its upper bound (不超过);
/// the lower bound is normally left out and taken from the previous row (0 for the first).
///
/// ```swift
/// let table = BracketTable(rows: [
///     .init(upTo: Money(yuan: 36_000), rate: Fixed("0.03")!, quickDeduction: .zero),
///     .init(upTo: Money(yuan: 144_000), rate: Fixed("0.10")!, quickDeduction: Money(yuan: 2_520)),
///     .init(upTo: nil, rate: Fixed("0.20")!, quickDeduction: Money(yuan: 16_920)),
/// ])
/// table.validate()                              // []
/// try table.tax(on: Money(yuan: 37_000)).value  // 1180.00
/// ```
public struct BracketTable: Sendable, Hashable, Codable {
    /// One bracket of the table.
    public struct Row: Sendable, Hashable, Codable {
        /// Exclusive lower bound (超过); nil takes the previous row's upper bound, or 0.
        public var lowerBound: Money?
        /// Inclusive upper bound (不超过); nil for the open-ended last row.
        public var upperBound: Money?
        /// The rate as a fraction: 0.03 for 3%.
        public var rate: Fixed
        /// 速算扣除数.
        public var quickDeduction: Money

        public init(over lowerBound: Money? = nil, upTo upperBound: Money?, rate: Fixed, quickDeduction: Money = .zero) {
            self.lowerBound = lowerBound
            self.upperBound = upperBound
            self.rate = rate
            self.quickDeduction = quickDeduction
        }
    }

    /// The table's name in traces (个人所得税预扣率表 / withholding rate table).
    public var name: PayText
    public var rows: [Row]
    /// How a tax computed from the table rounds; 四舍五入到分 unless declared otherwise.
    public var rounding: RoundingSpec

    public init(
        name: PayText = PayText(zh: "累进税率表", en: "progressive table"),
        rows: [Row], rounding: RoundingSpec = .fen
    ) {
        self.name = name
        self.rows = rows
        self.rounding = rounding
    }

    /// Each row's lower bound as used in computing: the declared one, else the previous
    /// row's upper bound (0 for the first row). Nil after an open-ended row that is not last.
    public var effectiveLowerBounds: [Money?] {
        var result: [Money?] = []
        result.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            if let lower = row.lowerBound {
                result.append(lower)
            } else if i == 0 {
                result.append(.zero)
            } else {
                result.append(rows[i - 1].upperBound)
            }
        }
        return result
    }

    /// The index of the first row covering `amount`, or nil when none does. Amounts at or
    /// below zero belong to no row (their tax is 0).
    public func rowIndex(for amount: Money) -> Int? {
        guard amount > .zero else { return nil }
        let lowers = effectiveLowerBounds
        for (i, row) in rows.enumerated() {
            guard let lower = lowers[i], amount > lower else { continue }
            if row.upperBound.map({ amount <= $0 }) ?? true { return i }
        }
        return nil
    }

    /// The row's range in words: 第2级（超过 36,000.00 至 144,000.00）.
    func rowText(_ index: Int) -> PayText {
        PayNote.rangeText(row: index, lower: effectiveLowerBounds[index], upper: rows[index].upperBound)
    }
}
