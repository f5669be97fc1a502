import Diagnostics
import Exact
import Records
import Reports
import Results

/// Pay that must never leave: the checks between scoring and storing that stop a run whose
/// money no bank should be asked to move.
///
/// - A net pay below the floor (0.00 unless the rules' 实发项 states `下限 X 元`) stops the
///   run (B0020), one located error per cadre, at the cadre's roster row, citing the cadre's
///   adjustment rows (file:line, with their amounts): a score adjustment and an amount a pay
///   line reads alike. A negative amount in a bank file is at best refused by the bank
///   and at worst read as a debit; the money has to be settled by a person, not by the batch.
/// - A month in which every cadre's net pay is 0.00 stops the run (B0021): it is what rules
///   that compute nothing produce, never a real payroll.
/// - A cadre whose net pay is exactly 0.00 is paid nothing: the bank file leaves the row
///   out, and the batch says so as a warning (B0022) so finance is never surprised.
public enum PayrollGuard {
    /// The diagnostics for `results`; errors stop the run before anything is stored.
    ///   - adjustments: each cadre's rows of the rules' adjustments source, by 工号
    ///     (`MonthEvaluation.Outcome.adjustmentRows`).
    public static func check(_ results: MonthResults, roster: Roster, floor: Money, dataFolder: String,
                             adjustments: [String: [AdjustmentRow]] = [:]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let cadres = results.cadres
        guard !cadres.isEmpty else { return out }
        if cadres.allSatisfy({ $0.pay.net == .zero }) {
            out.append(Diagnostic(
                .error, code: "B0021", at: .file(path: dataFolder),
                summary: Localized(zh: "全部 \(cadres.count) 名干部的实发工资都是 0.00 元", en: "every one of the \(cadres.count) cadres' net pay is 0.00"),
                notes: [Localized(zh: "这通常是规则没有计算任何工资项目，或数据没有被读到。", en: "This usually means the rules compute no pay line, or no data was read.")],
                help: Localized(zh: "用 jifen check rules 检查规则，用 jifen explain 查看一名干部的计算过程；本次运行未保存，也未生成报表。",
                                en: "Check the rules with jifen check rules and one cadre's computation with jifen explain; nothing was stored or written.")))
            return out
        }
        var zero: [String] = []
        for c in cadres {
            let net = c.pay.net
            if net < floor {
                out.append(belowFloor(c, floor: floor, roster: roster, dataFolder: dataFolder, adjustments: adjustments[c.cadreID] ?? []))
            } else if net == .zero {
                zero.append(c.cadreID)
            }
        }
        if !zero.isEmpty, !out.hasErrors {
            let shown = zero.prefix(10).joined(separator: "、") + (zero.count > 10 ? " 等" : "")
            out.append(Diagnostic(
                .warning, code: "B0022", at: .file(path: dataFolder),
                summary: Localized(zh: "\(zero.count) 名干部本月实发 0.00 元，不列入银行代发：\(shown)",
                                   en: "\(zero.count) cadres are paid 0.00 this month and are left out of the bank file: \(shown)"),
                help: Localized(zh: "核对这些干部的花名册和本月记录；工资表中仍列出他们。",
                                en: "Check these cadres' roster rows and records; the payroll still lists them.")))
        }
        return out
    }

    /// With one bank file per bank (`jifen.json` `reports.banks`): every cadre paid this month
    /// must fall to a bank by the roster's 开户行 (B0040, one error per cadre at the roster's
    /// 开户行 cell), and the files' totals must add up to Σ 实发 (B0041). Either stops the run.
    public static func checkBanks(_ results: MonthResults, roster: Roster, banks: [BankFile]?, dataFolder: String) -> [Diagnostic] {
        guard let banks else { return [] }
        var out: [Diagnostic] = []
        var totals = Array(repeating: Money.zero, count: banks.count)
        let names = banks.map(\.name).joined(separator: "、")
        for c in results.cadres where c.pay.net > .zero {
            let cadre = roster.index(of: c.cadreID).map { roster.cadres[$0] }
            guard let b = BankFile.index(of: cadre?.bank, in: banks) else {
                let location: Location = cadre.map {
                    .row(path: $0.origin.path, line: $0.origin.line, column: nil, columnName: "开户行")
                } ?? .file(path: dataFolder)
                let bank = cadre?.bank ?? ""
                out.append(Diagnostic(
                    .error, code: "B0040", at: location,
                    summary: Localized(zh: "干部 \(c.cadreID) 的开户行“\(bank)”不属于任何一个银行代发文件（\(names)）",
                                       en: "cadre \(c.cadreID)'s bank '\(bank)' belongs to none of the bank files (\(names))"),
                    notes: [Localized(zh: "实发 \(c.pay.net) 元不能不进银行代发文件。", en: "A net pay of \(c.pay.net) cannot be left out of the bank files.")],
                    help: Localized(zh: "在花名册中填写开户行，或在 jifen.json 的 reports.banks 中为这家银行加一个 match（或加一个不写 match 的“其余”文件）；本次运行未保存，也未生成报表。",
                                    en: "Fill in the bank in the roster, or give this bank a match in jifen.json reports.banks (or add a catch-all bank without match); nothing was stored or written.")))
                continue
            }
            totals[b] = totals[b] + c.pay.net
        }
        guard !out.hasErrors else { return out }
        let sum = totals.reduce(Money.zero, +)
        if sum != results.net {
            let each = zip(banks, totals).map { "\($0.name) \($1)" }.joined(separator: "，")
            out.append(Diagnostic(
                .error, code: "B0041", at: .file(path: dataFolder),
                summary: Localized(zh: "各银行代发文件合计 \(sum) 元，不等于实发合计 \(results.net) 元", en: "the bank files total \(sum), not the net pay total \(results.net)"),
                notes: [Localized(zh: "各文件：\(each)", en: "files: \(each)")],
                help: Localized(zh: "这是程序的错误，请报告；本次运行未保存，也未生成报表。", en: "This is a fault in jifen; please report it. Nothing was stored or written.")))
        }
        return out
    }

