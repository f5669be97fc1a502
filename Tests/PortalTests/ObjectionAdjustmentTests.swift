import Batch
import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Portal
import Records
import Results
import Store
import Testing
import TestSupport

/// Accepting an objection changes the results: an adjustment stored with the acceptance is
/// scored by the month's next run (from the portal or the CLI's batch) as a row of the
/// month's adjustments; a data fix or a rejection adds nothing; a closed month refuses.
@Suite struct ObjectionAdjustmentTests {
    static let cadre = "FM-001"
    static let password = "cadre-pass-1"
    static let month = YearMonth("2020-12")!

    /// A fixture whose portal can re-run months: the sample data and rules, its own
    /// reports folder (re-runs rewrite reports).
    static func fixture(dataRoot: String = PackagePaths.path("samples"), rules: String = PackagePaths.path("rules")) throws -> PortalFixture {
        var f = try PortalFixture()
        f.config.outFolder = f.root + "/out"
        // Re-runs are executed by the built `jifen` in a separate process, as `jifen serve` does.
        f.config.batch = PortalBatchSettings(dataRoot: dataRoot, rulesFolder: rules, executable: CLI.binary)
        return f
    }

    /// Waits for the worker process to finish a queued re-run; returns the finished request.
    static func finished(_ f: PortalFixture, request id: Int64, seconds: Double = 180) async throws -> BatchRequest {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let r = try f.store.batchRequest(id: id), r.isFinished { return r }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("request #\(id) did not finish within \(seconds) s")
        return try #require(try f.store.batchRequest(id: id))
    }

    /// The request a re-run redirect names (`/staff/runs/2020-12?request=7#request`).
    /// The sample rules without a pay line for the adjustments' 金额 (报酬调整 is 0 元): rules
    /// under which an adjustment amount changes nothing.
    static func rulesPayingNoAmounts() throws -> String {
        let text = try String(contentsOfFile: PackagePaths.path("rules/榕江县积分管理考核办法.jifen"), encoding: .utf8)
        let line = "= 合计（金额 来自 调整 其中 金额 ≠ 空）"
        #expect(text.contains(line))
        let rules = PackagePaths.temporaryDirectory("rules-paying-no-amounts") + "/rules"
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try text.replacingOccurrences(of: line, with: "= 0 元").write(toFile: rules + "/办法.jifen", atomically: true, encoding: .utf8)
        return rules
    }

    static func requestID(_ location: String?) throws -> Int64 {
        let query = try #require(location?.split(separator: "=").last?.split(separator: "#").first)
        return try #require(Int64(query))
    }

