import Exact
import Results
import Store

/// The cadre's month page: score and tier first, then every item with its records, the
/// pay slip, the chart over months, the 公示 status and the objections.
enum CadrePage {
    /// An objection the server refused, as the cadre typed it: shown again with the reason.
    struct Draft: Sendable {
        var reference: String?
        var reason: String?
        /// Why it was refused.
        var refusal: String
    }

    static func render(_ view: CadreView, viewer: PortalUser, nav: HTML.Nav, message: String? = nil, draft: Draft? = nil) -> String {
        let r = view.result
        let e = HTML.esc
        let month = YearMonth(view.run.month)!
        var b = ""
        if let message { b += "<p class=\"msg\">\(e(message))</p>" }
        if draft != nil { b += "<p class=\"warn\"><a href=\"#objections\">申诉未提交，原因和您填写的内容见下方“申诉”。</a></p>" }
        if viewer.role == .staff { b += "<p class=\"msg\">工作人员查看（已记入审计日志）</p>" }

        // Summary.
        b += "<section aria-labelledby=\"sum\"><h2 id=\"sum\">\(e(month.chineseDescription)) · \(e(r.name))</h2>"
        b += "<p class=\"muted\">\(e(r.community))\(r.grid.map { " · " + e($0) } ?? "") · \(e(r.post)) · 工号 \(e(r.cadreID))</p>"
        b += "<div class=\"kv\"><span>总分</span><span class=\"big\" id=\"total\">\(HTML.points(r.score.total)) 分</span>"
        b += "<span>等次</span><strong id=\"tier\">\(e(r.standing.tier))</strong>"
        b += r.standing.rank == 0
            ? "<span>社区排名</span><span>\(e(r.standing.group))，按规定不参加排名</span>"
            : "<span>社区排名</span><span>\(e(r.standing.group))第 \(r.standing.rank) 名，共 \(r.standing.groupSize) 人</span>"
        b += "<span>实发金额</span><strong id=\"net\">\(HTML.yuan(r.pay.net)) 元</strong>"
        b += "<span>公示状态</span><span><span class=\"state\">\(e(view.run.stateName))</span>"
        if let until = view.run.objectionsUntil, view.run.state == RunState.published.rawValue {
            b += view.run.objectionsOpen ? " 申诉截止 \(e(until))" : " 申诉期已于 \(e(until)) 结束"
        }
        b += "</span>"
        if let p = view.personal {
            b += "<span>身份证号</span><span id=\"id-number\">\(e(p.idNumber))</span>"
            b += "<span>工资账户</span><span id=\"account\">\(p.bank.map { e($0) + " " } ?? "")\(e(p.bankAccount))</span>"
        }
        b += "</div>"
        if let year = view.year {
            b += "<p><a id=\"year-link\" href=\"/cadre/\(HTML.segment(r.cadreID))/year/\(year)\">\(year) 年度考核</a></p>"
        }
        if !r.standing.reasons.isEmpty {
            b += "<ul class=\"records\">" + r.standing.reasons.map { "<li>\(e(Explanation().reasonText($0)))</li>" }.joined() + "</ul>"
        }
        b += "</section>"

        // Score lines.
        b += "<section aria-labelledby=\"items\"><h2 id=\"items\">得分明细</h2>"
        // Items with nothing this month are named once at the end, not given a heading each.
        let empty = r.score.lines.filter { $0.kind != .base && $0.points == .zero && $0.raw == .zero && $0.records.isEmpty && $0.clips.isEmpty && ($0.reason ?? "").isEmpty }
        for line in r.score.lines where !empty.contains(line) {
            b += "<h3>\(e(line.name)) <span class=\"n\">\(HTML.signed(line.points)) 分</span></h3>"
            var notes: [String] = []
            if let c = line.citation { notes.append("依据 \(e(c))") }
            if line.clipped != .zero && line.kind != .bound { notes.append("原始 \(HTML.signed(line.raw)) 分") }
            if !notes.isEmpty { b += "<p class=\"muted\">\(notes.joined(separator: " · "))</p>" }
            for clip in line.clips { b += "<p class=\"warn\">\(e(Explanation().clipText(clip, line.kind)))</p>" }
            if line.kind == .adjustment || line.kind == .deduction, let reason = line.reason, !reason.isEmpty {
                b += "<p>原因：\(e(reason))\(line.approvedBy.map { "（批准：\(e($0))）" } ?? "")</p>"
            }
            // An item counted as a whole (计 天数（日期） × 0.5 分): how, not "+0" per record.
            if let counting = line.counting { b += "<p>计：\(e(counting))</p>" }
            if !line.records.isEmpty {
                b += "<ul class=\"records\">"
                for rec in line.records {
                    let pts = line.kind == .deduction ? rec.points.negated() : rec.points
                    let shown = line.counting == nil ? "<strong>\(HTML.signed(pts))</strong> " : ""
                    b += "<li>\(rec.date.map { e($0.description) + " " } ?? "")\(e(rec.summary)) \(shown)<span class=\"muted\">\(e(rec.file)) 第 \(rec.line) 行</span></li>"
                }
                b += "</ul>"
            }
        }
        if !empty.isEmpty {
            b += "<p class=\"muted\">本月无记录：\(empty.map { e($0.name) }.joined(separator: "、"))</p>"
        }
        b += "</section>"

        // Pay slip.
        b += "<section aria-labelledby=\"pay\"><h2 id=\"pay\">工资条</h2><div class=\"scroll\"><table><thead><tr><th>项目</th><th class=\"nw\">类别</th><th class=\"n\">金额（元）</th></tr></thead><tbody>"
        for line in r.pay.lines {
            let kind = switch line.kind { case .earning: "应发"; case .deduction: "扣款"; case .info: "计算" }
            b += "<tr><td>\(e(line.name))\(line.citation.map { "<br><span class=\"muted\">依据 \(e($0))</span>" } ?? "")"
            let trace = line.trace.rendered(.zh)
            if !trace.isEmpty { b += "<details><summary class=\"muted\">计算过程</summary><p class=\"muted\">\(e(trace).replacingOccurrences(of: "\n", with: "<br>"))</p></details>" }
            b += "</td><td class=\"nw\">\(kind)</td><td class=\"n\">\(HTML.yuan(line.amount))</td></tr>"
        }
        b += "</tbody><tfoot><tr><th>应发合计</th><td></td><td class=\"n\">\(HTML.yuan(r.pay.gross))</td></tr>"
        b += "<tr><th>扣款合计</th><td></td><td class=\"n\">\(HTML.yuan(r.pay.deductions))</td></tr>"
        b += "<tr><th>实发金额</th><td></td><td class=\"n\"><strong>\(HTML.yuan(r.pay.net))</strong></td></tr></tfoot></table></div></section>"

        // Corrections of closed months: paid this month, or of this month paid later.
        let paid = view.corrections.filter { $0.role == "paid" }, corrected = view.corrections.filter { $0.role == "corrected" }
        if !paid.isEmpty || !corrected.isEmpty {
            b += "<section aria-labelledby=\"corrections\"><h2 id=\"corrections\">补发补扣</h2>"
            if !paid.isEmpty {
                b += "<p class=\"muted\">已关账月份的更正，在本月支付（已含在上面的补发、补扣项目中）；个人所得税在本月按累计预扣法计算。</p>"
                b += "<div class=\"scroll\"><table><thead><tr><th>项目</th><th class=\"n\">金额（元）</th><th>原因</th></tr></thead><tbody>"
                for c in paid { b += "<tr><td>\(e(c.label))</td><td class=\"n\">\(e(c.amount))</td><td>\(e(c.reason))（更正 #\(c.correctionID)）</td></tr>" }
                b += "</tbody></table></div>"
            }
            if !corrected.isEmpty {
                b += "<p class=\"muted\">本月关账后已更正，本月的工资条保持已发放的数额，差额在以后的月份补发或补扣：</p><ul>"
                for c in corrected {
                    b += "<li>\(e(c.label)) \(e(c.amount)) 元，原因：\(e(c.reason))；\(c.paidIn.map { "在 \($0) 支付" } ?? "待下一个未关账月份支付")</li>"
                }
                b += "</ul>"
            }
            b += "</section>"
        }

        // History.
        b += "<section aria-labelledby=\"hist\"><h2 id=\"hist\">历月积分与实发</h2>" + Chart.svg(view.history)
        b += "<div class=\"scroll\"><table><thead><tr><th>月份</th><th class=\"n\">积分</th><th>等次</th><th class=\"n\">实发（元）</th></tr></thead><tbody>"
        for h in view.history.reversed() {
            b += "<tr><td><a href=\"/cadre/\(HTML.segment(r.cadreID))/\(h.month)\">\(e(h.month.chineseDescription))</a></td><td class=\"n\">\(HTML.points(h.points))</td><td>\(e(h.tier))</td><td class=\"n\">\(HTML.yuan(h.net))</td></tr>"
        }
        b += "</tbody></table></div></section>"

        // Objections.
        b += "<section aria-labelledby=\"objections\"><h2 id=\"objections\">申诉</h2>"
        if view.objections.isEmpty { b += "<p class=\"muted\">没有申诉。</p>" }
        for o in view.objections {
            b += "<div><p><strong>\(e(o.month))</strong> · \(e(o.referenceLabel)) <span class=\"state\">\(e(o.state.chineseName))</span></p>"
            b += "<p>理由：\(e(o.reason))</p>"
            if let reply = o.reply { b += "<p>答复：\(e(reply))\(o.repliedAt.map { " <span class=\"muted\">\(e(HTML.time($0)))</span>" } ?? "")</p>" }
            b += StaffPages.resolution(o, staff: viewer.role == .staff)
            b += "</div>"
        }
        if let draft { b += "<p class=\"warn\" id=\"objection-error\" role=\"alert\">申诉未提交：\(e(draft.refusal))</p>" }
        let typed = draft?.reason ?? ""
        if viewer.role == .cadre && view.run.objectionsOpen && view.objectionLimit == nil {
            b += "<form method=\"post\" action=\"/cadre/\(HTML.segment(r.cadreID))/\(month)/objections\">\(HTML.csrfField(nav.csrf))"
            let chosen = draft?.reference.flatMap { v in view.references.contains { $0.value == v } ? v : nil }
            b += "<label for=\"reference\">申诉的项目或记录</label><select id=\"reference\" name=\"reference\" required><option value=\"\"\(chosen == nil ? " selected" : "") disabled>请选择</option>"
            for ref in view.references {
                // Two lines may cite the same record: the first option with the value is the one kept.
                let selected = ref.value == chosen && view.references.first { $0.value == ref.value }?.label == ref.label
                b += "<option value=\"\(e(ref.value))\"\(selected ? " selected" : "")>\(e(ref.label))</option>"
            }
            b += "</select><label for=\"reason\">理由</label><textarea id=\"reason\" name=\"reason\" rows=\"4\" maxlength=\"1000\" required>\(e(typed))</textarea>"
            b += "<button type=\"submit\">提交申诉</button></form>"
        } else if viewer.role == .cadre {
            if let limit = view.objectionLimit, view.run.objectionsOpen {
                b += "<p class=\"warn\" id=\"objection-limit\">现在不能再提出申诉：\(e(limit))</p>"
            } else {
                b += "<p class=\"muted\">本月不在申诉期内。</p>"
            }
            // What the cadre typed is not lost: shown to copy, though it cannot be sent now.
            if !typed.isEmpty {
                b += "<label for=\"reason\">您填写的理由（未提交，可复制保存）</label><textarea id=\"reason\" rows=\"4\" readonly>\(e(typed))</textarea>"
            }
        }
        b += "</section>"
        return HTML.page(title: "\(month.chineseDescription) \(r.name)", nav: nav, body: b)
    }
}

