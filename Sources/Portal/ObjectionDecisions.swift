import Batch
import Exact
import Foundation
import HTTPTypes
import Hummingbird
import RulesLanguage
import Store

/// What staff submit when they decide an objection, from the form or the API.
struct DecisionInput: Sendable {
    /// `adjustment`, `dataFix` or `rejected`.
    var decision: String?
    var reply: String?
    /// Points as written (`+2`, `-1.5`), for an adjustment.
    var points: String?
    /// An amount in 元 as written (`-200`, `150.50`), for an adjustment.
    var amount: String?
    /// The adjustment's reason.
    var reason: String?
    /// For a data fix: which file and record will be corrected.
    var dataFix: String?
}

/// The values an adjustment may take under the rules in force: points and/or an amount, each
/// only when the rules use it, within the limits the rules state.
struct AdjustmentSupport: Sendable, Equatable {
    var points: Bool
    var amount: Bool
    /// Decimal places the points column takes.
    var pointsScale: Int
    /// The largest magnitude of one adjustment (调整分值上限, 调整金额上限); without a stated
    /// limit, `AdjustmentLimits`' defaults (20 points, 2,000.00 元).
    var pointsLimit: Fixed = AdjustmentLimits.defaultPoints
    var amountLimit: Money = Money(AdjustmentLimits.defaultAmount, .halfUp) ?? Money(fen: 200_000)
    var pointsLimitStated = false
    var amountLimitStated = false
    /// The rules' limits with the defaults where they state none, for the review lines.
    var limits = AdjustmentLimits().withDefaults
}

extension PortalService {
    /// Decides an open objection: rejects it, or accepts it with an adjustment of the month
    /// or with a data fix. Every refusal says why in words staff can act on.
    func decide(_ v: Visitor, objectionID: Int64, _ input: DecisionInput) throws {
        guard let objection = try store.objection(id: objectionID) else { throw Refusal.notFound }
        guard objection.state == .open else { throw Refusal.conflict("该申诉已处理。") }
        let decision = input.decision ?? ""
        guard ["adjustment", "dataFix", "rejected"].contains(decision) else {
            throw Refusal.badRequest(decision == "accepted"
                ? "采纳时请选择处理方式：调整积分或金额，或更正源数据。" : "请选择：采纳并调整、采纳并更正数据，或不采纳。")
        }
        guard let reply = input.reply?.trimmingWhitespace, !reply.isEmpty else { throw Refusal.badRequest("请写明答复。") }
        guard Self.fits(reply, characters: 1000) else { throw Refusal.badRequest("答复不超过 1000 字（4000 字节）。") }
        let at = clock.timestamp
        do {
            switch decision {
            case "rejected":
                try store.decideObjection(id: objectionID, state: .rejected, reply: reply, actor: v.actor, at: at)
            case "dataFix":
                guard let target = input.dataFix.map(Self.oneLine), !target.isEmpty else {
                    throw Refusal.badRequest("请写明要更正的数据文件和记录，如“duty.csv 第 12 行”。")
                }
                guard Self.fits(target, characters: 200) else { throw Refusal.badRequest("更正的文件和记录不超过 200 字。") }
                try store.acceptObjection(id: objectionID, .dataFix(target), reply: reply, actor: v.actor, at: at)
            default:
                if objection.yearRunID != nil {
                    throw Refusal.badRequest("年度申诉不能以调整采纳：年度结果由各月结果计算。请以“更正数据”采纳，更正相关月份（jifen batch correct）后重新运行年度考核。")
                }
                let month = YearMonth(objection.month)
                let adjustment = try adjustment(input, approver: v.user.displayName.isEmpty ? v.actor : v.user.displayName, month: month)
                let limits = try adjustmentSupport(month: month)?.limits
                // The review line bounds the cadre's month, not each adjustment: one staff
                // member accepting ten objections at the line each would otherwise add ten
                // times the line alone. The total read and the acceptance stored under one
                // lock, so that two decisions of this process cannot both read the old total.
                try Self.decisionLock.withLock {
                    var review = false
                    if case .adjustment(let p, let a, _, _) = adjustment, let limits, let month {
                        let earlier = try store.adjustments(month: month).filter { $0.cadreID == objection.cadreID }
                        review = Self.needsSecondApproval(points: p, amount: a, earlier: earlier, limits: limits)
                    }
                    try store.acceptObjection(id: objectionID, adjustment, reply: reply, actor: v.actor, at: at, needsSecondApproval: review)
                }
            }
        } catch let e as PortalStoreError {
            switch e {
            case .objectionNotFound: throw Refusal.notFound
            case .objectionNotOpen: throw Refusal.conflict("该申诉已处理。")
            case .monthClosed(let m):
                throw Refusal.conflict("\(YearMonth(m)?.chineseDescription ?? m)已关账，不能再调整。确需更正时，先用 jifen batch reopen --month \(m) --reason \"原因\" 重新打开。")
            default: throw e
            }
        }
    }