    /// Publishes 2020-12 and has the cadre object to their tier; returns the objection's id.
    static func objection(_ f: PortalFixture, _ client: any TestClientProtocol, reason: String = "12月20日协助防汛，未计分") async throws -> Int64 {
        if try f.store.currentRun(month: month)?.state == .draft {
            try f.store.publish(month: month, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        }
        let b = Browser(client)
        try await b.activate(cadre, code: try #require(try f.codes()[cadre]), password: password)
        _ = try await b.get("/cadre/\(cadre)/2020-12")
        #expect(try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", reason)]).status == .seeOther)
        return try #require(try f.store.objections(state: .open).last?.id)
    }

    /// Staff accept with +2 points; the adjustment is stored pending; the portal's re-run
    /// includes it: the cadre's score rises by exactly 2, the explanation and the score
    /// line cite the objection, its reason and approver, the run stores `申诉调整.csv`, and
    /// after publishing again the cadre sees the new score and the objection resolved.
    @Test func acceptWithAdjustmentThenRerun() async throws {
        let f = try Self.fixture()
        let before = try #require(try f.store.currentRun(month: Self.month))
        let old = try #require(try f.store.result(runID: before.id, cadreID: Self.cadre))
        try await f.application().test(.router) { client in
            let oid = try await Self.objection(f, client)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let queue = try await staff.get("/staff/objections")
            #expect(queue.body.contains("采纳并调整") && queue.body.contains("采纳并更正数据") && queue.body.contains("不采纳"))
            // The reason is prefilled from the objection. The sample rules score 分值 and pay
            // 金额 (报酬调整), so both are offered.
            #expect(queue.body.contains("name=\"reason\" maxlength=\"200\" value=\"12月20日协助防汛，未计分\""))
            #expect(queue.body.contains("name=\"amount\""))
            #expect(queue.body.contains("批准人：张科长"))

            let decided = try await staff.post("/staff/objections/\(oid)/decide", [
                ("decision", "adjustment"), ("points", "+2"), ("amount", ""), ("reason", "12月20日协助防汛，经核实补记"), ("reply", "经核实属实，加 2 分"),
            ])
            #expect(decided.status == .seeOther)
            #expect(decided.location == "/staff/objections?done=\(oid)#o\(oid)")
            let stored = try f.store.adjustments(month: Self.month)
            #expect(stored.count == 1)
            #expect(stored.first?.points == Fixed(2) && stored.first?.amount == nil)
            #expect(stored.first?.reason == "12月20日协助防汛，经核实补记" && stored.first?.approver == "张科长")
            #expect(stored.first?.includedIn == nil)
            let objection = try #require(try f.store.objection(id: oid))
            #expect(objection.state == .accepted && objection.resolution == .adjustment && objection.adjustment?.id == stored.first?.id)
            let after = try await staff.get("/staff/objections?done=\(oid)")
            #expect(after.body.contains("已采纳申诉 #\(oid)，调整已保存") && after.body.contains("待重新计算"))

            // The month cannot be closed while the adjustment is not in its run (even when
            // staff confirm closing during the objection window).
            let early = try await staff.post("/staff/runs/2020-12/close", [("confirm", "1")])
            #expect(early.status == .conflict && early.body.contains("有 1 条采纳申诉的调整尚未计入运行，不能关账"))
            #expect(try f.store.currentRun(month: Self.month)?.state == .published)

            // The runs list and the run page name the pending adjustment and offer the re-run.
            #expect(try await staff.get("/staff").body.contains("有 1 条采纳申诉的调整尚未计入"))
            let runPage = try await staff.get("/staff/runs/2020-12")
            #expect(runPage.body.contains("申诉#\(oid)") && runPage.body.contains("待计入") && runPage.body.contains("action=\"/staff/runs/2020-12/rerun\""))
            // The portal queues the re-run; a separate `jifen batch work` process executes it.
            let rerun = try await staff.post("/staff/runs/2020-12/rerun", [])
            #expect(rerun.status == .seeOther)
            let requestID = try Self.requestID(rerun.location)
            #expect(rerun.location == "/staff/runs/2020-12?request=\(requestID)#request")
            let done = try await Self.finished(f, request: requestID)
            #expect(done.state == .done && done.requestedBy == "张科长", "\(done.message ?? "")")
            let now = try #require(try f.store.currentRun(month: Self.month))
            #expect(now.id != before.id && now.state == .draft && done.runID == now.id)
            let shown = try await staff.get(rerun.location ?? "")
            #expect(!shown.body.contains("http-equiv=\"refresh\""))
            #expect(shown.body.contains("已重新计算：运行 #\(now.id) 替代运行 #\(before.id)"))
            #expect(shown.body.contains("积分合计 \(before.summary.pointsTotal.shortDescription) → \(now.summary.pointsTotal.shortDescription)"))
            #expect(shown.body.contains("<span id=\"net-total\">\(now.summary.net.grouped) 元</span>"))
            #expect(shown.body.contains("已计入"))
            #expect(now.summary.pointsTotal == before.summary.pointsTotal + Fixed(2))

            // Exactly 2 more points, cited to the objection with its reason and approver.
            let new = try #require(try f.store.result(runID: now.id, cadreID: Self.cadre))
            #expect(new.score.total == old.score.total + Fixed(2))
            let line = try #require(new.score.lines.first { $0.kind == .adjustment })
            let record = try #require(line.records.first { $0.file == StoredAdjustments.fileName })
            #expect(record.line == 2 && record.points == Fixed(2))
            #expect(record.summary.contains("申诉#\(oid)") && record.summary.contains("张科长") && record.summary.contains("12月20日协助防汛"))
            // The line's reason is the adjustment's 原因 and its approver is named apart (the
            // whole row was the reason before); the record still cites the objection.
            #expect(line.reason?.contains("12月20日协助防汛") == true && line.approvedBy?.contains("张科长") == true)
            let explanation = Explanation().render(new, month: Self.month)
            #expect(explanation.contains("\(StoredAdjustments.fileName):2") && explanation.contains("12月20日协助防汛"))
            // Nobody else changed.
            let others = try f.store.results(runID: now.id).cadres.filter { $0.cadreID != Self.cadre }
            let oldOthers = try f.store.results(runID: before.id).cadres.filter { $0.cadreID != Self.cadre }
            #expect(others.map(\.score.total) == oldOthers.map(\.score.total))

            // The run keeps the adjustments it read, so a diff says the data changed.
            let copy = try #require(now.inputs.first { $0.name == StoredAdjustments.fileName })
            #expect(copy.role == "data")
            #expect(RunComparison.dataDifferences(before, now) == [StoredAdjustments.fileName])
            #expect(try f.store.adjustments(month: Self.month).first?.includedIn == now.id)

            // Published again, the cadre sees the new score and the objection resolved.
            try f.store.publish(month: Self.month, actor: "测试", at: "2021-01-06T01:00:00Z", objectionsUntil: "2021-01-13")
            let cadre = Browser(client)
            try await cadre.login(Self.cadre, Self.password)
            let page = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            #expect(page.body.contains("<span class=\"big\" id=\"total\">\(new.score.total.shortDescription) 分</span>"))
            #expect(page.body.contains("已采纳") && page.body.contains("调整 +2 分") && page.body.contains("已计入本月重新计算的结果（运行 #\(now.id)）"))
            #expect(page.body.contains("经核实属实，加 2 分"))
            #expect(!page.body.contains("前往重新计算"))
        }
        let audit = try f.store.auditLog(month: Self.month)
        #expect(audit.contains { $0.action == "objection-accepted" && $0.actor == "张科长" && $0.reason == "经核实属实，加 2 分" && ($0.detail ?? "").contains("points 2") })
        #expect(audit.contains { $0.action == "rerun" && $0.actor == "张科长" })
        #expect(audit.contains { $0.action == "run" && $0.actor == "张科长" })
    }

    /// The CLI's batch (`BatchRunner`) includes the month's stored adjustments in every
    /// run, not only the first after the acceptance; a preview reads them back from the
    /// run's stored inputs. Points and an amount make two adjustment rows.
    @Test func batchRunsIncludeStoredAdjustments() async throws {
        let rules = try Self.rulesUsingAmounts()
        let f = try Self.fixture(rules: rules)
        let before = try #require(try f.store.currentRun(month: Self.month))
        let old = try #require(try f.store.result(runID: before.id, cadreID: Self.cadre))
        let oid = try f.store.addObjection(NewObjection(runID: before.id, month: Self.month, cadreID: Self.cadre, reference: "tier",
                                                        referenceLabel: "等次", reason: "漏记"), at: "2021-01-05T02:00:00Z")
        try f.store.acceptObjection(id: oid, .adjustment(points: Fixed("-1.5")!, amount: Money("120.50")!, reason: "扣 1.5 分，补交通费", approver: "张科长"),
                                    reply: "部分采纳", actor: "张科长", at: "2021-01-05T03:00:00Z")
        func run() throws -> Int64 {
            let options = BatchOptions(month: Self.month, dataFolder: PackagePaths.path("samples/2020-12"), rulesFolder: rules,
                                       storePath: f.store.path, outFolder: f.root + "/out", actor: "测试", now: "2021-01-06T09:00:00Z")
            let outcome = BatchRunner(options: options).run()
            #expect(outcome.diagnostics.filter { $0.severity == .error }.isEmpty, "\(outcome.diagnostics.prefix(3))")
            return try #require(outcome.runID)
        }
        for _ in 0..<2 {
            let id = try run()
            let r = try #require(try f.store.result(runID: id, cadreID: Self.cadre))
            #expect(r.score.total == old.score.total - Fixed("1.5")!)
            // The amount is paid: the rules' pay line sums the adjustments' 金额.
            #expect(r.pay.lines.first { $0.name == "申诉补发" }?.amount == Money("120.50"))
            let rows = r.score.lines.flatMap(\.records).filter { $0.file == StoredAdjustments.fileName }
            // The amount row carries no points: the rules' item takes rows with 分值 only.
            #expect(rows.map(\.line) == [2])
            let summary = try #require(try f.store.run(id: id).summary.files.first { $0.name == StoredAdjustments.fileName })
            #expect(summary.read == 2 && summary.accepted == 2 && summary.rejected == 0)
            #expect(try f.store.adjustments(month: Self.month).first?.includedIn == id)
        }
        // The same rules over the stored inputs change nothing: the adjustments are read back.
        let preview = BatchPreview.run(store: f.store, month: Self.month, rulesFolder: rules)
        #expect(preview.comparison?.changes.isEmpty == true, "\(preview.diagnostics.prefix(3))")
    }

    /// An adjustment whose row the month cannot use (a cadre not in the roster) stops the
    /// run with a diagnostic naming `申诉调整.csv`; with `--skip-invalid` the run records the
    /// rejected row and the adjustment stays pending, while the others are included.
    @Test func anUnusableAdjustmentIsRejectedAndStaysPending() throws {
        let f = try Self.fixture()
        let run = try #require(try f.store.currentRun(month: Self.month))
        var ids: [Int64] = []
        for cadre in ["XX-999", Self.cadre] {
            let oid = try f.store.addObjection(NewObjection(runID: run.id, month: Self.month, cadreID: cadre, reference: "tier", referenceLabel: "等次", reason: "漏记"),
                                               at: "2021-01-05T02:00:00Z")
            ids.append(try #require(try f.store.acceptObjection(id: oid, .adjustment(points: Fixed(2), amount: nil, reason: "补记", approver: "张科长"),
                                                                reply: "采纳", actor: "张科长", at: "2021-01-05T03:00:00Z")))
        }
        var options = BatchOptions(month: Self.month, dataFolder: PackagePaths.path("samples/2020-12"), rulesFolder: PackagePaths.path("rules"),
                                   storePath: f.store.path, outFolder: f.root + "/out", actor: "测试", now: "2021-01-06T09:00:00Z")
        let stopped = BatchRunner(options: options).run()
        #expect(stopped.stopped)
        #expect(stopped.diagnostics.contains { $0.severity == .error && $0.location.path == StoredAdjustments.fileName })
        options.skipInvalid = true
        let outcome = BatchRunner(options: options).run()
        let id = try #require(outcome.runID)
        #expect(try f.store.rejectedRows(runID: id).contains { $0.file == StoredAdjustments.fileName && $0.line == 2 })
        let stored = try f.store.adjustments(month: Self.month)
        #expect(stored.map(\.includedIn) == [nil, id])
        let old = try #require(try f.store.result(runID: run.id, cadreID: Self.cadre))
        #expect(try f.store.result(runID: id, cadreID: Self.cadre)?.score.total == old.score.total + Fixed(2))
        #expect(stored.map(\.id) == ids)
    }

