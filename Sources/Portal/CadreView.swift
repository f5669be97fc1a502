import Exact
import Results
import Store

/// Everything a cadre's month page shows, gathered once and rendered as HTML or JSON.
struct CadreView: Sendable, Encodable {
    struct RunInfo: Sendable, Encodable {
        var id: Int64
        var month: String
        var state: String
        var stateName: String
        var publishedAt: String?
        var objectionsUntil: String?
        /// Whether the cadre may object now.
        var objectionsOpen: Bool
    }

    /// Something a cadre may object to: an item, a record, the tier or the pay.
    struct Reference: Sendable, Encodable, Hashable {
        var value: String
        var label: String
    }

    var run: RunInfo
    var result: CadreResult
    var history: [CadreMonth]
    var objections: [Objection]
    var references: [Reference]
    /// The cadre's own ID number, account and phone, masked; present only when the cadre
    /// themself is asking.
    var personal: MaskedPersonal?
    /// 补发/补扣 this month pays for corrected closed months (`paid`), and corrections of
    /// this month paid in a later one (`corrected`).
    var corrections: [CorrectionItem] = []
    /// The month's year when its 年度考核 is visible to the visitor with this cadre in it.
    var year: Int? = nil
    /// Why the cadre cannot raise another objection to this month although the window is
    /// open (`ObjectionLimits` reached); nil when they can, or the window is not open.
    var objectionLimit: String? = nil

    struct CorrectionItem: Sendable, Encodable {
        /// `paid` (this month pays it) or `corrected` (this month was corrected).
        var role: String
        var correctionID: Int64
        var sourceMonth: String
        var label: String
        var line: String
        /// What it does to net pay, in yuan to the 分 (positive: paid to the cadre).
        var amount: String
        var reason: String
        /// The month that pays it; nil while pending.
        var paidIn: String?
    }

    /// Months a cadre sees: published for 公示 or closed. Staff also see drafts.
    static func visibleStates(for role: PortalRole) -> [RunState] {
        role == .staff ? [.draft, .published, .closed] : [.published, .closed]
    }

    static func objectionsOpen(_ run: RunRecord, today: CivilDate) -> Bool {
        guard run.state == .published, let until = run.objectionsUntil.flatMap(CivilDate.init(iso:)) else { return false }
        return today <= until
    }

    static func references(_ r: CadreResult) -> [Reference] {
        var refs: [Reference] = []
        for line in r.score.lines where line.kind != .base {
            refs.append(Reference(value: "item:\(line.name)", label: "\(line.name)（\(HTML.signed(line.points)) 分）"))
            for rec in line.records {
                let date = rec.date.map { "\($0) " } ?? ""
                refs.append(Reference(value: "record:\(rec.file):\(rec.line)", label: "　\(line.name) · \(date)\(rec.summary)"))
            }
        }
        refs.append(Reference(value: "tier", label: "等次（\(r.standing.tier)）"))
        refs.append(Reference(value: "pay", label: "报酬计算"))
        return refs
    }
}

extension CivilDate {
    /// `2021-01-08`.
    init?(iso s: String) {
        let p = s.prefix(10).split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }
}

extension PortalService {
    /// The cadre's page for a month, as the visitor may see it; nil when there is nothing
    /// visible (no such month, a draft for a cadre, or the cadre not in that run).
    func cadreView(cadreID: String, month: YearMonth, for v: Visitor) throws -> CadreView? {
        guard let run = try store.currentRun(month: month), CadreView.visibleStates(for: v.user.role).contains(run.state),
              let result = try store.result(runID: run.id, cadreID: cadreID)
        else { return nil }
        let info = CadreView.RunInfo(
            id: run.id, month: month.description, state: run.state.rawValue, stateName: run.state.chineseName, publishedAt: run.publishedAt,
            objectionsUntil: run.objectionsUntil, objectionsOpen: CadreView.objectionsOpen(run, today: clock.chinaToday))
        return CadreView(
            run: info, result: result, history: try store.history(cadreID: cadreID, states: CadreView.visibleStates(for: v.user.role)),
            objections: try store.objections(cadreID: cadreID), references: CadreView.references(result),
            personal: v.user.role == .cadre && v.user.cadreID == cadreID ? rosterMasks.masked(store: store, run: run, cadreID: cadreID) : nil,
            corrections: try correctionItems(cadreID: cadreID, run: run), year: try visibleYear(cadreID: cadreID, month: month, for: v),
            objectionLimit: try objectionLimitReached(cadreID: cadreID, month: month, open: info.objectionsOpen))
    }

