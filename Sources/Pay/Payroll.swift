import Exact
import Synchronization

/// The month's payroll: every pay line of the rules, in the order they can be computed,
/// for every cadre employed, each line with its trace; then each slip checked (net =
/// gross − withholdings) and the year to date carried forward.
///
/// The rules language scores and ranks; the payroll pays. It asks the rules for the values
/// of the lines' formulas (`PayFormulas`), which read 得分, items, the lines computed so
/// far and the year to date, and does the rest itself: pool shares, 不适用, floors,
/// roundings, traces, totals.
///
/// ```swift
/// let payroll = Payroll(month: YearMonth("2020-12")!, lines: lines)
/// let slips = try payroll.pay(cadres, formulas: formulas)
/// slips[0].net   // 实发金额
/// ```
public struct Payroll {
    /// Quotients inside a formula are carried to this many places (四舍五入); a line that
    /// is one quotient rounds once, at its own places.
    public static let quotientScale = 10

    public var month: YearMonth
    public var lines: [PayrollLine]
    /// How cadres are split over cores (the same slips however they are split).
    public var chunks: CadreChunks
    /// Whether a pool line's trace starts with how the pool was shared (the batch leaves
    /// this out when it keeps no record detail).
    public var tracesPools: Bool

    public init(month: YearMonth, lines: [PayrollLine], chunks: CadreChunks = CadreChunks(), tracesPools: Bool = true) {
        self.month = month
        self.lines = lines
        self.chunks = chunks
        self.tracesPools = tracesPools
    }

    /// A cadre to pay: the 工号 (pool shares break ties by it), and where the year stood.
    public struct Cadre: Sendable, Hashable {
        public var id: String
        public var hiredOn: CivilDate
        /// Each line's total this year before this month, by name.
        public var prior: [String: Money]
        /// Months employed this year before this month, when known (0 when not).
        public var priorMonths: Int
        /// Each line's total of the previous year with this payer, by name, and the months
        /// employed then (the 60,000-yuan rule of 国家税务总局公告2020年第19号 reads them).
        public var previousYear: [String: Money]
        public var previousYearMonths: Int
        /// The cadre's annual pay lines (年终绩效奖, its tax) in the previous year's closed year
        /// run, by name (上年年度): the year-end bonus paid through this month's payroll.
        public var previousYearAnnual: [String: Money]

        public init(
            id: String, hiredOn: CivilDate, prior: [String: Money] = [:], priorMonths: Int = 0,
            previousYear: [String: Money] = [:], previousYearMonths: Int = 0, previousYearAnnual: [String: Money] = [:]
        ) {
            self.id = id
            self.hiredOn = hiredOn
            self.prior = prior
            self.priorMonths = priorMonths
            self.previousYear = previousYear
            self.previousYearMonths = previousYearMonths
            self.previousYearAnnual = previousYearAnnual
        }
    }

