import Exact
import Pay
import Records
import Results

/// A month scored and ranked: every cadre employed in the month, in roster order, with
/// the score card and the standing, and what the payroll needs to pay them (`payroll`).
public struct ScoredMonth {
    /// Roster indices of the cadres employed in the month.
    public var cadres: [Int]
    public var cards: [ScoreCard]
    public var standings: [Standing]
    /// The month's pay lines as the payroll computes them, in dependency order.
    public var payLines: [PayrollLine]
    /// The lines' formulas, evaluated for a cadre when the payroll asks.
    public var formulas: PayLineFormulas
    /// Cadres (roster indices) whose item, scored as a whole (`合计`), came to points beyond
    /// any score (`MonthScorer.pointsBound`) or beyond exact numbers, with the item: the
    /// month must not be paid (B0007). Their item counts 0 so nothing after it traps.
    public var outOfBounds: [(cadre: Int, item: String)] = []
}

extension MonthScorer {
    /// Scores, ranks and assigns tiers to every cadre employed in the month; the payroll
    /// (`Pay.Payroll`) then pays them with `payLines` and `formulas`.
    public func finish() -> ScoredMonth {
        // No row comes after this: the summaries' keys go before the score cards and the
        // payroll are made (a province month's are half a gigabyte).
        for lane in laneKeys {
            for k in lane.summaryKeys.indices { lane.summaryKeys[k].release() }
        }
        let month = rules.month
        let cadres = roster.cadres.indices.filter { roster.cadres[$0].isEmployed(in: month) }
        // Score cards on every core: each reads only the scorer's totals.
        var scored: [(ScoreCard, [String: Fixed])?] = Array(repeating: nil, count: cadres.count)
        var beyond: [String?] = Array(repeating: nil, count: cadres.count)
        // The records, sorted from the spill file into their lines, and their summaries in
        // the order the lines first cite them.
        let records = recordSpill?.finish()
        let texts = self.texts.finish(files: recordFiles, citing: records)
        // The counting texts' expressions, worded once for every cadre.
        let templates: [CountingTemplate?] = rules.items.map { item in
            guard keepRecords, case .total(let e) = item.scoring else { return nil }
            return countingTemplate(e)
        }
        scored.withUnsafeMutableBufferPointer { scored in
            beyond.withUnsafeMutableBufferPointer { beyond in
                chunks.run(count: cadres.count) { range in
                    for k in range {
                        scored[k] = scoreCard(cadre: cadres[k], texts: texts, records: records, beyond: &beyond[k], templates: templates)
                    }
                }
            }
        }
        var cards: [Int: ScoreCard] = Dictionary(minimumCapacity: cadres.count)
        var itemPoints: [Int: [String: Fixed]] = Dictionary(minimumCapacity: cadres.count)
        for (k, c) in cadres.enumerated() {
            cards[c] = scored[k]!.0
            itemPoints[c] = scored[k]!.1
        }
        let standings = standings(cadres: cadres, cards: cards, itemPoints: itemPoints)
        let (payLines, parts) = payroll()
        let readsTier = linesReadingTier()
        let anyTier = readsTier.contains(true)
        let formulas = PayLineFormulas(
            scorer: self, lines: parts, cadres: cadres, scores: cadres.map { cards[$0]!.total }, itemPoints: cadres.map { itemPoints[$0]! },
            tiers: cadres.map { standings[$0]!.tier }, ranks: cadres.map { standings[$0]!.rank },
            tierNotes: anyTier ? cadres.map { Self.tierNote(standings[$0]!, score: cards[$0]!.total) } : [],
            readsTier: readsTier)
        return ScoredMonth(cadres: cadres, cards: cadres.map { cards[$0]! }, standings: cadres.map { standings[$0]! },
                           payLines: payLines, formulas: formulas,
                           outOfBounds: cadres.indices.compactMap { k in beyond[k].map { (cadres[k], $0) } })
    }

    // MARK: - Score

