import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Portal
import Results
import Store
import Testing

/// The portal as people use it, in-process: activation, login, pages, objections, refusals.
@Suite struct PortalRouteTests {
    static let cadre = "FM-001"
    static let other = "WL-002"  // another community: FM-002 approves FM-001's adjustment, so its name is on FM-001's page
    static let password = "cadre-pass-1"

    /// A cadre activates with the code, sets a password, logs in later, and sees their own
    /// score, tier, items and pay slip as the store has them.
    @Test func activationLoginAndOwnPage() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try f.store.publish(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let run = try #require(try f.store.currentRun(month: YearMonth("2020-12")!))
        let result = try #require(try f.store.result(runID: run.id, cadreID: Self.cadre))
        try await f.application().test(.router) { client in
            let b = Browser(client)
            let activated = try await b.activate(Self.cadre, code: code, password: Self.password)
            #expect(activated.status == .seeOther)
            #expect(activated.location == "/cadre/\(Self.cadre)")
            #expect(b.cookies["jifen_session"] != nil)
            let cookie = try #require(activated.headers[values: .setCookie].first { $0.hasPrefix("jifen_session=") })
            // A session cookie: the browser forgets it when it closes (the server ends the session itself).
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Max-Age") && !cookie.contains("Expires"))

            // The code works once only.
            let again = Browser(client)
            let reused = try await again.activate(Self.cadre, code: code, password: "another-pass-2")
            #expect(reused.status == .badRequest)
            #expect(again.cookies["jifen_session"] == nil)

            // Log out, log in with the new password, land on the latest published month.
            _ = try await b.get("/cadre/\(Self.cadre)/2020-12")
            #expect(try await b.post("/logout", []).status == .seeOther)
            #expect(b.cookies["jifen_session"] == nil)
            let login = try await b.login(Self.cadre, Self.password)
            #expect(login.status == .seeOther)
            let latest = try await b.get("/cadre/\(Self.cadre)")
            #expect(latest.location == "/cadre/\(Self.cadre)/2020-12")
            let page = try await b.get("/cadre/\(Self.cadre)/2020-12")
            #expect(page.status == .ok)
            #expect(page.body.contains("<span class=\"big\" id=\"total\">\(result.score.total.shortDescription) 分</span>"))
            #expect(page.body.contains("<strong id=\"tier\">\(result.standing.tier)</strong>"))
            #expect(page.body.contains("第 \(result.standing.rank) 名，共 \(result.standing.groupSize) 人"))
            for line in result.score.lines { #expect(page.body.contains(line.name)) }
            for line in result.pay.lines { #expect(page.body.contains(line.name)) }
            let record = try #require(result.score.lines.flatMap(\.records).first)
            #expect(page.body.contains("\(record.file) 第 \(record.line) 行"))
            #expect(page.body.contains("<strong id=\"net\">\(result.pay.net.grouped) 元</strong>"))
            #expect(page.body.contains("<svg"))
            #expect(page.body.contains("公示中"))
            // The cadre's own ID number and account, masked: first 6 and last 4; last 4.
            let row = DemoStore.rosterRow(Self.cadre)
            let id = try #require(row["身份证号"]), account = try #require(row["银行账号"])
            #expect(page.body.contains("<span id=\"id-number\">\(id.prefix(6))********\(id.suffix(4))</span>"))
            #expect(page.body.contains(String(repeating: "*", count: account.count - 4) + account.suffix(4)))
            // The API says the same.
            let api = try await b.get("/api/cadres/\(Self.cadre)/2020-12")
            #expect(api.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
            let r = json?["result"] as? [String: Any]
            #expect(r?["cadreID"] as? String == Self.cadre)
            #expect((json?["history"] as? [Any])?.count == 3)
        }
        let actions = try f.store.auditLog().map(\.action)
        #expect(actions.contains("activate") && actions.contains("login") && actions.contains("logout") && actions.contains("activate-failed"))
    }

    /// A cadre never sees a draft month: 2020-12 is a draft here, so the latest is 2020-11.
    @Test func draftsAreNotShownToCadres() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client in
            let b = Browser(client)
            try await b.activate(Self.cadre, code: code, password: Self.password)
            #expect(try await b.get("/cadre/\(Self.cadre)").location == "/cadre/\(Self.cadre)/2020-11")
            #expect(try await b.get("/cadre/\(Self.cadre)/2020-12").status == .notFound)
            #expect(try await b.get("/api/cadres/\(Self.cadre)/2020-12").status == .notFound)
        }
    }

