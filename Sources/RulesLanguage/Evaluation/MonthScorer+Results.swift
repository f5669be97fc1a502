import Exact
import Pay
import Records
import Results

/// Why a month could not be paid: an arithmetic failure or a line that does not add up.
public enum EvaluationError: Error, Sendable, Hashable {
    /// A pay line could not be computed for a cadre (overflow, division by zero, a table
    /// with no row for the value).
    case payLine(cadre: String, line: String)
    /// The net line differs from gross minus deductions.
    case netMismatch(cadre: String, net: Money, expected: Money)
    /// Pool shares did not add up to the pool.
    case pool(line: String, reason: String)
}

extension MonthScorer {
    /// Scores, ranks, assigns tiers and pays every cadre employed in the month.
    ///
    /// - Parameters:
    ///   - prior: year-to-date totals each cadre ended the previous month with (from the
    ///     store, or the opening balances in a county's first month), by 工号.
    public func finish(prior: [String: YearToDate] = [:]) throws(EvaluationError) -> MonthResults {
        let month = rules.month
        let cadres = roster.cadres.indices.filter { roster.cadres[$0].isEmployed(in: month) }
        // Score cards on every core: each reads only the scorer's totals.
        var scored: [(ScoreCard, [String: Fixed])?] = Array(repeating: nil, count: cadres.count)
        scored.withUnsafeMutableBufferPointer { scored in
            chunks.run(count: cadres.count) { range in
                for k in range { scored[k] = scoreCard(cadre: cadres[k]) }
            }
        }
        var cards: [Int: ScoreCard] = Dictionary(minimumCapacity: cadres.count)
        var itemPoints: [Int: [String: Fixed]] = Dictionary(minimumCapacity: cadres.count)
        for (k, c) in cadres.enumerated() {
            cards[c] = scored[k]!.0
            itemPoints[c] = scored[k]!.1
        }
        let standings = standings(cadres: cadres, cards: cards, itemPoints: itemPoints)
        let slips = try pay(cadres: cadres, cards: cards, itemPoints: itemPoints, prior: prior)
        var results: [CadreResult] = []
        for c in cadres {
            let cadre = roster.cadres[c]
            results.append(CadreResult(
                cadreID: cadre.id, name: cadre.name, community: cadre.community, grid: cadre.grid, post: cadre.post,
                level: cadre.level, score: cards[c]!, standing: standings[c]!, pay: slips[c]!.slip, yearToDate: slips[c]!.ytd))
        }
        return MonthResults(month: month, cadres: results)
    }

    // MARK: - Score