    func scoreCard(cadre c: Int, texts: RecordTexts, records spilled: RecordSpill?, beyond: UnsafeMutablePointer<String?>? = nil,
                   templates: [CountingTemplate?]? = nil) -> (ScoreCard, [String: Fixed]) {
        var lines: [ScoreLine] = []
        lines.reserveCapacity(rules.items.count + 2)
        var points: [String: Fixed] = Dictionary(minimumCapacity: rules.items.count)
        if !rules.base.isZero || rules.checked.base.contains(where: { $0.period.contains(rules.month) }) {
            lines.append(ScoreLine(kind: .base, name: "基础分", citation: rules.baseCitation, raw: rules.base, points: rules.base))
        }
        // Each item is within `pointsBound`, but items at many places can still sum past
        // exact numbers: every sum here is checked, and the first that would not fit names
        // its item for B0007 (the card is then not used: the month stops).
        var unrepresentable: String? = nil
        func sum(_ a: Fixed, _ b: Fixed, _ item: String) -> Fixed {
            if let s = a.adding(b) { return s }
            if unrepresentable == nil { unrepresentable = item }
            return a
        }
        func difference(_ a: Fixed, _ b: Fixed, _ item: String) -> Fixed {
            if let d = a.subtracting(b) { return d }
            if unrepresentable == nil { unrepresentable = item }
            return a
        }
        var running = rules.base
        var deductions: [(Int, ScoreLine, Fixed)] = []
        var adjustments: [ScoreLine] = []
        for (i, item) in rules.items.enumerated() {
            let slot = c * itemCount + i
            var raw = itemSum[slot]
            var counting: String? = nil
            if case .total(let e) = item.scoring {
                var ctx = CadreContext(cadre: c, score: .zero, itemPoints: [:])
                // A blank total (no records to take the largest of, a quotient by zero) is 0
                // points; arithmetic beyond exact numbers stops the month (B0007).
                guard let total = evaluateExactly(e, &ctx) else {
                    beyond?.pointee = item.name
                    continue
                }
                raw = total.number ?? .zero
                if keepRecords, Self.isWithinBound(raw) {
                    counting = (templates?[i] ?? countingTemplate(e)).text(cadre: c, result: raw, scorer: self)
                }
            }
            // A total past any score stops the month (B0007) rather than trapping below.
            guard Self.isWithinBound(raw) else {
                beyond?.pointee = item.name
                continue
            }
            var value = raw
            var clips: [Clip] = []
            if let cap = item.dailyCap, let k = itemPrograms[item.source].first(where: { $0.item == i })?.dailySlot, k >= 0 {
                var capped = Fixed.zero
                for day in 0..<31 {
                    let s = daySums[(c * dailyCount + k) * 31 + day]
                    if s > cap {
                        clips.append(Clip(scope: .day(rules.month.firstDay.advanced(by: day)), limit: cap, removed: difference(s, cap, item.name)))
                        capped = sum(capped, cap, item.name)
                    } else {
                        capped = sum(capped, s, item.name)
                    }
                }
                value = capped
            }
            if let cap = item.monthlyCap, value > cap {
                clips.append(Clip(scope: .month, limit: cap, removed: difference(value, cap, item.name)))
                value = cap
            }
            let records: RecordList = spilled.map { RecordList(entries: $0.entries(slot: slot), texts: texts) } ?? []
            switch item.kind {
            case .points:
                if let floor = item.floor, value < floor {
                    clips.append(Clip(scope: .floor, limit: floor, removed: difference(floor, value, item.name)))
                    value = floor
                }
                running = sum(running, value, item.name)
                lines.append(ScoreLine(kind: .item, name: item.name, citation: item.citation, raw: raw, points: value, clips: clips, records: records,
                                       counting: counting))
                points[item.name] = value
            case .deduction:
                deductions.append((i, ScoreLine(kind: .deduction, name: item.name, citation: item.citation, raw: raw.negated(),
                                                points: value.negated(), clips: clips, records: records, counting: counting), value))
            case .adjustment:
                // The reason is the 原因 field of each adjustment (the whole row was shown
                // here before); the approvers, each once.
                let given = keepRecords ? itemReasons[slot] : []
                let reasons = given.map(\.reason).filter { !$0.isEmpty }
                var approvers: [String] = []
                for a in given.map(\.approver) where !a.isEmpty && !approvers.contains(a) { approvers.append(a) }
                adjustments.append(ScoreLine(kind: .adjustment, name: item.name, citation: item.citation, raw: raw, points: value,
                                             clips: clips, records: records, reason: reasons.isEmpty ? nil : reasons.joined(separator: "；"),
                                             approvedBy: approvers.isEmpty ? nil : approvers.joined(separator: "、")))
                points[item.name] = value
            }
        }
        // 合计上限: the items keep their points in the stated order until the cap is used up;
        // the rest is clipped, item by item.
        for g in rules.groupCaps {
            var room = g.cap
            for name in g.items {
                if let li = lines.firstIndex(where: { $0.kind == .item && $0.name == name }) {
                    let v = lines[li].points
                    guard v > .zero else { continue }
                    let kept = min(v, max(.zero, room))
                    room = difference(room, kept, name)
                    guard kept < v else { continue }
                    lines[li].clips.append(Clip(scope: .group(g.name), limit: g.cap, removed: difference(v, kept, name)))
                    lines[li].points = kept
                    running = difference(running, difference(v, kept, name), name)
                    points[name] = kept
                } else if let di = deductions.firstIndex(where: { rules.items[$0.0].name == name }) {
                    let v = deductions[di].2
                    guard v > .zero else { continue }
                    let kept = min(v, max(.zero, room))
                    room = difference(room, kept, name)
                    guard kept < v else { continue }
                    deductions[di].1.clips.append(Clip(scope: .group(g.name), limit: g.cap, removed: difference(v, kept, name)))
                    deductions[di].2 = kept
                }
            }
        }
        // Deductions draw on the running score in declaration order; a floor (扣完为止 = 0)
        // is the level below which a deduction stops.
        for (i, var line, amount) in deductions {
            var applied = amount
            if let floor = rules.items[i].floor {
                let room = max(.zero, difference(running, floor, rules.items[i].name))
                if applied > room {
                    line.clips.append(Clip(scope: .floor, limit: floor, removed: difference(applied, room, rules.items[i].name)))
                    applied = room
                }
            }
            running = difference(running, applied, rules.items[i].name)
            line.points = applied.negated()
            lines.append(line)
            points[rules.items[i].name] = applied
        }
        for a in adjustments { running = sum(running, a.points, a.name) }
        lines.append(contentsOf: adjustments)
        // 总分范围: the total after adjustments taken to its bounds.
        if let lo = rules.scoreFloor, running < lo {
            lines.append(ScoreLine(kind: .bound, name: "总分范围", citation: rules.scoreRangeCitation, raw: .zero, points: difference(lo, running, "总分范围"),
                                   clips: [Clip(scope: .floor, limit: lo, removed: difference(lo, running, "总分范围"))]))
            running = lo
        } else if let hi = rules.scoreCeiling, running > hi {
            lines.append(ScoreLine(kind: .bound, name: "总分范围", citation: rules.scoreRangeCitation, raw: .zero, points: difference(hi, running, "总分范围"),
                                   clips: [Clip(scope: .ceiling, limit: hi, removed: difference(running, hi, "总分范围"))]))
            running = hi
        }
        if let item = unrepresentable, beyond?.pointee == nil { beyond?.pointee = item }
        return (ScoreCard(lines: lines, total: running), points)
    }