    /// Serialises the review-line check of an adjustment with its storing (`decide`).
    static let decisionLock = NSLock()

    /// Whether an adjustment of `points` and `amount` needs a second staff member: when the
    /// cadre's adjustments of the month — `earlier` (every one accepted, awaiting approval
    /// or not) and this one — add up, each by its magnitude, to more than the review line;
    /// points and amounts each against their own line, a kind counted only when this
    /// adjustment carries it. Magnitudes, so that a -5 awaiting approval cannot make room for
    /// a +5 (or a deduction) no second person approved.
    static func needsSecondApproval(points: Fixed?, amount: Money?, earlier: [ObjectionAdjustment], limits: AdjustmentLimits) -> Bool {
        func magnitude(_ f: Fixed) -> Fixed { f.isNegative ? f.negated() : f }
        var pointsTotal: Fixed? = nil
        if let points {
            var sum: Fixed? = magnitude(points)
            for e in earlier { if let p = e.points { sum = sum?.adding(magnitude(p)) } }
            // A sum beyond exact numbers is above any line.
            guard let exact = sum else { return true }
            pointsTotal = exact
        }
        var amountTotal: Fixed? = nil
        if let amount {
            var fen = amount.fen.magnitude
            for e in earlier {
                guard let a = e.amount else { continue }
                let (sum, overflow) = fen.addingReportingOverflow(a.fen.magnitude)
                if overflow { return true }
                fen = sum
            }
            guard fen <= UInt64(Int64.max) else { return true }
            amountTotal = Money(fen: Int64(fen)).fixed
        }
        return limits.needsSecondApproval(points: pointsTotal, amountUnits: amountTotal)
    }

    /// Reads and checks an adjustment against the rules' adjustments source.
    func adjustment(_ input: DecisionInput, approver: String, month: YearMonth? = nil) throws -> Acceptance {
        guard let support = try adjustmentSupport(month: month) else {
            throw Refusal.conflict("规则没有声明调整数据源，不能以调整方式采纳；请选择“采纳并更正数据”，或先在规则中声明“数据源 调整”。")
        }
        let pointsText = input.points.map { TextNormalizer.normalize($0).trimmingWhitespace } ?? ""
        let amountText = input.amount.map { TextNormalizer.normalize($0).trimmingWhitespace } ?? ""
        var points: Fixed? = nil
        var amount: Money? = nil
        if !pointsText.isEmpty {
            guard support.points else { throw Refusal.badRequest("规则不按调整的“分值”计分，不能调整积分。") }
            guard let p = Fixed(pointsText), !pointsText.contains(",") else {
                throw Refusal.badRequest("分值“\(Self.short(pointsText))”不是数字，应写成 +2 或 -1.5。")
            }
            guard !p.isZero else { throw Refusal.badRequest("分值不能为 0。") }
            guard p.normalized.scale <= support.pointsScale else { throw Refusal.badRequest("分值最多 \(support.pointsScale) 位小数。") }
            guard (p.isNegative ? p.negated() : p) <= support.pointsLimit else {
                let limit = support.pointsLimit.shortDescription
                throw Refusal.badRequest(support.pointsLimitStated
                    ? "分值应在 -\(limit) 到 +\(limit) 之间（规则“调整分值上限”）；超出时请更正源数据后重新计算。"
                    : "分值应在 -\(limit) 到 +\(limit) 之间（规则没有写“调整分值上限”，按默认上限）；超出时请更正源数据后重新计算。")
            }
            points = p
        }
        if !amountText.isEmpty {
            guard support.amount else { throw Refusal.badRequest("规则没有使用调整“金额”的工资项目，不能调整金额；请调整分值。") }
            guard let m = Money(amountText), !amountText.contains(",") else {
                throw Refusal.badRequest("金额“\(Self.short(amountText))”应写成元，最多两位小数，如 -200 或 150.50。")
            }
            guard m != .zero else { throw Refusal.badRequest("金额不能为 0。") }
            guard m.fen.magnitude <= support.amountLimit.fen.magnitude else {
                let limit = support.amountLimit.grouped
                throw Refusal.badRequest(support.amountLimitStated
                    ? "金额应在 -\(limit) 到 \(limit) 元之间（规则“调整金额上限”）。"
                    : "金额应在 -\(limit) 到 \(limit) 元之间（规则没有写“调整金额上限”，按默认上限）。")
            }
            amount = m
        }
        guard points != nil || amount != nil else {
            throw Refusal.badRequest(support.amount ? "请填写调整的分值或金额。" : "请填写调整的分值。")
        }
        guard let reason = input.reason.map(Self.oneLine), !reason.isEmpty else { throw Refusal.badRequest("请写明调整原因。") }
        guard Self.fits(reason, characters: 200) else { throw Refusal.badRequest("调整原因不超过 200 字。") }
        return .adjustment(points: points, amount: amount, reason: reason, approver: approver)
    }

