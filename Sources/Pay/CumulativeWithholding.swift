import Exact

/// Income tax withheld on wages by the cumulative method (累计预扣法), for one person and
/// one month, from year-to-date values the batch supplies.
///
/// 本期应预扣预缴税额 = (累计预扣预缴应纳税所得额 × 预扣率 − 速算扣除数) − 累计减免税额 − 累计已预扣预缴税额,
/// where 累计预扣预缴应纳税所得额 = 累计收入 − 累计免税收入 − 累计减除费用 − 累计专项扣除
/// − 累计专项附加扣除 − 累计依法确定的其他扣除 (floored at 0), and 累计减除费用 =
/// 基本减除费用 × 本年在本单位的任职受雇月份数. A negative result withholds 0: the
/// difference is settled at the annual return, and the trace reports it.
///
/// Every figure is a parameter: the 5,000 a month, the table and its rounding come from
/// the rules.
///
/// ```swift
/// // January, the tax office's example: income 30,000, social insurance 4,500,
/// // special additional deductions 2,000.
/// let january = CumulativeWithholding(
///     cumulativeIncome: Money(yuan: 30_000), monthsEmployed: 1,
///     basicDeductionPerMonth: Money(yuan: 5_000),
///     cumulativeSpecialDeductions: Money(yuan: 4_500),
///     cumulativeSpecialAdditionalDeductions: Money(yuan: 2_000))
/// try january.compute(with: annualTable).withholding   // 555.00
/// ```
public struct CumulativeWithholding: Sendable, Hashable, Codable {
    /// 累计收入: wages paid by this payer this year, this month included.
    public var cumulativeIncome: Money
    /// 累计免税收入.
    public var cumulativeTaxFreeIncome: Money
    /// 本年在本单位的任职受雇月份数: from the month of hiring (or January) to this month.
    public var monthsEmployed: Int
    /// 基本减除费用 per month (5,000 since 2018-10; a parameter).
    public var basicDeductionPerMonth: Money
    /// When set, the cumulative basic deduction used instead of `basicDeductionPerMonth ×
    /// monthsEmployed` (e.g. the whole 60,000 from January under 国家税务总局公告2020年第19号).
    public var cumulativeBasicDeductionOverride: Money?
    /// 累计专项扣除: the employee's social insurance and housing fund.
    public var cumulativeSpecialDeductions: Money
    /// 累计专项附加扣除: children's education, elderly support, ….
    public var cumulativeSpecialAdditionalDeductions: Money
    /// 累计依法确定的其他扣除.
    public var cumulativeOtherDeductions: Money
    /// 累计减免税额.
    public var cumulativeTaxRelief: Money
    /// 累计已预扣预缴税额: withheld this year before this month.
    public var taxWithheldEarlier: Money

    public init(
        cumulativeIncome: Money, cumulativeTaxFreeIncome: Money = .zero, monthsEmployed: Int,
        basicDeductionPerMonth: Money, cumulativeBasicDeductionOverride: Money? = nil,
        cumulativeSpecialDeductions: Money = .zero, cumulativeSpecialAdditionalDeductions: Money = .zero,
        cumulativeOtherDeductions: Money = .zero, cumulativeTaxRelief: Money = .zero,
        taxWithheldEarlier: Money = .zero
    ) {
        self.cumulativeIncome = cumulativeIncome
        self.cumulativeTaxFreeIncome = cumulativeTaxFreeIncome
        self.monthsEmployed = monthsEmployed
        self.basicDeductionPerMonth = basicDeductionPerMonth
        self.cumulativeBasicDeductionOverride = cumulativeBasicDeductionOverride
        self.cumulativeSpecialDeductions = cumulativeSpecialDeductions
        self.cumulativeSpecialAdditionalDeductions = cumulativeSpecialAdditionalDeductions
        self.cumulativeOtherDeductions = cumulativeOtherDeductions
        self.cumulativeTaxRelief = cumulativeTaxRelief
        self.taxWithheldEarlier = taxWithheldEarlier
    }

    /// Months employed by this payer in `month`'s year, counting the hiring month and
    /// `month` itself; 0 when hired after `month`.
    public static func monthsEmployed(hiredIn hired: YearMonth, through month: YearMonth) -> Int {
        if hired > month { return 0 }
        return hired.year < month.year ? month.month : month.month - hired.month + 1
    }