    /// How an item scored once over its records came to its points:
    /// `天数（日期） × 0.5 分，天数（日期）= 3（同一天多条只算一天）→ 1.5 分`.
    func countingText(_ e: TExpr, cadre c: Int, result: Fixed) -> String {
        countingTemplate(e).text(cadre: c, result: result, scorer: self)
    }

    /// The parts of an item's counting text that are the same for every cadre: the
    /// expression and each aggregate's name, worded once per month instead of once per
    /// cadre (wording an expression is most of the text's cost).
    func countingTemplate(_ e: TExpr) -> CountingTemplate {
        let text = TExprText(rules: rules.checked, shortAggregates: true)
        var used: [Int] = []
        TExprText.aggregates(e, into: &used)
        return CountingTemplate(
            expression: text.text(e),
            aggregates: used.map { i in
                (i, text.text(.aggregate(i, .unknown)), rules.checked.accumulators[i].kind == .distinctDays)
            })
    }

    struct CountingTemplate {
        let expression: String
        let aggregates: [(index: Int, name: String, distinctDays: Bool)]

        func text(cadre c: Int, result: Fixed, scorer: MonthScorer) -> String {
            var out = expression
            for a in aggregates {
                let v = scorer.aggregate(a.index, cadre: c)
                let shown: String
                switch v {
                case .number(let n): shown = n.shortDescription
                case .none: shown = "空"
                default: shown = v.text
                }
                out += "，"
                out += a.name
                out += " = "
                out += shown
                if a.distinctDays { out += "（同一天多条只算一天）" }
            }
            out += " → "
            out += result.shortDescription
            out += " 分"
            return out
        }
    }

