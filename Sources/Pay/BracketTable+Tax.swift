import Exact

extension PayText {
    static let taxableAmount = PayText(zh: "应纳税所得额", en: "taxable amount")
    static let rate = PayText(zh: "税率", en: "rate")
    static let quickDeduction = PayText(zh: "速算扣除数", en: "quick deduction")
    static let tax = PayText(zh: "税额", en: "tax")
}

extension BracketTable {
    /// `amount × rate − quick deduction` of the row covering `amount`, exactly, with the row
    /// used (nil when `amount` is zero or negative: no tax).
    public func exactTax(on amount: Money) throws(PayError) -> (tax: Fixed, row: Int?) {
        guard !rows.isEmpty else { throw .emptyTable }
        guard amount > .zero else { return (.zero, nil) }
        guard let i = rowIndex(for: amount) else { throw .notCovered(amount: amount) }
        let tax = try amount.fixed.times(rows[i].rate).minus(rows[i].quickDeduction.fixed)
        return (tax, i)
    }

    /// The tax on `amount` by the quick-deduction form, rounded as the table declares.
    ///
    /// An amount at or below zero owes nothing; the trace says so.
    public func tax(on amount: Money) throws(PayError) -> Traced<Money> {
        let (exact, row) = try exactTax(on: amount)
        let (tax, applied) = try rounding.money(exact)
        var inputs = [PayInput(.taxableAmount, .money(amount))]
        var notes: [PayNote] = []
        if let row {
            inputs.append(PayInput(.rate, .rate(rows[row].rate)))
            inputs.append(PayInput(.quickDeduction, .money(rows[row].quickDeduction)))
            notes.append(.bracket(table: name, row: row, lowerBound: effectiveLowerBounds[row], upperBound: rows[row].upperBound))
        } else {
            notes.append(.nothingTaxable)
        }
        let step = PayStep(
            label: .tax,
            formula: PayText(zh: "应纳税所得额 × 税率 − 速算扣除数", en: "taxable amount × rate − quick deduction"),
            inputs: inputs, result: .money(tax), rounding: applied, notes: notes)
        return Traced(tax, trace: PayTrace(steps: [step]))
    }

    /// The tax on `amount` summed slice by slice (each row's rate on the part of `amount`
    /// inside it), exactly. Agrees with `exactTax` when `validate()` reports no problems.
    public func exactProgressiveTax(on amount: Money) throws(PayError) -> Fixed {
        var total = Fixed.zero
        for s in try slices(of: amount) { total = try total.plus(s.tax) }
        return total
    }

    /// The tax on `amount` slice by slice, rounded once at the end as the table declares;
    /// the trace shows every slice.
    public func progressiveTax(on amount: Money) throws(PayError) -> Traced<Money> {
        var trace = PayTrace()
        var total = Fixed.zero
        for s in try slices(of: amount) {
            total = try total.plus(s.tax)
            let range = rowText(s.row)
            trace.append(PayStep(
                label: PayText(zh: "\(range.zh)税额", en: "tax in \(range.en)"),
                formula: PayText(zh: "本级部分 × 税率", en: "part in bracket × rate"),
                inputs: [
                    PayInput(PayText(zh: "本级部分", en: "part in bracket"), .money(s.part)),
                    PayInput(.rate, .rate(rows[s.row].rate)),
                ],
                result: .number(s.tax)))
        }
        let (tax, applied) = try rounding.money(total)
        trace.append(PayStep(
            label: .tax,
            formula: PayText(zh: "各级税额之和", en: "sum of the tax in each bracket"),
            inputs: [PayInput(.taxableAmount, .money(amount))],
            result: .money(tax), rounding: applied))
        return Traced(tax, trace: trace)
    }

    private func slices(of amount: Money) throws(PayError) -> [(row: Int, part: Money, tax: Fixed)] {
        guard !rows.isEmpty else { throw .emptyTable }
        guard amount > .zero else { return [] }
        guard rowIndex(for: amount) != nil else { throw .notCovered(amount: amount) }
        let lowers = effectiveLowerBounds
        var result: [(row: Int, part: Money, tax: Fixed)] = []
        for (i, row) in rows.enumerated() {
            guard let lower = lowers[i], amount > lower else { continue }
            let top = row.upperBound.map { min($0, amount) } ?? amount
            guard top > lower else { continue }
            let part = try top.minus(lower)
            result.append((i, part, try part.fixed.times(row.rate)))
        }
        return result
    }
}
