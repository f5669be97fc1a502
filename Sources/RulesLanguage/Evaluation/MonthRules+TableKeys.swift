import Exact
import Records

/// A cadre whose roster value has no row in a table a pay line looks it up in (`对照表 岗位工资标准
/// 按 岗位等级` with 岗位等级 19 where the table lists 1 to 18): the line cannot be computed,
/// so the month is refused with the roster cell named before anything is paid.
public struct MissingTableRow: Sendable, Hashable {
    /// The cadre's index in the roster.
    public var cadre: Int
    /// The roster field used as the key, and the cadre's value of it as written.
    public var field: String
    public var value: String
    public var table: String
    /// The table's keys, in its order (for the help).
    public var keys: [String]
    /// The first pay line of the month that looks it up.
    public var line: String
}

extension MonthRules {
    /// Every cadre in post this month whose roster value is missing from a table one of the
    /// month's pay lines looks it up in by that roster field (and the table has no 其他 row).
    public func missingTableRows(roster: Roster) -> [MissingTableRow] {
        // (table, roster field, its type) → first pay line that looks it up.
        var uses: [(table: CheckedLookup, field: String, key: TExpr, line: String)] = []
        for line in payLines {
            line.expression.walk { e in
                guard case .lookup(let name, let key, _) = e, case .rosterField(let field, _) = key,
                      let table = lookups[name], !table.byTier,
                      !uses.contains(where: { $0.table.name == name && $0.field == field }) else { return }
                uses.append((table, field, key, line.name))
            }
        }
        guard !uses.isEmpty else { return [] }
        var out: [MissingTableRow] = []
        for (k, c) in roster.cadres.enumerated() where c.isEmployed(in: month) {
            for use in uses {
                guard case .rosterField(_, let type) = use.key,
                      let text = MonthScorer.rosterText(use.field, c) ?? c.extra[use.field] else { continue }
                let value: RowValue
                switch type {
                case .count, .number, .money, .points:
                    guard let n = Fixed(text) else { continue }
                    value = .number(n)
                default:
                    value = .text(text)
                }
                guard case .none = Interpreter.lookup(use.table, value, use.key) else { continue }
                let keys = use.table.rows.compactMap { row -> String? in
                    switch row.key {
                    case .number(let n)?: n.shortDescription
                    case .text(let s)?: s
                    case nil: nil
                    }
                }
                out.append(MissingTableRow(cadre: k, field: use.field, value: text, table: use.table.name, keys: keys, line: use.line))
            }
        }
        return out
    }
}

extension MonthRules {
    /// The roster fields pay line `name` reads, directly or through the month's pay lines it
    /// reads, each once in order of first use: what a B0002 names when the line fails.
    public func rosterFieldsRead(byLine name: String) -> [String] {
        var out: [String] = [], seen: Set<String> = []
        func visit(_ line: String) {
            guard seen.insert(line).inserted else { return }
            for l in payLines where l.name == line {
                l.expression.walk { e in
                    switch e {
                    case .rosterField(let f, _): if !out.contains(f) { out.append(f) }
                    case .payLine(let other, _): visit(other)
                    default: break
                    }
                }
            }
        }
        visit(name)
        return out
    }

    /// A cadre's value of roster field `name` as written (nil where the cell is empty).
    public static func rosterValue(_ name: String, of c: Cadre) -> String? {
        switch name {
        case "入职日期": c.hiredOn.description
        case "离职日期": c.leftOn?.description
        case "专项附加扣除": c.specialDeduction?.description
        case "身份证号", "银行账号", "手机": nil
        default: MonthScorer.rosterText(name, c)
        }
    }
}
