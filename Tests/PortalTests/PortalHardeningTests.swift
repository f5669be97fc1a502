import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Portal
import Store
import Testing

/// The defects an attack on the running portal found (issue 10), each with the request that
/// showed it: parallel guesses past the lockout, invented pre-login tokens, bare error
/// responses, bcrypt's 72 bytes, query strings in the log, 400 for a wrong password.
@Suite struct PortalHardeningTests {
    static let cadre = "FM-001"
    static let password = "cadre-pass-1"

    // MARK: - Throttling

    static func apiLogin(_ client: some TestClientProtocol, _ username: String, _ password: String, peer: String? = nil) async throws -> HTTPResponse.Status {
        var h: HTTPFields = [.contentType: "application/json"]
        if let peer { h[PeerContext.header] = peer }
        let body = #"{"username":"\#(username)","password":"\#(password)"}"#
        return try await client.execute(uri: "/api/login", method: .post, headers: h, body: ByteBuffer(string: body)).status
    }

    static func apiActivate(_ client: some TestClientProtocol, _ code: String) async throws -> HTTPResponse.Status {
        let body = #"{"cadreID":"\#(cadre)","code":"\#(code)","password":"\#(password)"}"#
        return try await client.execute(uri: "/api/activate", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)).status
    }

    /// Five wrong passwords in flight, then 60 requests at once with the right password among
    /// them: the right one is refused while the five hold the account's attempts (503 busy
    /// while they are being checked, 429 once they have locked it), and no more than five
    /// passwords are ever checked. (Before, each request checked the lock, then ran
    /// bcrypt, then counted: all 65 were checked and the right one logged in.)
    @Test func parallelGuessesCannotOutrunTheLockout() async throws {
        var setup = try PortalFixture()
        // The throttle's keys alone: the process-wide cap on checks in flight (twice the
        // cores, 4 on two) would answer some of the five busy (PortalAccountTests).
        setup.config.checks = CheckLimiter(limit: 100)
        let f = setup
        // A real cost, so that the checks overlap as they do in production.
        try f.store.addUser(username: "王科员", role: .staff, displayName: "王科员", passwordHash: Passwords.hash("wang-pass-1", cost: 10),
                            actor: "测试", at: "2021-01-04T00:00:00Z")
        try await f.application().test(.router) { client async throws in
            let statuses = try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status).self) { group in
                for i in 0..<5 { group.addTask { (i, try await Self.apiLogin(client, "王科员", "wrong-\(i)")) } }
                // The five are counted at once and are now in bcrypt.
                try await Task.sleep(for: .milliseconds(50))
                for i in 5..<65 { group.addTask { (i, try await Self.apiLogin(client, "王科员", i == 55 ? "wang-pass-1" : "wrong-\(i)")) } }
                var out: [Int: HTTPResponse.Status] = [:]
                for try await (i, s) in group { out[i] = s }
                return out
            }
            #expect(statuses.count == 65)
            let refused: Set<HTTPResponse.Status> = [.tooManyRequests, .serviceUnavailable]
            #expect(statuses[55].map { refused.contains($0) } == true, "the right password during the lock: \(String(describing: statuses[55]))")
            #expect(!statuses.values.contains(.ok))
            #expect(statuses.values.filter { $0 == .unauthorized }.count <= 4)
            #expect(statuses.values.filter { refused.contains($0) }.count >= 61)
            // The lock ends on its own.
            f.clock.advance(by: 15 * 60 + 1)
            #expect(try await Self.apiLogin(client, "王科员", "wang-pass-1") == .ok)
        }
        let audit = try f.store.auditLog().filter { $0.actor == "王科员" }
        #expect(audit.filter { $0.action == "login-failed" }.count == 5, "passwords checked: \(audit.filter { $0.action == "login-failed" }.count)")
        #expect(audit.filter { $0.action == "login-refused" }.count == 60)
        #expect(audit.filter { $0.action == "lock" }.count == 1)
        #expect(audit.filter { $0.action == "login" }.count == 1)
    }

    /// Sixty wrong activation codes at once for one 工号: at most five are compared; the right
    /// code works once the lock has ended.
    @Test func parallelActivationGuessesAreCountedFirst() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client async throws in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<60 { group.addTask { try await Self.apiActivate(client, "AAAA-BBBB-\(1000 + i)") } }
                var out: [HTTPResponse.Status] = []
                for try await s in group { out.append(s) }
                return out
            }
            #expect(statuses.filter { $0 == .badRequest }.count <= 4)
            // Refused: busy while the first five are compared, locked once they have failed.
            #expect(statuses.filter { $0 == .tooManyRequests || $0 == .serviceUnavailable }.count >= 55)
            #expect(try await Self.apiActivate(client, code) == .tooManyRequests)
            f.clock.advance(by: 15 * 60 + 1)
            #expect(try await Self.apiActivate(client, code) == .ok)
        }
        let audit = try f.store.auditLog()
        #expect(audit.filter { $0.action == "activate-failed" }.count == 5)
        #expect(audit.contains { $0.action == "lock" && $0.actor == Self.cadre && ($0.detail ?? "").hasPrefix("activate pair") })
    }

    /// Failures from one address lock that address out of that account only: the owner at
    /// another address logs in, and a wrong guess of theirs is only a 401. A second lock of
    /// the same address and account lasts twice as long.
    @Test func failuresFromOneAddressDoNotLockOthersOut() async throws {
        let f = try PortalFixture()
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let attacker = Browser(client, peer: "192.0.2.7")
            for i in 1...4 { #expect(try await attacker.login("张科长", "wrong-\(i)").status == .unauthorized) }
            #expect(try await attacker.login("张科长", "wrong-5").status == .tooManyRequests)
            #expect(try await attacker.login("张科长", PortalFixture.staffPassword).status == .tooManyRequests)
            #expect(attacker.cookies["jifen_session"] == nil)

            let owner = Browser(client, peer: "198.51.100.2")
            #expect(try await owner.login("张科长", "typo-1").status == .unauthorized)
            #expect(try await owner.login("张科长", PortalFixture.staffPassword).status == .seeOther)
            #expect(owner.cookies["jifen_session"] != nil)
            #expect(try await Self.apiLogin(client, "张科长", PortalFixture.staffPassword, peer: "198.51.100.3") == .ok)

            // The second lock of the pair: 30 minutes.
            f.clock.advance(by: 15 * 60 + 1)
            for i in 1...4 { #expect(try await attacker.login("张科长", "again-\(i)").status == .unauthorized) }
            #expect(try await attacker.login("张科长", "again-5").status == .tooManyRequests)
            f.clock.advance(by: 15 * 60 + 1)
            #expect(try await attacker.login("张科长", PortalFixture.staffPassword).status == .tooManyRequests)
            f.clock.advance(by: 15 * 60)
            #expect(try await attacker.login("张科长", PortalFixture.staffPassword).status == .seeOther)
        }
        let locks = try f.store.auditLog().filter { $0.action == "lock" }
        #expect(locks.count == 2)
        #expect(locks.allSatisfy { $0.actor == "张科长" && ($0.detail ?? "").hasPrefix("login pair lock from 192.0.2.7 ") })
        #expect(locks.map { ($0.detail ?? "").contains("for 15 min") } == [true, false])
        #expect(locks.last?.detail?.contains("for 30 min") == true)
    }

    /// Guesses at one account from many addresses lock it for everyone only at the much higher
    /// account-wide count; staff see the lock and lift it (page and API), audited.
    @Test func accountWideLockNeedsManyAddressesAndStaffLiftIt() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.accountLimit = 12
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let staff = Browser(client, peer: "198.51.100.9")
            #expect(try await staff.login("张科长", PortalFixture.staffPassword).status == .seeOther)
            // Four guesses from each of three addresses: no pair reaches five, the account
            // reaches twelve.
            var statuses: [HTTPResponse.Status] = []
            for a in 1...3 {
                let b = Browser(client, peer: "203.0.113.\(a)")
                for i in 1...4 { statuses.append(try await b.login("李会计", "guess-\(a)-\(i)").status) }
            }
            #expect(statuses.dropLast().allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
            let owner = Browser(client, peer: "198.51.100.20")
            #expect(try await owner.login("李会计", PortalFixture.financePassword).status == .tooManyRequests)

            let home = try await staff.get("/staff")
            #expect(home.body.contains("<td>李会计</td><td>登录：所有地址</td>"))
            let listed = try await staff.get("/api/staff/locks")
            #expect(listed.status == .ok && listed.body.contains("\"label\":\"李会计\"") && listed.body.contains("\"scope\":\"account\""))
            _ = try await staff.get("/staff")
            let lifted = try await staff.post("/staff/unlock", [("username", "李会计")])
            #expect(lifted.status == .ok && lifted.body.contains("已解除“李会计”的登录和激活锁定。"))
            #expect(try await owner.login("李会计", PortalFixture.financePassword).status == .seeOther)

            // The API does the same with the session's CSRF token, and a blank name is refused.
            let token = try await PortalRouteTests.apiToken(staff)
            let api = try await staff.postJSON("/api/staff/unlock", #"{"username":"李会计"}"#, csrfHeader: token)
            #expect(api.status == .ok && api.body.contains("李会计"))
            #expect(try await staff.postJSON("/api/staff/unlock", #"{"username":" "}"#, csrfHeader: token).status == .badRequest)
            #expect(try await staff.postJSON("/api/staff/unlock", #"{"username":"李会计"}"#).status == .forbidden)
        }
        let audit = try f.store.auditLog()
        #expect(audit.contains { $0.action == "lock" && $0.actor == "李会计" && ($0.detail ?? "").hasPrefix("login account") })
        #expect(audit.filter { $0.action == "unlock" && $0.actor == "张科长" && ($0.detail ?? "").hasPrefix("李会计") }.count == 2)
    }

    /// One address trying many accounts (most of them not accounts at all) is locked out of
    /// every account; other addresses are not. Names that match no account are kept nowhere.
    @Test func oneAddressTryingManyAccountsIsLocked() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.addressLimit = 6
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let sprayer = Browser(client, peer: "192.0.2.99")
            for i in 1...5 { #expect(try await sprayer.login("nobody-\(i)", "Password1").status == .unauthorized) }
            #expect(try await sprayer.login("张科长", "Password1").status == .tooManyRequests)
            #expect(try await sprayer.login("张科长", PortalFixture.staffPassword).status == .tooManyRequests)
            #expect(try await Browser(client, peer: "192.0.2.100").login("张科长", PortalFixture.staffPassword).status == .seeOther)
        }
        let audit = try f.store.auditLog()
        #expect(audit.contains { $0.action == "lock" && $0.actor == "192.0.2.99" && ($0.detail ?? "").hasPrefix("login address") })
        #expect(!audit.contains { "\($0.actor) \($0.detail ?? "")".contains("nobody-") })
        #expect(try f.store.activeLocks(now: f.clock.epochSeconds).allSatisfy { ($0.label ?? "").isEmpty || $0.label == "张科长" })
    }

    /// Served for real, the throttle counts the connection's peer address.
    @Test func theServerCountsTheConnectionsAddress() async throws {
        let f = try PortalFixture()
        try await f.application().test(.live) { client async throws in
            #expect(try await Self.apiLogin(client, "张科长", "wrong-1") == .unauthorized)
            // A header naming another address changes nothing.
            #expect(try await Self.apiLogin(client, "张科长", "wrong-2", peer: "203.0.113.50") == .unauthorized)
        }
        let failed = try f.store.auditLog().filter { $0.action == "login-failed" }
        #expect(failed.count == 2)
        for entry in failed {
            let detail = entry.detail ?? ""
            #expect(detail.contains("address 127.0.0.1") || detail.contains("address ::1"), "\(detail)")
        }
    }

    // MARK: - Wrong credentials: 401; locked: 429

    /// The form and the API answer alike: 401 for a wrong password or an unknown account,
    /// 429 when locked, each with its error code.
    @Test(arguments: [false, true])
    func wrongCredentialsAnswer401(api: Bool) async throws {
        let f = try PortalFixture()
        try await f.application().test(.router) { client async throws in
            let b = Browser(client)
            func attempt(_ user: String, _ password: String) async throws -> Browser.Page {
                if api { return try await b.postJSON("/api/login", #"{"username":"\#(user)","password":"\#(password)"}"#) }
                return try await b.login(user, password)
            }
            let wrong = try await attempt("张科长", "wrong-1")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("用户名或密码错误。"))
            if api { #expect(wrong.body.contains("\"error\":\"bad-credentials\"")) }
            #expect(try await attempt("无此人", "wrong-1").status == .unauthorized)
            for i in 2...4 { _ = try await attempt("张科长", "wrong-\(i)") }
            let locked = try await attempt("张科长", "wrong-5")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.contains("请 15 分钟后再试"))
            if api { #expect(locked.body.contains("\"error\":\"locked\"")) }
        }
    }

    // MARK: - Pre-login CSRF

    /// A cookie and form field the client made up together are refused; only the HMAC of a
    /// pre-login cookie the server issued within the hour passes.
    @Test func preLoginTokensMustBeIssuedByTheServer() async throws {
        let f = try PortalFixture()
        let now = f.clock.epochSeconds
        let invented: [(cookie: String, field: String)] = [
            ("x", "x"),
            (String(repeating: "ab", count: 32), String(repeating: "ab", count: 32)),
            ("0123456789abcdef0123456789abcdef.\(now)", "0123456789abcdef0123456789abcdef.\(now)"),
            ("0123456789abcdef0123456789abcdef.\(now)", String(repeating: "0", count: 64)),
            ("", ""),
        ]
        try await f.application().test(.router) { client async throws in
            for (cookie, field) in invented {
                let b = Browser(client)
                if !cookie.isEmpty { b.cookies["jifen_pre"] = cookie }
                let login = try await b.post("/login", [("username", "张科长"), ("password", PortalFixture.staffPassword)], csrf: field)
                #expect(login.status == .forbidden, "login with \(cookie.prefix(12))")
                #expect(b.cookies["jifen_session"] == nil)
                let activate = try await b.post("/activate", [("cadre", Self.cadre), ("code", "AAAA-BBBB-CCCC"), ("password", Self.password), ("password2", Self.password)], csrf: field)
                #expect(activate.status == .forbidden, "activate with \(cookie.prefix(12))")
            }
            // A real pair from GET /login logs in.
            let real = Browser(client)
            #expect(try await real.login("张科长", PortalFixture.staffPassword).status == .seeOther)

            // The server's cookie with itself as the field (double-submit): refused.
            let echo = Browser(client)
            try await echo.get("/login")
            let cookie = try #require(echo.cookies["jifen_pre"])
            #expect(try await echo.post("/login", [("username", "张科长"), ("password", PortalFixture.staffPassword)], csrf: cookie).status == .forbidden)
            // A form older than the hour: refused; a fresh GET gives a new one that works.
            let stale = Browser(client)
            try await stale.get("/login")
            f.clock.advance(by: 3601)
            #expect(try await stale.post("/login", [("username", "张科长"), ("password", PortalFixture.staffPassword)]).status == .forbidden)
            #expect(try await stale.login("张科长", PortalFixture.staffPassword).status == .seeOther)
        }
    }

    /// Another process on the same store accepts the forms this one issued: the signing key
    /// is the store's.
    @Test func preLoginTokensHoldAcrossProcessesOnOneStore() async throws {
        let f = try PortalFixture()
        var other = f.config
        other.store = try RunStore(path: f.root + "/jifen.sqlite")
        let second = Application(router: PortalApplication.router(other), logger: Logger(label: "second"))
        try await f.application().test(.router) { first in
            try await second.test(.router) { secondClient in
                let issued = Browser(first)
                try await issued.get("/login")
                let elsewhere = Browser(secondClient)
                elsewhere.cookies = issued.cookies
                let r = try await elsewhere.post("/login", [("username", "张科长"), ("password", PortalFixture.staffPassword)], csrf: issued.csrf)
                #expect(r.status == .seeOther)
            }
        }
    }

    // MARK: - Headers on every response, HEAD

    /// Every answer — routed, unrouted, a method a path lacks, an error, a HEAD — carries the
    /// same security headers; HEAD answers wherever GET does.
    @Test(arguments: [
        ("GET", "/login", 200), ("HEAD", "/login", 200), ("HEAD", "/activate", 200), ("HEAD", "/", 303),
        ("GET", "/no-such-page", 404), ("HEAD", "/no-such-page", 404), ("GET", "/api/no-such-call", 404),
        ("DELETE", "/login", 404), ("PUT", "/api/login", 404), ("POST", "/staff/cadre", 404), ("GET", "/logout", 404),
        ("POST", "/login", 403), ("GET", "/staff", 303), ("GET", "/api/me", 401),
    ])
    func everyResponseCarriesTheSecurityHeaders(method: String, uri: String, status: Int) async throws {
        let f = try PortalFixture()
        try await f.application().test(.router) { client async throws in
            let r = try await client.execute(uri: uri, method: HTTPRequest.Method(method)!, headers: [:], body: nil)
            #expect(r.status.code == status)
            for (name, value) in Self.securityHeaders { #expect(r.headers[HTTPField.Name(name)!] == value, "\(method) \(uri): \(name)") }
            if method == "HEAD" { #expect(r.body.readableBytes == 0) }
            if status == 404 && method == "GET" {
                let body = String(buffer: r.body)
                #expect(body.contains("找不到该页面或数据。"))
                #expect(uri.hasPrefix("/api/") ? body.contains("\"error\":\"not-found\"") : body.contains("<!doctype html>"))
            }
        }
    }

    /// Hummingbird's own refusal of a body over the limit carries them too.
    @Test func oversizedBodiesCarryTheSecurityHeaders() async throws {
        let f = try PortalFixture()
        try await f.application().test(.router) { client async throws in
            let big = ByteBuffer(string: String(repeating: "x", count: 70_000))
            let r = try await client.execute(uri: "/api/login", method: .post, headers: [.contentType: "application/json"], body: big)
            #expect(r.status == .contentTooLarge)
            for (name, value) in Self.securityHeaders { #expect(r.headers[HTTPField.Name(name)!] == value) }
        }
    }

    static let securityHeaders: [(String, String)] = [
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ]

    // MARK: - bcrypt's 72 bytes

    /// Passwords are refused over 72 bytes of UTF-8 (bcrypt ignores the rest), with the rule
    /// on the form; exactly 72 is accepted.
    @Test(arguments: [
        (String(repeating: "a", count: 72), true),
        (String(repeating: "a", count: 73), false),
        (String(repeating: "汉", count: 24), true),
        (String(repeating: "汉", count: 25), false),
        ("短密码1", false),
    ])
    func activationPasswordLength(password: String, accepted: Bool) async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client async throws in
            let b = Browser(client)
            let form = try await b.get("/activate")
            #expect(form.body.contains("最多 72 字节"))
            let r = try await b.activate(Self.cadre, code: code, password: password)
            #expect(r.status == (accepted ? .seeOther : .badRequest))
            if !accepted {
                #expect(r.body.contains(password.count < 8 ? "密码至少 8 个字符。" : "密码过长：最多 72 字节"))
            }
        }
    }

    /// An account whose password is 72 bytes is not opened by those bytes plus more (bcrypt
    /// would have said yes); such a login is refused without counting against the account.
    @Test func loginRefusesPasswordsOver72Bytes() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        let exact = String(repeating: "k", count: 72)
        try await f.application().test(.router) { client async throws in
            let b = Browser(client)
            #expect(try await b.activate(Self.cadre, code: code, password: exact).status == .seeOther)
            let other = Browser(client)
            for suffix in ["x", "yz", "-anything"] {
                let r = try await other.login(Self.cadre, exact + suffix)
                #expect(r.status == .badRequest)
                #expect(r.body.contains("密码过长"))
                #expect(other.cookies["jifen_session"] == nil)
            }
            let api = try await other.postJSON("/api/login", #"{"username":"\#(Self.cadre)","password":"\#(exact)z"}"#)
            #expect(api.status == .badRequest && api.body.contains("\"error\":\"bad-password\""))
            #expect(try await other.login(Self.cadre, exact).status == .seeOther)
        }
    }

    // MARK: - Logs

    /// The request log has the method, the path and the status: never a query string.
    @Test func theRequestLogHasNoQueryStrings() async throws {
        let f = try PortalFixture()
        let lines = LogLines()
        var logger = Logger(label: "portal-log-test") { _ in CollectingLogHandler(lines: lines) }
        logger.logLevel = .info
        let app = Application(router: PortalApplication.router(f.config), logger: logger)
        try await app.test(.router) { client async throws in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            _ = try await staff.get("/staff/cadre?id=\(Self.cadre)&month=2020-12")
            _ = try await staff.get("/staff/runs/2020-12?community=\(Browser.encode("富民"))")
            _ = try await staff.get("/no-such-page?name=\(Browser.encode("张三"))&phone=13800000000")
        }
        let text = lines.all.joined(separator: "\n")
        #expect(text.contains("path=/staff/cadre") && text.contains("status=303"), "\(text)")
        #expect(text.contains("path=/no-such-page") && text.contains("status=404"))
        for secret in ["?", "?id=", "month=", Self.cadre, "community", "13800000000", "张三", "%E5"] { #expect(!text.contains(secret), "log shows \(secret)") }
    }
}

/// Lines a test's logger received.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

struct CollectingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.add("\(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}