    /// What the cadre is told up front when `ObjectionLimits` refuses any further objection
    /// to the month (the store counts the same in the transaction that adds one).
    func objectionLimitReached(cadreID: String, month: YearMonth, open window: Bool) throws -> String? {
        guard window else { return nil }
        let mine = try store.objections(cadreID: cadreID).filter { $0.month == month.description }
        let limits = config.objectionLimits
        let open = mine.filter { $0.state == .open }.count
        if open >= limits.open { return Self.objectionLimitRefusal(.tooManyObjections(open: true, limit: limits.open))?.message }
        if mine.count >= limits.total { return Self.objectionLimitRefusal(.tooManyObjections(open: false, limit: limits.total))?.message }
        return nil
    }

    func correctionItems(cadreID: String, run: RunRecord) throws -> [CadreView.CorrectionItem] {
        func item(_ role: String, _ c: StoredCorrection, _ l: CorrectionLine) -> CadreView.CorrectionItem {
            CadreView.CorrectionItem(role: role, correctionID: c.id, sourceMonth: c.month.description, label: l.label(month: c.month), line: l.line,
                                     amount: (l.netEffect.fen >= 0 ? "+" : "") + HTML.yuan(l.netEffect), reason: c.reason, paidIn: c.carriedIn?.description)
        }
        var out: [CadreView.CorrectionItem] = []
        for c in try store.corrections(carriedBy: run.id) { for l in c.lines where l.cadreID == cadreID { out.append(item("paid", c, l)) } }
        for c in try store.corrections(month: run.month) { for l in c.lines where l.cadreID == cadreID { out.append(item("corrected", c, l)) } }
        return out
    }

    /// The latest month the visitor may see of this cadre.
    func latestMonth(cadreID: String, for v: Visitor) throws -> YearMonth? {
        try store.history(cadreID: cadreID, states: CadreView.visibleStates(for: v.user.role)).last?.month
    }

    /// Audits a staff member's view of someone's page (a cadre's own views are not audited).
    func auditView(_ v: Visitor, cadreID: String, month: YearMonth?, runID: Int64?, api: Bool) throws {
        guard v.user.role != .cadre else { return }
        try store.audit(at: clock.timestamp, actor: v.actor, action: "view-cadre", month: month, runID: runID, detail: cadreID + (api ? " (api)" : ""))
    }

    /// Records an objection after checking the window and the reference.
    func object(_ v: Visitor, cadreID: String, month: YearMonth, reference: String?, reason: String?) throws -> Objection {
        guard v.user.role == .cadre, v.user.cadreID == cadreID else { throw Refusal.forbidden }
        guard let view = try cadreView(cadreID: cadreID, month: month, for: v) else { throw Refusal.notFound }
        guard view.run.objectionsOpen else {
            throw Refusal.conflict(view.run.state == RunState.published.rawValue
                ? "公示期已于 \(view.run.objectionsUntil ?? "") 结束，不能再提出申诉。" : "本月未在公示期，不能提出申诉。")
        }
        guard let reference, let ref = view.references.first(where: { $0.value == reference }) else {
            throw Refusal.badRequest("请选择申诉的项目或记录。")
        }
        guard let reason = reason?.trimmingWhitespace, !reason.isEmpty else { throw Refusal.badRequest("请写明申诉理由。") }
        guard Self.fits(reason, characters: 1000) else { throw Refusal.badRequest("申诉理由不超过 1000 字（4000 字节）。") }
        let id: Int64
        do {
            id = try store.addObjection(
                NewObjection(runID: view.run.id, month: month, cadreID: cadreID, reference: ref.value, referenceLabel: ref.label.trimmingWhitespace, reason: reason),
                at: clock.timestamp, limits: config.objectionLimits)
        } catch {
            if let r = Self.objectionLimitRefusal(error) { throw r }
            throw error
        }
        guard let o = try store.objection(id: id) else { throw Refusal.notFound }
        return o
    }
}
