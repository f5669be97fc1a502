import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Portal
import Store
import Testing
import TestSupport

/// The third review's account findings (docs/portal.md, "Accounts"): disabling an account,
/// replacing a password, ending sessions, a new code for one cadre, browser-session cookies
/// with an idle timeout, and a process-wide cap on password checks.
@Suite struct PortalAccountTests {
    static let cadre = PortalRouteTests.cadre
    static let password = PortalRouteTests.password

    // MARK: - F3: disabling an account

    /// Staff disable a cadre's account on /staff (CSRF-checked, audited): the cadre's open
    /// session ends at once, and the right password is then answered exactly like a wrong one
    /// (page and API), so the login does not tell the account is disabled. Enabled again, it
    /// logs in.
    @Test func staffDisableACadreAndTheLoginLooksLikeAWrongPassword() async throws {
        let f = try PortalFixture()
        try f.store.publish(month: YearMonth("2020-12")!, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client async throws in
            let cadre = Browser(client)
            #expect(try await cadre.activate(Self.cadre, code: code, password: Self.password).status == .seeOther)
            #expect(try await cadre.get("/cadre/\(Self.cadre)/2020-12").status == .ok)

            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let home = try await staff.get("/staff")
            #expect(home.body.contains("action=\"/staff/accounts\"") && home.body.contains("停用账户"))
            // Without the form's token: refused, nothing disabled.
            #expect(try await staff.post("/staff/accounts", [("cadre", Self.cadre), ("action", "disable")], csrf: "bad").status == .forbidden)
            #expect(try f.store.user(username: Self.cadre)?.isDisabled == false)
            let done = try await staff.post("/staff/accounts", [("cadre", Self.cadre), ("action", "disable")])
            #expect(done.status == .ok && done.body.contains("已停用干部账户“\(Self.cadre)”"), "\(done.body)")
            #expect(done.body.contains("<td>\(Self.cadre)</td>"))
            // A 工号 with no account: said so.
            let unknown = try await staff.post("/staff/accounts", [("cadre", "NO-SUCH"), ("action", "disable")])
            #expect(unknown.status == .badRequest && unknown.body.contains("没有干部账户"))

            // The open session is gone.
            #expect(try await cadre.get("/cadre/\(Self.cadre)/2020-12").location == "/login")
            // Right and wrong password: the same answer.
            let right = try await Browser(client).login(Self.cadre, Self.password)
            let wrong = try await Browser(client).login(Self.cadre, "wrong-pass-9")
            #expect(right.status == .unauthorized && wrong.status == .unauthorized)
            #expect(Self.withoutTokens(right.body) == Self.withoutTokens(wrong.body))
            let apiRight = try await Browser(client).postJSON("/api/login", #"{"username":"\#(Self.cadre)","password":"\#(Self.password)"}"#)
            let apiWrong = try await Browser(client).postJSON("/api/login", #"{"username":"\#(Self.cadre)","password":"wrong-pass-9"}"#)
            #expect(apiRight.status == .unauthorized && apiRight.body == apiWrong.body, "\(apiRight.body)")

            // Enabled (through the API this time): logs in.
            let token = try await PortalRouteTests.apiToken(staff)
            let enabled = try await staff.postJSON("/api/staff/accounts/enable", #"{"cadreID":"\#(Self.cadre)"}"#, csrfHeader: token)
            #expect(enabled.status == .ok && enabled.body.contains("\"disabled\":false"), "\(enabled.body)")
            #expect(try await Browser(client).login(Self.cadre, Self.password).status == .seeOther)
            // Staff accounts are not the portal's to disable.
            let notCadre = try await staff.postJSON("/api/staff/accounts/disable", #"{"cadreID":"李会计"}"#, csrfHeader: token)
            #expect(notCadre.status == .badRequest)
            #expect(try f.store.user(username: "李会计")?.isDisabled == false)
            // A cadre cannot disable anyone.
            try await cadre.login(Self.cadre, Self.password)
            let cadreToken = try await PortalRouteTests.apiToken(cadre)
            #expect(try await cadre.postJSON("/api/staff/accounts/disable", #"{"cadreID":"\#(Self.cadre)"}"#, csrfHeader: cadreToken).status == .forbidden)
        }
        let audit = try f.store.auditLog()
        #expect(audit.contains { $0.action == "user-disable" && $0.actor == "张科长" && ($0.detail ?? "").contains(Self.cadre) })
        #expect(audit.contains { $0.action == "user-enable" && $0.actor == "张科长" })
        #expect(audit.contains { $0.action == "login-failed" && ($0.detail ?? "").hasPrefix("account disabled") })
    }

    /// The login page with its form tokens and the typed name taken out.
    static func withoutTokens(_ body: String) -> String {
        body.replacingOccurrences(of: #"value="[0-9a-f]{64}""#, with: "", options: .regularExpression)
    }

    /// A disabled cadre cannot activate either: the code is answered as a wrong one and stays
    /// unused for when the account is enabled.
    @Test func aDisabledAccountCannotActivate() async throws {
        let f = try PortalFixture()
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client async throws in
            #expect(try await Browser(client).activate(Self.cadre, code: code, password: Self.password).status == .seeOther)
            try f.store.setDisabled(username: Self.cadre, disabled: true, actor: "测试", at: "2021-01-05T01:00:00Z")
            let again = try #require(try f.codes()[Self.cadre])
            let refused = try await Browser(client).activate(Self.cadre, code: again, password: "new-pass-123")
            #expect(refused.status == .badRequest && refused.body.contains("工号或激活码不正确"))
            #expect(try f.store.activation(cadreID: Self.cadre)?.usedAt == nil)
            try f.store.setDisabled(username: Self.cadre, disabled: false, actor: "测试", at: "2021-01-05T01:00:00Z")
            #expect(try await Browser(client).activate(Self.cadre, code: again, password: "new-pass-123").status == .seeOther)
        }
    }

    /// A new password (as `jifen user password` sets it) and `endSessions` end the account's
    /// sessions; `accounts` lists role, disabled and last login, and no secret.
    @Test func aNewPasswordAndRevocationEndSessions() async throws {
        let f = try PortalFixture()
        try await f.application().test(.router) { client async throws in
            let a = Browser(client), b = Browser(client)
            try await a.login("张科长", PortalFixture.staffPassword)
            try await b.login("张科长", PortalFixture.staffPassword)
            #expect(try await a.get("/staff").status == .ok)
            let user = try #require(try f.store.user(username: "张科长"))
            #expect(try f.store.sessionCount(userID: user.id, now: f.clock.epochSeconds) == 2)
            try f.store.setPassword(userID: user.id, passwordHash: Passwords.hash("new-staff-pass", cost: 4), actor: "root", at: "2021-01-05T02:00:00Z")
            #expect(try await a.get("/staff").location == "/login")
            #expect(try await b.get("/staff").location == "/login")
            #expect(try await Browser(client).login("张科长", PortalFixture.staffPassword).status == .unauthorized)
            #expect(try await a.login("张科长", "new-staff-pass").status == .seeOther)

            let accounts = try f.store.accounts(now: f.clock.epochSeconds)
            let staff = try #require(accounts.first { $0.username == "张科长" })
            #expect(staff.role == .staff && staff.disabledAt == nil && staff.lastLoginAt == f.clock.epochSeconds && staff.sessions == 1)
            #expect(accounts.first { $0.username == "李会计" }?.lastLoginAt == nil)
            let encoded = String(decoding: try JSONEncoder().encode(accounts), as: UTF8.self)
            #expect(!encoded.contains("$2") && !encoded.lowercased().contains("hash"))

            #expect(try f.store.endSessions(username: "张科长", actor: "root", at: "2021-01-05T02:00:00Z") == 1)
            #expect(try await a.get("/staff").location == "/login")
        }
        let audit = try f.store.auditLog()
        #expect(audit.contains { $0.action == "user-password" && $0.actor == "root" && ($0.detail ?? "") == "张科长 2 sessions ended" })
        #expect(audit.contains { $0.action == "sessions-revoked" && ($0.detail ?? "") == "张科长 1 sessions" })
    }

    // MARK: - F6: a new code for one cadre

    /// A cadre who forgot the password gets a new code alone: the old code dies, the cadre's
    /// sessions end at once, the other cadres' codes stay good, and the new code replaces the
    /// password.
    @Test func aNewCodeForOneCadre() async throws {
        let f = try PortalFixture()
        let codes = try f.codes()
        let first = try #require(codes[Self.cadre]), other = try #require(codes["FM-002"])
        try await f.application().test(.router) { client async throws in
            let cadre = Browser(client)
            #expect(try await cadre.activate(Self.cadre, code: first, password: Self.password).status == .seeOther)
            let entries = try ActivationCodes.reissue(store: f.store, month: YearMonth("2020-12")!, cadreIDs: [Self.cadre], actor: "张科长", at: "2021-01-05T02:00:00Z")
            #expect(entries.count == 1 && entries[0].cadreID == Self.cadre && entries[0].code != first)
            // The session ended.
            #expect(try await cadre.get("/api/me").status == .unauthorized)
            // The old code is dead; the other cadre's is not.
            #expect(try await Browser(client).activate(Self.cadre, code: first, password: "other-pass-1").status == .badRequest)
            #expect(try await Browser(client).activate("FM-002", code: other, password: "fm002-pass-1").status == .seeOther)
            // The new code replaces the password.
            #expect(try await Browser(client).activate(Self.cadre, code: entries[0].code, password: "brand-new-pass").status == .seeOther)
            #expect(try await Browser(client).login(Self.cadre, Self.password).status == .unauthorized)
            #expect(try await Browser(client).login(Self.cadre, "brand-new-pass").status == .seeOther)
        }
        #expect(throws: ActivationCodes.Problem.notInMonth(["NO-SUCH"])) {
            try ActivationCodes.reissue(store: f.store, month: YearMonth("2020-12")!, cadreIDs: ["NO-SUCH"], actor: "测试", at: "2021-01-05T02:00:00Z")
        }
        #expect(try f.store.auditLog().contains { $0.action == "activation-code-reissued" && ($0.detail ?? "") == "\(Self.cadre) 1 sessions ended" })
    }

    // MARK: - F12: browser-session cookies, idle sessions end

    /// The session cookie has no Max-Age or Expires; the server ends a session unused for
    /// `sessionIdleSeconds`, and one in use at `sessionSeconds` from login.
    @Test func sessionsEndWhenIdleAndAtTheirLimit() async throws {
        let f = try PortalFixture()
        #expect(f.config.sessionIdleSeconds == 30 * 60)
        try await f.application().test(.router) { client async throws in
            let b = Browser(client)
            let login = try await b.login("张科长", PortalFixture.staffPassword)
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("jifen_session=") })
            #expect(!cookie.contains("Max-Age") && !cookie.contains("Expires"), "\(cookie)")
            // Idle 31 minutes: ended.
            f.clock.advance(by: 31 * 60)
            #expect(try await b.get("/staff").location == "/login")
            // In use every 20 minutes: lasts until the 8 hours from login, not longer.
            try await b.login("张科长", PortalFixture.staffPassword)
            for _ in 0..<23 {
                f.clock.advance(by: 20 * 60)
                #expect(try await b.get("/staff").status == .ok)
            }
            f.clock.advance(by: 20 * 60 + 1)
            #expect(try await b.get("/staff").location == "/login")
        }
    }

    // MARK: - F14: a cap on password checks in flight

    /// With every place of the process-wide cap taken, a login and an activation are answered
    /// 503 busy with Retry-After at once: no bcrypt, nothing counted by the throttle. Once a
    /// place is free, the login goes through.
    @Test func passwordChecksBeyondTheCapAreBusy() async throws {
        var setup = try PortalFixture()
        setup.config.checks = CheckLimiter(limit: 1)
        // One attempt per address and account: had a busy login been counted, the right
        // password afterwards would be refused.
        setup.config.throttle.pairLimit = 1
        let f = setup
        let code = try #require(try f.codes()[Self.cadre])
        try await f.application().test(.router) { client async throws in
            #expect(f.config.checks.tryAcquire())
            let b = Browser(client)
            let busy = try await b.login("张科长", PortalFixture.staffPassword)
            #expect(busy.status == .serviceUnavailable && busy.headers[.retryAfter] == "5")
            #expect(busy.body.contains("登录的人较多，请稍后再试"), "\(busy.body)")
            let api = try await Browser(client).postJSON("/api/login", #"{"username":"张科长","password":"x-password-1"}"#)
            #expect(api.status == .serviceUnavailable && api.body.contains("\"error\":\"busy\""))
            let activation = try await Browser(client).activate(Self.cadre, code: code, password: Self.password)
            #expect(activation.status == .serviceUnavailable)
            #expect(try f.store.activation(cadreID: Self.cadre)?.usedAt == nil)
            #expect(try f.store.activeLocks(now: f.clock.epochSeconds).isEmpty)
            f.config.checks.release()
            #expect(try await b.login("张科长", PortalFixture.staffPassword).status == .seeOther)
            #expect(f.config.checks.count == 0)
        }
        let refused = try f.store.auditLog().filter { $0.action == "login-refused" || $0.action == "activate-refused" }
        #expect(refused.count == 3 && refused.allSatisfy { ($0.detail ?? "").hasPrefix("busy (checks)") })
    }

    /// Many logins at once never have more checks in flight than the cap.
    @Test func concurrentLoginsStayUnderTheCap() async throws {
        var setup = try PortalFixture()
        setup.config.checks = CheckLimiter(limit: 2)
        setup.config.bcryptCost = 8
        setup.config.throttle.addressLimit = 1000
        setup.config.throttle.accountLimit = 1000
        setup.config.throttle.pairLimit = 1000
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        let b = Browser(client, peer: "2001:db8:\(i)::1")
                        return try await b.postJSON("/api/login", #"{"username":"张科长","password":"wrong-pass-\#(i)"}"#).status
                    }
                }
                var all: [HTTPResponse.Status] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.allSatisfy { $0 == .unauthorized || $0 == .serviceUnavailable }, "\(statuses)")
        }
        #expect(f.config.checks.maxInFlight <= 2 && f.config.checks.count == 0)
    }

    // MARK: - F9: an IPv6 /56 counts as one client too

    /// Wrong passwords at different 工号 from one /64 after another of one IPv6 /56 each stay
    /// under their /64's keys, but together lock the /56 (`networkLimit`): a further /64 of it
    /// is refused even with a right password, another /56 is not, and staff lift the lock by
    /// the /56.
    @Test func walkingCadreIDsFromManySlash64sOfOneSlash56Locks() async throws {
        var setup = try PortalFixture()
        setup.config.throttle.networkLimit = 6
        let f = setup
        try await f.application(PeerContext.self).test(.router) { client async throws in
            for i in 0..<6 {
                let b = Browser(client, peer: "2001:db8:0:1\(String(format: "%02x", i))::7")
                // The sixth failure locks the /56 and says so.
                #expect(try await b.login("FM-00\(i + 1)", "guess-pass-1").status == (i < 5 ? .unauthorized : .tooManyRequests))
            }
            let next = Browser(client, peer: "2001:db8:0:1ff::1")
            let locked = try await next.login("张科长", PortalFixture.staffPassword)
            #expect(locked.status == .tooManyRequests && locked.body.contains("此网络地址"), "\(locked.body)")
            #expect(try await Browser(client, peer: "2001:db8:0:200::1").login("张科长", PortalFixture.staffPassword).status == .seeOther)
            let locks = try f.store.activeLocks(now: f.clock.epochSeconds)
            #expect(locks.contains { $0.scope == .network && $0.address == "2001:db8:0:100::/56" }, "\(locks)")
            let staff = Browser(client, peer: "192.0.2.9")
            try await staff.login("张科长", PortalFixture.staffPassword)
            let home = try await staff.get("/staff")
            #expect(home.body.contains("IPv6 /56") && home.body.contains("value=\"2001:db8:0:100::/56\""))
            let lifted = try await staff.post("/staff/unlock", [("username", "2001:db8:0:100::/56")])
            #expect(lifted.status == .ok && lifted.body.contains("已解除地址 2001:db8:0:100::/56"), "\(lifted.body)")
            #expect(try await next.login("张科长", PortalFixture.staffPassword).status == .seeOther)
        }
        #expect(try f.store.auditLog().contains { $0.action == "lock" && $0.actor == "2001:db8:0:100::/56" && ($0.detail ?? "").contains("network lock") })
        // IPv4 has no wider key; an IPv6 address's is its /56.
        #expect(ClientAddress.networkKey("192.0.2.1") == nil)
        #expect(ClientAddress.networkKey("2001:db8:0:1ab:1::9") == "2001:db8:0:100::/56")
        #expect(ClientAddress.unlockKey("2001:db8:0:100::/56") == "2001:db8:0:100::/56")
    }
}