    func scoreCard(cadre c: Int) -> (ScoreCard, [String: Fixed]) {
        var lines: [ScoreLine] = []
        var points: [String: Fixed] = [:]
        if !rules.base.isZero || rules.checked.base.contains(where: { $0.period.contains(rules.month) }) {
            lines.append(ScoreLine(kind: .base, name: "基础分", citation: rules.baseCitation, raw: rules.base, points: rules.base))
        }
        var running = rules.base
        var deductions: [(Int, ScoreLine, Fixed)] = []
        var adjustments: [ScoreLine] = []
        for (i, item) in rules.items.enumerated() {
            let slot = c * itemCount + i
            var raw = itemSum[slot]
            if case .total(let e) = item.scoring {
                var ctx = CadreContext(cadre: c, score: .zero, itemPoints: [:], lines: [:], prior: YearToDate(), months: 0)
                raw = evaluate(e, &ctx).number ?? .zero
            }
            var value = raw
            var clips: [Clip] = []
            if let cap = item.dailyCap, let k = itemPrograms[item.source].first(where: { $0.item == i })?.dailySlot, k >= 0 {
                var capped = Fixed.zero
                for day in 0..<31 {
                    let s = daySums[(c * dailyCount + k) * 31 + day]
                    if s > cap {
                        clips.append(Clip(scope: .day(rules.month.firstDay.advanced(by: day)), limit: cap, removed: s - cap))
                        capped = capped + cap
                    } else {
                        capped = capped + s
                    }
                }
                value = capped
            }
            if let cap = item.monthlyCap, value > cap {
                clips.append(Clip(scope: .month, limit: cap, removed: value - cap))
                value = cap
            }
            let records = keepRecords ? itemRecords[slot] : []
            switch item.kind {
            case .points:
                if let floor = item.floor, value < floor {
                    clips.append(Clip(scope: .floor, limit: floor, removed: floor - value))
                    value = floor
                }
                running = running + value
                lines.append(ScoreLine(kind: .item, name: item.name, citation: item.citation, raw: raw, points: value, clips: clips, records: records))
                points[item.name] = value
            case .deduction:
                deductions.append((i, ScoreLine(kind: .deduction, name: item.name, citation: item.citation, raw: raw.negated(),
                                                points: value.negated(), clips: clips, records: records), value))
            case .adjustment:
                adjustments.append(ScoreLine(kind: .adjustment, name: item.name, citation: item.citation, raw: raw, points: value,
                                             clips: clips, records: records, reason: records.map(\.summary).joined(separator: "；")))
                points[item.name] = value
            }
        }
        // Deductions draw on the running score in declaration order; a floor (扣完为止 = 0)
        // is the level below which a deduction stops.
        for (i, var line, amount) in deductions {
            var applied = amount
            if let floor = rules.items[i].floor {
                let room = max(.zero, running - floor)
                if applied > room {
                    line.clips.append(Clip(scope: .floor, limit: floor, removed: applied - room))
                    applied = room
                }
            }
            running = running - applied
            line.points = applied.negated()
            lines.append(line)
            points[rules.items[i].name] = applied
        }
        for a in adjustments { running = running + a.points }
        lines.append(contentsOf: adjustments)
        return (ScoreCard(lines: lines, total: running), points)
    }

    // MARK: - Standing

    func standings(cadres: [Int], cards: [Int: ScoreCard], itemPoints: [Int: [String: Fixed]]) -> [Int: Standing] {
        var out: [Int: Standing] = [:]
        let tiers = rules.tiers
        let groupField = tiers?.rules.compactMap { $0.quota?.group }.first ?? (rosterHasField("社区") ? "社区" : nil)
        func context(_ c: Int) -> CadreContext {
            CadreContext(cadre: c, score: cards[c]!.total, itemPoints: itemPoints[c]!, lines: [:], prior: YearToDate(), months: 0)
        }
        func group(_ c: Int) -> String {
            guard let g = groupField else { return "" }
            return rosterValue(g, .text, cadre: c).text
        }
        var groups: [String: [Int]] = [:]
        for c in cadres { groups[group(c), default: []].append(c) }
        let ordering = tiers?.ordering ?? []
        let orderText = (ordering.map { "\(TExprText(rules: rules.checked).text($0.key)) \($0.descending ? "从高到低" : "从低到高")" } + ["工号 从低到高"]).joined(separator: "、")
        for key in groups.keys.sorted() {
            var members = groups[key]!
            var keys: [Int: [RowValue]] = [:]
            for c in members {
                var ctx = context(c)
                keys[c] = (ordering.isEmpty ? [.number(cards[c]!.total)] : ordering.map { evaluate($0.key, &ctx) }) + [.text(roster.cadres[c].id)]
            }
            let descending = (ordering.isEmpty ? [true] : ordering.map(\.descending)) + [false]
            members.sort { a, b in
                for (i, d) in descending.enumerated() {
                    let c = RowValue.compare(keys[a]![i], keys[b]![i]) ?? 0
                    if c != 0 { return d ? c > 0 : c < 0 }
                }
                return false
            }
            var used: [Int: Int] = [:]
            for (rank, c) in members.enumerated() {
                var reasons: [TierReason] = []
                var ctx = context(c)
                let tied = members.filter { $0 != c && cards[$0]!.total == cards[c]!.total }.map { roster.cadres[$0].id }
                if !tied.isEmpty { reasons.append(.tieBreak(rule: orderText, with: tied)) }
                var tier = ""
                if let veto = rules.vetoes.first(where: { v in evaluate(v.condition, &ctx).isTrue }) {
                    tier = veto.tier
                    reasons.append(.veto(name: veto.name, citation: veto.citation, tier: veto.tier, record: nil))
                } else if let tiers {
                    var index = tiers.rules.firstIndex { r in r.condition.map { evaluate($0, &ctx).isTrue } ?? true }
                    if let i = index, tiers.rules[i].condition != nil {
                        reasons.append(.threshold(tier: tiers.rules[i].tier, condition: TExprText(rules: rules.checked).text(tiers.rules[i].condition!)))
                    }
                    // A full quota sends the cadre down to the next tier in the list.
                    while let i = index, let q = tiers.rules[i].quota {
                        let places = (q.share * Fixed(members.count)).rounded(scale: 0, .down).wholeValue.map(Int.init) ?? 0
                        if used[i, default: 0] < places {
                            used[i, default: 0] += 1
                            reasons.append(.withinQuota(tier: tiers.rules[i].tier, share: q.share, places: places, rank: rank + 1))
                            break
                        }
                        let next = i + 1 < tiers.rules.count ? i + 1 : nil
                        reasons.append(.quotaFull(tier: tiers.rules[i].tier, share: q.share, places: places, rank: rank + 1,
                                                  to: next.map { tiers.rules[$0].tier } ?? ""))
                        index = next
                    }
                    tier = index.map { tiers.rules[$0].tier } ?? ""
                }
                out[c] = Standing(group: key, rank: rank + 1, groupSize: members.count, tier: tier, reasons: reasons)
            }
        }
        return out
    }

