import Diagnostics
import Exact
import Records
import Reports
import Results
import Store

/// Corrections of closed months carried into a later month's run as rows of the rules'
/// corrections source (`数据源 补发补扣`): typed rows scored as rows of that source, cited
/// as `补发补扣.csv`, whose canonical serialization is stored with the run's inputs, like
/// accepted objections' `申诉调整.csv`.
///
/// One row per pay line that changed, per cadre on the month's roster: `工号`, `来源月份`
/// (2021-05), `项目` (the pay line, 夜班补贴), `类别` (应发 or 扣款), `金额` (corrected minus
/// paid, in the line's own sense), `名称` (补发 2021年5月 夜班补贴), `原因` and `更正`
/// (更正#3): whichever of these columns the source declares. The rules say what is paid
/// with pay lines over the source (docs/corrections.md). A cadre not on the roster gets no
/// row: their lines are listed on the 补发名单 (`leavers`).
public enum CorrectionCarry {
    public static let fileName = "补发补扣.csv"

    public struct Prepared: Sendable {
        /// The rows the run scores.
        public var rows: TypedRows
        /// `补发补扣.csv`, the rows' canonical serialization, held in memory: what the run
        /// stores as an input.
        public var file: InputSet.File
        /// The corrections carried (all of them: a leaver's lines are carried on the 补发名单).
        public var corrections: [StoredCorrection]
        /// Lines of cadres not on the month's roster, with their correction.
        public var leavers: [(correction: StoredCorrection, line: CorrectionLine)]
        /// Lines carried in the file, with their correction.
        public var carried: [(correction: StoredCorrection, line: CorrectionLine)]
    }

    public static func prepare(_ corrections: [StoredCorrection], schema: SourceSchema, roster: Set<String>) -> Prepared {
        var rows: [TypedRows.Row] = []
        var leavers: [(StoredCorrection, CorrectionLine)] = []
        var carried: [(StoredCorrection, CorrectionLine)] = []
        let declared = Set(schema.fields.map(\.name))
        for c in corrections {
            for l in c.lines {
                guard roster.contains(l.cadreID) else {
                    leavers.append((c, l))
                    continue
                }
                carried.append((c, l))
                var row = TypedRows.Row()
                row[schema.cadreField ?? "工号"] = .text(l.cadreID)
                let values: [(String, TypedRows.Value)] = [
                    ("来源月份", .text(c.month.description)), ("项目", .text(l.line)), ("类别", .text(l.kind.rawValue)),
                    ("金额", .money(l.amount)), ("名称", .text(l.label(month: c.month))), ("原因", .text(c.reason)),
                    ("更正", .text("更正#\(c.id)")),
                ]
                for (field, value) in values where declared.contains(field) { row[field] = value }
                rows.append(row)
            }
        }
        var text = schema.fields.map { StoredAdjustments.quote($0.name) }.joined(separator: ",") + "\n"
        for row in rows {
            text += schema.fields.map { StoredAdjustments.quote(row[$0.name]?.cellText ?? "") }.joined(separator: ",") + "\n"
        }
        let bytes = Array(text.utf8)
        return Prepared(rows: TypedRows(name: fileName, rows: rows, format: .csv(.utf8), byteCount: bytes.count),
                        file: InputSet.File(path: fileName, bytes: bytes), corrections: corrections, leavers: leavers, carried: carried)
    }

    /// Pending corrections but no corrections source in the rules: the run stops (B0030).
    static func noSource(_ month: YearMonth, count: Int) -> Diagnostic {
        Diagnostic(.error, code: "B0050", at: .file(path: fileName),
                   summary: Localized(zh: "有 \(count) 条已关账月份的更正待在\(month.chineseDescription)补发或补扣，但规则没有声明补发补扣数据源",
                                      en: "\(count) correction(s) of closed months are due in \(month), but the rules declare no corrections source"),
                   help: Localized(zh: "在规则中声明“数据源 补发补扣”和汇总它的工资项目（docs/corrections.md）。",
                                   en: "Declare a corrections source (数据源 补发补扣) and pay lines that sum it (docs/corrections.md)."))
    }
}

extension CorrectionCarry {
    /// A cadre's lines among corrections, with their correction.
    public static func lines(of cadreID: String, in corrections: [StoredCorrection]) -> [(correction: StoredCorrection, line: CorrectionLine)] {
        corrections.flatMap { c in c.lines.filter { $0.cadreID == cadreID }.map { (c, $0) } }
    }

    /// The 补发/补扣 a month pays one cadre, with source month and reason, as explanations
    /// and the portal show it; "" when there are none.
    public static func explanation(cadreID: String, corrections: [StoredCorrection], english: Bool = false) -> String {
        let mine = lines(of: cadreID, in: corrections)
        guard !mine.isEmpty else { return "" }
        var s = english
            ? "Corrections of closed months paid this month (补发/补扣; income tax withheld cumulatively this month)\n"
            : "补发补扣（已关账月份的更正，在本月支付；个人所得税在本月按累计预扣法计算）\n"
        for (c, l) in mine {
            let sign = l.netEffect.fen >= 0 ? "+" : ""
            s += english
                ? "  \(l.label(month: c.month))  \(sign)\(l.netEffect.grouped)  reason: \(c.reason) (correction #\(c.id), correction run #\(c.runID) against run #\(c.baseRunID))\n"
                : "  \(l.label(month: c.month))  \(sign)\(l.netEffect.grouped) 元  原因：\(c.reason)（更正 #\(c.id)，更正运行 #\(c.runID) 对比运行 #\(c.baseRunID)）\n"
        }
        let net = mine.reduce(Money.zero) { $0 + $1.line.netEffect }
        s += english ? "  net \(net.fen >= 0 ? "+" : "")\(net.grouped)\n" : "  合计 \(net.fen >= 0 ? "+" : "")\(net.grouped) 元\n"
        return s
    }