    /// What an adjustment of `month` may hold under the configured rules (limits as in force
    /// that month; the latest when nil); nil when they declare no adjustments source, use no
    /// adjustment value, or the portal has no rules.
    func adjustmentSupport(month: YearMonth? = nil) throws -> AdjustmentSupport? {
        guard let batch = config.batch else { return nil }
        let loaded: LoadedRules
        do {
            loaded = try LoadedRules.load(directory: batch.rulesFolder)
        } catch {
            throw Refusal.conflict("无法读取规则文件夹，不能核对调整。")
        }
        guard !loaded.hasErrors else { throw Refusal.conflict("规则有错误（用 jifen check 查看），不能核对调整。") }
        guard let schema = StoredAdjustments.source(loaded.rules)?.schema else { return nil }
        let can = StoredAdjustments.supports(loaded.rules)
        guard can.points || can.amount else { return nil }
        let scale = schema.fieldIndex("分值").map { schema.fields[$0].type.scale } ?? 0
        var support = AdjustmentSupport(points: can.points, amount: can.amount, pointsScale: scale)
        let limits = loaded.rules.adjustmentLimits(in: month ?? YearMonth(year: 9999, month: 12)!)
        // Rules that say nothing get the defaults: a cap far below what would rewrite a
        // month, and a second approver above one record's worth.
        support.limits = limits.withDefaults
        if let p = limits.points { support.pointsLimit = p; support.pointsLimitStated = true }
        if let a = limits.amount, let m = Money(a, .halfUp) { support.amountLimit = m; support.amountLimitStated = true }
        return support
    }

    /// Free text for a CSV cell and a single line in the reports: line breaks become spaces.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ").trimmingWhitespace
    }

    /// A value quoted back in a message, shortened.
    static func short(_ s: String) -> String { s.count > 20 ? String(s.prefix(20)) + "…" : s }
}

extension PortalService {
    /// A second staff member approves an adjustment above the review line; refusals say why.
    func approveAdjustment(_ v: Visitor, adjustmentID: Int64) throws {
        do throws(PortalStoreError) {
            try store.approveAdjustment(id: adjustmentID, actor: v.actor, displayName: v.user.displayName.isEmpty ? v.actor : v.user.displayName,
                                        at: clock.timestamp)
        } catch {
            switch error {
            case .adjustmentNotFound: throw Refusal.notFound
            case .adjustmentNotAwaiting: throw Refusal.conflict("该调整不需要复核，或已复核。")
            case .sameApprover: throw Refusal.conflict("采纳调整的工作人员不能复核自己的调整，请由另一名工作人员复核。")
            case .monthClosed(let m): throw Refusal.conflict("\(YearMonth(m)?.chineseDescription ?? m)已关账，不能再复核调整。")
            default: throw error
            }
        }
    }
}

extension PortalService {
    /// The objections queue page, with a message and what staff typed when a decision was
    /// refused.
    func objectionsPage(_ v: Visitor, message: String? = nil, draft: (id: Int64, input: DecisionInput)? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let all = try store.objections(state: nil)
        let open = all.filter { $0.state == .open }
        // Rules are read only when there is something to decide.
        let support: AdjustmentSupport? = open.isEmpty ? nil : ((try? adjustmentSupport()) ?? nil)
        return Self.html(StaffPages.objections(
            open: open, decided: all.filter { $0.state != .open }, support: support, awaiting: try store.adjustmentsAwaitingApproval(), actor: v.actor,
            approver: v.user.displayName.isEmpty ? v.actor : v.user.displayName, nav: nav(v), message: message, draft: draft), status: status)
    }

    /// What the queue says after a decision.
    func decidedMessage(_ id: Int64) throws -> String? {
        guard let o = try store.objection(id: id), o.state != .open else { return nil }
        switch (o.state, o.resolution) {
        case (.accepted, .adjustment?):
            let month = YearMonth(o.month)?.chineseDescription ?? o.month
            if o.adjustment?.awaitingApproval == true {
                return "已采纳申诉 #\(o.id)，调整超过规则的复核线，须另一名工作人员在本页“待复核的调整”中复核通过后，重新计算\(month)才计入。"
            }
            return "已采纳申诉 #\(o.id)，调整已保存；在\(month)运行页面点“重新计算”后计入结果。"
        case (.accepted, .dataFix?):
            return "已采纳申诉 #\(o.id)：请更正“\(o.dataFix ?? "")”，再重新计算本月。"
        default:
            return "已处理申诉 #\(o.id)。"
        }
    }
}
