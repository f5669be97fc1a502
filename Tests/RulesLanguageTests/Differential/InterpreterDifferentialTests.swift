import Diagnostics
import Exact
import Foundation
import Pay
@testable import Records
@testable import RulesLanguage
import Testing
import TestSupport

/// The fast paths against the reference interpreter (`Interpreter`), on generated rules:
/// for each seed a schema with fields of every kind (blanks included), rows decoded as a
/// validator decodes them, and a few hundred well-typed expressions. Each record filter,
/// amount and value must come out of the compiled closures (`RecordCompiler`) and the flat
/// programs (`FilterOp`, `AmountOp`) exactly as the reference gives it (same value at the
/// same scale, same blank); each item total and aggregate the scorer keeps must equal the
/// reference's fold over the cadre's records; and cadre-level expressions over them must
/// agree.
///
/// A failure names its seed and the smallest expression that still fails; to rerun one
/// seed, `JIFEN_DIFF_SEED=<seed> swift test --filter InterpreterDifferentialTests`.
/// `JIFEN_DIFF_SEEDS=<n>` runs n seeds instead of the default.
@Suite("reference interpreter and fast paths")
struct InterpreterDifferentialTests {
    static let seeds: [UInt64] = {
        let env = ProcessInfo.processInfo.environment
        if let s = env["JIFEN_DIFF_SEED"].flatMap(UInt64.init) { return [s] }
        let n = env["JIFEN_DIFF_SEEDS"].flatMap(Int.init) ?? 24
        return (0..<UInt64(n)).map { 0x6A69_6665_6E00 + $0 }
    }()

    static let months = [YearMonth("2020-12")!, YearMonth("2020-11")!, YearMonth("2021-02")!]

    // MARK: - Record expressions

    @Test(arguments: seeds)
    func recordExpressionsAgree(seed: UInt64) {
        var r = SeededRandom(seed: seed)
        let world = World(&r)
        var generator = world.generator(r, .record)
        var checked = 0
        for k in 0..<300 {
            let role = Role.allCases[k % Role.allCases.count]
            let e: TExpr
            switch role {
            case .filter: e = generator.condition(3)
            case .amount: e = generator.number(3)
            case .value: e = generator.value(3)
            }
            for (row, decoder) in world.rows {
                checked += 1
                guard let d = world.disagreement(e, role, row, decoder) else { continue }
                let small = Shrinker.shrink(e) { world.disagreement($0, role, row, decoder) != nil }
                let found = world.disagreement(small, role, row, decoder)!
                Issue.record("""
                    seed \(seed): \(found.path) disagrees with the reference \(d.path == found.path ? "" : "(first seen on \(d.path))")
                      expression: \(world.text(small))
                      tree:       \(small)
                      row:        \(world.describe(row, decoder))
                      reference:  \(found.reference)
                      fast path:  \(found.fast)
                    """)
                return
            }
        }
        #expect(checked > 1_000)
    }

    enum Role: CaseIterable { case filter, amount, value }

    // MARK: - Scorer totals and cadre expressions

