import Exact
import Store

/// The bureau staff's pages: runs by month, the objections queue, finding a cadre.
enum StaffPages {
    static func runs(_ runs: [RunRecord], defaultDays: Int, nav: HTML.Nav, message: String? = nil) -> String {
        let e = HTML.esc
        var b = ""
        if let message { b += "<p class=\"msg\">\(e(message))</p>" }
        b += "<section><h2>查看干部</h2><form method=\"get\" action=\"/staff/cadre\"><label for=\"id\">工号</label>"
        b += "<input type=\"text\" id=\"id\" name=\"id\" required><label for=\"month\">月份（可不填）</label><input type=\"text\" id=\"month\" name=\"month\" placeholder=\"2020-12\">"
        b += "<button type=\"submit\">查看</button></form><p class=\"muted\">查看干部页面会记入审计日志。</p></section>"
        b += "<section><h2>各月运行</h2>"
        if runs.isEmpty { b += "<p class=\"muted\">还没有运行。</p>" }
        for r in runs {
            let s = r.summary
            b += "<h3><a href=\"/staff/runs/\(r.month)\">\(e(r.month.chineseDescription))</a> <span class=\"state\">\(e(r.state.chineseName))</span></h3>"
            b += "<div class=\"kv\"><span>运行</span><span>#\(r.id) · \(e(r.rulesVersion)) · \(e(HTML.time(r.createdAt)))</span>"
            b += "<span>人数</span><span>\(s.cadres)</span><span>记录</span><span>使用 \(s.rowsUsed)，忽略 \(s.rowsIgnored)，拒绝 \(s.rowsRejected)</span>"
            b += "<span>应发合计</span><span>\(HTML.yuan(s.gross)) 元</span><span>扣款合计</span><span>\(HTML.yuan(s.deductions)) 元</span>"
            b += "<span>实发合计</span><span>\(HTML.yuan(s.net)) 元</span>"
            b += "<span>等次</span><span>\(e(s.tiers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "，")))</span>"
            if let p = r.publishedAt { b += "<span>公示</span><span>\(e(HTML.time(p))) 起，申诉截止 \(e(r.objectionsUntil ?? "—"))</span>" }
            if let c = r.closedAt { b += "<span>关账</span><span>\(e(HTML.time(c)))</span>" }
            b += "</div>"
            if r.state == .draft {
                b += "<form method=\"post\" action=\"/staff/runs/\(r.month)/publish\">\(HTML.csrfField(nav.csrf))"
                b += "<label for=\"days-\(r.month)\">公示期（工作日）</label><input type=\"number\" id=\"days-\(r.month)\" name=\"days\" min=\"1\" max=\"30\" value=\"\(defaultDays)\">"
                b += "<button type=\"submit\">发布公示</button></form>"
            }
            if r.state == .draft || r.state == .published {
                b += "<form method=\"post\" action=\"/staff/runs/\(r.month)/close\">\(HTML.csrfField(nav.csrf))<button type=\"submit\">关账</button></form>"
            }
        }
        b += "</section>"
        return HTML.page(title: "各月运行", nav: nav, body: b)
    }

    /// A month's communities, or one community's cadres with links to their pages.
    static func cadres(month: YearMonth, communities: [(community: String, cadres: Int)], community: String?, rows: [CadreSummaryRow], nav: HTML.Nav) -> String {
        let e = HTML.esc
        var b = "<section><h2>\(e(month.chineseDescription)) 各社区</h2><ul>"
        for c in communities {
            b += "<li><a href=\"/staff/runs/\(month)?community=\(HTML.segment(c.community))\">\(e(c.community))</a> <span class=\"muted\">\(c.cadres) 人</span></li>"
        }
        b += "</ul></section>"
        if let community {
            b += "<section><h2>\(e(community))</h2><div class=\"scroll\"><table><thead><tr><th>名次</th><th>姓名</th><th class=\"n\">积分</th><th>等次</th><th class=\"n\">实发（元）</th></tr></thead><tbody>"
            for r in rows {
                b += "<tr><td>\(r.rank)</td><td><a href=\"/cadre/\(HTML.segment(r.cadreID))/\(month)\">\(e(r.name))</a><br><span class=\"muted\">\(e(r.cadreID))</span></td>"
                b += "<td class=\"n\">\(HTML.points(r.points))</td><td>\(e(r.tier))</td><td class=\"n\">\(HTML.yuan(r.net))</td></tr>"
            }
            b += "</tbody></table></div><p class=\"muted\">打开干部页面会记入审计日志。</p></section>"
        }
        return HTML.page(title: "\(month.chineseDescription) 干部", nav: nav, body: b)
    }

