import Diagnostics
import Exact
import Pay
@testable import Records
@testable import RulesLanguage
import Testing

/// Each disagreement the differential test found between a fast path and the reference
/// interpreter, kept as a case: the reference's value, and every fast path agreeing.
@Suite("reference interpreter: regressions")
struct InterpreterRegressionTests {
    static let month = YearMonth("2020-11")!
    static let satisfaction = ValueType.enumeration(["满意", "基本满意", "不满意"])

    /// 工号, 日期, 时长 (whole), 满意度, 考核 (text), 开始 (time), 结束日期, 学时 (one place).
    static let world: World = {
        let fields = [
            FieldSpec("工号", .text), FieldSpec("日期", .date), FieldSpec("时长", .integer(min: nil, max: nil), optionalValue: true,
                                                                                          limit: Fixed(units: .max, scale: 0)),
            FieldSpec("满意度", .enumeration(["满意", "基本满意", "不满意"])), FieldSpec("考核", .text), FieldSpec("开始", .time, optionalValue: true),
            FieldSpec("结束日期", .date, optionalValue: true), FieldSpec("学时", .decimal(scale: 1, min: nil, max: nil), optionalValue: true),
        ]
        let schema = SourceSchema(name: "记录", fileStems: ["记录"], role: .activity, fields: fields, cadreField: "工号", dateField: "日期")
        let source = GeneratedSource(schema: schema, types: [.text, .date, .count, satisfaction, .text, .time, .date, .number], words: [:], month: month)
        // Two files of one source (the month's, then the store's adjustments), each read
        // by its own decoder, which codes 合格 and 不合格 in other orders.
        let files = [
            [["A-1", "2020-11-02", "39", "满意", "合格", "20:00", "2020-11-30", "2.5"],
             ["A-1", "2020-11-03", "9000000000000000", "不满意", "不合格", "08:30", "2020-12-01", "0"]],
            [["A-1", "2020-11-04", "5", "基本满意", "不合格", "", "", "1.0"],
             ["A-1", "2020-11-05", "", "满意", "合格", "23:15", "2020-11-30", ""],
             ["A-1", "2020-11-06", "1", "满意", "e\u{301}", "", "", ""]],
        ]
        let cadre = Cadre(id: "A-1", name: "张三", idNumber: "", community: "富民", post: "网格员", level: 2,
                          hiredOn: CivilDate(year: 2019, month: 1, day: 1)!, bankAccount: "", origin: RowOrigin(path: "cadres.csv", line: 2))
        let tables = RuleTables(
            parameters: [:],
            lookups: ["满意度奖励": CheckedLookup(name: "满意度奖励", citation: nil, period: .always,
                                             rows: [(.text("满意"), Fixed(2)), (.text("不满意"), Fixed(-1)), (nil, .zero)], valueType: .points),
                      "岗位津贴": CheckedLookup(name: "岗位津贴", citation: nil, period: .always,
                                           rows: [(.text("书记"), Fixed(500)), (.text("网格员"), Fixed(200))], valueType: .money)],
            brackets: ["税表": BracketTable(rows: [.init(upTo: nil, rate: Fixed(units: 3, scale: 2))])])
        return World(source: source, files: files, roster: Roster([cadre]), tables: tables)
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var expression: TExpr
        var role: InterpreterDifferentialTests.Role
        /// The reference's value on each row.
        var expected: [RowValue]
        var testDescription: String { name }
    }

    static let hours = TExpr.field(2, .count)
    static let satisfied = TExpr.field(3, satisfaction)
    static let grade = TExpr.field(4, .text)