    @Test(arguments: seeds)
    func scorerAndCadreExpressionsAgree(seed: UInt64) throws {
        var r = SeededRandom(seed: seed &+ 0x5EED)
        let world = World(&r)
        var generator = world.generator(r, .record)
        // Items and aggregates whose filters and points already agree record by record
        // (a disagreement there is reported by the test above) and whose totals stay within
        // exact numbers and any score (a total beyond 64-bit units or `MonthScorer.pointsBound`
        // stops the month: out of scope here).
        var items: [(filter: TExpr?, points: TExpr)] = []
        var accumulators: [Accumulator] = []
        for _ in 0..<400 where items.count < 8 {
            let filter = generator.r.chance(0.8) ? generator.condition(2) : nil
            let points = generator.number(2)
            guard world.agreesOnEveryRow(filter, .filter), world.agreesOnEveryRow(points, .amount),
                  world.cadres.allSatisfy({ c in
                      Interpreter.itemTotal(filter: filter, points: points, records: world.records(of: c)).map(MonthScorer.isWithinBound) == true
                  })
            else { continue }
            items.append((filter, points))
        }
        for _ in 0..<400 where accumulators.count < 10 {
            let kind = generator.r.pick(Aggregate.allCases)
            let filter = generator.r.chance(0.7) ? generator.condition(2) : nil
            let argument: TExpr?
            switch kind {
            case .count: argument = nil
            case .sum: argument = generator.number(2)
            case .distinctDays: argument = generator.r.pick(world.source.types.indices.filter { world.source.types[$0] == .date }.map { TExpr.field($0, .date) })
            case .max, .min:
                let choices = world.source.types.indices.filter { [.date, .time].contains(world.source.types[$0]) || world.source.types[$0].isNumeric }
                let i = generator.r.pick(choices)
                argument = generator.r.chance(0.7) ? TExpr.field(i, world.source.types[i]) : generator.number(1)
            }
            let arg = argument
            guard world.agreesOnEveryRow(filter, .filter), world.agreesOnEveryRow(arg, .value),
                  world.cadres.allSatisfy({ c in Interpreter.aggregate(kind, filter: filter, argument: arg, records: world.records(of: c), month: world.month) != nil })
            else { continue }
            accumulators.append(Accumulator(source: 0, filter: filter, kind: kind, argument: arg, period: .always))
        }
        #expect(items.count == 8 && accumulators.count == 10, "seed \(seed): too few items and aggregates agree record by record")
        let rules = world.rules(items: items, accumulators: accumulators)
        let scorer = MonthScorer(rules: MonthRules(rules, month: world.month), roster: world.roster, keepRecords: false)
        for (row, decoder) in world.rows { scorer.consume(source: 0, decoder: decoder, row: row) }

        var references: [[RowValue]] = []
        for c in world.cadres {
            let records = world.records(of: c)
            for (i, item) in items.enumerated() {
                let reference = Interpreter.itemTotal(filter: item.filter, points: item.points, records: records)!
                let fast = scorer.itemSum[c * scorer.itemCount + i]
                if !RowValue.number(fast).isIdentical(to: .number(reference)) {
                    Issue.record("""
                        seed \(seed): the scorer's total of an item for cadre \(c) is \(fast), the reference's \(reference)
                          filter: \(item.filter.map(world.text) ?? "—")
                          points: \(world.text(item.points))
                        """)
                    return
                }
            }
            var values: [RowValue] = []
            for (i, acc) in accumulators.enumerated() {
                let reference = Interpreter.aggregate(acc.kind, filter: acc.filter, argument: acc.argument, records: records, month: world.month)!
                let fast = scorer.aggregate(i, cadre: c)
                if !fast.isIdentical(to: reference) {
                    Issue.record("""
                        seed \(seed): the scorer's \(acc.kind) for cadre \(c) is \(fast), the reference's \(reference)
                          filter:   \(acc.filter.map(world.text) ?? "—")
                          argument: \(acc.argument.map(world.text) ?? "—")
                        """)
                    return
                }
                values.append(reference)
            }
            references.append(values)
        }

        // Cadre expressions over the scorer's aggregates and over the reference's.
        var cadreGenerator = world.generator(generator.r, .cadre)
        cadreGenerator.items = ["项目甲", "项目乙"]
        cadreGenerator.aggregates = accumulators.enumerated().map { i, acc in
            (i, acc.kind == .count || acc.kind == .distinctDays ? .count : acc.argument?.type ?? .count)
        }
        cadreGenerator.rosterFields = World.rosterFields
        cadreGenerator.payLines = ["基本工资", "绩效工资"]
        for _ in 0..<300 {
            let e = cadreGenerator.value(3)
            for c in world.cadres {
                var context = world.context(c, &cadreGenerator.r)
                let sheet = context.sheet
                let fast = scorer.evaluate(e, &context)
                var scope = ReferenceCadreScope(inner: CadreScope(scorer: scorer, context: CadreContext(
                    cadre: c, score: context.score, itemPoints: context.itemPoints, sheet: sheet)), aggregates: references[c])
                let reference = Interpreter.evaluate(e, in: &scope)
                if !fast.isIdentical(to: reference) || context.sheet.steps != scope.inner.context.sheet.steps {
                    Issue.record("""
                        seed \(seed): a cadre expression for cadre \(c) gives \(fast), the reference \(reference)
                          expression: \(world.text(e))
                        """)
                    return
                }
                // The pay lines' compiled program (`PayCompiler`), the lines read by position
                // as the payroll keeps them: the two lines come before the one compiled.
                var paySheet = sheet
                paySheet.values = cadreGenerator.payLines.map { sheet.lines[$0] ?? .zero }
                let program = PayCompiler(scorer: scorer, lineNames: cadreGenerator.payLines, line: cadreGenerator.payLines.count).compile(e)
                let compiled = program(&paySheet, PayCadre(cadre: c, score: context.score, itemPoints: context.itemPoints, tier: context.tier, rank: context.rank))
                if !compiled.isIdentical(to: fast) || paySheet.steps != context.sheet.steps {
                    Issue.record("""
                        seed \(seed): a pay program for cadre \(c) gives \(compiled), the interpreter \(fast)
                          expression: \(world.text(e))
                        """)
                    return
                }
            }
        }
    }
}

