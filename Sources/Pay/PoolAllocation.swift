import Exact

/// Splits a money pool among weights (points) so that the shares add up to the pool
/// exactly, to the 分, by the largest-remainder method.
///
/// Each entry first gets its proportional share `pool × weight ÷ total` rounded down to
/// the 分; the 分 still left over (fewer than the number of entries) go one each to the
/// entries with the largest remainders. Equal remainders are broken by key, ascending — the
/// caller chooses keys (e.g. 工号) whose order it can state. Entries with weight 0 get 0.
///
/// When every weight is 0 (or there are no entries) nothing is allocated: every share is 0
/// and the whole pool is reported as `unallocated`, for the rules to decide what to do.
///
/// ```swift
/// let shares = try PoolAllocation(pool: Money(yuan: 100), entries: [
///     .init(key: "A", weight: Fixed(1)), .init(key: "B", weight: Fixed(1)), .init(key: "C", weight: Fixed(1)),
/// ]).allocate()
/// shares.shares.map(\.amount)   // [33.34, 33.33, 33.33]: A wins the tie by key
/// ```
public struct PoolAllocation<Key: Comparable & Hashable & Sendable>: Sendable {
    /// One claimant on the pool.
    public struct Entry: Sendable, Hashable {
        public var key: Key
        /// Points or any other non-negative weight.
        public var weight: Fixed

        public init(key: Key, weight: Fixed) {
            self.key = key
            self.weight = weight
        }
    }

    public var pool: Money
    public var entries: [Entry]

    public init(pool: Money, entries: [Entry]) {
        self.pool = pool
        self.entries = entries
    }

    /// The shares, in the order of `entries`, with the trace.
    public func allocate() throws(PayError) -> PoolShares<Key> {
        guard pool >= .zero else { throw .negative(PayText(zh: "奖金池", en: "pool"), pool.fixed) }
        var seen = Set<Key>()
        for e in entries {
            guard e.weight >= .zero else { throw .negative(PayText(zh: "积分", en: "weight"), e.weight) }
            guard seen.insert(e.key).inserted else { throw .duplicateKey(String(describing: e.key)) }
        }

        // Weights as integers at a common scale, so that every comparison is exact.
        let scale = entries.map(\.weight.scale).max() ?? 0
        var weights: [Int128] = []
        weights.reserveCapacity(entries.count)
        var total: Int128 = 0
        for e in entries {
            let w = Int128(e.weight.units) * Int128(Fixed.pow10(scale - e.weight.scale))
            weights.append(w)
            let (t, o) = total.addingReportingOverflow(w)
            if o { throw .overflow(.arithmetic) }
            total = t
        }
        guard total <= Int128(Int64.max) else { throw .overflow(.arithmetic) }
        let totalWeight = Fixed(units: Int64(total), scale: scale)

        var trace = PayTrace()
        trace.append(PayStep(
            label: PayText(zh: "积分合计", en: "total weight"),
            formula: PayText(zh: "各人积分之和", en: "sum of the weights"),
            inputs: [PayInput(PayText(zh: "人数", en: "entries"), .count(entries.count))],
            result: .number(totalWeight)))

        guard total > 0 else {
            trace.append(PayStep(
                label: PayText(zh: "未分配金额", en: "unallocated"),
                formula: PayText(zh: "积分合计为 0 时不分配", en: "nothing is allocated when the total weight is 0"),
                inputs: [PayInput(PayText(zh: "奖金池", en: "pool"), .money(pool))],
                result: .money(pool),
                notes: [.nothingAllocated(pool: pool)]))
            let shares = entries.map { PoolShares<Key>.Share(key: $0.key, weight: $0.weight, roundedDownAmount: .zero, amount: .zero, remainderRank: nil) }
            return PoolShares(shares: shares, unallocated: pool, trace: trace)
        }

        let p = Int128(pool.fen)
        var floors: [Int64] = []
        var remainders: [Int128] = []
        floors.reserveCapacity(entries.count)
        remainders.reserveCapacity(entries.count)
        var allocated: Int128 = 0
        for w in weights {
            let (product, o) = p.multipliedReportingOverflow(by: w)
            if o { throw .overflow(.arithmetic) }
            let q = product / total
            floors.append(Int64(q))
            remainders.append(product % total)
            allocated += q
        }
        let leftover = Int(p - allocated)

        // Largest remainder first; equal remainders by key ascending. Zero weights never
        // take part: their remainder is 0 and leftover ≤ the count of nonzero remainders.
        let order = entries.indices.filter { weights[$0] > 0 }.sorted { a, b in
            remainders[a] != remainders[b] ? remainders[a] > remainders[b] : entries[a].key < entries[b].key
        }
        var rank = [Int?](repeating: nil, count: entries.count)
        for (r, i) in order.enumerated() { rank[i] = r + 1 }

        var shares: [PoolShares<Key>.Share] = []
        shares.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            let base = Money(fen: floors[i])
            let extra = (rank[i] ?? Int.max) <= leftover
            let amount = extra ? Money(fen: floors[i] + 1) : base
            shares.append(.init(key: e.key, weight: e.weight, roundedDownAmount: base, amount: amount, remainderRank: rank[i]))
            let note: PayNote
            if let r = rank[i] {
                let (exact, isExact) = Self.proportional(floors[i], remainders[i], total)
                note = .proportionalShare(exact: exact, isExact: isExact, roundedDown: base, rank: r, receivedFen: extra)
            } else {
                note = .zeroWeight
            }
            trace.append(PayStep(
                label: PayText(zh: "\(e.key) 的份额", en: "share of \(e.key)"),
                formula: PayText(zh: "奖金池 × 本人积分 ÷ 积分合计（最大余数法）", en: "pool × weight ÷ total weight (largest remainder)"),
                inputs: [
                    PayInput(PayText(zh: "奖金池", en: "pool"), .money(pool)),
                    PayInput(PayText(zh: "本人积分", en: "weight"), .number(e.weight)),
                    PayInput(PayText(zh: "积分合计", en: "total weight"), .number(totalWeight)),
                ],
                result: .money(amount), notes: [note]))
        }
        trace.append(PayStep(
            label: PayText(zh: "尾差分配", en: "remainder"),
            formula: PayText(zh: "奖金池 − 各人取整到分后的合计", en: "pool − sum of the shares rounded down to the fen"),
            inputs: [
                PayInput(PayText(zh: "奖金池", en: "pool"), .money(pool)),
                PayInput(PayText(zh: "取整后合计", en: "sum rounded down"), .money(Money(fen: Int64(allocated)))),
            ],
            result: .count(leftover),
            notes: [.remainderRule(leftoverFen: leftover)]))
        return PoolShares(shares: shares, unallocated: .zero, trace: trace)
    }

    /// The proportional share in yuan, `floor + remainder ÷ total` fen, to 6 places (cut,
    /// and said so, when it does not terminate there).
    static func proportional(_ floorFen: Int64, _ remainder: Int128, _ total: Int128) -> (Fixed, Bool) {
        // remainder < total, so 10^4 × remainder ÷ total < 10^4: four more places of a fen.
        let (scaled, o) = remainder.multipliedReportingOverflow(by: 10_000)
        guard !o else { return (Money(fen: floorFen).fixed, false) }
        let extra = Int64(scaled / total)
        let (units, o2) = floorFen.multipliedReportingOverflow(by: 10_000)
        let (sum, o3) = units.addingReportingOverflow(extra)
        guard !o2, !o3 else { return (Money(fen: floorFen).fixed, false) }
        return (Fixed(units: sum, scale: 6), scaled % total == 0)
    }
}

