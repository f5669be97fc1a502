import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Portal
import Store
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The security review's findings (docs/portal.md, "Security"): client addresses behind a
/// trusted proxy, address locks staff can see and lift, IPv6 counted by /64, adjustments
/// bounded by default, idle connections closed, objection limits, malformed bodies, and user
/// names normalised.
@Suite struct PortalFindingsTests {
    // MARK: - Addresses

    @Test func addressesParseAndPrintOneWay() throws {
        #expect(IPAddress("192.0.2.7")?.description == "192.0.2.7")
        #expect(IPAddress(" 192.0.2.7:443 ")?.description == "192.0.2.7")
        #expect(IPAddress("::ffff:192.0.2.7")?.description == "192.0.2.7")
        #expect(IPAddress("[2001:DB8::1]:8443")?.description == "2001:db8::1")
        #expect(IPAddress("2001:0db8:0000:0000:0000:0000:0000:0001")?.description == "2001:db8::1")
        for bad in ["", "unknown", "localhost", "192.0.2", "192.0.2.7.1", "fe80::1%eth0", "[::1", "1.2.3.4:x", String(repeating: "1", count: 100)] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        #expect(IPAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd")?.throttleKey == "2001:db8:1:2::/64")
        #expect(IPAddress("192.0.2.7")?.throttleKey == "192.0.2.7")
        #expect(ClientAddress.throttleKey(nil) == "-")
        #expect(ClientAddress.unlockKey("2001:db8:1:2::99") == "2001:db8:1:2::/64")
        #expect(ClientAddress.unlockKey("2001:db8:1:2::/64") == "2001:db8:1:2::/64")
        #expect(ClientAddress.unlockKey("张科长") == nil && ClientAddress.unlockKey("staff1") == nil)

        let net = try #require(AddressRange("10.0.0.0/8"))
        #expect(net.contains(IPAddress("10.200.1.1")!) && !net.contains(IPAddress("11.0.0.1")!))
        #expect(AddressRange("::1")?.contains(IPAddress("::1")!) == true)
        #expect(AddressRange("fd00::/8")?.contains(IPAddress("fd12::5")!) == true)
        #expect(AddressRange("fd00::/8")?.contains(IPAddress("10.0.0.1")!) == false)
        for bad in ["10.0.0.0/33", "10.0.0.0/", "/8", "proxy.local", "10.0.0.0/8/8", "::/129"] { #expect(AddressRange(bad) == nil, "\(bad)") }
    }

    /// The client is the peer unless the peer is a trusted proxy; then the right-most entry of
    /// X-Forwarded-For that is not trusted. What a client writes further left never counts.
    @Test func theClientBehindATrustedProxy() {
        let trusted = [AddressRange("10.0.0.5")!, AddressRange("172.16.0.0/12")!]
        func resolve(_ peer: String?, _ xff: [String], _ t: [AddressRange] = trusted) -> String? {
            ClientAddress.resolve(peer: peer, forwardedFor: xff, trusted: t)
        }
        // No trusted proxy, or a peer that is not one: the header is ignored.
        #expect(resolve("10.0.0.5", ["198.51.100.7"], []) == "10.0.0.5")
        #expect(resolve("203.0.113.9", ["198.51.100.7"]) == "203.0.113.9")
        // From the proxy: the address it appended.
        #expect(resolve("10.0.0.5", ["198.51.100.7"]) == "198.51.100.7")
        #expect(resolve("10.0.0.5", ["1.2.3.4, 198.51.100.7"]) == "198.51.100.7")
        #expect(resolve("10.0.0.5", ["1.2.3.4", "198.51.100.7"]) == "198.51.100.7")
        // Through two trusted proxies.
        #expect(resolve("10.0.0.5", ["6.6.6.6, 198.51.100.7, 172.16.3.4"]) == "198.51.100.7")
        // Garbage where an address should be stops at the trusted hop to its right.
        #expect(resolve("10.0.0.5", ["198.51.100.7, unknown"]) == "10.0.0.5")
        #expect(resolve("10.0.0.5", ["198.51.100.7, unknown, 172.16.3.4"]) == "172.16.3.4")
        // Only trusted hops, or no header: the left-most trusted one.
        #expect(resolve("10.0.0.5", []) == "10.0.0.5")
        #expect(resolve("10.0.0.5", ["172.16.3.4"]) == "172.16.3.4")
        #expect(resolve("::ffff:10.0.0.5", ["[2001:db8::7]:5555"]) == "2001:db8::7")
    }

    /// Behind a trusted proxy every client has its own address: one client trying made-up
    /// names locks only itself, staff behind the same proxy log in, and the audit log
    /// records each client's address. Without the option, the header is not believed.
    @Test func behindATrustedProxyOneClientLocksOnlyItself() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.addressLimit = 6
        setup.config.trustedProxies = [AddressRange("10.0.0.5")!]
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let sprayer = ProxiedBrowser(client, forwardedFor: "203.0.113.1, 198.51.100.7")
            for i in 1...5 { #expect(try await sprayer.login("nobody-\(i)", "Password1").status == .unauthorized) }
            // The sixth failure locks the address.
            #expect(try await sprayer.login("nobody-6", "Password1").status == .tooManyRequests)
            let locked = try await sprayer.login("张科长", PortalFixture.staffPassword)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.contains("此网络地址") && locked.body.contains("jifen user unlock"), "\(locked.body)")
            // Another client through the same proxy is not locked.
            #expect(try await ProxiedBrowser(client, forwardedFor: "198.51.100.8").login("张科长", PortalFixture.staffPassword).status == .seeOther)
            // A client changing what it writes on the left changes nothing.
            #expect(try await ProxiedBrowser(client, forwardedFor: "9.9.9.9, 198.51.100.7").login("张科长", PortalFixture.staffPassword).status == .tooManyRequests)
        }
        let audit = try f.store.auditLog()
        #expect(audit.filter { $0.action == "login-failed" }.allSatisfy { ($0.detail ?? "").hasSuffix("address 198.51.100.7") })
        #expect(audit.contains { $0.action == "login" && ($0.detail ?? "").hasSuffix("address 198.51.100.8") })
        #expect(audit.contains { $0.action == "lock" && $0.actor == "198.51.100.7" && ($0.detail ?? "").hasPrefix("login address") })

