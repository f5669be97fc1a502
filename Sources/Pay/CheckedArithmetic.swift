import Exact

// Exact arithmetic that reports overflow as a PayError instead of trapping. Realistic pay
// never overflows; a rules file with absurd parameters must still get an error, not a crash.

extension PayText {
    static let arithmetic = PayText(zh: "金额运算", en: "arithmetic")
}

extension Fixed {
    func plus(_ other: Fixed) throws(PayError) -> Fixed {
        guard let r = adding(other) else { throw .overflow(.arithmetic) }
        return r
    }

    func minus(_ other: Fixed) throws(PayError) -> Fixed {
        guard let r = subtracting(other) else { throw .overflow(.arithmetic) }
        return r
    }

    func times(_ other: Fixed) throws(PayError) -> Fixed {
        guard let r = multiplying(other) else { throw .overflow(.arithmetic) }
        return r
    }
}

extension Money {
    func plus(_ other: Money) throws(PayError) -> Money {
        let (r, o) = fen.addingReportingOverflow(other.fen)
        if o { throw .overflow(.arithmetic) }
        return Money(fen: r)
    }

    func minus(_ other: Money) throws(PayError) -> Money {
        let (r, o) = fen.subtractingReportingOverflow(other.fen)
        if o { throw .overflow(.arithmetic) }
        return Money(fen: r)
    }

    func times(_ count: Int) throws(PayError) -> Money {
        let (r, o) = fen.multipliedReportingOverflow(by: Int64(count))
        if o { throw .overflow(.arithmetic) }
        return Money(fen: r)
    }
}

extension Sequence where Element == Money {
    func checkedSum() throws(PayError) -> Money {
        var total = Money.zero
        for m in self { total = try total.plus(m) }
        return total
    }
}