    func rosterHasField(_ name: String) -> Bool {
        guard let r = rules.checked.rosterSource else { return false }
        return rules.checked.sources[r].schema.fieldIndex(name) != nil
    }

    // MARK: - Pay

    /// What a pay line's trace says that is the same for every cadre, worked out once:
    /// shared strings rather than one copy per cadre.
    struct LineText {
        var label: PayText
        var formula: PayText
        var inputs: [(name: PayText, expression: TExpr, type: ValueType)]
        var exemptions: [(condition: TExpr, note: PayNote)]
    }

    func lineText(_ line: CheckedPayLine) -> LineText {
        let text = TExprText(rules: rules.checked)
        let formula = text.text(line.expression)
        var names: [(String, TExpr)] = []
        TExprText.names(line.expression, into: &names)
        var inputs: [(PayText, TExpr, ValueType)] = []
        for (name, e) in names {
            let shown = name.isEmpty ? text.text(e) : name
            if inputs.contains(where: { $0.0.zh == shown }) { continue }
            var type = e.type
            if case .payLine(let l, _) = e { type = rules.payLines.first { $0.name == l }?.type ?? type }
            inputs.append((PayText(zh: shown, en: shown), e, type))
        }
        let exemptions = line.exemptions.map { (condition, _) in
            (condition, PayNote.switchedOff(reason: PayText(zh: "不适用：\(text.text(condition))", en: "not applicable: \(text.text(condition))")))
        }
        return LineText(label: PayText(zh: line.name, en: line.name), formula: PayText(zh: formula, en: formula),
                        inputs: inputs.map { (name: $0.0, expression: $0.1, type: $0.2) },
                        exemptions: exemptions.map { (condition: $0.0, note: $0.1) })
    }