/// The reference's cadre: the scorer's scope, with each aggregate folded by the reference
/// from the cadre's records instead of the scorer's running totals.
struct ReferenceCadreScope: EvaluationScope {
    var inner: CadreScope
    let aggregates: [RowValue]

    func value(of name: TExpr) -> RowValue {
        if case .aggregate(let i, _) = name { return aggregates[i] }
        // The roster's dates and headcounts counted day by day and cadre by cadre, apart
        // from the scorer's arithmetic.
        let roster = inner.scorer.roster, month = inner.scorer.rules.month
        let cadre = roster.cadres[inner.context.cadre]
        let days = (0..<month.dayCount).map { month.firstDay.advanced(by: $0) }
        switch name {
        case .calendar(.daysInPost): return .number(Fixed(days.filter { cadre.isEmployed(on: $0) }.count))
        case .calendar(.daysInMonth): return .number(Fixed(days.count))
        case .calendar(.joinedThisMonth): return .boolean(days.contains(cadre.hiredOn))
        case .calendar(.leftThisMonth): return .boolean(cadre.leftOn.map { days.contains($0) } ?? false)
        case .headcount(let keys):
            // Those in post on some day of the month who match the cadre on every key: a
            // roster field, or the grouping 考核组 (正职 for 书记、主任, else 其他组).
            let inPost = roster.cadres.filter { c in days.contains { c.isEmployed(on: $0) } }
            func value(_ key: String, _ c: Cadre) -> String? {
                switch key {
                case "社区": return c.community
                case "岗位": return c.post
                case "学历": return c.extra["学历"]
                case "考核组": return ["书记", "主任"].contains(c.post) ? "正职" : "其他组"
                default: return nil
                }
            }
            guard keys.allSatisfy({ value($0, cadre) != nil }) else { return .none }
            return .number(Fixed(inPost.filter { c in keys.allSatisfy { value($0, c) == value($0, cadre) } }.count))
        default: return inner.value(of: name)
        }
    }

    func lookup(_ name: String) -> CheckedLookup? { inner.lookup(name) }
    func brackets(_ name: String) -> BracketTable? { inner.brackets(name) }
    mutating func keep(_ steps: [PayStep]) { inner.keep(steps) }
}

extension RowValue {
    /// Equal and written alike: numbers at the same scale too (2 and 2.0 differ here).
    func isIdentical(to other: RowValue) -> Bool {
        if case .number(let a) = self, case .number(let b) = other { return a.units == b.units && a.scale == b.scale }
        return self == other
    }
}

/// One generated month: a source, its rows (read by two decoders, as a month's file and
/// the store's adjustments are), a roster, parameters and tables.
struct World {
    var source: GeneratedSource
    var month: YearMonth
    var rows: [(DecodedRow, FieldDecoder)] = []
    var roster: Roster
    var cadres: [Int]
    var tables: RuleTables

    /// The group keys of the 在岗人数（…） the generator writes: the county, roster fields, a
    /// county's own column, a grouping, and several together.
    static let headcountKeys: [[String]] = [[], ["社区"], ["岗位"], ["学历"], ["考核组"], ["社区", "考核组"], ["社区", "岗位", "学历"]]

    static let rosterFields: [(String, ValueType)] = [
        ("工号", .text), ("姓名", .text), ("社区", .text), ("岗位", .enumeration(["书记", "主任", "网格员"])), ("岗位等级", .count),
        ("入职日期", .date), ("离职日期", .date), ("专项附加扣除", .money), ("学历", .enumeration(["本科", "大专"])), ("补贴", .number),
        ("生日", .date),
    ]