    /// An adjustment with points and an amount is two rows; rejecting either leaves it out.
    @Test func adjustmentRowsAndLines() throws {
        let schema = StandardSchemas.adjustments
        let a = ObjectionAdjustment(id: 7, objectionID: 12, month: "2020-12", cadreID: "FM-001", points: Fixed("-1.5"), amount: Money("120.50"),
                                    reason: "扣分，补交通费，\"备注\"", approver: "张科长", createdAt: "")
        let b = ObjectionAdjustment(id: 8, objectionID: 13, month: "2020-12", cadreID: "FM-002", points: Fixed(2), amount: nil, reason: "补记", approver: "张科长", createdAt: "")
        let (text, lines) = StoredAdjustments.csv([a, b], schema: schema, month: Self.month)
        #expect(text == #"""
            工号,项目,分值,金额,原因,批准人
            FM-001,申诉#12,-1.5,,"扣分，补交通费，""备注""",张科长
            FM-001,申诉#12,,120.50,"扣分，补交通费，""备注""",张科长
            FM-002,申诉#13,2,,补记,张科长

            """#)
        #expect(lines.map(\.adjustmentID) == [7, 8] && lines.map(\.line) == [2, 4])
        // Scored as typed rows; the CSV is only their stored form, and reads back into rows
        // whose every cell is the same text.
        let (rows, rowLines) = StoredAdjustments.rows([a, b], schema: schema, month: Self.month)
        #expect(rowLines.map(\.line) == lines.map(\.line))
        #expect(rows[0]["分值"] == .number(Fixed("-1.5")!) && rows[1]["金额"] == .money(Money("120.50")!) && rows[1]["分值"] == nil)
        let back = try TypedRows.read(stored: Array(text.utf8), name: StoredAdjustments.fileName)
        #expect(back.rows.count == 3 && back.byteCount == text.utf8.count && back.format == .csv(.utf8))
        for (r, t) in zip(rows, back.rows) {
            #expect(schema.fields.map { r[$0.name]?.cellText ?? "" } == schema.fields.map { t[$0.name]?.cellText ?? "" })
        }
        let prepared = StoredAdjustments.Prepared(rows: TypedRows(name: StoredAdjustments.fileName, rows: rows),
                                                  file: InputSet.File(path: StoredAdjustments.fileName, bytes: []), lines: lines, count: 2)
        func rejected(_ line: Int) -> StoredRejectedRow { StoredRejectedRow(file: StoredAdjustments.fileName, line: line, codes: [], reasons: [], cells: []) }
        #expect(prepared.included(rejected: []).map(\.adjustmentID) == [7, 8])
        #expect(prepared.included(rejected: [rejected(3)]).map(\.adjustmentID) == [8])
        #expect(prepared.included(rejected: [rejected(4)]).map(\.adjustmentID) == [7])
    }

    /// A rejection or a data fix stores no adjustment: the re-run gives the same scores and
    /// stores no `申诉调整.csv`. With the data folder gone, the re-run reads the stored
    /// copies of the month's inputs.
    @Test func rejectionAndDataFixAddNothing() async throws {
        let f = try Self.fixture(dataRoot: PackagePaths.temporaryDirectory("no-data") + "/missing")
        let before = try #require(try f.store.currentRun(month: Self.month))
        try await f.application().test(.router) { client in
            let first = try await Self.objection(f, client, reason: "值班记录有误")
            let second = try await Self.objection(f, client, reason: "服务台账少记一条")
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/objections")
            #expect(try await staff.post("/staff/objections/\(first)/decide", [("decision", "rejected"), ("reply", "经核实无误"), ("points", "5")]).status == .seeOther)
            #expect(try await staff.post("/staff/objections/\(second)/decide", [("decision", "dataFix"), ("fix", "service.csv 第 7 行"), ("reply", "将更正台账"), ("points", "5")]).status == .seeOther)
            #expect(try f.store.adjustments(month: Self.month).isEmpty)
            let o = try #require(try f.store.objection(id: second))
            #expect(o.state == .accepted && o.resolution == .dataFix && o.dataFix == "service.csv 第 7 行" && o.adjustment == nil)
            #expect(try f.store.objection(id: first)?.state == .rejected)
            let queue = try await staff.get("/staff/objections?done=\(second)")
            #expect(queue.body.contains("处理：更正源数据（service.csv 第 7 行）"))

            let rerun = try await staff.post("/staff/runs/2020-12/rerun", [])
            #expect(rerun.status == .seeOther)
            #expect(try await Self.finished(f, request: try Self.requestID(rerun.location)).state == .done)
        }
        let now = try #require(try f.store.currentRun(month: Self.month))
        #expect(now.id != before.id)
        #expect(!now.inputs.contains { $0.name == StoredAdjustments.fileName })
        #expect(RunComparison.dataDifferences(before, now).isEmpty)
        #expect(try f.store.results(runID: now.id).cadres.map(\.score.total) == f.store.results(runID: before.id).cadres.map(\.score.total))
        #expect(try f.store.auditLog(month: Self.month).contains { $0.action == "rerun" && ($0.detail ?? "").contains("stored inputs") })
    }

    /// A closed month is neither re-run nor adjusted; the message says how to reopen it.
    @Test func closedMonthRefuses() async throws {
        let f = try Self.fixture()
        let closed = YearMonth("2020-11")!
        let run = try #require(try f.store.currentRun(month: closed))
        let oid = try f.store.addObjection(NewObjection(runID: run.id, month: closed, cadreID: Self.cadre, reference: "tier", referenceLabel: "等次", reason: "漏记"),
                                           at: "2020-12-05T02:00:00Z")
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let page = try await staff.get("/staff/runs/2020-11")
            #expect(page.body.contains("本月已关账，不能重新计算") && !page.body.contains("/staff/runs/2020-11/rerun"))
            let refused = try await staff.post("/staff/runs/2020-11/rerun", [])
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("2020年11月已关账") && refused.body.contains("jifen batch reopen --month 2020-11"))
            let adjust = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "adjustment"), ("points", "1"), ("reason", "补记"), ("reply", "采纳")])
            #expect(adjust.status == .conflict && adjust.body.contains("2020年11月已关账，不能再调整"))
            let api = try await staff.postJSON("/api/staff/runs/2020-11/rerun", "{}", csrfHeader: staff.csrf)
            #expect(api.status == .conflict)
        }
        #expect(try f.store.currentRun(month: closed)?.id == run.id)
        #expect(try f.store.adjustments(month: closed).isEmpty)
        #expect(try f.store.objection(id: oid)?.state == .open)
    }

    /// Bad input is refused with a message that says what to write, the queue is shown
    /// again with what staff typed, and nothing is stored.
    @Test(arguments: [
        ([("points", "abc"), ("reason", "补记")], "分值“abc”不是数字"),
        ([("points", "1.555"), ("reason", "补记")], "分值最多 2 位小数"),
        ([("points", "0"), ("reason", "补记")], "分值不能为 0"),
        ([("points", "1,000"), ("reason", "补记")], "不是数字"),
        ([("amount", "150"), ("reason", "补记")], "规则没有使用调整“金额”的工资项目"),
        ([("points", ""), ("amount", ""), ("reason", "补记")], "请填写调整的分值。"),
        ([("points", "2"), ("reason", "  ")], "请写明调整原因"),
        ([("points", "2"), ("reason", String(repeating: "长", count: 201))], "调整原因不超过 200 字"),
    ])
    func badAdjustmentInput(fields: [(String, String)], message: String) async throws {
        let f = try Self.fixture(rules: Self.rulesPayingNoAmounts())
        try await f.application().test(.router) { client in
            let oid = try await Self.objection(f, client)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/objections")
            let page = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "adjustment"), ("reply", "采纳")] + fields)
            #expect(page.status == .badRequest)
            #expect(page.body.contains(HTMLText.escape(message)), "\(message)")
            // What was typed comes back in the form.
            #expect(page.body.contains(">采纳</textarea>"))
            for (name, value) in fields where name == "points" && !value.isEmpty { #expect(page.body.contains("name=\"points\" inputmode=\"decimal\" maxlength=\"12\" value=\"\(value)\"")) }
        }
        #expect(try f.store.adjustments(month: Self.month).isEmpty)
        #expect(try f.store.objections(state: .open).count == 1)
    }

    /// Other refusals of a decision: no choice of how to accept, a data fix naming nothing,
    /// and rules with no adjustments source.
    @Test func otherDecisionRefusals() async throws {
        // The sample rules without their adjustments source and item.
        let rulesText = try String(contentsOfFile: PackagePaths.path("rules/榕江县积分管理考核办法.jifen"), encoding: .utf8)
        let stripped = Self.removingBlock(Self.removingBlock(rulesText, from: "数据源 调整 "), from: "调整项 人工调整 ")
            .replacingOccurrences(of: "应发项 报酬调整 （依据 第九条） = 合计（金额 来自 调整 其中 金额 ≠ 空）\n", with: "")
            .replacingOccurrences(of: " + 报酬调整", with: "")
        #expect(stripped != rulesText && !stripped.contains("数据源 调整"))
        let rules = PackagePaths.temporaryDirectory("rules-without-adjustments") + "/rules"
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try stripped.write(toFile: rules + "/办法.jifen", atomically: true, encoding: .utf8)
        let f = try Self.fixture(rules: rules)
        try await f.application().test(.router) { client in
            let oid = try await Self.objection(f, client)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let queue = try await staff.get("/staff/objections")
            #expect(queue.body.contains("规则没有声明调整数据源，不能以调整方式采纳") && !queue.body.contains("name=\"points\""))
            let plain = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "accepted"), ("reply", "采纳")])
            #expect(plain.status == .badRequest && plain.body.contains("采纳时请选择处理方式"))
            let noFix = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "dataFix"), ("fix", " "), ("reply", "采纳")])
            #expect(noFix.status == .badRequest && noFix.body.contains("请写明要更正的数据文件和记录"))
            let adjust = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "adjustment"), ("points", "2"), ("reason", "补记"), ("reply", "采纳")])
            #expect(adjust.status == .conflict && adjust.body.contains("规则没有声明调整数据源"))
            // The API says the same.
            let api = try await staff.postJSON("/api/staff/objections/\(oid)/decide", #"{"decision":"adjustment","reply":"采纳","points":"2","reason":"补记"}"#, csrfHeader: staff.csrf)
            #expect(api.status == .conflict && api.body.contains("规则没有声明调整数据源"))
        }
        #expect(try f.store.objections(state: .open).count == 1)
    }

    /// Only staff accept or re-run: cadres and finance are refused, so is a request
    /// without a session or without the CSRF token; nothing is stored or run.
    @Test func authorisation() async throws {
        let f = try Self.fixture()
        let before = try #require(try f.store.currentRun(month: Self.month))
        try await f.application().test(.router) { client in
            let oid = try await Self.objection(f, client)
            let accept = [("decision", "adjustment"), ("points", "2"), ("reason", "补记"), ("reply", "采纳")]
            let json = #"{"decision":"adjustment","reply":"采纳","points":"2","reason":"补记"}"#

            let cadre = Browser(client)
            try await cadre.login(Self.cadre, Self.password)
            _ = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            let finance = Browser(client)
            try await finance.login("李会计", PortalFixture.financePassword)
            _ = try await finance.get("/finance")
            for b in [cadre, finance] {
                #expect(try await b.post("/staff/objections/\(oid)/decide", accept).status == .forbidden)
                #expect(try await b.post("/staff/runs/2020-12/rerun", []).status == .forbidden)
                let token = try #require(b.csrf)
                #expect(try await b.postJSON("/api/staff/objections/\(oid)/decide", json, csrfHeader: token).status == .forbidden)
                #expect(try await b.postJSON("/api/staff/runs/2020-12/rerun", "{}", csrfHeader: token).status == .forbidden)
            }
            let anon = Browser(client)
            #expect(try await anon.post("/staff/objections/\(oid)/decide", accept, csrf: "x").location == "/login")
            #expect(try await anon.post("/staff/runs/2020-12/rerun", [], csrf: "x").location == "/login")
            #expect(try await anon.postJSON("/api/staff/runs/2020-12/rerun", "{}").status == .unauthorized)

            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/objections")
            for bad in ["", String(repeating: "0", count: 64)] {
                #expect(try await staff.post("/staff/objections/\(oid)/decide", accept, csrf: bad).status == .forbidden)
                #expect(try await staff.post("/staff/runs/2020-12/rerun", [], csrf: bad).status == .forbidden)
                #expect(try await staff.postJSON("/api/staff/objections/\(oid)/decide", json, csrfHeader: bad.isEmpty ? nil : bad).status == .forbidden)
                #expect(try await staff.postJSON("/api/staff/runs/2020-12/rerun", "{}", csrfHeader: bad.isEmpty ? nil : bad).status == .forbidden)
            }
            // With the token, the API accepts and re-runs.
            let token = try #require(staff.csrf)
            let accepted = try await staff.postJSON("/api/staff/objections/\(oid)/decide", json, csrfHeader: token)
            #expect(accepted.status == .ok && accepted.body.contains("\"resolution\":\"adjustment\""))
            let rerun = try await staff.postJSON("/api/staff/runs/2020-12/rerun", "{}", csrfHeader: token)
            #expect(rerun.status == .accepted && rerun.body.contains("\"state\":\"queued\""), "\(rerun.body)")
            let request = try #require(try f.store.latestBatchRequest(month: Self.month))
            _ = try await Self.finished(f, request: request.id)
            let status = try await staff.get("/api/staff/requests/\(request.id)")
            let now = try #require(try f.store.currentRun(month: Self.month))
            #expect(status.status == .ok && status.body.contains("\"state\":\"done\"") && status.body.contains("\"runID\":\(now.id)"), "\(status.body)")
            #expect(try f.store.adjustments(month: Self.month).first?.includedIn == now.id)
        }
        #expect(try f.store.adjustments(month: Self.month).count == 1)
        #expect(try f.store.runs().filter { $0.month == Self.month }.count == 2)
    }

    /// A re-run while another batch holds the store waits for it: the page shows the request
    /// in progress (and reloads itself), a second press returns the same request, and once the
    /// other batch ends the re-run completes.
    @Test func rerunWhileBusy() async throws {
        let f = try Self.fixture()
        let before = try #require(try f.store.currentRun(month: Self.month))
        let held = HeldLock(try RunLock(storePath: f.store.path, holder: "pid 1 测试 2020-12"))
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/runs/2020-12")
            let page = try await staff.post("/staff/runs/2020-12/rerun", [])
            #expect(page.status == .seeOther)
            let id = try Self.requestID(page.location)
            try await Task.sleep(nanoseconds: 1_500_000_000)
            let waiting = try await staff.get(page.location ?? "")
            #expect(waiting.body.contains("请求 #\(id)") && waiting.body.contains("http-equiv=\"refresh\""), "\(waiting.body)")
            #expect(try f.store.batchRequest(id: id)?.isFinished == false)
            // Pressed again: the same request, no second batch.
            let again = try await staff.post("/staff/runs/2020-12/rerun", [])
            #expect(try Self.requestID(again.location) == id)
            #expect(try f.store.currentRun(month: Self.month)?.id == before.id)
            held.release()
            let done = try await Self.finished(f, request: id)
            #expect(done.state == .done, "\(done.message ?? "")")
        }
        #expect(try f.store.currentRun(month: Self.month)?.id != before.id)
    }

    /// A worker process that dies leaves its request failed, not 计算中 forever.
    @Test func aRequestWhoseWorkerDiedIsFailed() throws {
        let f = try Self.fixture()
        let (request, _) = try f.store.enqueueRerun(month: Self.month, actor: "张科长", at: "2021-01-05T02:00:00Z")
        // A pid that cannot be alive (beyond the kernel's pid_max).
        _ = try f.store.claimRequest(id: request.id, pid: Int32.max - 1, at: "2021-01-05T02:00:01Z")
        let seen = try #require(try f.store.batchRequest(id: request.id))
        #expect(seen.state == .failed && seen.message?.contains("计算进程意外退出") == true)
        let (next, isNew) = try f.store.enqueueRerun(month: Self.month, actor: "张科长", at: "2021-01-05T02:01:00Z")
        #expect(isNew && next.id != request.id)
    }

    /// The text from `from` to its closing `}` line removed.
    static func removingBlock(_ text: String, from start: String) -> String {
        guard let r = text.range(of: start), let end = text.range(of: "\n}\n", range: r.upperBound..<text.endIndex) else { return text }
        return String(text[..<r.lowerBound]) + String(text[end.upperBound...])
    }
    /// The sample rules with a pay line that pays the adjustments' 金额 and the limits on one
    /// adjustment a county states (调整分值上限 10 分, 调整金额上限 2000 元).
    static func rulesUsingAmounts() throws -> String {
        let folder = PackagePaths.temporaryDirectory("rules-amounts") + "/rules"
        try FileManager.default.copyItem(atPath: PackagePaths.path("rules"), toPath: folder)
        let path = folder + "/榕江县积分管理考核办法.jifen"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let total = "计算项 应发合计 = 基本工资 + 绩效工资 + 四点半课堂奖励 + 夜班补贴 + 节假日值班工资"
        #expect(text.contains(total))
        text = text.replacingOccurrences(of: total, with: """
            应发项 申诉补发 （依据 第九条） = 合计（金额 来自 调整 其中 金额 ≠ 空）

            \(total) + 申诉补发

            参数 调整分值上限 （依据 第九条第二款） = 10 分

            参数 调整金额上限 （依据 第九条第二款） = 2000 元

            参数 调整复核分值 （依据 第九条第二款） = 5 分

            参数 调整复核金额 （依据 第九条第二款） = 500 元
            """)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return folder
    }

    /// Rules that pay amounts and state limits: amounts are offered, and values beyond the
    /// limits, or not in 元 to the 分, are refused with the limit named.
    @Test(arguments: [
        ([("points", "10.5"), ("reason", "补记")], "分值应在 -10 到 +10 之间（规则“调整分值上限”）"),
        ([("points", "-11"), ("reason", "补记")], "分值应在 -10 到 +10 之间"),
        ([("amount", "2000.01"), ("reason", "补记")], "金额应在 -2,000.00 到 2,000.00 元之间（规则“调整金额上限”）"),
        ([("amount", "-1000000"), ("reason", "补记")], "金额应在 -2,000.00 到 2,000.00 元之间"),
        ([("amount", "12.345"), ("reason", "补记")], "金额“12.345”应写成元"),
        ([("amount", "0"), ("reason", "补记")], "金额不能为 0"),
    ])
    func adjustmentsBeyondTheRulesLimitsAreRefused(fields: [(String, String)], message: String) async throws {
        let f = try Self.fixture(rules: try Self.rulesUsingAmounts())
        try await f.application().test(.router) { client in
            let oid = try await Self.objection(f, client)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let queue = try await staff.get("/staff/objections")
            #expect(queue.body.contains("name=\"amount\""))
            let page = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "adjustment"), ("reply", "采纳")] + fields)
            #expect(page.status == .badRequest)
            #expect(page.body.contains(HTMLText.escape(message)), "\(message)")
            #expect(try f.store.adjustments(month: Self.month).isEmpty)
        }
    }

    /// Above the rules' review line an adjustment waits for a second staff member: runs leave
    /// it out, the staff member who accepted it cannot approve it, another one can, and from
    /// then on it counts, with both names on the adjustment row.
    @Test func anAdjustmentAboveTheReviewLineCountsOnlyAfterASecondApproval() async throws {
        let rules = try Self.rulesUsingAmounts()
        let f = try Self.fixture(rules: rules)
        try f.store.addUser(username: "王股长", role: .staff, displayName: "王股长", passwordHash: Passwords.hash("second-pass-1", cost: 4),
                            actor: "测试", at: "2021-01-04T00:00:00Z")
        let before = try #require(try f.store.currentRun(month: Self.month))
        let old = try #require(try f.store.result(runID: before.id, cadreID: Self.cadre))
        @Sendable func run() throws -> CadreResult {
            let options = BatchOptions(month: Self.month, dataFolder: PackagePaths.path("samples/2020-12"), rulesFolder: rules,
                                       storePath: f.store.path, outFolder: f.root + "/out", actor: "测试", now: "2021-01-06T09:00:00Z")
            let outcome = BatchRunner(options: options).run()
            #expect(!outcome.diagnostics.hasErrors, "\(outcome.diagnostics.prefix(3))")
            let id = try #require(outcome.runID)
            return try #require(try f.store.result(runID: id, cadreID: Self.cadre))
        }
        try await f.application().test(.router) { client in
            let oid = try await Self.objection(f, client)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/objections")
            let decided = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "adjustment"), ("reply", "采纳"), ("points", "+8"), ("reason", "补记")])
            #expect(decided.status == .seeOther)
            let queue = try await staff.get("/staff/objections?done=\(oid)")
            #expect(queue.body.contains("须另一名工作人员"), "\(queue.body)")
            let stored = try #require(try f.store.adjustments(month: Self.month).first)
            #expect(stored.awaitingApproval)
            // Not counted yet.
            let unapproved = try run()
            #expect(unapproved.score.total == old.score.total)
            // Not by the one who accepted it.
            let own = try await staff.post("/staff/adjustments/\(stored.id)/approve", [])
            #expect(own.status == .conflict)
            #expect(own.body.contains("不能复核自己的调整"))
            #expect(try f.store.adjustments(month: Self.month).first?.awaitingApproval == true)
            // Another staff member approves.
            let second = Browser(client)
            try await second.login("王股长", "second-pass-1")
            let page = try await second.get("/staff/objections")
            #expect(page.body.contains("待复核的调整（1）") && page.body.contains("/staff/adjustments/\(stored.id)/approve"))
            #expect(try await second.post("/staff/adjustments/\(stored.id)/approve", []).status == .seeOther)
            #expect(try await second.post("/staff/adjustments/\(stored.id)/approve", []).status == .conflict)
        }
        let approved = try #require(try f.store.adjustments(month: Self.month).first)
        #expect(!approved.awaitingApproval && approved.secondApprover == "王股长")
        let after = try run()
        #expect(after.score.total == old.score.total + Fixed(8))
        let record = try #require(after.score.lines.flatMap(\.records).first { $0.file == StoredAdjustments.fileName })
        #expect(record.points == Fixed(8))
        #expect(record.summary.contains("王股长（复核）"), "\(record.summary)")
        #expect(try f.store.auditLog(month: Self.month).contains { $0.action == "adjustment-approved" && $0.actor == "王股长" })
    }

    /// A stored adjustment whose value the rules never read (an amount, under rules that pay
    /// no adjustment amounts) stops the next run instead of showing as included.
    @Test func aStoredAdjustmentTheRulesIgnoreIsAnErrorAtTheNextRun() throws {
        let f = try Self.fixture()
        let before = try #require(try f.store.currentRun(month: Self.month))
        let oid = try f.store.addObjection(NewObjection(runID: before.id, month: Self.month, cadreID: Self.cadre, reference: "tier",
                                                        referenceLabel: "等次", reason: "漏发"), at: "2021-01-05T02:00:00Z")
        try f.store.acceptObjection(id: oid, .adjustment(points: nil, amount: Money("1000000.00")!, reason: "补发", approver: "张科长"),
                                    reply: "采纳", actor: "张科长", at: "2021-01-05T03:00:00Z")
        let options = BatchOptions(month: Self.month, dataFolder: PackagePaths.path("samples/2020-12"), rulesFolder: try Self.rulesPayingNoAmounts(),
                                   storePath: f.store.path, outFolder: f.root + "/out", actor: "测试", now: "2021-01-06T09:00:00Z")
        let outcome = BatchRunner(options: options).run()
        #expect(outcome.stopped)
        #expect(outcome.diagnostics.contains { $0.code == "B0014" && $0.summary.zh.contains("#\(oid)") }, "\(outcome.diagnostics.prefix(3))")
        #expect(try f.store.currentRun(month: Self.month)?.id == before.id)
    }
}

/// HTML escaping as the portal does it, for matching messages in pages.
/// A store lock a test holds until it lets go (from inside a concurrent test closure).
final class HeldLock: @unchecked Sendable {
    private var lock: RunLock?
    init(_ lock: RunLock) { self.lock = lock }
    func release() { lock = nil }
}

enum HTMLText {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

}