    static let cases: [Case] = [
        // FilterOp compared 时长 with 80: the constant's units at its own scale.
        Case(name: "a constant with trailing zeros against a whole number (时长 < 8.0)",
             expression: .compare(hours, [(.less, .number(Fixed(units: 80, scale: 1), .count))]), role: .filter,
             expected: [.boolean(false), .boolean(false), .boolean(true), .boolean(false), .boolean(true)]),
        Case(name: "a large constant with a zero place (时长 ≠ 9000000000000000.0)",
             expression: .compare(hours, [(.notEqual, .number(Fixed(units: 90_000_000_000_000_000, scale: 1), .count))]), role: .filter,
             expected: [.boolean(true), .boolean(false), .boolean(true), .boolean(true), .boolean(true)]),
        // The closures compared the word, as text, with the field's code: never equal.
        Case(name: "a word written before an enumeration field (“满意” = 满意度)",
             expression: .compare(.text("满意"), [(.equal, satisfied)]), role: .value,
             expected: [.boolean(true), .boolean(false), .boolean(false), .boolean(true), .boolean(true)]),
        // The closures had no case for tables and 限于 in a record: blank.
        Case(name: "a lookup table in a record, by an enumeration's word (满意度奖励（满意度）)",
             expression: .lookup("满意度奖励", satisfied, .points), role: .amount,
             expected: [.number(Fixed(2)), .number(Fixed(-1)), .number(.zero), .number(Fixed(2)), .number(Fixed(2))]),
        Case(name: "限于 in a record (限于（时长，0，40）)",
             expression: .clamp(hours, .number(.zero, .count), .number(Fixed(40), .count), .count), role: .amount,
             expected: [.number(Fixed(39)), .number(Fixed(40)), .number(Fixed(5)), .none, .number(Fixed(1))]),
        Case(name: "a bracket table in a record (税表（1000 元）)",
             expression: .bracket("税表", .number(Fixed(1_000), .money)), role: .amount,
             expected: Array(repeating: .number(Fixed(units: 3_000, scale: 2)), count: 5)),
        // AmountOp multiplied with a trap; the reference has a product beyond exact
        // numbers blank, so the record counts nothing.
        Case(name: "a field times a constant beyond exact numbers (时长 × 10000)",
             expression: .arithmetic(.multiply, hours, .number(Fixed(10_000), .number), .count), role: .amount,
             expected: [.number(Fixed(390_000)), .none, .number(Fixed(50_000)), .none, .number(Fixed(10_000))]),
        // The closures compared Swift strings, which call é and e + U+0301 equal; the
        // interned fast path compares bytes. Text is its scalars.
        Case(name: "text is compared by its scalars (考核 = “é”, one scalar)",
             expression: .compare(grade, [(.equal, .text("\u{e9}"))]), role: .filter,
             expected: Array(repeating: .boolean(false), count: 5)),
    ]

    @Test(arguments: cases)
    func fastPathsAgree(_ c: Case) {
        for (k, (row, decoder)) in Self.world.rows.enumerated() {
            var scope = RecordScope(row, decoder, tables: Self.world.tables)
            let reference = Interpreter.evaluate(c.expression, in: &scope)
            #expect(reference.isIdentical(to: c.expected[k]), "row \(k): the reference gives \(reference)")
            let d = Self.world.disagreement(c.expression, c.role, row, decoder)
            #expect(d == nil, "row \(k): \(d?.path ?? "") gives \(d?.fast ?? ""), the reference \(d?.reference ?? "")")
        }
    }

    /// Scorer totals over both files: a text's cached code belonged to the first decoder
    /// (考核 = “合格” missed the second file's rows); 最大 of a time came out as a date; 天数
    /// counted 2020-12-01 as a day of November.
    @Test func scorerTotalsAgree() {
        let world = Self.world
        // 合格 is code 0 in the first file and 1 in the second, where code 0 is 不合格.
        let passed = TExpr.compare(Self.grade, [(.equal, .text("合格"))])
        let items: [(filter: TExpr?, points: TExpr)] = [(passed, Self.hours)]
        let accumulators = [
            Accumulator(source: 0, filter: passed, kind: .sum, argument: Self.hours, period: .always),
            Accumulator(source: 0, filter: nil, kind: .max, argument: .field(5, .time), period: .always),
            Accumulator(source: 0, filter: nil, kind: .distinctDays, argument: .field(6, .date), period: .always),
        ]
        let scorer = MonthScorer(rules: MonthRules(world.rules(items: items, accumulators: accumulators), month: world.month),
                                 roster: world.roster, keepRecords: false)
        for (row, decoder) in world.rows { scorer.consume(source: 0, decoder: decoder, row: row) }
        let records = world.records(of: 0)
        #expect(Interpreter.itemTotal(filter: passed, points: Self.hours, records: records) == Fixed(39))
        #expect(scorer.itemSum[0] == Fixed(39))
        let expected: [RowValue] = [.number(Fixed(39)), .time(23 * 60 + 15), .number(Fixed(1))]
        for (i, acc) in accumulators.enumerated() {
            let reference = Interpreter.aggregate(acc.kind, filter: acc.filter, argument: acc.argument, records: records, month: world.month)
            #expect(reference == expected[i])
            #expect(scorer.aggregate(i, cadre: 0) == expected[i], "\(acc.kind)")
        }
    }

    /// A lookup by an enumeration roster field finds the row of its word (it found none:
    /// the code never equalled a text key).
    @Test func cadreLookupByAnEnumerationWord() {
        let world = Self.world
        let scorer = MonthScorer(rules: MonthRules(world.rules(items: [], accumulators: []), month: world.month), roster: world.roster)
        var context = CadreContext(cadre: 0, score: .zero, itemPoints: [:])
        let post = TExpr.rosterField("岗位", .enumeration(["书记", "主任", "网格员"]))
        #expect(scorer.evaluate(.lookup("岗位津贴", post, .money), &context) == .number(Fixed(200)))
        #expect(scorer.evaluate(.compare(.text("网格员"), [(.equal, post)]), &context) == .boolean(true))
    }
}