        // The same portal without the option counts the proxy's address for everyone.
        let plain = try PortalFixture()
        try await plain.application(PeerContext.self).test(.router) { client async throws in
            _ = try await ProxiedBrowser(client, forwardedFor: "198.51.100.7").login("nobody", "Password1")
        }
        #expect(try plain.store.auditLog().contains { $0.action == "login-failed" && ($0.detail ?? "").hasSuffix("address 10.0.0.5") })
    }

    /// Staff see an address lock and lift it by its address, on the page (the row's button)
    /// and through the API; audited. A name that is an address means the address.
    @Test func staffLiftAnAddressLock() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.addressLimit = 3
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let staff = Browser(client, peer: "198.51.100.9")
            #expect(try await staff.login("张科长", PortalFixture.staffPassword).status == .seeOther)
            let sprayer = Browser(client, peer: "192.0.2.99")
            for i in 1...3 { _ = try await sprayer.login("nobody-\(i)", "Password1") }
            #expect(try await sprayer.login("李会计", PortalFixture.financePassword).status == .tooManyRequests)

            let home = try await staff.get("/staff")
            #expect(home.body.contains("<td>（全部账户）</td><td>登录和激活：该地址的全部尝试</td><td>192.0.2.99</td>"), "\(home.body)")
            #expect(home.body.contains("name=\"username\" value=\"192.0.2.99\""))
            let listed = try await staff.get("/api/staff/locks")
            #expect(listed.body.contains("\"address\":\"192.0.2.99\"") && listed.body.contains("\"scope\":\"address\""))
            let lifted = try await staff.post("/staff/unlock", [("username", "192.0.2.99")])
            #expect(lifted.status == .ok && lifted.body.contains("已解除地址 192.0.2.99 的登录和激活锁定。"), "\(lifted.body)")
            #expect(try await sprayer.login("李会计", PortalFixture.financePassword).status == .seeOther)

            // Locked again, lifted through the API.
            for i in 1...3 { _ = try await sprayer.login("nobody-\(i)", "Password1") }
            #expect(try await sprayer.login("李会计", PortalFixture.financePassword).status == .tooManyRequests)
            let token = try await PortalRouteTests.apiToken(staff)
            let api = try await staff.postJSON("/api/staff/unlock", #"{"address":"192.0.2.99"}"#, csrfHeader: token)
            #expect(api.status == .ok && api.body.contains("\"address\":\"192.0.2.99\"") && !api.body.contains("\"cleared\":0"), "\(api.body)")
            #expect(try await staff.postJSON("/api/staff/unlock", #"{"address":"not-an-address"}"#, csrfHeader: token).status == .badRequest)
            #expect(try await sprayer.login("李会计", PortalFixture.financePassword).status == .seeOther)
        }
        let unlocks = try f.store.auditLog().filter { $0.action == "unlock" }
        #expect(unlocks.count == 2 && unlocks.allSatisfy { $0.actor == "张科长" && ($0.detail ?? "").hasPrefix("address 192.0.2.99 ") })
    }

    /// An IPv6 client counts by its /64: fresh addresses from the same /64 share one count,
    /// another /64 does not; staff lift it with any address of the /64.
    @Test func ipv6AddressesCountByTheirSlash64() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.addressLimit = 4
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            for i in 1...3 {
                #expect(try await Browser(client, peer: "2001:db8:1:2::\(i)").login("nobody-\(i)", "Password1").status == .unauthorized)
            }
            // The fourth failure from the same /64 locks it.
            #expect(try await Browser(client, peer: "2001:db8:1:2::4").login("nobody-4", "Password1").status == .tooManyRequests)
            #expect(try await Browser(client, peer: "2001:db8:1:2:ffff::5").login("张科长", PortalFixture.staffPassword).status == .tooManyRequests)
            #expect(try await Browser(client, peer: "2001:db8:1:3::1").login("张科长", PortalFixture.staffPassword).status == .seeOther)
            #expect(try f.store.activeLocks(now: f.clock.epochSeconds).contains { $0.scope == .address && $0.address == "2001:db8:1:2::/64" })
            let staff = Browser(client, peer: "2001:db8:1:3::1")
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff")
            let lifted = try await staff.post("/staff/unlock", [("username", "2001:db8:1:2::abcd")])
            #expect(lifted.body.contains("已解除地址 2001:db8:1:2::/64"))
            #expect(try await Browser(client, peer: "2001:db8:1:2::9").login("张科长", PortalFixture.staffPassword).status == .seeOther)
        }
        // The audit log keeps each full address.
        #expect(try f.store.auditLog().contains { $0.action == "login-failed" && ($0.detail ?? "").hasSuffix("address 2001:db8:1:2::3") })
    }

    /// The 429 says which lock and who lifts it: an account's by its name, an address's by
    /// the address.
    @Test func theLockMessageSaysWhoCanLiftIt() async throws {
        let f = try PortalFixture()
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let b = Browser(client, peer: "192.0.2.50")
            for i in 1...4 { _ = try await b.login("张科长", "wrong-\(i)") }
            let pair = try await b.postJSON("/api/login", #"{"username":"张科长","password":"wrong-5"}"#)
            #expect(pair.status == .tooManyRequests)
            #expect(pair.body.contains("该账户") && pair.body.contains("jifen user unlock <用户名或工号>") && pair.body.contains("15 分钟"), "\(pair.body)")
        }
    }

    /// Served for real behind a proxy on the same machine: with `--trusted-proxy` the
    /// audit log names the client the proxy forwarded for.
    @Test func theServerBelievesOnlyATrustedProxy() async throws {
        var setup = try PortalFixture()
        setup.config.trustedProxies = [AddressRange("127.0.0.0/8")!, AddressRange("::1")!]
        let f = setup
        try await PortalApplication.build(f.config).test(.live) { client async throws in
            var h: HTTPFields = [.contentType: "application/json"]
            h[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.50"
            let r = try await client.execute(uri: "/api/login", method: .post, headers: h, body: ByteBuffer(string: #"{"username":"张科长","password":"wrong-1"}"#))
            #expect(r.status == .unauthorized)
        }
        let failed = try f.store.auditLog().filter { $0.action == "login-failed" }
        #expect(failed.count == 1 && (failed.first?.detail ?? "").hasSuffix("address 203.0.113.50"), "\(failed)")
    }

    // MARK: - Adjustments without limits in the rules

    /// The sample rules state no limits: the defaults apply. Beyond 20 points is refused
    /// (saying the default applies); above 5 points waits for a second staff member; 5 and
    /// below is stored at once.
    @Test(arguments: [("+1000", nil), ("21", nil), ("-20.5", nil), ("+6", true), ("-20", true), ("+5", false), ("-2", false)] as [(String, Bool?)])
    func defaultAdjustmentLimits(points: String, awaiting: Bool?) async throws {
        let f = try ObjectionAdjustmentTests.fixture()
        try await f.application().test(.router) { client async throws in
            let oid = try await ObjectionAdjustmentTests.objection(f, client)
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/objections")
            let page = try await staff.post("/staff/objections/\(oid)/decide", [("decision", "adjustment"), ("reply", "采纳"), ("points", points), ("reason", "补记")])
            let stored = try f.store.adjustments(month: ObjectionAdjustmentTests.month)
            if let awaiting {
                #expect(page.status == .seeOther)
                #expect(stored.count == 1 && stored.first?.awaitingApproval == awaiting)
            } else {
                #expect(page.status == .badRequest)
                #expect(page.body.contains("分值应在 -20 到 +20 之间（规则没有写“调整分值上限”，按默认上限）"), "\(page.body)")
                #expect(stored.isEmpty)
            }
        }
    }

    // MARK: - Objections

    /// A reason is bounded in bytes too: one character with 5,000 combining accents (10 KB)
    /// is refused. A cadre has at most five open objections to a month at once.
    @Test func objectionsAreBounded() async throws {
        let f = try ObjectionAdjustmentTests.fixture()
        let cadre = ObjectionAdjustmentTests.cadre
        try await f.application().test(.router) { client async throws in
            _ = try await ObjectionAdjustmentTests.objection(f, client)
            let b = Browser(client)
            try await b.login(cadre, ObjectionAdjustmentTests.password)
            _ = try await b.get("/cadre/\(cadre)/2020-12")
            let zalgo = "a" + String(repeating: "\u{0301}", count: 5_000)
            #expect(zalgo.count == 1)
            let long = try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", zalgo)])
            #expect(long.status == .badRequest && long.body.contains("申诉理由不超过 1000 字（4000 字节）。"))
            // 1,000 汉字 (3,000 bytes) still fit.
            #expect(try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", String(repeating: "理", count: 1000))]).status == .seeOther)
            for i in 3...5 {
                _ = try await b.get("/cadre/\(cadre)/2020-12")
                #expect(try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", "第 \(i) 条")]).status == .seeOther)
            }
            _ = try await b.get("/cadre/\(cadre)/2020-12")
            let sixth = try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", "第 6 条")])
            #expect(sixth.status == .conflict && sixth.body.contains("已有 5 条申诉尚未处理"), "\(sixth.body)")
            // Once staff answer one, another may be raised.
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/objections")
            let first = try #require(try f.store.objections(state: .open).first?.id)
            #expect(try await staff.post("/staff/objections/\(first)/decide", [("decision", "rejected"), ("reply", "经核实无误")]).status == .seeOther)
            _ = try await b.get("/cadre/\(cadre)/2020-12")
            #expect(try await b.post("/cadre/\(cadre)/2020-12/objections", [("reference", "tier"), ("reason", "第 6 条")]).status == .seeOther)
        }
        #expect(try f.store.objections(cadreID: cadre).count == 6)
    }

    /// In all, a cadre raises at most twenty objections to a month.
    @Test func atMostTwentyObjectionsToAMonth() throws {
        let f = try PortalFixture()
        let run = try #require(try f.store.currentRun(month: YearMonth("2020-12")!))
        for i in 1...20 {
            let id = try f.store.addObjection(NewObjection(runID: run.id, month: run.month, cadreID: "FM-001", reference: "tier", referenceLabel: "等次", reason: "\(i)"),
                                              at: "2021-01-05T02:00:00Z")
            try f.store.decideObjection(id: id, state: .rejected, reply: "无误", actor: "张科长", at: "2021-01-05T02:00:00Z")
        }
        #expect(throws: PortalStoreError.tooManyObjections(open: false, limit: 20)) {
            try f.store.addObjection(NewObjection(runID: run.id, month: run.month, cadreID: "FM-001", reference: "tier", referenceLabel: "等次", reason: "21"),
                                     at: "2021-01-05T02:00:00Z")
        }
        // Another cadre is not affected.
        _ = try f.store.addObjection(NewObjection(runID: run.id, month: run.month, cadreID: "FM-002", reference: "tier", referenceLabel: "等次", reason: "1"),
                                     at: "2021-01-05T02:00:00Z")
    }

    // MARK: - User names

    /// Names are kept in NFKC: a full-width or decomposed spelling is the same account, at
    /// login and when adding; a name differing only in case is refused as a second account.
    @Test func userNamesAreNormalised() async throws {
        let f = try PortalFixture()
        try f.store.addUser(username: "ｓｔａｆｆ１", role: .staff, displayName: "甲", passwordHash: Passwords.hash("pass-word-1", cost: 4), actor: "测试", at: "2021-01-04T00:00:00Z")
        #expect(try f.store.user(username: "staff1") != nil)
        #expect(throws: PortalStoreError.userExists("staff1")) {
            try f.store.addUser(username: "staff1", role: .staff, displayName: "乙", passwordHash: "x", actor: "测试", at: "2021-01-04T00:00:00Z")
        }
        #expect(throws: PortalStoreError.userExists("staff1")) {
            try f.store.addUser(username: "Staff1", role: .staff, displayName: "乙", passwordHash: "x", actor: "测试", at: "2021-01-04T00:00:00Z")
        }
        let composed = "Ren\u{00E9}"
        try f.store.addUser(username: "Rene\u{0301}", role: .finance, displayName: "丙", passwordHash: Passwords.hash("pass-word-2", cost: 4), actor: "测试", at: "2021-01-04T00:00:00Z")
        #expect(try f.store.user(username: composed)?.username == composed)
        try await f.application().test(.router) { client async throws in
            #expect(try await Browser(client).login("ｓｔａｆｆ１", "pass-word-1").status == .seeOther)
            #expect(try await Browser(client).login(" staff1 ", "pass-word-1").status == .seeOther)
            #expect(try await Browser(client).login("Rene\u{0301}", "pass-word-2").status == .seeOther)
            #expect(try await Browser(client).login("STAFF1", "pass-word-1").status == .unauthorized)
        }
    }

    // MARK: - The connection

    /// A malformed chunked body is the client's error (400), not the server's.
    @Test func aMalformedChunkedBodyIs400() async throws {
        let f = try PortalFixture()
        try await PortalApplication.build(f.config).test(.live) { client async throws in
            let port = try #require(client.port)
            let raw = "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
            let reply = try await NIOThreadPool.singleton.runIfActive { try RawConnection.exchange(port: port, send: raw, readFor: 5) }
            #expect(reply.text.hasPrefix("HTTP/1.1 400"), "\(reply.text.prefix(200))")
        }
    }

    /// A connection that never completes its request head is closed after the idle timeout.
    @Test func anIncompleteRequestIsCutOff() async throws {
        var setup = try PortalFixture()
        setup.config.idleSeconds = 1
        let f = setup
        try await PortalApplication.build(f.config).test(.live) { client async throws in
            let port = try #require(client.port)
            let start = Date()
            let reply = try await NIOThreadPool.singleton.runIfActive { try RawConnection.exchange(port: port, send: "GET /login HTTP/1.1\r\nHost: x\r\nX-Slow: a", readFor: 10) }
            #expect(reply.closed)
            #expect(Date().timeIntervalSince(start) < 8, "closed after \(Date().timeIntervalSince(start)) s")
        }
    }

    /// A body sent in small pieces, each within the idle timeout, is cut off once the
    /// request has taken longer than the timeout since its head.
    @Test func aTrickledBodyIsCutOff() async throws {
        var setup = try PortalFixture()
        setup.config.idleSeconds = 2
        let f = setup
        try await PortalApplication.build(f.config).test(.live) { client async throws in
            let port = try #require(client.port)
            let start = Date()
            let reply = try await NIOThreadPool.singleton.runIfActive {
                try RawConnection.trickle(port: port, head: "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
                                          piece: "{", every: 0.5, readFor: 15)
            }
            #expect(reply.closed)
            let took = Date().timeIntervalSince(start)
            #expect(took < 10, "closed after \(took) s")
        }
    }
}

