import Exact
import Results
import Store

/// A cadre's year (年度考核), gathered once and rendered as HTML or JSON: the months the year
/// read with their scores and tiers, the annual score, tier and why, the year-end bonus and
/// its tax both ways with the one taken, and the objections of the annual 公示.
struct YearView: Sendable, Encodable {
    struct RunInfo: Sendable, Encodable {
        var id: Int64
        var year: Int
        var state: String
        var stateName: String
        var publishedAt: String?
        var objectionsUntil: String?
        var objectionsOpen: Bool
        /// A month the year read changed since: the result will be run again.
        var stale: Bool
        var staleReason: String?
    }

    var run: RunInfo
    var tierOrder: [String]
    /// The names of `result.months[].pay`, in order.
    var monthPayLines: [MonthPayLineName]
    var result: CadreYearResult
    var objections: [Objection]
    var references: [CadreView.Reference]

    /// Year runs a cadre sees: published for 公示 or closed. Staff also see drafts.
    static func visibleStates(for role: PortalRole) -> [YearRunState] {
        role == .staff ? [.draft, .published, .closed] : [.published, .closed]
    }

    static func references(_ r: CadreYearResult) -> [CadreView.Reference] {
        var refs = [CadreView.Reference(value: "year:tier", label: "年度等次（\(r.standing.tier)）")]
        if let s = r.score { refs.append(CadreView.Reference(value: "year:score", label: "年度得分（\(s.shortDescription) 分）")) }
        for m in r.months { refs.append(CadreView.Reference(value: "year:month:\(m.month)", label: "\(m.month.chineseDescription)（\(m.score.shortDescription) 分，\(m.tier)）")) }
        refs.append(CadreView.Reference(value: "year:months", label: "在岗月数（\(r.monthsInPost) 个月）"))
        for l in r.pay.lines { refs.append(CadreView.Reference(value: "year:pay:\(l.name)", label: "\(l.name)（\(l.amount.grouped) 元）")) }
        return refs
    }
}

extension PortalService {
    /// The cadre's year as the visitor may see it; nil when there is nothing visible (no year
    /// run, a draft for a cadre, or the cadre not in it).
    func yearView(cadreID: String, year: Int, for v: Visitor) throws -> YearView? {
        guard let run = try store.currentYearRun(year: year), YearView.visibleStates(for: v.user.role).contains(run.state),
              let result = try store.yearResult(yearRunID: run.id, cadreID: cadreID)
        else { return nil }
        let results = try store.yearResults(yearRunID: run.id)
        var open = false
        if run.state == .published, let until = run.objectionsUntil.flatMap(CivilDate.init(iso:)) { open = clock.chinaToday <= until }
        let info = YearView.RunInfo(id: run.id, year: year, state: run.state.rawValue, stateName: run.state.chineseName, publishedAt: run.publishedAt,
                                    objectionsUntil: run.objectionsUntil, objectionsOpen: open, stale: run.stale, staleReason: run.staleReason)
        return YearView(run: info, tierOrder: results.tierOrder, monthPayLines: results.monthPayLines, result: result,
                        objections: try store.objections(cadreID: cadreID).filter { $0.month == run.key },
                        references: YearView.references(result))
    }

    /// Records an objection to the cadre's year during the annual 公示.
    func objectYear(_ v: Visitor, cadreID: String, year: Int, reference: String?, reason: String?) throws -> Objection {
        guard v.user.role == .cadre, v.user.cadreID == cadreID else { throw Refusal.forbidden }
        guard let view = try yearView(cadreID: cadreID, year: year, for: v) else { throw Refusal.notFound }
        guard view.run.objectionsOpen else {
            throw Refusal.conflict(view.run.state == YearRunState.published.rawValue
                ? "年度公示期已于 \(view.run.objectionsUntil ?? "") 结束，不能再提出申诉。" : "本年度考核未在公示期，不能提出申诉。")
        }
        guard let reference, let ref = view.references.first(where: { $0.value == reference }) else {
            throw Refusal.badRequest("请选择申诉的项目。")
        }
        guard let reason = reason?.trimmingWhitespace, !reason.isEmpty else { throw Refusal.badRequest("请写明申诉理由。") }
        guard Self.fits(reason, characters: 1000) else { throw Refusal.badRequest("申诉理由不超过 1000 字（4000 字节）。") }
        let id: Int64
        do {
            id = try store.addYearObjection(yearRunID: view.run.id, cadreID: cadreID, reference: ref.value, referenceLabel: ref.label, reason: reason,
                                            at: clock.timestamp, limits: config.objectionLimits)
        } catch {
            if let r = Self.objectionLimitRefusal(error) { throw r }
            throw error
        }
        guard let o = try store.objection(id: id) else { throw Refusal.notFound }
        return o
    }