    /// The corrections a month's run carries, or would carry were it run now: those its
    /// current run carried, else the pending ones.
    public static func forMonth(store: RunStore, month: YearMonth) throws(StoreError) -> [StoredCorrection] {
        if let current = try store.currentRun(month: month), current.state == .closed {
            return try store.corrections(carriedBy: current.id)
        }
        return try store.pendingCorrections(payingMonth: month)
    }
}

extension CorrectionCarry {
    /// Where finance pays the leavers on the 补发名单: each one's bank and account from the
    /// roster the correction run read (the corrected month's, when the cadre was still in
    /// post), the latest correction first. A roster that cannot be read leaves the account
    /// blank on the list, which says to check it.
    public static func leaverPayees(store: any RunStoring, report: CorrectionReport, corrections: [StoredCorrection]) -> [String: Payee] {
        var wanted = Set(report.leavers.map(\.cadreID))
        var out: [String: Payee] = [:]
        for c in corrections.sorted(by: { $0.id > $1.id }) where !wanted.isEmpty {
            for runID in [c.runID, c.closedRunID] where !wanted.isEmpty {
                guard let run = try? store.run(id: runID), let files = try? StoredInputs.roster(store: store, run: run), !files.isEmpty else { continue }
                let (roster, _) = RosterReader(month: run.month).read(files: files)
                for cadre in roster.cadres where wanted.contains(cadre.id) {
                    out[cadre.id] = Payee(cadreID: cadre.id, idNumber: cadre.idNumber, bankAccount: cadre.bankAccount, accountName: cadre.name,
                                          bank: cadre.bank, phone: cadre.phone)
                    wanted.remove(cadre.id)
                }
            }
        }
        return out
    }

    /// The carried corrections as the reports show them.
    public static func report(_ p: Prepared) -> CorrectionReport {
        func note(_ c: StoredCorrection, _ l: CorrectionLine) -> CorrectionReport.Note {
            CorrectionReport.Note(cadreID: l.cadreID, name: l.name, label: l.label(month: c.month), amount: l.netEffect, reason: c.reason,
                                  correctionID: c.id, sourceMonth: c.month)
        }
        return CorrectionReport(notes: p.carried.map(note), leavers: p.leavers.map(note))
    }

    /// The corrections a stored run carried, as the reports show them (`jifen report --run`):
    /// cadres not in its results are the leavers.
    public static func report(_ corrections: [StoredCorrection], cadres: Set<String>) -> CorrectionReport? {
        guard !corrections.isEmpty else { return nil }
        var notes: [CorrectionReport.Note] = [], leavers: [CorrectionReport.Note] = []
        for c in corrections {
            for l in c.lines {
                let n = CorrectionReport.Note(cadreID: l.cadreID, name: l.name, label: l.label(month: c.month), amount: l.netEffect, reason: c.reason,
                                              correctionID: c.id, sourceMonth: c.month)
                if cadres.contains(l.cadreID) { notes.append(n) } else { leavers.append(n) }
            }
        }
        return CorrectionReport(notes: notes, leavers: leavers)
    }
}

extension CorrectionCarry {
    /// The reconciliation of the corrections a run carries (`RunSummary.Corrections`).
    public static func totals(_ p: Prepared, results: MonthResults, paying: [(name: String, isEarning: Bool)]) -> RunSummary.Corrections {
        let due = p.corrections.reduce(Money.zero) { $0 + $1.netEffect }
        let carried = p.carried.reduce(Money.zero) { $0 + $1.line.netEffect }
        let leavers = p.leavers.reduce(Money.zero) { $0 + $1.line.netEffect }
        var paid = Money.zero
        for c in results.cadres {
            for line in paying {
                let a = c.pay.amount(of: line.name) ?? .zero
                paid = line.isEarning ? paid + a : paid - a
            }
        }
        return RunSummary.Corrections(count: p.corrections.count, due: due, carried: carried, leavers: leavers, paid: paid)
    }

    /// The rules pay less or more of the corrections than the source holds (B0053): a
    /// warning, since the rules may choose to carry some lines only.
    static func unpaid(_ t: RunSummary.Corrections, month: YearMonth) -> Diagnostic {
        Diagnostic(.warning, code: "B0053", at: .file(path: fileName),
                   summary: Localized(zh: "\(month.chineseDescription)计入的补发补扣合计 \(t.carried.grouped) 元，规则的工资项目只支付了 \(t.paid.grouped) 元",
                                      en: "\(month) carries corrections of \(t.carried.grouped), but the rules' pay lines pay \(t.paid.grouped)"),
                   help: Localized(zh: "检查汇总补发补扣数据源的工资项目（docs/corrections.md）：每一行都应由某个应发项或扣款项支付。",
                                   en: "Check the pay lines over the corrections source: every row should be paid by one."))
    }
}