    init(_ r: inout SeededRandom) {
        month = r.pick(InterpreterDifferentialTests.months)
        source = GeneratedSource.make(&r, month: month)
        var cadreList: [Cadre] = []
        for k in 0..<6 {
            // Some join or leave within the month (never leaving before joining: the roster
            // refuses that, D0303).
            let hired = month.firstDay.advanced(by: r.chance(0.3) ? r.int(0...27) : -r.int(0...800))
            let left = r.chance(0.3) ? max(hired, month.firstDay.advanced(by: r.int(-3...40))) : nil
            cadreList.append(Cadre(
                id: "A-\(k)", name: r.pick(["张三", "李四"]), idNumber: "", community: r.pick(["富民", "卧龙"]), grid: nil,
                post: r.pick(["书记", "主任", "网格员", "委员"]), level: r.int(1...6),
                hiredOn: hired, leftOn: left,
                bankAccount: "", specialDeduction: r.chance(0.5) ? Money(fen: Int64(r.int(0...200_000))) : nil,
                origin: RowOrigin(path: "cadres.csv", line: k + 2),
                extra: ["学历": r.pick(["本科", "大专", "硕士"]), "补贴": r.pick(["12.5", "0", "abc"]), "生日": r.pick(["2020-01-05", "bad"])]))
        }
        roster = Roster(cadreList)
        cadres = Array(0..<cadreList.count)
        // Two files of the same source, each read by its own decoder: the same text gets
        // different codes in each.
        for _ in 0..<2 {
            var decoder = FieldDecoder(fields: source.schema.fields)
            let decoded = source.rows(r.int(15...40), cadres: cadreList.count, &r, decoder: &decoder)
            for row in decoded { rows.append((row, decoder)) }
        }
        tables = RuleTables(
            parameters: ["分值": Fixed(15), "费率": Fixed(units: 8, scale: 2), "次数": Fixed(3), "大数": Fixed(units: 9_000_000_000_000_000, scale: 0)],
            lookups: [
                "岗位津贴": CheckedLookup(name: "岗位津贴", citation: nil, period: .always,
                                     rows: [(.text("书记"), Fixed(500)), (.text("网格员"), Fixed(200)), (.text("夜班"), Fixed(7)), (nil, Fixed(50))], valueType: .money),
                "等级工资": CheckedLookup(name: "等级工资", citation: nil, period: .always,
                                     rows: (1...5).map { (.number(Fixed($0)), Fixed(1_800 + 100 * $0)) }, valueType: .money),
                // A table of times by shift, as minutes after midnight: 白班 08:30, 夜班 20:00.
                "应到时间": CheckedLookup(name: "应到时间", citation: nil, period: .always,
                                     rows: [(.text("白班"), Fixed(510)), (.text("夜班"), Fixed(1200)), (.text("甲"), Fixed(0))], valueType: .time),
            ],
            brackets: ["税表": BracketTable(rows: [
                .init(upTo: Money(yuan: 36_000), rate: Fixed(units: 3, scale: 2)),
                .init(upTo: nil, rate: Fixed(units: 10, scale: 2), quickDeduction: Money(yuan: 2_520)),
            ])], timeParameters: ["上班时间"])
        tables.parameters["上班时间"] = Fixed(510)
    }

    /// A world of given files (rows of cells, each file read by its own decoder), all rows
    /// of cadre 0.
    init(source: GeneratedSource, files: [[[String]]], roster: Roster, tables: RuleTables) {
        self.source = source
        month = source.month
        self.roster = roster
        cadres = Array(roster.cadres.indices)
        self.tables = tables
        for file in files {
            var decoder = FieldDecoder(fields: source.schema.fields)
            for (line, cells) in file.enumerated() {
                var row = DecodedRow(payload: Array(repeating: 0, count: cells.count), present: Array(repeating: false, count: cells.count),
                                     cadre: 0, line: line + 2)
                for (i, cell) in cells.enumerated() {
                    let bytes = Array(cell.utf8)
                    if case .success(let v)? = bytes.withUnsafeBufferPointer({ decoder.decode(i, $0, kind: .text) }) {
                        row.payload[i] = v
                        row.present[i] = true
                    }
                }
                rows.append((row, decoder))
            }
        }
        // Rows keep the decoder as it was after the whole file, as a scorer sees it.
        var last: [UInt64: FieldDecoder] = [:]
        for (_, d) in rows { last[d.identity] = d }
        rows = rows.map { ($0.0, last[$0.1.identity]!) }
    }

    var parameterTypes: [(String, Fixed, ValueType)] {
        [("分值", Fixed(15), .money), ("费率", Fixed(units: 8, scale: 2), .number), ("次数", Fixed(3), .count), ("大数", Fixed(units: 9_000_000_000_000_000, scale: 0), .points)]
    }

    func generator(_ r: SeededRandom, _ context: ExpressionGenerator.Context) -> ExpressionGenerator {
        ExpressionGenerator(r: r, source: source, context: context, parameters: parameterTypes, lookups: tables.lookups, brackets: ["税表"])
    }