    /// The year of `month` when the visitor may see a year run of it with this cadre.
    func visibleYear(cadreID: String, month: YearMonth, for v: Visitor) throws -> Int? {
        guard let run = try store.currentYearRun(year: month.year), YearView.visibleStates(for: v.user.role).contains(run.state),
              try store.yearResult(yearRunID: run.id, cadreID: cadreID) != nil
        else { return nil }
        return month.year
    }
}

/// The cadre's year page.
enum YearPage {
    static func render(_ view: YearView, viewer: PortalUser, nav: HTML.Nav, message: String? = nil) -> String {
        let r = view.result
        let e = HTML.esc
        var b = ""
        if let message { b += "<p class=\"msg\">\(e(message))</p>" }
        if viewer.role == .staff { b += "<p class=\"msg\">工作人员查看（已记入审计日志）</p>" }
        if view.run.stale {
            b += "<p class=\"warn\" id=\"stale\">年度结果已过期：\(e(view.run.staleReason ?? ""))。将重新运行年度考核，以新结果为准。</p>"
        }
        b += "<section aria-labelledby=\"sum\"><h2 id=\"sum\">\(view.run.year) 年度考核 · \(e(r.name))</h2>"
        b += "<p class=\"muted\">\(e(r.community))\(r.grid.map { " · " + e($0) } ?? "") · \(e(r.post)) · 工号 \(e(r.cadreID))</p>"
        b += "<div class=\"kv\"><span>年度得分</span><span class=\"big\" id=\"year-score\">\(r.score.map { HTML.points($0) + " 分" } ?? "—")</span>"
        b += "<span>年度等次</span><strong id=\"year-tier\">\(e(r.standing.tier))</strong>"
        b += "<span>在岗月数</span><span id=\"months\">\(r.monthsInPost) 个月</span>"
        b += "<span>公示状态</span><span><span class=\"state\">\(e(view.run.stateName))</span>"
        if let until = view.run.objectionsUntil, view.run.state == YearRunState.published.rawValue {
            b += view.run.objectionsOpen ? " 申诉截止 \(e(until))" : " 申诉期已于 \(e(until)) 结束"
        }
        b += "</span></div>"
        if let text = r.scoreText { b += "<p>计算：\(e(text))</p>" }
        if !r.standing.reasons.isEmpty {
            b += "<ul class=\"records\" id=\"reasons\">" + r.standing.reasons.map { "<li>\(e(Explanation().reasonText($0)))</li>" }.joined() + "</ul>"
        }
        b += "</section>"

        // Months.
        b += "<section aria-labelledby=\"year-months\"><h2 id=\"year-months\">各月积分与等次</h2><div class=\"scroll\"><table><thead><tr><th>月份</th><th class=\"n\">积分</th><th>等次</th><th>一票否决</th>"
        for p in view.monthPayLines { b += "<th class=\"n\">\(e(p.name))（元）</th>" }
        b += "</tr></thead><tbody>"
        for m in r.months {
            b += "<tr><td><a href=\"/cadre/\(HTML.segment(r.cadreID))/\(m.month)\">\(e(m.month.chineseDescription))</a></td><td class=\"n\">\(HTML.points(m.score))</td>"
            b += "<td>\(e(m.tier))</td><td>\(e(m.vetoes.joined(separator: "、")))</td>"
            for a in m.pay { b += "<td class=\"n\">\(HTML.yuan(a))</td>" }
            b += "</tr>"
        }
        b += "</tbody></table></div></section>"

        // The bonus and its tax.
        b += "<section aria-labelledby=\"bonus\"><h2 id=\"bonus\">年终绩效奖</h2>"
        b += "<div class=\"scroll\"><table><thead><tr><th>项目</th><th class=\"n\">金额（元）</th></tr></thead><tbody>"
        for l in r.pay.lines {
            b += "<tr><td>\(e(l.name))\(l.citation.map { " <span class=\"muted\">依据 \(e($0))</span>" } ?? "")</td><td class=\"n\">\(HTML.yuan(l.amount))</td></tr>"
        }
        b += "<tr><td><strong>实发</strong></td><td class=\"n\"><strong id=\"year-net\">\(HTML.yuan(r.pay.net))</strong></td></tr></tbody></table></div>"
        for l in r.pay.lines {
            let trace = l.trace.rendered(.zh)
            if !trace.isEmpty { b += "<details><summary class=\"muted\">\(e(l.name)) 计算过程</summary><p class=\"muted\">\(e(trace).replacingOccurrences(of: "\n", with: "<br>"))</p></details>" }
        }
        for t in r.bonusTax {
            b += "<h3>\(e(t.line)) 个人所得税</h3><div class=\"kv\">"
            b += "<span>单独计税</span><span id=\"tax-separate\">\(t.separate.map { HTML.yuan($0) + " 元" } ?? "不适用")\(t.chosen == .separate ? "（采用）" : "")</span>"
            b += "<span>并入综合所得</span><span id=\"tax-merged\">\(t.merged.map { HTML.yuan($0) + " 元" } ?? "不适用")\(t.chosen == .merged ? "（采用）" : "")</span>"
            b += "</div><p id=\"tax-why\">\(e(t.why))</p>"
            for (name, trace) in [("单独计税", t.separateTrace), ("并入综合所得", t.mergedTrace)] {
                if let text = trace?.rendered(.zh), !text.isEmpty {
                    b += "<details><summary class=\"muted\">\(name) 计算过程</summary><p class=\"muted\">\(e(text).replacingOccurrences(of: "\n", with: "<br>"))</p></details>"
                }
            }
        }
        b += "</section>"

        // Objections.
        b += "<section aria-labelledby=\"objections\"><h2 id=\"objections\">年度申诉</h2>"
        if view.objections.isEmpty { b += "<p class=\"muted\">没有申诉。</p>" }
        for o in view.objections {
            b += "<div><p>\(e(o.referenceLabel)) <span class=\"state\">\(e(o.state.chineseName))</span></p><p>理由：\(e(o.reason))</p>"
            if let reply = o.reply { b += "<p>答复：\(e(reply))</p>" }
            b += "</div>"
        }
        if viewer.role == .cadre && view.run.objectionsOpen {
            b += "<form method=\"post\" action=\"/cadre/\(HTML.segment(r.cadreID))/year/\(view.run.year)/objections\">\(HTML.csrfField(nav.csrf))"
            b += "<label for=\"reference\">申诉的项目</label><select id=\"reference\" name=\"reference\" required><option value=\"\" selected disabled>请选择</option>"
            for ref in view.references { b += "<option value=\"\(e(ref.value))\">\(e(ref.label))</option>" }
            b += "</select><label for=\"reason\">理由</label><textarea id=\"reason\" name=\"reason\" rows=\"4\" maxlength=\"1000\" required></textarea>"
            b += "<button type=\"submit\">提交申诉</button></form>"
        } else if viewer.role == .cadre {
            b += "<p class=\"muted\">本年度考核不在申诉期内。</p>"
        }
        b += "</section>"
        return HTML.page(title: "\(view.run.year) 年度考核 \(r.name)", nav: nav, body: b)
    }
}
