import Exact
import Store

/// The bureau staff's pages: runs by month, the objections queue, finding a cadre.
enum StaffPages {
    static func runs(_ runs: [RunRecord], defaultDays: Int, pending: [YearMonth: Int] = [:], locks: [ActiveLock] = [], today: CivilDate? = nil,
                     disabled: [PortalAccount] = [], nav: HTML.Nav, message: String? = nil) -> String {
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
            b += "<span>等次</span><span>\(e(s.orderedTiers.map { "\($0.tier) \($0.count)" }.joined(separator: "，")))</span>"
            if let p = r.publishedAt { b += "<span>公示</span><span>\(e(HTML.time(p))) 起，申诉截止 \(e(r.objectionsUntil ?? "—"))</span>" }
            if let c = r.closedAt { b += "<span>关账</span><span>\(e(HTML.time(c)))</span>" }
            b += "</div>"
            if let n = pending[r.month], n > 0 {
                b += "<p class=\"warn\">有 \(n) 条采纳申诉的调整尚未计入，<a href=\"/staff/runs/\(r.month)\">前往重新计算</a>。</p>"
            }
            if r.state == .draft {
                b += "<form method=\"post\" action=\"/staff/runs/\(r.month)/publish\">\(HTML.csrfField(nav.csrf))"
                b += "<label for=\"days-\(r.month)\">公示期（工作日）</label><input type=\"number\" id=\"days-\(r.month)\" name=\"days\" min=\"1\" max=\"30\" value=\"\(defaultDays)\">"
                b += "<button type=\"submit\">发布公示</button></form>"
            }
            if r.state == .draft || r.state == .published {
                b += "<form method=\"post\" action=\"/staff/runs/\(r.month)/close\">\(HTML.csrfField(nav.csrf))"
                if r.state == .published, let until = r.objectionsUntil, let end = CivilDate(iso: until), let today, today <= end {
                    b += "<p class=\"warn\">申诉期到 \(e(until)) 才结束，关账后干部不能再提出申诉。</p>"
                    b += "<label><input type=\"checkbox\" name=\"confirm\" value=\"1\"> 申诉期未结束，确认关账</label>"
                }
                b += "<button type=\"submit\">关账</button></form>"
            }
        }
        b += "</section>"
        b += Self.locks(locks, csrf: nav.csrf)
        b += Self.accounts(disabled, csrf: nav.csrf)
        return HTML.page(title: "各月运行", nav: nav, body: b)
    }

    /// Disabling and enabling a cadre's account by 工号, and the disabled ones, each with a
    /// button that enables it.
    static func accounts(_ disabled: [PortalAccount], csrf: String) -> String {
        let e = HTML.esc
        var b = "<section id=\"accounts\"><h2>干部账户</h2>"
        b += "<form method=\"post\" action=\"/staff/accounts\">\(HTML.csrfField(csrf))"
        b += "<label for=\"account-cadre\">工号</label><input type=\"text\" id=\"account-cadre\" name=\"cadre\" maxlength=\"64\" required>"
        b += "<button type=\"submit\" name=\"action\" value=\"disable\">停用账户</button> <button type=\"submit\" name=\"action\" value=\"enable\">启用账户</button></form>"
        b += "<p class=\"muted\">停用后该干部不能登录，已登录的会话立即结束；记入审计日志。干部忘记密码请在服务器上补发激活码：jifen user activation-codes --month 月份 --cadre 工号。</p>"
        if !disabled.isEmpty {
            b += "<div class=\"scroll\"><table><thead><tr><th>工号</th><th>姓名</th><th>停用时间</th><th></th></tr></thead><tbody>"
            for a in disabled {
                b += "<tr><td>\(e(a.username))</td><td>\(e(a.displayName))</td><td class=\"nw\">\(e(HTML.time(a.disabledAt ?? "")))</td><td>"
                b += "<form method=\"post\" action=\"/staff/accounts\">\(HTML.csrfField(csrf))<input type=\"hidden\" name=\"cadre\" value=\"\(e(a.username))\">"
                b += "<button type=\"submit\" name=\"action\" value=\"enable\">启用</button></form></td></tr>"
            }
            b += "</tbody></table></div>"
        }
        b += "</section>"
        return b
    }

    /// The login and activation locks in force, each with a button that lifts it (an
    /// account's by its name, an address's by the address), and the form that lifts an
    /// account's or an address's locks.
    static func locks(_ locks: [ActiveLock], csrf: String) -> String {
        let e = HTML.esc
        var b = "<section id=\"locks\"><h2>登录锁定</h2>"
        if locks.isEmpty { b += "<p class=\"muted\">目前没有锁定。</p>" }
        if !locks.isEmpty {
            b += "<div class=\"scroll\"><table><thead><tr><th>账户</th><th>范围</th><th>地址</th><th>解锁时间</th><th></th></tr></thead><tbody>"
            for l in locks {
                let byAddress = l.scope == .address || l.scope == .network
                let who = byAddress ? "（全部账户）" : (l.label ?? "（未知账户）")
                let scope: String
                switch l.scope {
                case .pair: scope = "该地址"
                case .account: scope = "所有地址"
                case .address: scope = "该地址的全部尝试"
                case .network: scope = "该 IPv6 /56 网段的全部尝试"
                }
                let kind = l.kind == "activate" ? "激活" : l.kind == "login" ? "登录" : "登录和激活"
                // An address lock is lifted by the address; an account's by its name. A lock of
                // a name that matches no account is lifted with its address (pair) or ends on
                // its own (account-wide): nobody needs it lifted.
                let target: String? = byAddress ? l.address : (l.label ?? (l.scope == .pair ? l.address : nil))
                var button = ""
                if let target, !target.isEmpty, target != "-" {
                    button = "<form method=\"post\" action=\"/staff/unlock\">\(HTML.csrfField(csrf))<input type=\"hidden\" name=\"username\" value=\"\(e(target))\">"
                    button += "<button type=\"submit\">解除</button></form>"
                }
                b += "<tr><td>\(e(who))</td><td>\(e(kind))：\(e(scope))</td><td>\(e(l.address.isEmpty ? "—" : l.address))</td><td class=\"nw\">\(e(HTML.time(epoch: l.until)))</td><td>\(button)</td></tr>"
            }
            b += "</tbody></table></div>"
        }
        b += "<form method=\"post\" action=\"/staff/unlock\">\(HTML.csrfField(csrf))"
        b += "<label for=\"unlock-username\">解除锁定的用户名、工号或网络地址</label><input type=\"text\" id=\"unlock-username\" name=\"username\" maxlength=\"64\" required>"
        b += "<button type=\"submit\">解除锁定</button></form>"
        b += "<p class=\"muted\">用户名或工号：解除该账户在所有地址的登录和激活锁定。网络地址（如 192.0.2.7；IPv6 按 /64 网段计）：解除该地址对全部账户的锁定及其对单个账户的锁定，"
        b += "同一代理或出口地址后面的人都会因此恢复尝试。都记入审计日志。服务器上也可用 jifen user locks 查看、jifen user unlock 解除。</p></section>"
        return b
    }

    /// A month's communities, or one community's cadres with links to their pages.
    static func cadres(month: YearMonth, communities: [(community: String, cadres: Int)], community: String?, rows: [CadreSummaryRow], nav: HTML.Nav,
                       header: String = "", refreshSeconds: Int? = nil) -> String {
        let e = HTML.esc
        var b = header + "<section><h2>\(e(month.chineseDescription)) 各社区</h2><ul>"
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
        return HTML.page(title: "\(month.chineseDescription) 干部", nav: nav, body: b, refreshSeconds: refreshSeconds)
    }

    /// The objections queue: each open objection with its decision form (accept with an
    /// adjustment, accept with a data fix, or reject), then the decided ones with what was done.
    static func objections(
        open: [Objection], decided: [Objection], support: AdjustmentSupport?,
        awaiting: [(adjustment: ObjectionAdjustment, acceptedBy: String?)] = [], actor: String = "", approver: String, nav: HTML.Nav,
        message: String? = nil, draft: (id: Int64, input: DecisionInput)? = nil
    ) -> String {
        let e = HTML.esc
        var b = ""
        if let message { b += "<p class=\"msg\" role=\"status\">\(e(message))</p>" }
        if !awaiting.isEmpty {
            b += "<section><h2>待复核的调整（\(awaiting.count)）</h2><p class=\"muted\">超过规则复核线的调整，须由采纳人以外的工作人员复核通过后才计入。</p>"
            for (a, acceptedBy) in awaiting {
                var values: [String] = []
                if let p = a.points { values.append("\(HTML.signed(p)) 分") }
                if let m = a.amount { values.append("\(m.fen < 0 ? "−" + HTML.yuan(Money(fen: -m.fen)) : "+" + HTML.yuan(m)) 元") }
                b += "<div id=\"a\(a.id)\"><p>申诉 #\(a.objectionID) · \(e(a.month)) · \(e(a.cadreID)) · 调整 \(values.joined(separator: "、"))，原因：\(e(a.reason))（采纳：\(e(a.approver))）</p>"
                if acceptedBy == actor {
                    b += "<p class=\"muted\">这是您采纳的调整，须由另一名工作人员复核。</p></div>"
                } else {
                    b += "<form method=\"post\" action=\"/staff/adjustments/\(a.id)/approve\">\(HTML.csrfField(nav.csrf))<button type=\"submit\">复核通过</button></form></div>"
                }
            }
            b += "</section>"
        }
        b += "<section><h2>待处理申诉（\(open.count)）</h2>"
        if open.isEmpty { b += "<p class=\"muted\">没有待处理的申诉。</p>" }
        for o in open {
            let typed = draft?.id == o.id ? draft?.input : nil
            b += "<div id=\"o\(o.id)\"><h3>#\(o.id) · \(e(o.month)) · <a href=\"/cadre/\(HTML.segment(o.cadreID))/\(e(o.month))\">\(e(o.cadreID))</a></h3>"
            b += "<p>\(e(o.referenceLabel))</p><p>理由：\(e(o.reason))</p><p class=\"muted\">提交于 \(e(HTML.time(o.createdAt)))</p>"
            b += "<form method=\"post\" action=\"/staff/objections/\(o.id)/decide\">\(HTML.csrfField(nav.csrf))"
            b += "<label for=\"reply-\(o.id)\">答复（干部可见）</label><textarea id=\"reply-\(o.id)\" name=\"reply\" rows=\"3\" maxlength=\"1000\" required>\(e(typed?.reply ?? ""))</textarea>"
            b += "<fieldset><legend>采纳并调整本月</legend>"
            if let support {
                if support.points {
                    b += "<label for=\"points-\(o.id)\">分值（加分写 +2，扣分写 -1.5）</label>"
                    b += "<input type=\"text\" id=\"points-\(o.id)\" name=\"points\" inputmode=\"decimal\" maxlength=\"12\" value=\"\(e(typed?.points ?? ""))\">"
                }
                if support.amount {
                    b += "<label for=\"amount-\(o.id)\">金额（元，补发写 150，扣回写 -200）</label>"
                    b += "<input type=\"text\" id=\"amount-\(o.id)\" name=\"amount\" inputmode=\"decimal\" maxlength=\"16\" value=\"\(e(typed?.amount ?? ""))\">"
                }
                let reason = typed?.reason ?? String(PortalService.oneLine(o.reason).prefix(200))
                b += "<label for=\"reason-\(o.id)\">调整原因（记入调整记录和积分明细）</label>"
                b += "<input type=\"text\" id=\"reason-\(o.id)\" name=\"reason\" maxlength=\"200\" value=\"\(e(reason))\">"
                b += "<p class=\"muted\">批准人：\(e(approver))。调整作为“申诉#\(o.id)”计入本月调整，重新计算本月后生效\(support.amount ? "；金额是否计入报酬取决于规则的应发、扣款项" : "")。</p>"
                b += "<button type=\"submit\" name=\"decision\" value=\"adjustment\">采纳并调整</button>"
            } else {
                b += "<p class=\"muted\">规则没有声明调整数据源，不能以调整方式采纳。</p>"
            }
            b += "</fieldset><fieldset><legend>采纳并更正源数据</legend>"
            b += "<label for=\"fix-\(o.id)\">要更正的数据文件和记录</label>"
            b += "<input type=\"text\" id=\"fix-\(o.id)\" name=\"fix\" maxlength=\"200\" value=\"\(e(typed?.dataFix ?? fixTarget(o)))\">"
            b += "<p class=\"muted\">不保存调整：更正数据文件后，在本月运行页面点“重新计算”。</p>"
            b += "<button type=\"submit\" name=\"decision\" value=\"dataFix\">采纳并更正数据</button></fieldset>"
            b += "<button type=\"submit\" name=\"decision\" value=\"rejected\">不采纳</button></form></div>"
        }
        b += "</section><section><h2>已处理</h2>"
        if decided.isEmpty { b += "<p class=\"muted\">暂无。</p>" }
        for o in decided.reversed().prefix(100) {
            b += "<div id=\"o\(o.id)\"><p>#\(o.id) · \(e(o.month)) · \(e(o.cadreID)) · \(e(o.referenceLabel)) <span class=\"state\">\(e(o.state.chineseName))</span><br>答复：\(e(o.reply ?? ""))（\(e(o.repliedBy ?? ""))）</p>"
            b += resolution(o, staff: true) + "</div>"
        }
        b += "</section>"
        return HTML.page(title: "申诉处理", nav: nav, body: b)
    }

    /// The file and record an objection names, as a data fix's default target.
    static func fixTarget(_ o: Objection) -> String {
        let parts = o.reference.split(separator: ":", maxSplits: 2)
        guard parts.count == 3, parts[0] == "record" else { return "" }
        return "\(parts[1]) 第 \(parts[2]) 行"
    }

    /// What an accepted objection led to: the adjustment and whether a run includes it yet,
    /// or the data fix promised. Empty for others.
    static func resolution(_ o: Objection, staff: Bool) -> String {
        let e = HTML.esc
        switch o.resolution {
        case .adjustment?:
            guard let a = o.adjustment else { return "" }
            var values: [String] = []
            if let p = a.points { values.append("\(HTML.signed(p)) 分") }
            if let m = a.amount { values.append("\(m.fen < 0 ? "−" + HTML.yuan(Money(fen: -m.fen)) : "+" + HTML.yuan(m)) 元") }
            var t = "<p class=\"adjustment\">处理：调整 \(values.joined(separator: "、"))，原因：\(e(a.reason))（批准：\(e(a.approver))\(a.secondApprover.map { "，复核：" + e($0) } ?? "")）· "
            if a.awaitingApproval {
                t += staff ? "<span class=\"warn\">待另一名工作人员复核</span>" : "待复核后生效"
            } else if let run = a.includedIn {
                t += "已计入本月重新计算的结果（运行 #\(run)）"
            } else {
                t += staff ? "<span class=\"warn\">待重新计算</span> <a href=\"/staff/runs/\(e(a.month))\">前往重新计算</a>" : "待重新计算后生效"
            }
            return t + "</p>"
        case .dataFix?:
            return "<p class=\"adjustment\">处理：更正源数据（\(e(o.dataFix ?? ""))），更正后重新计算本月</p>"
        case nil:
            return ""
        }
    }

    /// The head of a month's run page: its state and totals, the month's adjustments from
    /// objections, and the re-run button (or why there is none).
    static func runHeader(_ run: RunRecord, replaced: RunRecord?, adjustments: [ObjectionAdjustment], request: BatchRequest? = nil,
                          nav: HTML.Nav, message: String?) -> String {
        let e = HTML.esc
        let s = run.summary
        var b = ""
        if let message { b += "<p class=\"msg\" role=\"status\">\(e(message))</p>" }
        if let request, !request.isFinished {
            var doing = request.state.chineseName
            if let stage = request.stage { doing += "：\(stage)" + (request.rows.map { "，已处理 \($0) 行" } ?? "") }
            b += "<p class=\"msg\" role=\"status\" id=\"request\">重新计算（请求 #\(request.id)，\(e(request.requestedBy)) 于 \(e(HTML.time(request.requestedAt)))）\(e(doing))……本页每 2 秒刷新。</p>"
        } else if let request, request.state == .failed {
            b += "<p class=\"warn\" role=\"status\" id=\"request\">重新计算（请求 #\(request.id)）未完成：\(e(request.message ?? ""))</p>"
        }
        b += "<section><h2>\(e(run.month.chineseDescription)) · 运行 #\(run.id) <span class=\"state\" id=\"run-state\">\(e(run.state.chineseName))</span></h2>"
        if let replaced {
            let was = replaced.summary
            b += "<p class=\"msg\" id=\"rerun\">已重新计算：运行 #\(run.id) 替代运行 #\(replaced.id)（原运行保留为历史）。"
            b += "积分合计 \(HTML.points(was.pointsTotal)) → \(HTML.points(s.pointsTotal))，实发合计 \(HTML.yuan(was.net)) → \(HTML.yuan(s.net)) 元。"
            if run.state == .draft { b += "新运行为草稿，<a href=\"/staff\">发布公示</a>后干部才能看到。" }
            b += "</p>"
        }
        b += "<div class=\"kv\"><span>人数</span><span>\(s.cadres)</span><span>记录</span><span>使用 \(s.rowsUsed)，忽略 \(s.rowsIgnored)，拒绝 \(s.rowsRejected)</span>"
        b += "<span>积分合计</span><span id=\"points-total\">\(HTML.points(s.pointsTotal))</span>"
        b += "<span>应发合计</span><span id=\"gross\">\(HTML.yuan(s.gross)) 元</span><span>扣款合计</span><span>\(HTML.yuan(s.deductions)) 元</span>"
        b += "<span>实发合计</span><span id=\"net-total\">\(HTML.yuan(s.net)) 元</span>"
        b += "<span>等次</span><span>\(e(s.orderedTiers.map { "\($0.tier) \($0.count)" }.joined(separator: "，")))</span>"
        b += "<span>规则</span><span>\(e(run.rulesVersion))</span><span>计算</span><span>\(e(HTML.time(run.createdAt))) · \(e(run.createdBy))</span></div>"
        if !adjustments.isEmpty {
            b += "<h3>申诉调整（\(adjustments.count)）</h3><ul class=\"records\">"
            for a in adjustments {
                var values: [String] = []
                if let p = a.points { values.append("\(HTML.signed(p)) 分") }
                if let m = a.amount { values.append("\(HTML.yuan(m)) 元") }
                b += "<li>申诉#\(a.objectionID) · \(e(a.cadreID)) · \(values.joined(separator: "、")) · \(e(a.reason))（批准：\(e(a.approver))） "
                b += a.includedIn == run.id ? "<span class=\"muted\">已计入</span>" : "<span class=\"warn\">待计入</span>"
                b += "</li>"
            }
            b += "</ul>"
            let pending = adjustments.filter { $0.includedIn != run.id }.count
            if pending > 0 && run.state != .closed { b += "<p class=\"warn\">有 \(pending) 条采纳申诉的调整尚未计入，请重新计算本月。</p>" }
        }
        switch run.state {
        case .draft, .published:
            b += "<form method=\"post\" action=\"/staff/runs/\(run.month)/rerun\">\(HTML.csrfField(nav.csrf))<button type=\"submit\">重新计算</button></form>"
            b += "<p class=\"muted\">按数据文件夹和规则重新计算本月，并计入全部采纳申诉的调整；新的草稿替代当前运行（当前运行保留为历史）\(run.state == .published ? "，公示中的月份需重新发布公示" : "")。</p>"
        case .closed:
            b += "<p class=\"muted\">本月已关账，不能重新计算。关账后发现的差错用 jifen batch correct --month \(run.month) --data 补报文件夹 --reason \"原因\" 更正，差额在下一个未关账月份补发或补扣。</p>"
        case .superseded, .correction:
            break
        }
        b += "</section>"
        return b
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