    func records(of cadre: Int) -> [RecordScope] {
        rows.filter { $0.0.cadre == Int32(cadre) }.map { RecordScope($0.0, $0.1, tables: tables) }
    }

    /// The checked rules of this world: its source, the given items and aggregates, the
    /// parameters and tables.
    func rules(items: [(filter: TExpr?, points: TExpr)], accumulators: [Accumulator]) -> CheckedRules {
        var rules = CheckedRules()
        rules.sources = [CheckedSource(name: source.schema.name, schema: source.schema, types: source.types, site: nil)]
        rules.items = items.enumerated().map { i, item in
            CheckedItem(name: "项目\(i)", kind: .points, citation: nil, period: .always, source: 0, filter: item.filter,
                        scoring: .each(item.points), dailyCap: nil, monthlyCap: nil, floor: nil, requires: [], site: Site("", .at(0)))
        }
        rules.accumulators = accumulators
        for (name, value, type) in parameterTypes {
            rules.parameters[name] = CheckedParameter(name: name, citation: nil, values: [(since: nil, value: value)], type: type)
        }
        rules.parameters["上班时间"] = CheckedParameter(name: "上班时间", citation: nil, values: [(since: nil, value: Fixed(510))], type: .time)
        // 考核组: 正职 for 书记 and 主任, else 其他组 (委员 is not among 岗位's values).
        let post = TExpr.rosterField("岗位", .enumeration(["书记", "主任", "网格员"]))
        rules.groupings["考核组"] = CheckedGrouping(name: "考核组", citation: nil, labels: ["正职", "其他组"],
                                                 conditions: [.member(post, [.enumCode(0, "书记"), .enumCode(1, "主任")]), nil])
        rules.headcountGroups = World.headcountKeys
        rules.lookups = tables.lookups.mapValues { [$0] }
        rules.brackets = tables.brackets.mapValues { [CheckedBrackets(name: "税表", citation: nil, period: .always, table: $0)] }
        return rules
    }

    /// A cadre's context with a made-up score, items and pay sheet.
    func context(_ c: Int, _ r: inout SeededRandom) -> CadreContext {
        var sheet = PaySheet(lines: ["基本工资": Fixed(units: Int64(r.int(0...500_000)), scale: 2), "绩效工资": Fixed(r.int(0...2_000))],
                             prior: r.chance(0.5) ? ["基本工资": Money(fen: Int64(r.int(0...9_000_000)))] : [:], months: r.int(0...12))
        sheet.poolShare = r.chance(0.5) ? Money(fen: Int64(r.int(0...100_000))) : nil
        return CadreContext(cadre: c, score: Fixed(units: Int64(r.int(0...12_000)), scale: 2),
                            itemPoints: ["项目甲": Fixed(r.int(0...20)), "项目乙": Fixed(units: Int64(r.int(-50...50)), scale: 1)], sheet: sheet)
    }

    // MARK: Comparing one record expression

    struct Disagreement {
        var path: String
        var reference: String
        var fast: String
    }

    /// Where the fast paths part from the reference on `e` for one row, if they do.
    func disagreement(_ e: TExpr, _ role: InterpreterDifferentialTests.Role, _ row: DecodedRow, _ decoder: FieldDecoder) -> Disagreement? {
        var scope = RecordScope(row, decoder, tables: tables)
        let reference = Interpreter.evaluate(e, in: &scope)
        let compiler = RecordCompiler(schema: source.schema, tables: tables)
        let value = compiler.value(e)(row, decoder)
        if !value.isIdentical(to: reference) { return Disagreement(path: "RecordCompiler.value", reference: "\(reference)", fast: "\(value)") }
        switch role {
        case .filter:
            let p = compiler.predicate(e)(row, decoder)
            if p != reference.isTrue { return Disagreement(path: "RecordCompiler.predicate", reference: "\(reference)", fast: "\(p)") }
            var ops: [FilterOp] = []
            var closures: [RecordPredicate] = []
            compiler.program(e, into: &ops, closures: &closures)
            let bit = ops.withUnsafeBufferPointer { ops in
                row.payload.withUnsafeBufferPointer { payload in
                    row.present.withUnsafeBufferPointer { present in
                        closures.withUnsafeBufferPointer { closures in
                            FilterMachine(ops: ops, closures: closures).test(0, ops.count, payload, present, row, decoder)
                        }
                    }
                }
            }
            if bit != reference.isTrue { return Disagreement(path: "FilterOp program \(ops)", reference: "\(reference)", fast: "\(bit)") }
        case .amount:
            let n = compiler.number(e)(row, decoder)
            if !RowValue.number(n ?? .zero).isIdentical(to: .number(reference.number ?? .zero)) || (n == nil) != (reference.number == nil) {
                return Disagreement(path: "RecordCompiler.number", reference: "\(reference)", fast: "\(n.map { "\($0)" } ?? "nil")")
            }
            var closures: [RecordNumber] = []
            let op = compiler.amount(e, closures: &closures)
            let points = row.payload.withUnsafeBufferPointer { payload in
                row.present.withUnsafeBufferPointer { present in
                    closures.withUnsafeBufferPointer { closures in op.points(payload, present, row, decoder, closures) }
                }
            }
            if !RowValue.number(points ?? .zero).isIdentical(to: .number(reference.number ?? .zero)) || (points == nil) != (reference.number == nil) {
                return Disagreement(path: "AmountOp \(op)", reference: "\(reference)", fast: "\(points.map { "\($0)" } ?? "nil")")
            }
        case .value:
            break
        }
        return nil
    }