    // MARK: - Standing

    /// Ranks and tiers. Who takes part is stated by `排名不含` (default: every cadre employed
    /// in the month, vetoed or not, joined or left mid-month). Participants are ordered once
    /// by the stated 排序 (then 工号); 排名 is the place among the participants of the rank
    /// group (`排名 按 …`, else the first quota's groups, else 社区). Tiers go best first: a
    /// quota admits ⌊share × participants in the group⌋ of the cadres who reached its tier,
    /// in that order, and the rest move down one tier, where the next quota (if any) takes
    /// them in turn. A cadre left out never takes a tier that has a quota.
    func standings(cadres: [Int], cards: [Int: ScoreCard], itemPoints: [Int: [String: Fixed]]) -> [Int: Standing] {
        let tiers = rules.tiers
        let month = rules.month
        let exclusions = tiers?.exclusions ?? RankExclusions()
        let rankKeys = tiers?.rankGroups ?? tiers?.rules.compactMap({ $0.quota?.groups }).first ?? (rosterHasField("社区") ? ["社区"] : [])
        func context(_ c: Int) -> CadreContext {
            CadreContext(cadre: c, score: cards[c]!.total, itemPoints: itemPoints[c]!)
        }
        let ordering = tiers?.ordering ?? []
        // The 工号 that settles any tie is named once, whether the rules wrote it or not.
        // Each cadre's group for each list of keys, worked out once: the ranking, the ties,
        // every quota and the standings ask for the same groups many times over.
        var groupColumns: [(keys: [String], column: [String?])] = []
        func group(_ keys: [String], _ c: Int) -> String {
            let k = groupColumns.firstIndex { $0.keys == keys } ?? {
                groupColumns.append((keys, Array(repeating: nil, count: roster.count)))
                return groupColumns.count - 1
            }()
            if let g = groupColumns[k].column[c] { return g }
            let g = groupKey(keys, cadre: c)
            groupColumns[k].column[c] = g
            return g
        }
        var orderParts = ordering.map { "\(TExprText(rules: rules.checked).text($0.key)) \($0.descending ? "从高到低" : "从低到高")" }
        if orderParts.last != "工号 从低到高" { orderParts.append("工号 从低到高") }
        let orderText = orderParts.joined(separator: "、")
        var reasons: [Int: [TierReason]] = [:]
        var vetoed: [Int: CheckedVeto] = [:]
        var reached: [Int: Int?] = [:]
        var excludedWhy: [Int: String] = [:]
        for c in cadres {
            var ctx = context(c)
            if let veto = rules.vetoes.first(where: { v in evaluate(v.condition, &ctx).isTrue }) {
                vetoed[c] = veto
            } else if let tiers {
                let index = tiers.rules.firstIndex { r in r.condition.map { evaluate($0, &ctx).isTrue } ?? true }
                reached[c] = index
            }
            var why: [String] = []
            if exclusions.vetoed, vetoed[c] != nil { why.append("一票否决") }
            if exclusions.joined, EmploymentChanges.joined(roster.cadres[c], in: month) { why.append("本月入职") }
            if exclusions.left, EmploymentChanges.left(roster.cadres[c], in: month) { why.append("本月离职") }
            if !why.isEmpty { excludedWhy[c] = why.joined(separator: "、") }
        }
        // Everyone in one order, then each group keeps it.
        var keys: [[RowValue]] = Array(repeating: [], count: roster.count)
        for c in cadres {
            var ctx = context(c)
            keys[c] = (ordering.isEmpty ? [.number(cards[c]!.total)] : ordering.map { evaluate($0.key, &ctx) }) + [.text(roster.cadres[c].id)]
        }
        let descending = (ordering.isEmpty ? [true] : ordering.map(\.descending)) + [false]
        let sorted = cadres.filter { excludedWhy[$0] == nil }.sorted { a, b in
            for (i, d) in descending.enumerated() {
                let c = RowValue.compare(keys[a][i], keys[b][i]) ?? 0
                if c != 0 { return d ? c > 0 : c < 0 }
            }
            return false
        }
        /// Place (1-based) of each participant in its group for `groupKeys`, and each group's size.
        func places(_ groupKeys: [String]) -> (rank: [Int: Int], size: [String: Int]) {
            TierPlacement.places(sorted) { group(groupKeys, $0) }
        }
        let ranking = places(rankKeys)
        // Ties on points within the rank group, named with the order that broke them.
        var byScore: [String: [Int]] = [:]
        for c in sorted { byScore["\(group(rankKeys, c))\u{1F}\(cards[c]!.total)", default: []].append(c) }
        for (_, same) in byScore where same.count > 1 {
            TierPlacement.tieReasons(same, rule: orderText, id: { roster.cadres[$0].id }, into: &reasons)
        }
        var final: [Int: String] = [:]
        if let tiers {
            // A tier's reason (its condition, worded), made once per tier.
            var tierReasons: [TierReason??] = Array(repeating: nil, count: tiers.rules.count)
            for c in cadres {
                if let veto = vetoed[c] {
                    reasons[c, default: []].append(.veto(name: veto.name, citation: veto.citation, tier: veto.tier, record: nil))
                    if let why = excludedWhy[c] { reasons[c, default: []].append(.notRanked(why: why, tier: veto.tier)) }
                    final[c] = veto.tier
                } else if let i = reached[c] ?? nil {
                    let reason = tierReasons[i] ?? TierPlacement.reason(tiers.rules, reached: i, text: TExprText(rules: rules.checked))
                    tierReasons[i] = .some(reason)
                    if let reason { reasons[c, default: []].append(reason) }
                }
            }
            // A cadre left out of the ranking cannot take a tier that has a quota.
            for c in cadres where vetoed[c] == nil {
                guard let why = excludedWhy[c] else { continue }
                let index = TierPlacement.firstWithoutQuota(tiers.rules, from: reached[c] ?? nil)
                final[c] = index.map { tiers.rules[$0].tier } ?? ""
                reasons[c, default: []].append(.notRanked(why: why, tier: final[c]!))
            }
            var tentative: [Int: Int] = [:]
            for c in sorted where vetoed[c] == nil { if let i = reached[c] ?? nil { tentative[c] = i } }
            TierPlacement.applyQuotas(tiers.rules, sorted: sorted, tentative: &tentative, reasons: &reasons) { group($0, $1) }
            for c in sorted where vetoed[c] == nil { final[c] = tentative[c].map { tiers.rules[$0].tier } ?? "" }
        } else {
            for c in cadres where vetoed[c] != nil {
                let veto = vetoed[c]!
                reasons[c, default: []].append(.veto(name: veto.name, citation: veto.citation, tier: veto.tier, record: nil))
                final[c] = veto.tier
            }
        }
        var out: [Int: Standing] = [:]
        for c in cadres {
            let g = group(rankKeys, c)
            out[c] = Standing(group: g, rank: ranking.rank[c] ?? 0, groupSize: ranking.size[g] ?? 0, tier: final[c] ?? "",
                              reasons: reasons[c] ?? [])
        }
        return out
    }

    func rosterHasField(_ name: String) -> Bool {
        guard let r = rules.checked.rosterSource else { return false }
        return rules.checked.sources[r].schema.fieldIndex(name) != nil
    }
}