    /// Computes this month's withholding through `table` (the annual 预扣率表).
    public func compute(with table: BracketTable) throws(PayError) -> WithholdingResult {
        guard (0...12).contains(monthsEmployed) else { throw .monthsEmployedOutOfRange(monthsEmployed) }
        var trace = PayTrace()

        // 累计减除费用
        let basic: Money
        if let override = cumulativeBasicDeductionOverride {
            basic = override
            trace.append(PayStep(
                label: .cumulativeBasicDeduction,
                formula: PayText(zh: "按规定的全年减除费用", en: "the whole-year deduction as provided"),
                inputs: [PayInput(.cumulativeBasicDeduction, .money(override))],
                result: .money(basic),
                notes: [.wholeYearBasicDeduction]))
        } else {
            basic = try basicDeductionPerMonth.times(monthsEmployed)
            trace.append(PayStep(
                label: .cumulativeBasicDeduction,
                formula: PayText(zh: "基本减除费用 × 任职受雇月份数", en: "basic deduction × months employed"),
                inputs: [
                    PayInput(PayText(zh: "基本减除费用", en: "basic deduction per month"), .money(basicDeductionPerMonth)),
                    PayInput(PayText(zh: "任职受雇月份数", en: "months employed"), .count(monthsEmployed)),
                ],
                result: .money(basic)))
        }

        // 累计预扣预缴应纳税所得额
        let raw = try cumulativeIncome.minus(cumulativeTaxFreeIncome).minus(basic)
            .minus(cumulativeSpecialDeductions).minus(cumulativeSpecialAdditionalDeductions)
            .minus(cumulativeOtherDeductions)
        let taxable = max(raw, .zero)
        trace.append(PayStep(
            label: .cumulativeTaxable,
            formula: PayText(
                zh: "累计收入 − 累计免税收入 − 累计减除费用 − 累计专项扣除 − 累计专项附加扣除 − 累计依法确定的其他扣除",
                en: "cumulative income − tax-free income − basic deduction − special deductions − special additional deductions − other deductions"),
            inputs: [
                PayInput(PayText(zh: "累计收入", en: "cumulative income"), .money(cumulativeIncome)),
                PayInput(PayText(zh: "累计免税收入", en: "cumulative tax-free income"), .money(cumulativeTaxFreeIncome)),
                PayInput(.cumulativeBasicDeduction, .money(basic)),
                PayInput(PayText(zh: "累计专项扣除", en: "cumulative special deductions"), .money(cumulativeSpecialDeductions)),
                PayInput(PayText(zh: "累计专项附加扣除", en: "cumulative special additional deductions"), .money(cumulativeSpecialAdditionalDeductions)),
                PayInput(PayText(zh: "累计依法确定的其他扣除", en: "cumulative other deductions"), .money(cumulativeOtherDeductions)),
            ],
            result: .money(taxable),
            notes: raw < .zero ? [.flooredAtZero(difference: raw)] : []))

        // 累计应纳税额
        var tableStep = try table.tax(on: taxable).trace.steps[0]
        tableStep.label = .cumulativeTax
        tableStep.formula = PayText(
            zh: "累计预扣预缴应纳税所得额 × 预扣率 − 速算扣除数",
            en: "cumulative taxable income × rate − quick deduction")
        // Name the inputs as the formula above does.
        let renamed: [PayText: PayText] = [
            .taxableAmount: .cumulativeTaxable,
            .rate: PayText(zh: "预扣率", en: "rate"),
        ]
        tableStep.inputs = tableStep.inputs.map { PayInput(renamed[$0.name] ?? $0.name, $0.value) }
        guard case .money(let cumulativeTax) = tableStep.result else { preconditionFailure("tax is money") }
        trace.append(tableStep)

        // 本期应预扣预缴税额
        let due = try cumulativeTax.minus(cumulativeTaxRelief).minus(taxWithheldEarlier)
        let withholding = max(due, .zero)
        let unrefunded = due < .zero ? -due : .zero
        trace.append(PayStep(
            label: .withholding,
            formula: PayText(
                zh: "累计应纳税额 − 累计减免税额 − 累计已预扣预缴税额",
                en: "cumulative tax − cumulative tax relief − tax withheld earlier this year"),
            inputs: [
                PayInput(.cumulativeTax, .money(cumulativeTax)),
                PayInput(PayText(zh: "累计减免税额", en: "cumulative tax relief"), .money(cumulativeTaxRelief)),
                PayInput(PayText(zh: "累计已预扣预缴税额", en: "tax withheld earlier this year"), .money(taxWithheldEarlier)),
            ],
            result: .money(withholding),
            notes: due < .zero ? [.notRefunded(difference: due)] : []))

        return WithholdingResult(
            cumulativeBasicDeduction: basic, cumulativeTaxableIncome: taxable,
            cumulativeTax: cumulativeTax, withholding: withholding, unrefundedExcess: unrefunded,
            trace: trace)
    }
}

/// This month's withholding under the cumulative method, with the figures behind it.
public struct WithholdingResult: Sendable, Hashable {
    /// 累计减除费用.
    public var cumulativeBasicDeduction: Money
    /// 累计预扣预缴应纳税所得额, never below 0.
    public var cumulativeTaxableIncome: Money
    /// 累计应纳税额: the table's tax on the cumulative taxable income.
    public var cumulativeTax: Money
    /// 本期应预扣预缴税额: what to withhold this month, never below 0.
    public var withholding: Money
    /// What a negative result would have refunded; not paid this month (0 when none).
    public var unrefundedExcess: Money
    public var trace: PayTrace
}

extension PayText {
    static let cumulativeBasicDeduction = PayText(zh: "累计减除费用", en: "cumulative basic deduction")
    static let cumulativeTaxable = PayText(zh: "累计预扣预缴应纳税所得额", en: "cumulative taxable income")
    static let cumulativeTax = PayText(zh: "累计应纳税额", en: "cumulative tax")
    static let withholding = PayText(zh: "本期应预扣预缴税额", en: "tax withheld this month")
}
