import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import Store

/// The portal's request handling over one store: sessions, access rules and the shared
/// logic behind both the HTML pages and the JSON API.
///
/// Every handler starts by establishing who is asking (`require`) and, for anything that
/// changes state, checks the session's CSRF token: authorisation is never left to a page
/// merely not linking somewhere.
struct PortalService: Sendable {
    let config: PortalConfig
    let rosterMasks = RosterMasks()
    /// A bcrypt hash, at the configured cost, of nothing anyone types: checking a password
    /// against it makes an unknown account cost the same time as a real one.
    let dummyHash: String

    init(config: PortalConfig) {
        self.config = config
        dummyHash = Bcrypt.hash(Self.randomToken(), cost: config.bcryptCost)
    }

    /// Runs bcrypt off the concurrency pool: at cost 12 a check takes a quarter of a second,
    /// and the pool has a thread per core, so page views would wait behind logins.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
    var store: RunStore { config.store }
    var clock: PortalClock { config.clock }

    static let sessionCookie = "jifen_session"
    /// A pre-login CSRF token (double-submit) for the login and activation forms.
    static let preCookie = "jifen_pre"
    static let maxBody = 64 * 1024

    // MARK: - Who is asking

    /// The logged-in account behind a request and its cookie token.
    struct Visitor: Sendable {
        var session: PortalSession
        var token: String
        var user: PortalUser { session.user }
        /// What the audit log calls this account.
        var actor: String { user.username }
    }