    func pay(cadres: [Int], cards: [Int: ScoreCard], itemPoints: [Int: [String: Fixed]], prior: [String: YearToDate])
        throws(EvaluationError) -> [Int: (slip: PaySlip, ytd: YearToDate)]
    {
        let month = rules.month
        // One context per cadre, in an array mutated in place: a dictionary of contexts
        // would copy each cadre's line values every time a line is added.
        var contexts: [CadreContext] = cadres.map { c in
            let cadre = roster.cadres[c]
            let p = prior[cadre.id]
            let months: Int
            if let p, p.months > 0 {
                months = p.months + 1
            } else {
                let start = cadre.hiredOn.year == month.year ? cadre.hiredOn.month : 1
                months = max(1, month.month - start + 1)
            }
            return CadreContext(cadre: c, score: cards[c]!.total, itemPoints: itemPoints[c]!, lines: [:], prior: p ?? YearToDate(), months: months)
        }
        var lines: [[PayLineResult]] = Array(repeating: [], count: cadres.count)
        for line in rules.payLines {
            let texts = lineText(line)
            let shares = try poolShares(line, contexts: &contexts)
            let kind: PayLineResult.Kind = line.kind == .earning ? .earning : line.kind == .withholding ? .deduction : .info
            // Each cadre's line on any core: chunk i touches only its own cadres' contexts,
            // lines and error slot.
            var failures: [EvaluationError?] = Array(repeating: nil, count: cadres.count)
            contexts.withUnsafeMutableBufferPointer { contexts in
                lines.withUnsafeMutableBufferPointer { lines in
                    failures.withUnsafeMutableBufferPointer { failures in
                        chunks.run(count: contexts.count) { range in
                            for k in range {
                                contexts[k].poolShare = shares?.amounts[k]
                                contexts[k].extraSteps = []
                                let value: Fixed, step: PayStep
                                do throws(EvaluationError) {
                                    (value, step) = try compute(line, &contexts[k], texts)
                                } catch {
                                    failures[k] = error
                                    continue
                                }
                                contexts[k].lines[line.name] = value
                                guard line.type == .money || line.kind != .value else { continue }
                                var trace = PayTrace(steps: contexts[k].extraSteps + [step])
                                if let s = shares, let t = s.traces[k] { trace.steps.insert(contentsOf: t.steps, at: 0) }
                                lines[k].append(PayLineResult(
                                    name: line.name, kind: kind, amount: Money(value, .halfUp) ?? .zero, citation: line.citation, trace: trace))
                            }
                        }
                    }
                }
            }
            // The first failure in roster order, whichever thread met it first.
            if let failure = failures.first(where: { $0 != nil }) ?? nil { throw failure }
        }
        var out: [Int: (PaySlip, YearToDate)] = [:]
        let net = rules.payLines.first(where: { $0.kind == .net })
        for (k, c) in cadres.enumerated() {
            let slip = PaySlip(lines: lines[k])
            if let net, let amount = slip.amount(of: net.name), amount != slip.net {
                throw .netMismatch(cadre: roster.cadres[c].id, net: amount, expected: slip.net)
            }
            let ctx = contexts[k]
            var ytd = YearToDate(totals: ctx.prior.totals, months: ctx.months)
            for line in rules.payLines where line.type == .money {
                ytd.totals[line.name] = ctx.prior[line.name] + (Money(ctx.lines[line.name] ?? .zero, .halfUp) ?? .zero)
            }
            out[c] = (slip, ytd)
        }
        return out
    }

