import Exact

/// Writes `cadres.csv` (花名册) and `opening.csv` (期初) for a month.
enum RosterFile {
    static let header: StaticString = "工号,姓名,身份证号,社区,网格,岗位,岗位等级,入职日期,离职日期,银行账号,开户行,手机,专项附加扣除"
    static let openingHeader: StaticString = "工号,累计收入,累计社保,累计专项附加扣除,累计已预扣税额,累计月数"

    /// Everyone employed at some time during the month; a leaving date appears once it
    /// falls within the month (earlier rosters did not know it yet).
    static func write(_ county: County, month: YearMonth, to path: String) throws(GeneratorError) -> CSVOutput {
        let out = try CSVOutput(path: path, bufferSize: 1 << 20)
        out.header(header)
        let first = month.firstDay, last = month.lastDay
        for cadre in county.cadres {
            guard cadre.hired <= last, cadre.left.map({ $0 >= first }) ?? true else { continue }
            out.raw(cadre.idBytes); out.comma()
            out.text(cadre.name); out.comma()
            out.text(cadre.idNumber); out.comma()
            out.text(county.communities[cadre.community].name); out.comma()
            if let grid = cadre.grid { out.text(grid) }
            out.comma()
            out.text(cadre.post.rawValue); out.comma()
            out.int(cadre.level); out.comma()
            writeDate(cadre.hired, out); out.comma()
            if let left = cadre.left, left <= last { writeDate(left, out) }
            out.comma()
            out.text(cadre.bankAccount); out.comma()
            out.text(cadre.bank); out.comma()
            out.text(cadre.phone); out.comma()
            if cadre.deductionYuan > 0 { out.int(cadre.deductionYuan) }
            out.newline()
        }
        try out.close()
        return out
    }

    /// Year-to-date balances up to the month before `month`, for cadres employed before it.
    ///
    /// Pay is modelled as a level-based base (2,400 + 160 × level 元) plus a varying
    /// performance part; social insurance is 10.5 % of the base; tax follows 累计预扣法.
    static func writeOpening(
        _ county: County, month: YearMonth, to path: String, _ rng: inout SeededGenerator
    ) throws(GeneratorError) -> CSVOutput {
        let out = try CSVOutput(path: path, bufferSize: 1 << 20)
        out.header(openingHeader)
        let first = month.firstDay
        let socialRate = Fixed("0.105")!
        for cadre in county.cadres {
            guard cadre.hired < first, cadre.left.map({ $0 >= first }) ?? true else { continue }
            let startMonth = cadre.hired.year < month.year ? 1 : cadre.hired.month
            let months = month.month - startMonth
            guard months > 0 else { continue }
            let base = Money(yuan: Int64(2400 + 160 * cadre.level))
            var income = Money.zero, social = Money.zero
            for _ in 0..<months {
                let performance = Money(yuan: Int64((2400 + 160 * cadre.level) * rng.uniform(in: 240...330) / 1000))
                income = income + base + performance
                social = social + base.multiplied(by: socialRate, .halfUp)!
            }
            let special = Money(yuan: Int64(cadre.deductionYuan * months))
            let taxable = income - social - special - Money(yuan: Int64(5000 * months))
            let tax = cumulativeTax(on: taxable)
            out.raw(cadre.idBytes); out.comma()
            out.money(fen: income.fen); out.comma()
            out.money(fen: social.fen); out.comma()
            out.money(fen: special.fen); out.comma()
            out.money(fen: tax.fen); out.comma()
            out.int(months)
            out.newline()
        }
        try out.close()
        return out
    }

    /// Tax due on cumulative taxable income under the annual bracket table (0 when negative).
    static func cumulativeTax(on taxable: Money) -> Money {
        guard taxable > .zero else { return .zero }
        let brackets: [(Int64, String, Int64)] = [
            (36_000, "0.03", 0), (144_000, "0.10", 2_520), (300_000, "0.20", 16_920),
            (420_000, "0.25", 31_920), (660_000, "0.30", 52_920), (960_000, "0.35", 85_920),
            (Int64.max / 100, "0.45", 181_920),
        ]
        for (limit, rate, quick) in brackets where taxable <= Money(yuan: limit) {
            return taxable.multiplied(by: Fixed(rate)!, .halfUp)! - Money(yuan: quick)
        }
        return .zero
    }

    static func writeDate(_ d: CivilDate, _ out: CSVOutput) {
        let (y, m, day) = d.components
        out.date(year: y, month: m, day: day)
    }
}