    static func objections(open: [Objection], decided: [Objection], nav: HTML.Nav, message: String? = nil) -> String {
        let e = HTML.esc
        var b = ""
        if let message { b += "<p class=\"msg\">\(e(message))</p>" }
        b += "<section><h2>待处理申诉（\(open.count)）</h2>"
        if open.isEmpty { b += "<p class=\"muted\">没有待处理的申诉。</p>" }
        for o in open {
            b += "<div id=\"o\(o.id)\"><h3>#\(o.id) · \(e(o.month)) · <a href=\"/cadre/\(HTML.segment(o.cadreID))/\(e(o.month))\">\(e(o.cadreID))</a></h3>"
            b += "<p>\(e(o.referenceLabel))</p><p>理由：\(e(o.reason))</p><p class=\"muted\">提交于 \(e(HTML.time(o.createdAt)))</p>"
            b += "<form method=\"post\" action=\"/staff/objections/\(o.id)/decide\">\(HTML.csrfField(nav.csrf))"
            b += "<label for=\"reply-\(o.id)\">答复（采纳时写明处理：调整或数据更正）</label><textarea id=\"reply-\(o.id)\" name=\"reply\" rows=\"3\" maxlength=\"1000\" required></textarea>"
            b += "<button type=\"submit\" name=\"decision\" value=\"accepted\">采纳</button> <button type=\"submit\" name=\"decision\" value=\"rejected\">不采纳</button></form></div>"
        }
        b += "</section><section><h2>已处理</h2>"
        if decided.isEmpty { b += "<p class=\"muted\">暂无。</p>" }
        for o in decided.reversed().prefix(100) {
            b += "<p>#\(o.id) · \(e(o.month)) · \(e(o.cadreID)) · \(e(o.referenceLabel)) <span class=\"state\">\(e(o.state.chineseName))</span><br>答复：\(e(o.reply ?? ""))（\(e(o.repliedBy ?? ""))）</p>"
        }
        b += "</section>"
        return HTML.page(title: "申诉处理", nav: nav, body: b)
    }
}

/// Finance's page: the closed months' report files.
enum FinancePages {
    struct Month: Sendable, Encodable {
        var month: String
        var closedAt: String?
        var files: [File]
    }

    struct File: Sendable, Encodable {
        var name: String
        var bytes: Int
        var href: String
    }

    static func render(_ months: [Month], nav: HTML.Nav) -> String {
        let e = HTML.esc
        var b = "<section><h2>已关账月份的报表</h2>"
        if months.isEmpty { b += "<p class=\"muted\">还没有已关账的月份。</p>" }
        for m in months {
            b += "<h3>\(e(m.month))\(m.closedAt.map { " <span class=\"muted\">关账 \(e(HTML.time($0)))</span>" } ?? "")</h3>"
            if m.files.isEmpty { b += "<p class=\"muted\">报表文件夹中没有文件。</p>" }
            b += "<ul>" + m.files.map { "<li><a href=\"\(e($0.href))\">\(e($0.name))</a> <span class=\"muted\">\($0.bytes) 字节</span></li>" }.joined() + "</ul>"
        }
        b += "<p class=\"muted\">下载会记入审计日志。</p></section>"
        return HTML.page(title: "报表下载", nav: nav, body: b)
    }
}
