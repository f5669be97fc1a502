import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
@testable import Portal
import Store
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The second outside review's findings (docs/portal.md): the review line over a cadre's
/// month, a connection cap, bounded log lines and request lines, busy logins told apart from
/// locks, closing during 公示, and an objection refused without losing what was typed.
@Suite struct PortalRound2Tests {
    static func addObjection(_ f: PortalFixture, cadre: String, _ reason: String) throws -> Int64 {
        let run = try #require(try f.store.currentRun(month: ObjectionAdjustmentTests.month))
        return try f.store.addObjection(NewObjection(runID: run.id, month: run.month, cadreID: cadre, reference: "tier", referenceLabel: "等次", reason: reason),
                                        at: "2021-01-05T02:00:00Z")
    }

    // MARK: - F10: the review line bounds the cadre's month

    /// One staff member accepts several objections of one cadre, each at the line: the first
    /// is stored at once, every further one of that cadre's month waits for a second staff
    /// member (points and amounts each against their line, by magnitude); another cadre's
    /// month is its own.
    @Test func theReviewLineBoundsACadresMonthNotEachAdjustment() async throws {
        let f = try ObjectionAdjustmentTests.fixture(rules: try ObjectionAdjustmentTests.rulesUsingAmounts())
        try f.store.publish(month: ObjectionAdjustmentTests.month, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let ids = try (1...5).map { try Self.addObjection(f, cadre: "FM-006", "请核实 \($0)") }
        let other = try Self.addObjection(f, cadre: "FM-002", "请核实")
        try await f.application().test(.router) { client async throws in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            func accept(_ id: Int64, points: String?, amount: String?) async throws -> Bool? {
                _ = try await staff.get("/staff/objections")
                var fields = [("decision", "adjustment"), ("reply", "采纳"), ("reason", "补记")]
                if let points { fields.append(("points", points)) }
                if let amount { fields.append(("amount", amount)) }
                let page = try await staff.post("/staff/objections/\(id)/decide", fields)
                #expect(page.status == .seeOther, "\(page.body)")
                return try f.store.adjustments(month: ObjectionAdjustmentTests.month).first { $0.objectionID == id }?.awaitingApproval
            }
            // At the line: alone.
            #expect(try await accept(ids[0], points: "+5", amount: "500") == false)
            // The month's total would be 10 points and 1,000 元: a second approval.
            #expect(try await accept(ids[1], points: "+5", amount: "500") == true)
            // A deduction counts by its size: it cannot cancel what awaits approval.
            #expect(try await accept(ids[2], points: "-1", amount: nil) == true)
            #expect(try await accept(ids[3], points: nil, amount: "-0.01") == true)
            let queue = try await staff.get("/staff/objections?done=\(ids[3])")
            #expect(queue.body.contains("须另一名工作人员"), "\(queue.body)")
            // Another cadre's month starts from nothing.
            #expect(try await accept(other, points: "+5", amount: "500") == false)
        }
        let alone = try f.store.adjustments(month: ObjectionAdjustmentTests.month).filter { !$0.awaitingApproval }
        #expect(alone.count == 2)
    }

    // MARK: - F13: a cap on connections

    /// The limiter counts in all and by address (an IPv6 /64 as one), never a trusted proxy
    /// by address, and takes a released connection back.
    @Test func theLimiterCountsInAllAndByAddress() {
        let l = ConnectionLimiter(total: 5, perAddress: 2, exempt: [AddressRange("10.0.0.5")!])
        #expect(l.admit("192.0.2.1") && l.admit("192.0.2.1"))
        #expect(!l.admit("192.0.2.1"))
        #expect(l.admit("2001:db8:1:2::1") && l.admit("2001:db8:1:2::99"))
        #expect(!l.admit("2001:db8:1:2:ffff::1"))
        // The proxy only counts in all: one left.
        #expect(l.admit("10.0.0.5"))
        #expect(!l.admit("10.0.0.5") && !l.admit("198.51.100.1"))
        l.release("192.0.2.1")
        #expect(l.count == 4)
        #expect(l.admit("192.0.2.1"))
        // From the descriptor limit: room left for the rest of the process.
        #expect(ConnectionLimiter.maximum(descriptors: 256) == 192)
        #expect(ConnectionLimiter.defaultTotal(descriptors: 1024) == 768)
        #expect(ConnectionLimiter.defaultTotal(descriptors: 1 << 20) == 4096)
        #expect(ConnectionLimiter.defaultPerAddress(total: 4096) == 128 && ConnectionLimiter.defaultPerAddress(total: 192) == 24)
    }

    /// Served for real with a cap of 4: of 12 idle connections, those beyond the cap are
    /// closed at once (not after the idle timeout); once the idle ones are gone, a normal
    /// request is served, and the server is still up.
    @Test func connectionsBeyondTheCapAreClosedAtOnce() async throws {
        var setup = try PortalFixture()
        setup.config.maxConnections = 4
        setup.config.maxConnectionsPerAddress = 4
        setup.config.idleSeconds = 60
        let f = setup
        try await PortalApplication.build(f.config).test(.live) { client async throws in
            let port = try #require(client.port)
            let closed = try await NIOThreadPool.singleton.runIfActive { () throws -> Int in
                let fds = try (0..<12).map { _ in try RawConnection.connect(port: port) }
                defer { for fd in fds { close(fd) } }
                // Within 3 s (the idle timeout is 60 s), count the ones the server closed.
                var count = 0
                for fd in fds {
                    var tv = timeval(tv_sec: 0, tv_usec: 250_000)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    var byte: UInt8 = 0
                    let n = recv(fd, &byte, 1, 0)
                    if n == 0 || (n < 0 && errno == ECONNRESET) { count += 1 }
                }
                return count
            }
            #expect(closed >= 8, "closed \(closed) of 12")
            // The idle ones are gone: a normal request is served once the server has seen them
            // close (asynchronously, so a busy machine may take a moment), and then another.
            let served = try await NIOThreadPool.singleton.runIfActive { () throws -> Int in
                var ok = 0
                for _ in 0..<40 where ok < 2 {
                    let reply = try RawConnection.exchange(port: port, send: "GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", readFor: 2)
                    if reply.text.hasPrefix("HTTP/1.1 200") { ok += 1 } else { usleep(250_000) }
                }
                return ok
            }
            #expect(served == 2, "served \(served)")
            _ = client
        }
    }

    // MARK: - F8: log lines and request lines

    /// A long path is logged cut to 200 bytes and "…"; a request line beyond 8 KB is 414.
    @Test func longPathsAreCutInTheLogAndRefusedBeyond8KB() async throws {
        let f = try PortalFixture()
        let lines = LogLines()
        var logger = Logger(label: "portal-log-test") { _ in CollectingLogHandler(lines: lines) }
        logger.logLevel = .info
        let app = Application(router: PortalApplication.router(f.config), logger: logger)
        try await app.test(.router) { client async throws in
            let long = "/" + String(repeating: "a", count: 6000)
            #expect(try await client.execute(uri: long, method: .get).status == .notFound)
            let huge = "/" + String(repeating: "b", count: 9000)
            let r = try await client.execute(uri: huge, method: .get)
            #expect(r.status == .uriTooLong)
            let api = try await client.execute(uri: "/api/" + String(repeating: "c", count: 9000), method: .get)
            #expect(api.status == .uriTooLong && String(buffer: api.body).contains("uri-too-long"))
        }
        let logged = lines.all.filter { $0.hasPrefix("request ") }
        #expect(logged.count == 3)
        #expect(logged.allSatisfy { $0.utf8.count < 400 }, "\(logged.map { $0.utf8.count })")
        #expect(logged.contains { $0.contains("path=/" + String(repeating: "a", count: 199) + "…") })
        #expect(logged.contains { $0.contains("status=414") })
        // Cut at a character, never inside one.
        #expect(PortalMiddleware<PortalContext>.loggedPath("/" + String(repeating: "汉", count: 100)) == "/" + String(repeating: "汉", count: 66) + "…")
        #expect(PortalMiddleware<PortalContext>.loggedPath("/cadre/FM-001/2020-12") == "/cadre/FM-001/2020-12")
    }

    // MARK: - F1: busy is not locked

    /// When an address's remaining attempts are all being checked, a login with the right
    /// password is told to retry shortly (503, Retry-After), never that a lock exists; once
    /// they are answered it logs in. A real lock still says so (429).
    @Test func loginsInFlightAreBusyNotLocked() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.addressLimit = 3
        let f = setup
        let now = f.clock.epochSeconds
        var tickets: [AttemptTicket] = []
        for i in 1...3 {
            guard case .allowed(let t) = try f.store.reserveAttempt(kind: .login, address: "192.0.2.60", name: "cadre-\(i)", label: nil, now: now,
                                                                   policy: f.config.throttle) else { Issue.record("not allowed"); return }
            tickets.append(t)
        }
        let held = tickets
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let b = Browser(client, peer: "192.0.2.60")
            let busy = try await b.login("张科长", PortalFixture.staffPassword)
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.headers[.retryAfter] == "5")
            #expect(busy.body.contains("登录的人较多，请稍后再试") && !busy.body.contains("锁定"), "\(busy.body)")
            let api = try await b.postJSON("/api/login", #"{"username":"张科长","password":"\#(PortalFixture.staffPassword)"}"#)
            #expect(api.status == .serviceUnavailable && api.body.contains("\"error\":\"busy\""))
            #expect(try f.store.activeLocks(now: f.clock.epochSeconds).isEmpty)
            // The checks in flight are answered: the right password logs in.
            for t in held { try f.store.attemptSucceeded(t) }
            #expect(try await b.login("张科长", PortalFixture.staffPassword).status == .seeOther)
            // Three real failures lock the address: that is a lock, and says so.
            let other = Browser(client, peer: "192.0.2.61")
            for i in 1...3 { _ = try await other.login("nobody-\(i)", "wrong-pass") }
            let locked = try await other.login("张科长", PortalFixture.staffPassword)
            #expect(locked.status == .tooManyRequests && locked.body.contains("已暂时锁定"))
        }
        let audit = try f.store.auditLog()
        #expect(audit.contains { $0.action == "login-refused" && ($0.detail ?? "").hasPrefix("busy (address)") })
        #expect(!audit.contains { $0.action == "login-refused" && ($0.detail ?? "").contains("192.0.2.60") && ($0.detail ?? "").hasPrefix("locked") })
    }

    // MARK: - F11: closing during 公示

    /// A month with an unanswered objection cannot be closed (page and API); while its window
    /// is open it closes only when staff confirm (audited); after the window, at once.
    @Test func closingWaitsForObjectionsAndTheWindow() async throws {
        let f = try PortalFixture()
        try f.store.publish(month: ObjectionAdjustmentTests.month, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let oid = try Self.addObjection(f, cadre: "FM-001", "名次有误")
        try await f.application().test(.router) { client async throws in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let home = try await staff.get("/staff")
            #expect(home.body.contains("申诉期未结束，确认关账"))
            let refused = try await staff.post("/staff/runs/2020-12/close", [("confirm", "1")])
            #expect(refused.status == .conflict && refused.body.contains("还有 1 条申诉未答复"), "\(refused.body)")
            let token = try await PortalRouteTests.apiToken(staff)
            #expect(try await staff.postJSON("/api/staff/runs/2020-12/close", #"{"confirm":true}"#, csrfHeader: token).status == .conflict)
            _ = try await staff.get("/staff/objections")
            #expect(try await staff.post("/staff/objections/\(oid)/decide", [("decision", "rejected"), ("reply", "经核实无误")]).status == .seeOther)
            _ = try await staff.get("/staff")
            let early = try await staff.post("/staff/runs/2020-12/close", [])
            #expect(early.status == .conflict && early.body.contains("申诉期到 2021-01-12 才结束"), "\(early.body)")
            #expect(try await staff.postJSON("/api/staff/runs/2020-12/close", "", csrfHeader: token).status == .conflict)
            #expect(try f.store.currentRun(month: ObjectionAdjustmentTests.month)?.state == .published)
            let confirmed = try await staff.postJSON("/api/staff/runs/2020-12/close", #"{"confirm":true}"#, csrfHeader: token)
            #expect(confirmed.status == .ok, "\(confirmed.body)")
        }
        #expect(try f.store.currentRun(month: ObjectionAdjustmentTests.month)?.state == .closed)
        #expect(try f.store.auditLog().contains { $0.action == "close-early" && $0.actor == "张科长" })

        // After the window: closed without a confirmation.
        let g = try PortalFixture()
        try g.store.publish(month: ObjectionAdjustmentTests.month, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-05")
        g.clock.advance(by: 86_400)
        try await g.application().test(.router) { client async throws in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let home = try await staff.get("/staff")
            #expect(!home.body.contains("确认关账"))
            #expect(try await staff.post("/staff/runs/2020-12/close", []).status == .seeOther)
        }
        #expect(try g.store.currentRun(month: ObjectionAdjustmentTests.month)?.state == .closed)
    }

    // MARK: - U1: a refused objection keeps what was typed

    /// A refused objection shows the month page again with why and the reason typed; at the
    /// limit the form is not offered, and the page says why.
    @Test func aRefusedObjectionKeepsTheReasonAndTheLimitIsShownUpFront() async throws {
        let f = try PortalFixture()
        try f.store.publish(month: ObjectionAdjustmentTests.month, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let cadre = PortalRouteTests.cadre
        let code = try #require(try f.codes()[cadre])
        try await f.application().test(.router) { client async throws in
            let b = Browser(client)
            #expect(try await b.activate(cadre, code: code, password: PortalRouteTests.password).status == .seeOther)
            _ = try await b.get("/cadre/\(cadre)/2020-12")
            // No item chosen: the form again, with the reason kept.
            let missing = try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", ""), ("reason", "12月20日协助防汛<未计分>")])
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("申诉未提交：请选择申诉的项目或记录。"), "\(missing.body)")
            #expect(missing.body.contains(">12月20日协助防汛&lt;未计分&gt;</textarea>") && missing.body.contains("提交申诉"))
            for i in 1...5 {
                #expect(try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", "第 \(i) 条")]).status == .seeOther)
            }
            let page = try await b.get("/cadre/\(cadre)/2020-12")
            #expect(!page.body.contains("action=\"/cadre/\(cadre)/2020-12/objections\""))
            #expect(page.body.contains("现在不能再提出申诉：您对本期已有 5 条申诉尚未处理"), "\(page.body)")
            let json = try await b.get("/api/cadres/\(cadre)/2020-12")
            #expect(json.body.contains("\"objectionLimit\":\"您对本期已有 5 条申诉尚未处理"))
            // Posted anyway (a page open from before): the reason comes back to copy.
            let sixth = try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", "很长的理由")])
            #expect(sixth.status == .conflict)
            #expect(sixth.body.contains("申诉未提交：您对本期已有 5 条申诉尚未处理") && sixth.body.contains("readonly>很长的理由</textarea>"), "\(sixth.body)")
        }
    }
}