    /// Adjustment rows a B0020 cites one by one; more are counted.
    static let maxAdjustmentRows = 10

    /// A reason as a note shows it: the first 40 characters.
    static func clip(_ s: String) -> String {
        s.count <= 40 ? s : String(s.prefix(40)) + "…"
    }

    static func belowFloor(_ c: CadreResult, floor: Money, roster: Roster, dataFolder: String, adjustments: [AdjustmentRow] = []) -> Diagnostic {
        let location: Location = roster.index(of: c.cadreID).map {
            let o = roster.cadres[$0].origin
            return .row(path: o.path, line: o.line, column: nil, columnName: nil)
        } ?? .file(path: dataFolder)
        var notes: [Localized] = [
            Localized(zh: "应发 \(c.pay.gross) 元，扣款 \(c.pay.deductions) 元，得分 \(c.score.total.shortDescription) 分",
                      en: "gross \(c.pay.gross), deductions \(c.pay.deductions), score \(c.score.total.shortDescription)"),
        ]
        // Score adjustments, with their reasons and the rows they came from.
        var cited: Set<String> = []
        for line in c.score.lines where line.kind == .adjustment && line.points != .zero {
            let rows = line.records.prefix(5).map { "\($0.file):\($0.line)" }
            cited.formUnion(line.records.map { "\($0.file):\($0.line)" })
            let refs = rows.joined(separator: "、")
            let reason = line.reason.map { "，原因：\(clip($0))" } ?? ""
            notes.append(Localized(zh: "调整“\(line.name)” \(line.points.shortDescription) 分\(refs.isEmpty ? "" : "（\(refs)）")\(reason)",
                                   en: "adjustment '\(line.name)' \(line.points.shortDescription) points\(refs.isEmpty ? "" : " (\(refs))")"))
        }
        // The other adjustment rows: amounts pay lines read (`合计（金额 来自 调整）`), which no
        // score line cites. Numbers only, never a row's text.
        let rest = adjustments.filter { !cited.contains($0.citation) }
        for row in rest.prefix(maxAdjustmentRows) {
            let zh = row.amounts.map { "\($0.field) \($0.value)" }.joined(separator: "，")
            let en = row.amounts.map { "\($0.field) \($0.value.replacingOccurrences(of: " 元", with: ""))" }.joined(separator: ", ")
            notes.append(Localized(zh: "调整记录 \(row.citation)\(zh.isEmpty ? "" : "：\(zh)")", en: "adjustment row \(row.citation)\(en.isEmpty ? "" : ": \(en)")"))
        }
        if rest.count > maxAdjustmentRows {
            notes.append(Localized(zh: "另有 \(rest.count - maxAdjustmentRows) 条调整记录", en: "\(rest.count - maxAdjustmentRows) more adjustment rows"))
        }
        let floorText = floor == .zero ? " 0 元" : "下限 \(floor) 元"
        return Diagnostic(
            .error, code: "B0020", at: location,
            summary: Localized(zh: "干部 \(c.cadreID) 的实发工资 \(c.pay.net) 元低于\(floorText)",
                               en: "cadre \(c.cadreID)'s net pay \(c.pay.net) is below \(floor == .zero ? "zero" : "the floor \(floor)")"),
            notes: notes,
            help: Localized(zh: "核对这名干部的调整和扣款（jifen explain … --cadre \(c.cadreID)）；确需扣回的款项由财务另行处理。本次运行未保存，也未生成银行代发文件。",
                            en: "Check this cadre's adjustments and deductions (jifen explain … --cadre \(c.cadreID)); money to recover is settled by finance separately. Nothing was stored and no bank file was written."))
    }
}