    /// Every cadre-facing route and API call with another cadre's id, without a session, with
    /// an expired session, and every POST without or with a wrong CSRF token: refused, and
    /// the other cadre's data appears nowhere.
    @Test func authorisationRefusals() async throws {
        let f = try PortalFixture()
        let codes = try f.codes()
        try f.store.publish(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let run = try #require(try f.store.currentRun(month: YearMonth("2020-12")!))
        let otherName = try #require(try f.store.result(runID: run.id, cadreID: Self.other)).name
        let ownRef = try #require(try f.store.result(runID: run.id, cadreID: Self.cadre)?.score.lines.first { $0.kind == .item }?.name)
        let files = try FileManager.default.contentsOfDirectory(atPath: f.config.outFolder + "/2020-10")
        let file = try #require(files.first)

        struct Probe: CustomStringConvertible {
            var method: HTTPRequest.Method
            var uri: String
            var json: String? = nil
            var description: String { "\(method) \(uri)" }
        }
        let o = Self.other
        let probes: [Probe] = [
            Probe(method: .get, uri: "/cadre/\(o)"),
            Probe(method: .get, uri: "/cadre/\(o)/2020-12"),
            Probe(method: .get, uri: "/cadre/\(o)/2020-11"),
            Probe(method: .post, uri: "/cadre/\(o)/2020-12/objections"),
            Probe(method: .get, uri: "/api/cadres/\(o)/months"),
            Probe(method: .get, uri: "/api/cadres/\(o)/2020-12"),
            Probe(method: .post, uri: "/api/cadres/\(o)/2020-12/objections", json: #"{"reference":"tier","reason":"x"}"#),
            Probe(method: .get, uri: "/staff"),
            Probe(method: .get, uri: "/staff/cadre?id=\(o)"),
            Probe(method: .get, uri: "/staff/objections"),
            Probe(method: .get, uri: "/staff/runs/2020-12?community=\(Browser.encode("富民"))"),
            Probe(method: .get, uri: "/api/staff/runs/2020-12/cadres?community=\(Browser.encode("富民"))"),
            Probe(method: .post, uri: "/staff/runs/2020-12/close"),
            Probe(method: .post, uri: "/staff/objections/1/decide"),
            Probe(method: .post, uri: "/staff/runs/2020-12/rerun"),
            Probe(method: .post, uri: "/api/staff/runs/2020-12/rerun", json: "{}"),
            Probe(method: .post, uri: "/api/staff/objections/1/decide", json: #"{"decision":"adjustment","reply":"x","points":"2","reason":"x"}"#),
            Probe(method: .get, uri: "/finance"),
            Probe(method: .get, uri: "/finance/2020-10/\(Browser.encode(file))"),
            Probe(method: .get, uri: "/api/staff/runs"),
            Probe(method: .get, uri: "/api/staff/objections"),
            Probe(method: .post, uri: "/api/staff/runs/2020-12/close", json: "{}"),
            Probe(method: .get, uri: "/api/finance/months"),
            Probe(method: .get, uri: "/api/finance/2020-10/\(Browser.encode(file))"),
            Probe(method: .post, uri: "/staff/unlock"),
            Probe(method: .post, uri: "/api/staff/unlock", json: #"{"username":"张科长"}"#),
            Probe(method: .get, uri: "/api/staff/locks"),
        ]

        try await f.application().test(.router) { client in
            func send(_ b: Browser, _ p: Probe, csrf: String?) async throws -> Browser.Page {
                if let json = p.json { return try await b.postJSON(p.uri, json, csrfHeader: csrf) }
                if p.method == .post { return try await b.post(p.uri, [("reference", "tier"), ("reason", "x"), ("decision", "rejected"), ("reply", "x")], csrf: csrf) }
                return try await b.get(p.uri)
            }
            func expectRefused(_ page: Browser.Page, _ p: Probe, _ who: String) {
                let refused = [.forbidden, .unauthorized, .notFound].contains(page.status) || (page.status == .seeOther && page.location == "/login")
                #expect(refused, "\(who): \(p) answered \(page.status)")
                #expect(!page.body.contains(otherName), "\(who): \(p) shows the other cadre's name")
            }

            // Logged in as FM-001, with a valid CSRF token.
            let b = Browser(client)
            try await b.activate(Self.cadre, code: codes[Self.cadre]!, password: Self.password)
            _ = try await b.get("/cadre/\(Self.cadre)/2020-12")
            let token = try #require(b.csrf)
            for p in probes { expectRefused(try await send(b, p, csrf: token), p, "another cadre") }
            // A query naming another cadre changes nothing: the page is still one's own.
            let own = try await b.get("/cadre/\(Self.cadre)/2020-12?id=\(o)&cadre=\(o)")
            #expect(own.status == .ok && !own.body.contains(otherName))

            // No session at all: pages send to the login form, the API answers 401.
            let anon = Browser(client)
            for p in probes + [Probe(method: .get, uri: "/cadre/\(Self.cadre)/2020-12"), Probe(method: .get, uri: "/me")] {
                let page = try await send(anon, p, csrf: token)
                expectRefused(page, p, "no session")
                if p.uri.hasPrefix("/api/") { #expect(page.status == .unauthorized, "no session: \(p)") }
            }

            // A made-up session cookie.
            let forged = Browser(client)
            forged.cookies["jifen_session"] = String(repeating: "ab", count: 32)
            expectRefused(try await forged.get("/cadre/\(Self.cadre)/2020-12"), Probe(method: .get, uri: "/cadre/\(Self.cadre)/2020-12"), "forged session")

            // Own objection POSTs without a token or with a wrong one: 403, nothing stored.
            let ownObjection = "/cadre/\(Self.cadre)/2020-12/objections"
            for bad in ["", String(repeating: "0", count: 64)] {
                let page = try await b.post(ownObjection, [("reference", "item:\(ownRef)"), ("reason", "记录有误")], csrf: bad)
                #expect(page.status == .forbidden, "csrf '\(bad.prefix(4))': \(page.status)")
                let api = try await b.postJSON("/api/cadres/\(Self.cadre)/2020-12/objections", #"{"reference":"tier","reason":"x"}"#, csrfHeader: bad.isEmpty ? nil : bad)
                #expect(api.status == .forbidden)
            }
            #expect(try await b.post("/logout", [], csrf: "").status == .forbidden)
            #expect(try f.store.objections(cadreID: Self.cadre).isEmpty)

            // Staff: a POST without the token is refused too.
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            #expect(try await staff.post("/staff/runs/2020-12/close", [], csrf: "").status == .forbidden)
            #expect(try f.store.currentRun(month: YearMonth("2020-12")!)?.state == .published)
            // Finance sees no cadre page.
            let finance = Browser(client)
            try await finance.login("李会计", PortalFixture.financePassword)
            expectRefused(try await finance.get("/cadre/\(o)/2020-12"), Probe(method: .get, uri: "/cadre/\(o)/2020-12"), "finance")
            expectRefused(try await finance.get("/api/cadres/\(o)/2020-12"), Probe(method: .get, uri: "/api/cadres/\(o)/2020-12"), "finance")

            // An expired session: the same cookie, nine hours later.
            f.clock.advance(by: 9 * 3600)
            for p in [Probe(method: .get, uri: "/cadre/\(Self.cadre)/2020-12"), Probe(method: .get, uri: "/api/cadres/\(Self.cadre)/2020-12"),
                      Probe(method: .post, uri: ownObjection), Probe(method: .get, uri: "/staff")] {
                expectRefused(try await send(b, p, csrf: token), p, "expired session")
                expectRefused(try await send(staff, p, csrf: staff.csrf), p, "expired staff session")
            }
        }
        #expect(try f.store.objections(cadreID: Self.other).isEmpty)
    }

    /// Staff publish; the cadre objects to a record; staff reject it with a reply; the cadre
    /// sees the outcome; every step is in the audit log.
    @Test func publishObjectReplyFlow() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        let run = try #require(try f.store.currentRun(month: YearMonth("2020-12")!))
        let result = try #require(try f.store.result(runID: run.id, cadreID: Self.cadre))
        let record = try #require(result.score.lines.flatMap(\.records).first)
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            #expect(try await staff.login("张科长", PortalFixture.staffPassword).location == "/staff")
            let runs = try await staff.get("/staff")
            #expect(runs.body.contains("2020年12月") && runs.body.contains("草稿"))
            #expect(try await staff.post("/staff/runs/2020-12/publish", [("days", "5")]).status == .seeOther)
            let published = try #require(try f.store.currentRun(month: YearMonth("2020-12")!))
            #expect(published.state == .published)
            // Tuesday 5 January + 5 working days = Tuesday 12 January.
            #expect(published.objectionsUntil == "2021-01-12")

            let cadre = Browser(client)
            try await cadre.activate(Self.cadre, code: code, password: Self.password)
            let page = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            #expect(page.body.contains("申诉截止 2021-01-12"))
            #expect(page.body.contains("value=\"record:\(record.file):\(record.line)\""))
            let sent = try await cadre.post("/cadre/\(Self.cadre)/2020-12/objections", [("reference", "record:\(record.file):\(record.line)"), ("reason", "那天我请了病假，没有值班")])
            #expect(sent.status == .seeOther)
            // A reference that is not on the cadre's page is refused.
            #expect(try await cadre.post("/cadre/\(Self.cadre)/2020-12/objections", [("reference", "record:duty.csv:99999"), ("reason", "x")]).status == .badRequest)

            // A reason is text, never markup, wherever it is shown.
            #expect(try await cadre.post("/cadre/\(Self.cadre)/2020-12/objections", [("reference", "tier"), ("reason", "<script>alert(1)</script>")]).status == .seeOther)
            let queue = try await staff.get("/staff/objections")
            #expect(queue.body.contains("那天我请了病假，没有值班"))
            #expect(queue.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !queue.body.contains("<script>"))
            let objection = try #require(try f.store.objections(state: .open).first { $0.reference.hasPrefix("record:") })
            // A decision needs a written reply.
            #expect(try await staff.post("/staff/objections/\(objection.id)/decide", [("decision", "rejected"), ("reply", " ")]).status == .badRequest)
            #expect(try await staff.post("/staff/objections/\(objection.id)/decide", [("decision", "rejected"), ("reply", "经核实考勤机记录，当日已到岗")]).status == .seeOther)
            #expect(try await staff.post("/staff/objections/\(objection.id)/decide", [("decision", "accepted"), ("reply", "改判")]).status == .conflict)
            // Staff viewing the cadre's page is audited.
            #expect(try await staff.get("/staff/cadre?id=\(Self.cadre)&month=2020-12").location == "/cadre/\(Self.cadre)/2020-12")
            let staffView = try await staff.get("/cadre/\(Self.cadre)/2020-12")
            #expect(staffView.body.contains("工作人员查看"))
            // Staff see the cadre's points and pay, not even the masked ID number or account.
            #expect(!staffView.body.contains("id-number") && !staffView.body.contains("工资账户"))

            let after = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            #expect(after.body.contains("经核实考勤机记录，当日已到岗"))
            #expect(after.body.contains("未采纳"))
            let api = try await cadre.get("/api/cadres/\(Self.cadre)/2020-12")
            #expect(api.body.contains("经核实考勤机记录，当日已到岗") && api.body.contains("\"state\":\"rejected\""))
        }
        let audit = try f.store.auditLog()
        let actions = audit.map(\.action)
        for a in ["publish", "login", "objection", "objection-rejected", "view-cadre"] { #expect(actions.contains(a), "audit has \(a)") }
        #expect(audit.contains { $0.action == "view-cadre" && $0.actor == "张科长" && $0.detail == Self.cadre })
        #expect(audit.contains { $0.action == "objection-rejected" && $0.reason == "经核实考勤机记录，当日已到岗" })
    }

    /// Staff find cadres by month and community, with figures and links to their pages.
    @Test func staffBrowsesCadresByCommunity() async throws {
        let f = try PortalFixture()
        let run = try #require(try f.store.currentRun(month: YearMonth("2020-12")!))
        let cadres = try f.store.results(runID: run.id).cadres.filter { $0.community == "富民" }
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let months = try await staff.get("/staff/runs/2020-12")
            #expect(months.body.contains("富民</a> <span class=\"muted\">\(cadres.count) 人"))
            let page = try await staff.get("/staff/runs/2020-12?community=\(Browser.encode("富民"))")
            #expect(page.status == .ok)
            for c in cadres {
                #expect(page.body.contains("<a href=\"/cadre/\(c.cadreID)/2020-12\">\(c.name)</a>"))
            }
            let api = try await staff.get("/api/staff/runs/2020-12/cadres?community=\(Browser.encode("富民"))")
            let rows = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [[String: Any]]
            #expect(rows?.count == cadres.count)
            #expect(rows?.first?["rank"] as? Int == 1)
        }
    }

    /// After the window, and on a closed month, objections are refused.
    @Test func objectionsAfterTheWindowAreRefused() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let published = try await staff.postJSON("/api/staff/runs/2020-12/publish", #"{"days":2}"#, csrfHeader: try Self.apiToken(staff))
            #expect(published.status == .ok && published.body.contains("2021-01-07"))

            let cadre = Browser(client)
            try await cadre.activate(Self.cadre, code: code, password: Self.password)
            // The last day of the window still counts (Thursday 7 January, China time).
            f.clock.advance(by: 2 * 86_400)
            try await cadre.login(Self.cadre, Self.password)
            _ = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            let inTime = try await cadre.post("/cadre/\(Self.cadre)/2020-12/objections", [("reference", "tier"), ("reason", "名次有误")])
            #expect(inTime.status == .seeOther && inTime.location?.hasPrefix("/cadre/\(Self.cadre)/2020-12") == true)
            // Friday: closed.
            f.clock.advance(by: 86_400)
            try await cadre.login(Self.cadre, Self.password)
            let page = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            let token = try #require(cadre.csrf)
            #expect(page.body.contains("申诉期已于 2021-01-07 结束"))
            #expect(!page.body.contains("提交申诉"))
            #expect(try await cadre.post("/cadre/\(Self.cadre)/2020-12/objections", [("reference", "tier"), ("reason", "晚了")], csrf: token).status == .conflict)
            #expect(try await cadre.postJSON("/api/cadres/\(Self.cadre)/2020-12/objections", #"{"reference":"tier","reason":"晚了"}"#, csrfHeader: token).status == .conflict)
            // A closed month never takes objections.
            #expect(try await cadre.post("/cadre/\(Self.cadre)/2020-11/objections", [("reference", "tier"), ("reason", "x")], csrf: token).status == .conflict)
        }
        #expect(try f.store.objections(cadreID: Self.cadre).map(\.reason) == ["名次有误"])
    }

    /// Five wrong passwords lock the account for 15 minutes, even against the right one.
    @Test func lockoutAfterRepeatedFailures() async throws {
        let f = try PortalFixture()
        try await f.application().test(.router) { client in
            let b = Browser(client)
            for i in 1...4 {
                #expect(try await b.login("张科长", "wrong-\(i)").status == .unauthorized)
            }
            #expect(try await b.login("张科长", "wrong-5").status == .tooManyRequests)
            #expect(try await b.login("张科长", PortalFixture.staffPassword).status == .tooManyRequests)
            #expect(b.cookies["jifen_session"] == nil)
            let api = try await b.postJSON("/api/login", #"{"username":"张科长","password":"\#(PortalFixture.staffPassword)"}"#)
            #expect(api.status == .tooManyRequests)
            f.clock.advance(by: 15 * 60 + 1)
            #expect(try await b.login("张科长", PortalFixture.staffPassword).status == .seeOther)
            #expect(b.cookies["jifen_session"] != nil)
            // Unknown accounts fail the same way, and their names are not logged.
            #expect(try await Browser(client).login("13800000000", "x").status == .unauthorized)
        }
        let audit = try f.store.auditLog()
        #expect(audit.filter { $0.action == "login-failed" && $0.actor == "张科长" }.count == 5)
        #expect(audit.contains { $0.action == "login-refused" })
        #expect(!audit.contains { "\($0.actor) \($0.detail ?? "")".contains("13800000000") || ($0.detail ?? "").contains("wrong-") })
    }

    /// Behind TLS the cookies carry Secure; the session cookie is a browser-session cookie
    /// whatever the session's length, which the server enforces.
    @Test func secureCookiesWhenConfigured() async throws {
        var setup = try PortalFixture()
        setup.config.secureCookies = true
        setup.config.sessionSeconds = 1800
        let f = setup
        try await f.application().test(.router) { client in
            let b = Browser(client)
            let form = try await b.get("/login")
            #expect(form.headers[values: .setCookie].allSatisfy { $0.contains("; Secure") })
            let login = try await b.post("/login", [("username", "张科长"), ("password", PortalFixture.staffPassword)])
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("jifen_session=") })
            #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Max-Age"))
            // The server ends the session too, whatever the browser keeps.
            f.clock.advance(by: 1801)
            #expect(try await b.get("/staff").location == "/login")
        }
    }

    /// A body over the limit is refused with its own status, not a server error.
    @Test func oversizedBodiesAreRefused() async throws {
        let f = try PortalFixture()
        try await f.application().test(.router) { client in
            let b = Browser(client)
            try await b.get("/login")
            let big = String(repeating: "x", count: 70_000)
            let form = try await b.post("/login", [("username", big), ("password", "x")])
            #expect(form.status == .contentTooLarge, "\(form.status) \(form.body.prefix(300))")
            #expect(try await b.postJSON("/api/login", #"{"username":"\#(big)","password":"x"}"#).status == .contentTooLarge)
        }
    }

    /// Wrong activation codes are throttled like passwords.
    @Test func activationCodesAreThrottled() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client in
            let b = Browser(client)
            try await b.get("/activate")
            for i in 1...4 { #expect(try await b.activate(Self.cadre, code: "AAAA-BBBB-CCC\(i)", password: Self.password).status == .badRequest) }
            #expect(try await b.activate(Self.cadre, code: "AAAA-BBBB-CCC5", password: Self.password).status == .tooManyRequests)
            #expect(try await b.activate(Self.cadre, code: code, password: Self.password).status == .tooManyRequests)
            f.clock.advance(by: 15 * 60 + 1)
            // Codes are read forgivingly: lower case, without dashes.
            #expect(try await b.activate(Self.cadre, code: code.lowercased().replacingOccurrences(of: "-", with: ""), password: Self.password).status == .seeOther)
        }
    }

    /// No page or API answer, for cadre, staff or finance, carries an ID number, a bank account
    /// or a phone from the roster; nor does the audit log.
    @Test func noPersonalDataOnAnyPage() async throws {
        let f = try PortalFixture()
        let codes = try f.codes()
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            try await staff.get("/staff")
            #expect(try await staff.post("/staff/runs/2020-12/publish", [("days", "5")]).status == .seeOther)
            let cadre = Browser(client)
            try await cadre.activate(Self.cadre, code: codes[Self.cadre]!, password: Self.password)
            _ = try await cadre.get("/cadre/\(Self.cadre)/2020-12")
            #expect(try await cadre.post("/cadre/\(Self.cadre)/2020-12/objections", [("reference", "pay"), ("reason", "报酬计算有疑问")]).status == .seeOther)
            let finance = Browser(client)
            try await finance.login("李会计", PortalFixture.financePassword)
            var pages: [String] = []
            for uri in ["/cadre/\(Self.cadre)/2020-12", "/cadre/\(Self.cadre)/2020-11", "/cadre/\(Self.cadre)/2020-10", "/api/cadres/\(Self.cadre)/2020-12", "/api/cadres/\(Self.cadre)/months"] {
                pages.append(try await cadre.get(uri).body)
            }
            for uri in ["/staff", "/staff/objections", "/cadre/\(Self.other)/2020-12", "/api/staff/runs", "/api/staff/objections", "/api/cadres/\(Self.other)/2020-12"] {
                pages.append(try await staff.get(uri).body)
            }
            for uri in ["/finance", "/api/finance/months"] { pages.append(try await finance.get(uri).body) }
            for (i, page) in pages.enumerated() { #expect(page.count > 100 && !page.contains("\"error\":") && !page.contains("无法完成"), "page \(i) is only \(page)") }
            for value in DemoStore.personalData {
                for (i, page) in pages.enumerated() { #expect(!page.contains(value), "page \(i) shows a roster value") }
            }
        }
        let audit = try f.store.auditLog().map { "\($0.actor) \($0.reason ?? "") \($0.detail ?? "")" }.joined(separator: "\n")
        for value in DemoStore.personalData { #expect(!audit.contains(value)) }
    }

    /// Finance lists the closed months' reports and downloads one; a path outside the month's
    /// folder, a draft month or a cadre's session gets nothing.
    @Test func financeDownloads() async throws {
        let f = try PortalFixture()
        // The reports, not the folder's run marker (.jifen-run), which finance never sees.
        let files = try FileManager.default.contentsOfDirectory(atPath: f.config.outFolder + "/2020-10").filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count == 8)
        let file = try #require(files.first)
        try await f.application().test(.router) { client in
            let finance = Browser(client)
            #expect(try await finance.login("李会计", PortalFixture.financePassword).location == "/finance")
            let page = try await finance.get("/finance")
            #expect(page.body.contains("2020-10") && page.body.contains("2020-11") && !page.body.contains("<h3>2020-12"))
            for name in files { #expect(page.body.contains(name)) }
            let download = try await finance.get("/finance/2020-10/\(Browser.encode(file))")
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(download.bytes == Array(try #require(FileManager.default.contents(atPath: f.config.outFolder + "/2020-10/" + file))))
            for bad in ["/finance/2020-12/\(Browser.encode(file))", "/finance/2020-10/..%2F..%2Fjifen.sqlite", "/finance/2020-10/%2Fetc%2Fpasswd"] {
                #expect(try await finance.get(bad).status == .notFound, "\(bad)")
            }
            let months = try await finance.get("/api/finance/months")
            #expect(months.status == .ok && months.body.contains("\"month\":\"2020-11\""))
        }
        #expect(try f.store.auditLog().contains { $0.action == "download" && $0.actor == "李会计" && $0.detail == file })
    }

    /// The JSON API: log in, read one's page, object with the CSRF header.
    @Test func apiLoginAndObjection() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try f.store.publish(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        try await f.application().test(.router) { client in
            let b = Browser(client)
            let activated = try await b.postJSON("/api/activate", #"{"cadreID":"\#(Self.cadre)","code":"\#(code)","password":"\#(Self.password)"}"#)
            #expect(activated.status == .ok)
            // A form post to the API login is refused: JSON only.
            #expect(try await b.post("/api/login", [("username", Self.cadre), ("password", Self.password)], csrf: "").status == .badRequest)
            let login = try await b.postJSON("/api/login", #"{"username":"\#(Self.cadre)","password":"\#(Self.password)"}"#)
            #expect(login.status == .ok)
            let token = try #require((try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["csrfToken"] as? String)
            let months = try await b.get("/api/cadres/\(Self.cadre)/months")
            #expect(months.status == .ok && months.body.contains("2020-12"))
            let created = try await b.postJSON("/api/cadres/\(Self.cadre)/2020-12/objections", #"{"reference":"tier","reason":"等次有误"}"#, csrfHeader: token)
            #expect(created.status == .created && created.body.contains("\"state\":\"open\""))
            #expect(try await b.postJSON("/api/logout", "{}", csrfHeader: token).status == .ok)
            #expect(try await b.get("/api/me").status == .unauthorized)
        }
    }

    static func apiToken(_ b: Browser) async throws -> String {
        let me = try await b.get("/api/me")
        return try #require((try JSONSerialization.jsonObject(with: Data(me.body.utf8)) as? [String: Any])?["csrfToken"] as? String)
    }
}