    func visitor(_ request: Request) throws -> Visitor? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty, token.count <= 128 else { return nil }
        guard let s = try store.session(token: token, now: clock.epochSeconds) else { return nil }
        return Visitor(session: s, token: token)
    }

    /// The visitor, who must hold one of `roles`.
    func require(_ request: Request, _ roles: Set<PortalRole>) throws -> Visitor {
        guard let v = try visitor(request) else { throw Refusal.notLoggedIn }
        guard roles.contains(v.user.role) else { throw Refusal.forbidden }
        return v
    }

    /// Refuses unless `supplied` is the session's CSRF token.
    func checkCSRF(_ v: Visitor, _ supplied: String?) throws {
        guard let supplied, Self.constantTimeEqual(supplied, v.session.csrfToken) else { throw Refusal.badCSRF }
    }

    /// May this visitor see this cadre's pages? Cadres their own only; staff everyone's.
    func authorize(_ v: Visitor, cadreID: String) throws {
        switch v.user.role {
        case .cadre: guard v.user.cadreID == cadreID else { throw Refusal.forbidden }
        case .staff: break
        case .finance: throw Refusal.forbidden
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// 32 random bytes as hex.
    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &g), radix: 16).leftPadded(2) }.joined()
    }

    // MARK: - Logging in

    struct LoggedIn: Sendable {
        var token: String
        var csrf: String
        var user: PortalUser
        var expiresAt: Int64
    }

    /// Checks a password with throttling; every outcome is audited (never the password, and
    /// never a user name that matches no account: it may be a mistyped password).
    func login(username: String, password: String) async throws -> LoggedIn {
        let now = clock.epochSeconds
        let at = clock.timestamp
        guard let user = try store.user(username: username) else {
            let dummy = dummyHash
            _ = try await Self.offload { Bcrypt.verify(password, hash: dummy) }
            try store.audit(at: at, actor: "（未知账户）", action: "login-failed", detail: "unknown account")
            throw Refusal.badRequest("用户名或密码错误。")
        }
        if let until = user.lockedUntil, until > now {
            try store.audit(at: at, actor: user.username, action: "login-refused", detail: "locked")
            throw Refusal.locked(minutes: Int((until - now + 59) / 60))
        }
        let stored = user.passwordHash
        guard try await Self.offload({ Bcrypt.verify(password, hash: stored) }) else {
            let lock = try store.recordLoginFailure(userID: user.id, now: now, maxAttempts: config.maxFailures, lockSeconds: config.lockSeconds)
            try store.audit(at: at, actor: user.username, action: "login-failed", detail: lock == nil ? "wrong password" : "wrong password; locked")
            if let lock { throw Refusal.locked(minutes: Int((lock - now + 59) / 60)) }
            throw Refusal.badRequest("用户名或密码错误。")
        }
        try store.recordLoginSuccess(userID: user.id)
        let li = try startSession(user)
        try store.audit(at: at, actor: user.username, action: "login", detail: user.role.rawValue)
        return li
    }

    func startSession(_ user: PortalUser) throws -> LoggedIn {
        let now = clock.epochSeconds
        let token = Self.randomToken(), csrf = Self.randomToken()
        let expires = now + config.sessionSeconds
        try store.createSession(token: token, userID: user.id, csrfToken: csrf, now: now, expiresAt: expires)
        return LoggedIn(token: token, csrf: csrf, user: user, expiresAt: expires)
    }


    /// Sets a cadre's password with a one-time activation code, then logs them in.
    func activate(cadreID rawID: String, code rawCode: String, password: String, again: String) async throws -> LoggedIn {
        let cadreID = rawID.trimmingWhitespace
        guard password == again else { throw Refusal.badRequest("两次输入的密码不一致。") }
        guard password.count >= 8, password.count <= 64 else { throw Refusal.badRequest("密码长度应为 8 到 64 个字符。") }
        let now = clock.epochSeconds
        let at = clock.timestamp
        let invalid = Refusal.badRequest("工号或激活码不正确，或激活码已使用。")
        guard !cadreID.isEmpty, cadreID.count <= 64, let record = try store.activation(cadreID: cadreID) else {
            try store.audit(at: at, actor: "（未知账户）", action: "activate-failed", detail: "no code")
            throw invalid
        }
        if let until = record.lockedUntil, until > now {
            try store.audit(at: at, actor: cadreID, action: "activate-refused", detail: "locked")
            throw Refusal.locked(minutes: Int((until - now + 59) / 60))
        }
        let code = ActivationCodes.normalize(rawCode)
        guard record.usedAt == nil, Self.constantTimeEqual(RunStore.secretHash(code), record.codeHash) else {
            let lock = try store.recordActivationFailure(cadreID: cadreID, now: now, maxAttempts: config.maxFailures, lockSeconds: config.lockSeconds)
            try store.audit(at: at, actor: cadreID, action: "activate-failed", detail: record.usedAt == nil ? "wrong code" : "code already used")
            if let lock { throw Refusal.locked(minutes: Int((lock - now + 59) / 60)) }
            throw invalid
        }
        let name = try latestName(cadreID: cadreID) ?? cadreID
        let cost = config.bcryptCost
        let hash = try await Self.offload { Bcrypt.hash(password, cost: cost) }
        guard let userID = try store.activate(cadreID: cadreID, displayName: name, passwordHash: hash, at: at),
              let user = try store.user(id: userID)
        else { throw invalid }
        let li = try startSession(user)
        try store.audit(at: at, actor: user.username, action: "login", detail: "after activation")
        return li
    }

    func latestName(cadreID: String) throws -> String? {
        for run in try store.runs() where run.state != .superseded {
            if let r = try store.result(runID: run.id, cadreID: cadreID) { return r.name }
        }
        return nil
    }

    func logout(_ v: Visitor) throws {
        try store.deleteSession(token: v.token)
        try store.audit(at: clock.timestamp, actor: v.actor, action: "logout")
    }

    // MARK: - Cookies and responses

    func sessionCookie(_ li: LoggedIn) -> Cookie {
        Cookie(name: Self.sessionCookie, value: li.token, maxAge: Int(config.sessionSeconds), path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func clearedSessionCookie() -> Cookie {
        Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func preCookie(_ token: String) -> Cookie {
        Cookie(name: Self.preCookie, value: token, maxAge: 3600, path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Headers every response carries: no scripts, no framing, no caching of personal pages.
    static func headers(contentType: String) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = contentType
        h[.cacheControl] = "no-store"
        h[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        h[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        h[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return h
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers(contentType: "text/html; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ to: String) -> Response {
        var h = headers(contentType: "text/plain; charset=utf-8")
        h[.location] = to
        return Response(status: .seeOther, headers: h)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let data = (try? e.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers(contentType: "application/json; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func body(_ request: Request) async throws -> String {
        do {
            return String(buffer: try await request.body.collect(upTo: maxBody))
        } catch is NIOTooManyBytesError {
            throw Refusal.tooLarge
        }
    }

    /// The request's form, with its CSRF token checked against the session's.
    func form(_ request: Request, _ v: Visitor) async throws -> Form {
        let f = Form(try await Self.body(request))
        try checkCSRF(v, f["csrf"])
        return f
    }
}
