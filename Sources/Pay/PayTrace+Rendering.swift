import Exact

extension PayQuantity {
    /// The value as an explanation shows it: money with thousands separators, a rate as a
    /// percentage, numbers as written.
    public var text: String {
        switch self {
        case .money(let m): m.grouped
        case .number(let f): f.description
        case .rate(let f): Self.percent(f)
        case .count(let n): String(n)
        }
    }

    /// `0.08` → `8%`, `3` → `300%`, `0.005` → `0.5%`: exact, no places lost.
    public static func percent(_ f: Fixed) -> String {
        let n = f.normalized
        let hundred = n.scale >= 2 ? Fixed(units: n.units, scale: n.scale - 2) : n * Fixed(100)
        return hundred.normalized.description + "%"
    }
}

extension AppliedRounding {
    /// `137.9310344827… 四舍五入保留 4 位小数`, or just the rule when nothing changed.
    public func text(_ language: TraceLanguage) -> String {
        let rule = spec.text(language)
        guard changedValue else { return rule }
        // Trailing zeros of a product's scale say nothing: 345.1680 reads 345.168.
        let before = isExact ? exact.normalized.description : exact.description + "…"
        return "\(before) \(rule)"
    }
}

extension PayTrace {
    /// The trace as plain text, one block per step:
    ///
    /// ```
    /// 日工资 = 月工资 ÷ 月计薪天数
    ///   月工资 = 3,000.00
    ///   月计薪天数 = 21.75
    ///   结果 = 137.9310（137.9310344827… 四舍五入保留 4 位小数）
    /// ```
    public func rendered(_ language: TraceLanguage = .zh) -> String {
        var out = ""
        for step in steps {
            out += "\(step.label.text(language)) = \(step.formula.text(language))\n"
            for input in step.inputs {
                out += "  \(input.name.text(language)) = \(input.value.text)\n"
            }
            let result = language == .zh ? "结果" : "result"
            out += "  \(result) = \(step.result.text)"
            if let r = step.rounding {
                out += language == .zh ? "（\(r.text(.zh))）" : " (\(r.text(.en)))"
            }
            out += "\n"
            for note in step.notes {
                out += language == .zh ? "  注：\(note.text(.zh))\n" : "  note: \(note.text(.en))\n"
            }
        }
        return out
    }
}