/// A browser behind a reverse proxy at 10.0.0.5 (the connection's peer) that forwards for it.
final class ProxiedBrowser {
    let browser: Browser
    let forwardedFor: String

    init(_ client: any TestClientProtocol, forwardedFor: String) {
        browser = Browser(client, peer: "10.0.0.5")
        self.forwardedFor = forwardedFor
    }

    func login(_ username: String, _ password: String) async throws -> Browser.Page {
        let xff = [(HTTPField.Name("X-Forwarded-For")!, forwardedFor)]
        _ = try await browser.send("/login", .get, body: nil, contentType: nil, extra: xff)
        let body = [("username", username), ("password", password), ("csrf", browser.csrf ?? "")]
            .map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        return try await browser.send("/login", .post, body: body, contentType: "application/x-www-form-urlencoded", extra: xff)
    }
}

/// A plain TCP connection to the live test server, for what no HTTP client sends.
enum RawConnection {
    struct Reply {
        var text: String
        /// The server closed the connection.
        var closed: Bool
    }

    /// Connects to localhost (IPv4, else IPv6), sends `send`, and reads until the server
    /// closes or `readFor` seconds pass.
    static func exchange(port: Int, send text: String, readFor seconds: Int) throws -> Reply {
        let fd = try connect(port: port)
        defer { close(fd) }
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[0..<n]; continue }
            return Reply(text: String(decoding: received, as: UTF8.self), closed: n == 0 || (n < 0 && errno == ECONNRESET))
        }
    }

    /// Sends `head`, then `piece` every `every` seconds until the server closes the
    /// connection (a send fails or a read sees the end) or `readFor` seconds pass.
    static func trickle(port: Int, head: String, piece: String, every: Double, readFor seconds: Double) throws -> Reply {
        let fd = try connect(port: port)
        defer { close(fd) }
        var tv = timeval(tv_sec: 0, tv_usec: Int(every * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        func write(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }
        guard write(head) else { return Reply(text: "", closed: true) }
        let end = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var received: [UInt8] = []
        while Date() < end {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[0..<n]; continue }
            if n == 0 || errno == ECONNRESET { return Reply(text: String(decoding: received, as: UTF8.self), closed: true) }
            if !write(piece) { return Reply(text: String(decoding: received, as: UTF8.self), closed: true) }
        }
        return Reply(text: String(decoding: received, as: UTF8.self), closed: false)
    }

    static func connect(port: Int) throws -> Int32 {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = in_port_t(UInt16(port).bigEndian)
        v4.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let ok4 = withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd4, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if ok4 == 0 { return fd4 }
        close(fd4)
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = in_port_t(UInt16(port).bigEndian)
        v6.sin6_addr = in6addr_loopback
        let fd6 = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        let ok6 = withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd6, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        if ok6 == 0 { return fd6 }
        close(fd6)
        throw POSIXError(.ECONNREFUSED)
    }
}