    /// One line for one cadre: exemption, formula, floor, then the declared rounding.
    func compute(_ line: CheckedPayLine, _ ctx: inout CadreContext, _ texts: LineText) throws(EvaluationError) -> (Fixed, PayStep) {
        let label = texts.label
        let formula = texts.formula
        var inputs: [PayInput] = []
        inputs.reserveCapacity(texts.inputs.count)
        for input in texts.inputs {
            guard let n = evaluate(input.expression, &ctx).number else { continue }
            let q: PayQuantity = input.type == .money ? .money(Money(n, .halfUp) ?? .zero)
                : input.type == .count ? .count(Int(n.wholeValue ?? 0)) : .number(n.normalized)
            inputs.append(PayInput(input.name, q))
        }
        for (condition, note) in texts.exemptions where evaluate(condition, &ctx).isTrue {
            return (.zero, PayStep(label: label, formula: formula, inputs: inputs, result: .money(.zero), notes: [note]))
        }
        var exact: Fixed
        // A line that is one quotient rounds once, at its own places, as it declares.
        if case .arithmetic(.divide, let a, let b, _) = line.expression, let r = line.rounding,
           let x = evaluate(a, &ctx).number, let y = evaluate(b, &ctx).number {
            guard let q = x.dividing(by: y, scale: Arithmetic.quotientScale, .halfUp) else { throw .payLine(cadre: roster.cadres[ctx.cadre].id, line: line.name) }
            exact = q
            if let direct = x.dividing(by: y, scale: r.scale, r.rule) {
                var step = PayStep(label: label, formula: formula, inputs: inputs, result: .money(Money(direct, .halfUp) ?? .zero),
                                   rounding: AppliedRounding(spec: r, exact: q, rounded: direct, isExact: false))
                if let floor = line.floor, line.kind != .net, direct < floor {
                    step.notes.append(.remark(text: PayText(zh: "不低于 \(floor.shortDescription)", en: "at least \(floor.shortDescription)")))
                    return (floor, step)
                }
                return (direct, step)
            }
        } else {
            guard let v = evaluate(line.expression, &ctx).number else { throw .payLine(cadre: roster.cadres[ctx.cadre].id, line: line.name) }
            exact = v
        }
        var notes: [PayNote] = []
        // The net line's floor is not a clamp: net pay must equal gross minus deductions,
        // and one below the floor stops the run (Batch's PayrollGuard).
        if let floor = line.floor, line.kind != .net, exact < floor {
            notes.append(.remark(text: PayText(zh: "低于下限 \(floor.shortDescription)，按下限计", en: "below the floor \(floor.shortDescription); floor used")))
            exact = floor
        }
        var rounding: AppliedRounding? = nil
        var value = exact
        if let r = line.rounding, let (v, applied) = try? r.apply(exact) {
            value = v
            rounding = applied
        } else if line.type == .money, exact.normalized.scale > 2 {
            // The checker requires a rounding wherever this can happen; keep the 分 exact anyway.
            value = exact.rounded(scale: 2, .halfUp)
        }
        let result: PayQuantity = line.type == .money ? .money(Money(value, .halfUp) ?? .zero) : .number(value)
        return (value, PayStep(label: label, formula: formula, inputs: inputs, result: result, rounding: rounding, notes: notes))
    }

    /// The shares of a pool line for every cadre, allocated by largest remainder so they sum
    /// to the pool exactly (within each group when the line names one).
    /// The shares of a pool line, by position in `contexts`, allocated by largest remainder
    /// so they sum to the pool exactly (within each group when the line names one).
    func poolShares(_ line: CheckedPayLine, contexts: inout [CadreContext])
        throws(EvaluationError) -> (amounts: [Int: Money], traces: [Int: PayTrace])?
    {
        guard case .poolShare(let poolE, let weightE, let groupE)? = Self.findPool(line.expression) else { return nil }
        var groups: [String: [Int]] = [:]
        var weights: [Fixed] = Array(repeating: .zero, count: contexts.count)
        var pool = Money.zero
        for k in contexts.indices {
            pool = Money(evaluate(poolE, &contexts[k]).number ?? .zero, .halfUp) ?? .zero
            weights[k] = max(.zero, evaluate(weightE, &contexts[k]).number ?? .zero)
            groups[groupE.map { evaluate($0, &contexts[k]).text } ?? "", default: []].append(k)
        }
        var amounts: [Int: Money] = [:]
        var traces: [Int: PayTrace] = [:]
        for key in groups.keys.sorted() {
            let members = groups[key]!
            let entries = members.map { PoolAllocation<String>.Entry(key: roster.cadres[contexts[$0].cadre].id, weight: weights[$0]) }
            let shares: PoolShares<String>
            do {
                shares = try PoolAllocation(pool: pool, entries: entries).allocate()
            } catch {
                throw .pool(line: line.name, reason: String(describing: error))
            }
            var byID: [String: Money] = [:]
            for s in shares.shares { byID[s.key] = s.amount }
            for k in members {
                let id = roster.cadres[contexts[k].cadre].id
                amounts[k] = byID[id] ?? .zero
                if keepRecords { traces[k] = shares.trace(for: id) }
            }
        }
        return (amounts, traces)
    }

    static func findPool(_ e: TExpr) -> TExpr? {
        switch e {
        case .poolShare: return e
        case .arithmetic(_, let a, let b, _): return findPool(a) ?? findPool(b)
        case .negate(let x, _): return findPool(x)
        case .conditional(_, let a, let b, _): return findPool(a) ?? findPool(b)
        case .clamp(let a, _, _, _): return findPool(a)
        default: return nil
        }
    }
}