    func agreesOnEveryRow(_ e: TExpr?, _ role: InterpreterDifferentialTests.Role) -> Bool {
        guard let e else { return true }
        return rows.allSatisfy { disagreement(e, role, $0.0, $0.1) == nil }
    }

    func text(_ e: TExpr) -> String {
        var rules = CheckedRules()
        rules.sources = [CheckedSource(name: source.schema.name, schema: source.schema, types: source.types, site: nil)]
        return TExprText(rules: rules, source: 0).text(e)
    }

    func describe(_ row: DecodedRow, _ decoder: FieldDecoder) -> String {
        source.schema.fields.indices.map { i in
            "\(source.schema.fields[i].name)（\(source.schema.fields[i].type)）=" + (row.present[i] ? "“\(decoder.text(i, row.payload[i]))”" : "空")
        }.joined(separator: " ")
    }
}

/// Shrinks a failing expression: replaces it by one of its parts, or a part by one of its
/// own, while the failure remains.
enum Shrinker {
    static func shrink(_ e: TExpr, _ fails: (TExpr) -> Bool) -> TExpr {
        var current = e
        var budget = 2_000
        while budget > 0, let next = smaller(current).first(where: { budget -= 1; return fails($0) }) { current = next }
        return current
    }

    /// Smaller expressions of a compatible type: a part of `e`, or `e` with a part made
    /// smaller, so that what is left is still an expression the checker could give.
    static func smaller(_ e: TExpr) -> [TExpr] {
        let kids = children(e)
        var out = kids.filter { compatible($0, e) }
        for (i, kid) in kids.enumerated() {
            for s in smaller(kid) {
                var replaced = kids
                replaced[i] = s
                out.append(rebuild(e, replaced))
            }
        }
        return out
    }

    static func compatible(_ a: TExpr, _ b: TExpr) -> Bool {
        (a.type.isNumeric && b.type.isNumeric) || a.type == b.type
    }

    static func children(_ e: TExpr) -> [TExpr] {
        switch e {
        case .negate(let x, _), .not(let x), .lookup(_, let x, _), .bracket(_, let x): return [x]
        case .arithmetic(_, let a, let b, _), .logical(_, let a, let b): return [a, b]
        case .compare(let a, let links): return [a] + links.map(\.1)
        case .member(let a, let xs): return [a] + xs
        case .conditional(let a, let b, let c, _), .clamp(let a, let b, let c, _): return [a, b, c]
        default: return []
        }
    }

    static func rebuild(_ e: TExpr, _ k: [TExpr]) -> TExpr {
        switch e {
        case .negate(_, let t): return .negate(k[0], t)
        case .not: return .not(k[0])
        case .lookup(let n, _, let t): return .lookup(n, k[0], t)
        case .bracket(let n, _): return .bracket(n, k[0])
        case .arithmetic(let op, _, _, let t): return .arithmetic(op, k[0], k[1], t)
        case .logical(let op, _, _): return .logical(op, k[0], k[1])
        case .compare(_, let links): return .compare(k[0], zip(links, k.dropFirst()).map { ($0.0.0, $0.1) })
        case .member: return .member(k[0], Array(k.dropFirst()))
        case .conditional(_, _, _, let t): return .conditional(k[0], k[1], k[2], t)
        case .clamp(_, _, _, let t): return .clamp(k[0], k[1], k[2], t)
        default: return e
        }
    }
}