    /// A line on a slip.
    public struct PaidLine: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case earning, deduction
            /// Shown, not paid (a money 计算项, the net line).
            case info
        }

        public var name: String
        public var kind: Kind
        public var amount: Money
        public var citation: String?
        public var trace: PayTrace
    }

    /// One cadre's pay: the slip's lines and the year to date after this month.
    public struct Slip: Sendable, Hashable {
        public var lines: [PaidLine]
        /// Each money line's total this year, this month included, by name.
        public var yearToDate: [String: Money]
        /// Months employed this year, this month included.
        public var months: Int

        public var gross: Money { total(.earning) }
        public var deductions: Money { total(.deduction) }
        public var net: Money { gross - deductions }

        func total(_ kind: PaidLine.Kind) -> Money {
            var sum = Money.zero
            for i in lines.indices where lines[i].kind == kind { sum = sum + lines[i].amount }
            return sum
        }
    }

    /// Pays `cadres` (slips in the same order). Throws the first failure in cadre order.
    public func pay(_ cadres: [Cadre], formulas: some PayFormulas) throws(PayrollError) -> [Slip] {
        // One sheet per cadre, in an array mutated in place: a dictionary of sheets would
        // copy each cadre's line values every time a line is added.
        let byName = formulas.readsLinesByName
        var sheets = cadres.map { c in
            var sheet = PaySheet(prior: c.prior, months: months(c))
            // Room for every line at once: grown by doubling, a cadre's ~20 lines were
            // rehashed five times over (each name hashed through Unicode normalization).
            if byName { sheet.lines.reserveCapacity(lines.count) }
            sheet.values.reserveCapacity(lines.count)
            sheet.previousYear = c.previousYear
            sheet.previousYearMonths = c.previousYearMonths
            sheet.previousYearAnnual = c.previousYearAnnual
            return sheet
        }
        // Each slip's lines with room for exactly their number: grown by doubling, a
        // province month's slips would hold a third more (and the buffers outgrown).
        let slipLines = lines.count { $0.isMoney || $0.kind != .value }
        var paid: [[PaidLine]] = cadres.map { _ in
            var lines: [PaidLine] = []
            lines.reserveCapacity(slipLines)
            return lines
        }
        for (l, line) in lines.enumerated() {
            let texts = LineTexts(line)
            let shares = try poolShares(l, cadres, &sheets, formulas)
            let kind: PaidLine.Kind = line.kind == .earning ? .earning : line.kind == .withholding ? .deduction : .info
            // Each cadre's line on any core: chunk i touches only its own cadres' sheets,
            // lines and error slot.
            var failures: [PayrollError?] = Array(repeating: nil, count: cadres.count)
            // Each chunk's sharing, by its first cadre, to be made one after.
            let sharings = Mutex<[(first: Int, sharing: TraceSharing)]>([])
            sheets.withUnsafeMutableBufferPointer { sheets in
                paid.withUnsafeMutableBufferPointer { paid in
                    failures.withUnsafeMutableBufferPointer { failures in
                        chunks.run(count: sheets.count) { range in
                            // Identical traces of this line shared within the chunk, the
                            // duplicates freed at once (`TraceSharing`).
                            var sharing = TraceSharing()
                            for k in range {
                                sheets[k].poolShare = shares?.amounts[k]
                                sheets[k].steps = []
                                let value: Fixed, step: PayStep
                                do throws(PayrollError) {
                                    (value, step) = try compute(l, texts, cadre: k, id: cadres[k].id, &sheets[k], formulas)
                                } catch {
                                    failures[k] = error
                                    continue
                                }
                                if byName { sheets[k].lines[line.name] = value }
                                sheets[k].values.append(value)
                                guard line.isMoney || line.kind != .value else { continue }
                                var noted = step
                                let notes = formulas.notes(ofLine: l, cadre: k)
                                if !notes.isEmpty { noted.notes.insert(contentsOf: notes, at: 0) }
                                // The steps met (a bracket table's), then the line's own: the
                                // sheet's list becomes the trace's, not a copy.
                                var trace = PayTrace()
                                sheets[k].steps.append(noted)
                                swap(&trace.steps, &sheets[k].steps)
                                if let s = shares, let t = s.traces[k] { trace.steps.insert(contentsOf: t.steps, at: 0) }
                                paid[k].append(PaidLine(
                                    name: line.name, kind: kind, amount: Money(value, .halfUp) ?? .zero, citation: line.citation,
                                    trace: sharing.share(trace, holder: k)))
                            }
                            let done = sharing
                            sharings.withLock { $0.append((range.lowerBound, done)) }
                        }
                    }
                }
            }
            // The first failure in cadre order, whichever thread met it first.
            if let failure = failures.first(where: { $0 != nil }) ?? nil { throw failure }
            // Identical traces of different chunks made one: a province month's chunks held
            // 322,748 traces of which 174,612 are distinct.
            let chunked = sharings.withLock { $0 }.sorted { $0.first < $1.first }.map(\.sharing)
            if chunked.count > 1 {
                TraceSharing.merge(chunked) { k, trace in paid[k][paid[k].count - 1].trace = trace }
            }
        }
        var slips: [Slip] = []
        slips.reserveCapacity(cadres.count)
        // What the loop below reads, found once by name rather than per cadre (it runs on one
        // core, and a name is hashed through Unicode normalization at every lookup). A line's
        // value is its sheet's under its name, so the last line of a name; a line the slip
        // shows holds that value rounded to the 分 (`paid` has the shown lines in order).
        var onSlip: [Int?] = []
        var shown = 0
        for line in lines {
            onSlip.append(line.isMoney || line.kind != .value ? shown : nil)
            if line.isMoney || line.kind != .value { shown += 1 }
        }
        var lastOfName: [String: Int] = [:]
        for (l, line) in lines.enumerated() { lastOfName[line.name] = l }
        // Each money line's name once, with where its value is on the slip (nil: a line the
        // slip does not show, read from the sheet) and which line gives it.
        var yearToDateLines: [(name: String, onSlip: Int?, line: Int)] = []
        var named = Set<String>()
        for line in lines where line.isMoney && named.insert(line.name).inserted {
            let last = lastOfName[line.name]!
            yearToDateLines.append((line.name, onSlip[last], last))
        }
        // The net check reads the first shown line named like the net line.
        let netName = lines.first { $0.kind == .net }?.name
        let netAt = netName.flatMap { n in lines.indices.first { lines[$0].name == n && onSlip[$0] != nil }.flatMap { onSlip[$0] } }
        func add(_ amount: Money, to total: inout Money) { total = total + amount }
        for k in cadres.indices {
            var slip = Slip(lines: paid[k], yearToDate: sheets[k].prior, months: sheets[k].months)
            if let netAt, slip.lines[netAt].amount != slip.net {
                throw .netMismatch(cadre: cadres[k].id, net: slip.lines[netAt].amount, expected: slip.net)
            }
            // The year to date starts as the prior totals: each money line's value, rounded to
            // the 分, added in place (one lookup), in a dictionary with room for them all (grown
            // by doubling, its names were rehashed as it grew).
            slip.yearToDate.reserveCapacity(slip.yearToDate.count + yearToDateLines.count)
            for (name, at, l) in yearToDateLines {
                let amount = at.map { slip.lines[$0].amount } ?? (Money(sheets[k].values[l], .halfUp) ?? .zero)
                add(amount, to: &slip.yearToDate[name, default: .zero])
            }
            slips.append(slip)
            // Done with: its lines' values go as the slips' year to date comes.
            sheets[k] = PaySheet()
            paid[k] = []
        }
        return slips
    }

    /// Months employed this year, this month included: one more than the year to date
    /// says, or counted from the month of hire (or January).
    func months(_ cadre: Cadre) -> Int {
        if cadre.priorMonths > 0 { return cadre.priorMonths + 1 }
        let start = cadre.hiredOn.year == month.year ? cadre.hiredOn.month : 1
        return max(1, month.month - start + 1)
    }

    /// What a line's trace says that is the same for every cadre, worked out once: shared
    /// strings rather than one copy per cadre.
    struct LineTexts {
        var label: PayText
        var formula: PayText
        var inputs: [(name: PayText, shown: PayrollLine.Shown)]
        var exemptions: [PayNote]

        init(_ line: PayrollLine) {
            label = PayText(zh: line.name, en: line.name)
            formula = PayText(zh: line.formula, en: line.formula)
            inputs = line.inputs.map { (PayText(zh: $0.name, en: $0.name), $0.shown) }
            exemptions = line.exemptions.map { PayNote.switchedOff(reason: PayText(zh: "不适用：\($0)", en: "not applicable: \($0)")) }
        }
    }

    /// One line for one cadre: exemption, formula, floor, then the declared rounding.
    func compute(_ l: Int, _ texts: LineTexts, cadre k: Int, id: String, _ sheet: inout PaySheet, _ formulas: some PayFormulas)
        throws(PayrollError) -> (Fixed, PayStep)
    {
        let line = lines[l]
        let label = texts.label, formula = texts.formula
        var inputs: [PayInput] = []
        inputs.reserveCapacity(texts.inputs.count)
        for (i, input) in texts.inputs.enumerated() {
            guard let n = formulas.number(.input(i), ofLine: l, cadre: k, sheet: &sheet) else { continue }
            let q: PayQuantity
            switch input.shown {
            case .money: q = .money(Money(n, .halfUp) ?? .zero)
            case .count: q = .count(Int(n.wholeValue ?? 0))
            case .number: q = .number(n.normalized)
            }
            inputs.append(PayInput(input.name, q))
        }
        for (i, note) in texts.exemptions.enumerated() where formulas.exempts(i, ofLine: l, cadre: k, sheet: &sheet) {
            return (.zero, PayStep(label: label, formula: formula, inputs: inputs, result: .money(.zero), notes: [note]))
        }
        var exact: Fixed
        // A line that is one quotient rounds once, at its own places, as it declares.
        if line.isQuotient, let r = line.rounding, let x = formulas.number(.dividend, ofLine: l, cadre: k, sheet: &sheet),
           let y = formulas.number(.divisor, ofLine: l, cadre: k, sheet: &sheet) {
            guard let q = x.dividing(by: y, scale: Self.quotientScale, .halfUp) else { throw .payLine(cadre: id, line: line.name) }
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
            guard let v = formulas.number(.formula, ofLine: l, cadre: k, sheet: &sheet) else { throw .payLine(cadre: id, line: line.name) }
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
        } else if line.isMoney, exact.normalized.scale > 2 {
            // The checker requires a rounding wherever this can happen; keep the 分 exact anyway.
            value = exact.rounded(scale: 2, .halfUp)
        }
        let result: PayQuantity = line.isMoney ? .money(Money(value, .halfUp) ?? .zero) : .number(value)
        return (value, PayStep(label: label, formula: formula, inputs: inputs, result: result, rounding: rounding, notes: notes))
    }

    /// The shares of a pool line, by cadre, allocated by largest remainder so they sum to
    /// the pool exactly (within each group when the line names one); nil for other lines.
    func poolShares(_ l: Int, _ cadres: [Cadre], _ sheets: inout [PaySheet], _ formulas: some PayFormulas)
        throws(PayrollError) -> (amounts: [Int: Money], traces: [Int: PayTrace])?
    {
        let line = lines[l]
        guard line.sharesPool else { return nil }
        var groups: [String: [Int]] = [:]
        var weights: [Fixed] = Array(repeating: .zero, count: cadres.count)
        // The pool is the group's (在岗人数（考核组） × 1500 元 differs by group): every member
        // must come to the same amount, or the shares would depend on whom one asked.
        var pools: [String: (Money, Int)] = [:]
        for k in cadres.indices {
            let pool = Money(formulas.number(.pool, ofLine: l, cadre: k, sheet: &sheets[k]) ?? .zero, .halfUp) ?? .zero
            weights[k] = max(.zero, formulas.number(.weight, ofLine: l, cadre: k, sheet: &sheets[k]) ?? .zero)
            let group = formulas.poolGroup(ofLine: l, cadre: k, sheet: &sheets[k])
            groups[group, default: []].append(k)
            if let (first, who) = pools[group] {
                if first != pool {
                    throw .pool(line: line.name, reason: "奖励池在同一组\(group.isEmpty ? "" : "（\(group)）")内不一致：\(cadres[who].id) 为 \(first)，\(cadres[k].id) 为 \(pool)；奖励池只能用参数和本组的在岗人数计算")
                }
            } else {
                pools[group] = (pool, k)
            }
        }
        var amounts: [Int: Money] = [:]
        var traces: [Int: PayTrace] = [:]
        for key in groups.keys.sorted() {
            let members = groups[key]!
            let pool = pools[key]?.0 ?? .zero
            let entries = members.map { PoolAllocation<String>.Entry(key: cadres[$0].id, weight: weights[$0]) }
            let shares: PoolShares<String>
            do {
                shares = try PoolAllocation(pool: pool, entries: entries).allocate()
            } catch {
                throw .pool(line: line.name, reason: String(describing: error))
            }
            var byID: [String: Money] = [:]
            for s in shares.shares { byID[s.key] = s.amount }
            // The shares are in the entries' order, which is the members' order.
            for (j, k) in members.enumerated() {
                amounts[k] = byID[cadres[k].id] ?? .zero
                if tracesPools { traces[k] = shares.trace(at: j) }
            }
        }
        return (amounts, traces)
    }
}