/// The result of a pool allocation: shares in the order of the entries.
public struct PoolShares<Key: Comparable & Hashable & Sendable>: Sendable, Hashable {
    public struct Share: Sendable, Hashable {
        public var key: Key
        public var weight: Fixed
        /// The proportional share rounded down to the 分, before the remainder.
        public var roundedDownAmount: Money
        /// What the entry receives.
        public var amount: Money
        /// 1 for the largest remainder; nil for weight 0. Entries ranked at most the number
        /// of 分 left over received one more 分.
        public var remainderRank: Int?
    }

    public var shares: [Share]
    /// What was not allocated: 0 unless every weight was 0.
    public var unallocated: Money
    public var trace: PayTrace

    /// The amount for `key`, if it is among the entries.
    public func amount(for key: Key) -> Money? { shares.first { $0.key == key }?.amount }

    /// The part of the trace that explains one entry's share: the total, the entry's own
    /// step and how the remainder was shared (or why nothing was allocated).
    public func trace(for key: Key) -> PayTrace? {
        shares.firstIndex(where: { $0.key == key }).map { trace(at: $0) }
    }

    /// `trace(for:)` of the entry at `index` in the entries' order: without a search, for a
    /// caller going through every entry (a county-wide pool of 50,000 cadres searched once per
    /// cadre took a tenth of a province month's CPU).
    public func trace(at index: Int) -> PayTrace {
        // Layout: [total, (share per entry …, remainder) | unallocated].
        if unallocated != .zero || trace.steps.count != shares.count + 2 { return trace }
        return PayTrace(steps: [trace.steps[0], trace.steps[1 + index], trace.steps[trace.steps.count - 1]])
    }
}
