import Exact
import Pay
import Testing

/// The payroll on its own, with formulas answered by a table instead of the rules
/// language: what it does with the answers (order, 不适用, floors, one rounding for a
/// quotient, pool shares, net and year to date) is Pay's.
@Suite("payroll")
struct PayrollTests {
    /// Formulas as plain values: `values[line][part]` for every cadre, or computed from
    /// the lines before (`derived`).
    struct TableFormulas: PayFormulas {
        var values: [Int: [PayrollLine.Part: Fixed]] = [:]
        var derived: [Int: (PaySheet) -> Fixed?] = [:]
        var exempt: Set<String> = []
        var weights: [Fixed] = []

        func number(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Fixed? {
            if part == .weight { return weights[cadre] }
            if part == .formula, let f = derived[line] {
                // A pool line reads its share.
                if let share = sheet.poolShare { return share.fixed }
                return f(sheet)
            }
            return values[line]?[part]
        }

        func exempts(_ index: Int, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Bool {
            exempt.contains("\(line):\(cadre)")
        }

        func poolGroup(ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> String { "" }
    }

    static let month = YearMonth("2020-12")!
    static let cadres = [
        Payroll.Cadre(id: "A-1", hiredOn: CivilDate(year: 2020, month: 3, day: 1)!),
        Payroll.Cadre(id: "A-2", hiredOn: CivilDate(year: 2018, month: 1, day: 1)!, prior: ["实发": Money(yuan: 100)], priorMonths: 11),
    ]

    @Test func linesInOrderWithRoundingFloorAndNet() throws {
        let lines = [
            // 3000 ÷ 21.75, once, to the 分: 137.93 (not 137.9310344828 rounded again).
            PayrollLine(name: "日工资", kind: .value, isMoney: true, rounding: .fen, formula: "3000 ÷ 21.75", isQuotient: true),
            PayrollLine(name: "补贴", kind: .earning, isMoney: true, floor: Fixed(50), formula: "补贴", exemptions: ["岗位 = 网格员"]),
            PayrollLine(name: "实发", kind: .net, isMoney: true, formula: "日工资 + 补贴"),
        ]
        var formulas = TableFormulas()
        formulas.values[0] = [.dividend: Fixed(3_000), .divisor: Fixed(units: 2_175, scale: 2)]
        formulas.values[1] = [.formula: Fixed(20)]
        // The net line is gross minus deductions: the one earning.
        formulas.derived[2] = { $0.lines["补贴"] }
        formulas.exempt = ["1:1"]
        let slips = try Payroll(month: Self.month, lines: lines).pay(Self.cadres, formulas: formulas)
        #expect(slips[0].lines.map(\.name) == ["日工资", "补贴", "实发"])
        #expect(slips[0].lines[0].amount == Money("137.93")!)
        #expect(slips[0].lines[0].trace.steps[0].rounding?.isExact == false)
        #expect(slips[0].lines[1].amount == Money(yuan: 50))
        #expect(slips[0].net == Money(yuan: 50))
        #expect(slips[1].lines[1].amount == .zero)
        #expect(slips[1].lines[1].trace.steps[0].notes == [.switchedOff(reason: PayText(zh: "不适用：岗位 = 网格员", en: "not applicable: 岗位 = 网格员"))])
        // Months: from March, and one more than the eleven before.
        #expect(slips[0].months == 10)
        #expect(slips[1].months == 12)
        #expect(slips[1].yearToDate["实发"] == Money(yuan: 100))
    }

    /// The year to date of each money line: the prior total plus this month's value rounded
    /// to the 分, a name's value being the last line of that name (the sheet's), counted once
    /// however many lines bear it; a cadre without a prior total starts from zero.
    @Test func yearToDateByNameTakesTheLastLineOfTheName() throws {
        let lines = [
            PayrollLine(name: "补贴", kind: .earning, isMoney: true, formula: "补贴"),
            PayrollLine(name: "补贴", kind: .value, isMoney: true, formula: "补贴 × 2"),
            PayrollLine(name: "工资", kind: .earning, isMoney: true, formula: "工资"),
            PayrollLine(name: "实发", kind: .net, isMoney: true, formula: "补贴 + 工资"),
        ]
        var formulas = TableFormulas()
        formulas.values[0] = [.formula: Fixed(units: 1_005, scale: 1)]
        formulas.values[1] = [.formula: Fixed(units: 201_005, scale: 3)]
        formulas.values[2] = [.formula: Fixed(200)]
        formulas.values[3] = [.formula: Fixed(units: 3_005, scale: 1)]
        let cadres = [
            Payroll.Cadre(id: "A-1", hiredOn: CivilDate(year: 2020, month: 3, day: 1)!),
            Payroll.Cadre(id: "A-2", hiredOn: CivilDate(year: 2018, month: 1, day: 1)!,
                          prior: ["补贴": Money(yuan: 1_000), "实发": Money(yuan: 9_000)], priorMonths: 11),
        ]
        let slips = try Payroll(month: Self.month, lines: lines).pay(cadres, formulas: formulas)
        // 201.005 rounds half up to 201.01: the later 补贴 line's value, added once.
        #expect(slips[0].yearToDate["补贴"] == Money("201.01")!)
        #expect(slips[1].yearToDate["补贴"] == Money("1201.01")!)
        #expect(slips[0].yearToDate["工资"] == Money(yuan: 200))
        #expect(slips[1].yearToDate["实发"] == Money("9300.50")!)
        #expect(slips[1].net == Money("300.50")!)
    }

    @Test func netThatDoesNotAddUpIsRefused() {
        let lines = [
            PayrollLine(name: "工资", kind: .earning, isMoney: true, formula: "工资"),
            PayrollLine(name: "实发", kind: .net, isMoney: true, formula: "工资 + 1"),
        ]
        var formulas = TableFormulas()
        formulas.values[0] = [.formula: Fixed(100)]
        formulas.values[1] = [.formula: Fixed(101)]
        #expect(throws: PayrollError.netMismatch(cadre: "A-1", net: Money(yuan: 101), expected: Money(yuan: 100))) {
            try Payroll(month: Self.month, lines: lines).pay(Self.cadres, formulas: formulas)
        }
    }

    @Test func aLineThatCannotBeComputedNamesTheFirstCadre() {
        let lines = [PayrollLine(name: "工资", kind: .earning, isMoney: true, formula: "工资 ÷ 0")]
        #expect(throws: PayrollError.payLine(cadre: "A-1", line: "工资")) {
            try Payroll(month: Self.month, lines: lines, chunks: CadreChunks(minimumChunk: 1)).pay(Self.cadres, formulas: TableFormulas())
        }
    }

    @Test func poolSharesAddUpToThePool() throws {
        let lines = [PayrollLine(name: "奖励", kind: .earning, isMoney: true, formula: "按比例分配（100 元，得分）", sharesPool: true)]
        var formulas = TableFormulas()
        formulas.values[0] = [.pool: Fixed(100)]
        formulas.derived[0] = { _ in nil }
        formulas.weights = [Fixed(1), Fixed(2)]
        let slips = try Payroll(month: Self.month, lines: lines).pay(Self.cadres, formulas: formulas)
        #expect(slips.map(\.gross) == [Money("33.33")!, Money("66.67")!])
        let untraced = try Payroll(month: Self.month, lines: lines, tracesPools: false).pay(Self.cadres, formulas: formulas)
        #expect(untraced[0].lines[0].trace.steps.count == 1)
        #expect(slips[0].lines[0].trace.steps.count > 1)
    }
}