/// Points and net pay over the months as inline SVG: two small line charts, one above the
/// other, each on its own scale from zero, every month labelled.
enum Chart {
    static func svg(_ history: [CadreMonth]) -> String {
        guard !history.isEmpty else { return "<p class=\"muted\">暂无历史数据。</p>" }
        let months = history.map { "\($0.month.month)月" }
        // Points in hundredths and pay in 分: whole numbers, so the geometry is exact too.
        let points = panel(title: "积分", values: history.map { $0.points.rounded(scale: 2, .halfUp).units },
                           labels: history.map { HTML.points($0.points) }, months: months, color: "#9b1c1c")
        let pay = panel(title: "实发（元）", values: history.map(\.net.fen), labels: history.map { HTML.yuan($0.net) }, months: months, color: "#1c4f9b")
        return points + pay
    }

    static func panel(title: String, values: [Int64], labels: [String], months: [String], color: String) -> String {
        let width: Int64 = 320, height: Int64 = 110, left: Int64 = 30, right: Int64 = 30, top: Int64 = 34, bottom: Int64 = 20
        let plotW = width - left - right, plotH = height - top - bottom
        let maxV = values.max() ?? 0
        func x(_ i: Int) -> Int64 { values.count == 1 ? left + plotW / 2 : left + plotW * Int64(i) / Int64(values.count - 1) }
        func y(_ v: Int64) -> Int64 { top + plotH - (maxV <= 0 ? 0 : plotH * max(0, v) / maxV) }
        var s = "<svg viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"历月\(HTML.esc(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title>历月\(HTML.esc(title))</title>"
        s += "<text x=\"4\" y=\"13\" font-size=\"11\" font-weight=\"bold\" fill=\"\(color)\">\(HTML.esc(title))</text>"
        s += "<line x1=\"\(left - 10)\" y1=\"\(top + plotH)\" x2=\"\(width - right + 10)\" y2=\"\(top + plotH)\" stroke=\"#bbb\"/>"
        if values.count > 1 {
            s += "<polyline points=\"\(values.indices.map { "\(x($0)),\(y(values[$0]))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        }
        // Label every month when they fit (a year at most), else the first and the last.
        let labelled = values.count <= 12 ? Set(values.indices) : Set([0, values.count - 1])
        for i in values.indices {
            s += "<circle cx=\"\(x(i))\" cy=\"\(y(values[i]))\" r=\"3\" fill=\"\(color)\"/>"
            if labelled.contains(i) {
                s += "<text x=\"\(x(i))\" y=\"\(y(values[i]) - 6)\" font-size=\"9\" text-anchor=\"middle\" fill=\"#333\">\(HTML.esc(labels[i]))</text>"
                s += "<text x=\"\(x(i))\" y=\"\(height - 5)\" font-size=\"9\" text-anchor=\"middle\" fill=\"#666\">\(HTML.esc(months[i]))</text>"
            }
        }
        return s + "</svg>"
    }
}
