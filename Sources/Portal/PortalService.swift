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
    /// The key that signs pre-login form tokens: kept in the store, so that every process
    /// serving it accepts the forms any of them issued.
    let preKey: [UInt8]

    init(config: PortalConfig) {
        self.config = config
        dummyHash = Bcrypt.hash(Self.randomToken(), cost: config.bcryptCost)
        // Without the store nothing works anyway (sessions are there); a key of this
        // process's own still signs its forms.
        let secret = (try? config.store.portalSecret("pre-session", at: config.clock.timestamp, make: Self.randomToken)) ?? Self.randomToken()
        preKey = Array(secret.utf8)
    }

    /// Runs bcrypt off the concurrency pool: at cost 12 a check takes a quarter of a second,
    /// and the pool has a thread per core, so page views would wait behind logins.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
    var store: RunStore { config.store }
    var clock: PortalClock { config.clock }

    static let sessionCookie = "jifen_session"
    /// The pre-login cookie of the login and activation forms: `<nonce>.<issued at>`; the
    /// forms carry its HMAC under `preKey`, so only a pair the server issued is accepted.
    static let preCookie = "jifen_pre"
    /// How long a pre-login cookie (and so a login form) stays good.
    static let preSeconds: Int64 = 3600
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
        guard let s = try store.session(token: token, now: clock.epochSeconds, idleSeconds: config.sessionIdleSeconds) else { return nil }
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

    /// Where a request came from, as the audit log records it: the connection's peer, or
    /// behind a trusted proxy the client it names in `X-Forwarded-For` ("-" when unknown:
    /// in-process tests).
    func clientAddress(_ request: Request, _ context: some PortalRequestContext) -> String {
        let resolved = ClientAddress.resolve(peer: context.clientAddress(of: request), forwardedFor: request.headers[values: Self.forwardedFor],
                                             trusted: config.trustedProxies)
        guard let resolved, !resolved.isEmpty else { return "-" }
        return String(resolved.prefix(64))
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// Whether free text fits `characters` characters (as people count them) and four bytes
    /// of UTF-8 a character: a character may carry any number of combining marks, so the
    /// count alone bounds nothing (one "a" with 30,000 accents is one character of 60 KB).
    static func fits(_ text: String, characters: Int) -> Bool {
        text.utf8.count <= characters * 4 && text.count <= characters
    }

    /// The refusal of a cadre's objection beyond `ObjectionLimits`.
    static func objectionLimitRefusal(_ e: PortalStoreError) -> Refusal? {
        guard case .tooManyObjections(let open, let limit) = e else { return nil }
        return .conflict(open
            ? "您对本期已有 \(limit) 条申诉尚未处理，请等待答复后再提出新的申诉。"
            : "您对本期的申诉已达 \(limit) 条，不能再提出；如有疑问请联系民政局工作人员。")
    }

    /// A user name or 工号 as typed, as accounts are kept (`RunStore.normalizedUsername`).
    static func normalizedUsername(_ typed: String) -> String { RunStore.normalizedUsername(typed) }

    static func minutes(until: Int64, now: Int64) -> Int { Int(max(until - now, 1) + 59) / 60 }

    /// Checks a password with throttling (docs/portal.md): the attempt is counted against the
    /// address, the account from this address and the account from everywhere before bcrypt
    /// runs, so parallel guesses cannot outrun the count. Every outcome is audited (never the
    /// password, and never a user name that matches no account: it may be a mistyped password).
    func login(username typed: String, password: String, address from: String) async throws -> LoggedIn {
        // The name as accounts are kept (NFKC): `ｓｔａｆｆ１` is `staff1`, for the account and
        // for the throttle alike.
        let username = Self.normalizedUsername(typed)
        // Nothing longer can be an account's password (bcrypt would ignore the rest).
        guard password.utf8.count <= PasswordPolicy.maxBytes else { throw Refusal.password(.tooLong) }
        let now = clock.epochSeconds
        let at = clock.timestamp
        let key = ClientAddress.throttleKey(from)
        let user = try store.user(username: typed.trimmingWhitespace)
        let actor = user?.username ?? "（未知账户）"
        // At most `config.checks.limit` checks in the whole process: beyond, busy at once,
        // before the throttle counts the attempt and without bcrypt.
        guard config.checks.tryAcquire() else {
            try store.audit(at: at, actor: actor, action: "login-refused", detail: "busy (checks) address \(from)")
            throw Refusal.busy
        }
        defer { config.checks.release() }
        let ticket: AttemptTicket
        switch try store.reserveAttempt(kind: .login, address: key, network: ClientAddress.networkKey(from), name: username, label: user?.username, now: now, policy: config.throttle) {
        case .refused(let lock):
            throw try throttleRefusal(lock, kind: .login, address: key, label: user?.username, actor: actor, from: from, now: now, at: at)
        case .allowed(let t):
            ticket = t
        }
        // An unknown account costs the same bcrypt time as a real one.
        let hash = user?.passwordHash ?? dummyHash
        let matches = try await Self.offload { Bcrypt.verify(password, hash: hash) }
        // A disabled account is answered as a wrong password, and counted as one: the
        // answer does not tell that the account exists or is disabled.
        guard matches, let user, !user.isDisabled else {
            let locks = try store.attemptFailed(ticket, now: now, at: at, policy: config.throttle)
            let what = user == nil ? "unknown account" : !matches ? "wrong password" : "account disabled"
            try store.audit(at: at, actor: actor, action: "login-failed", detail: "\(what)\(locks.isEmpty ? "" : "; locked") address \(from)")
            if let lock = locks.max(by: { $0.until < $1.until }) { throw Refusal.locked(minutes: Self.minutes(until: lock.until, now: now), scope: lock.scope) }
            throw Refusal.badCredentials
        }
        try store.attemptSucceeded(ticket)
        let li = try startSession(user)
        try store.audit(at: at, actor: user.username, action: "login", detail: "\(user.role.rawValue) address \(from)")
        return li
    }

    /// What an attempt the throttle refused is told, audited: the lock when one is in force;
    /// otherwise the key's remaining attempts are all reserved by attempts still being checked
    /// (more than 30 logins from one office at once, waiting for bcrypt) — no lock exists, and
    /// the client is told to retry shortly (`Refusal.busy`, 503), never that it is locked.
    func throttleRefusal(_ lock: ThrottleLock, kind: AttemptKind, address key: String, label: String?, actor: String, from: String,
                         now: Int64, at: String) throws -> Refusal {
        let action = kind == .login ? "login-refused" : "activate-refused"
        guard try lockInForce(lock, kind: kind, address: key, from: from, label: label, now: now) else {
            try store.audit(at: at, actor: actor, action: action, detail: "busy (\(lock.scope.rawValue)) address \(from)")
            return .busy
        }
        try store.audit(at: at, actor: actor, action: action, detail: "locked (\(lock.scope.rawValue)) address \(from)")
        return .locked(minutes: Self.minutes(until: lock.until, now: now), scope: lock.scope)
    }

    /// Whether the throttle's refusal is a stored lock (as `jifen user locks` and staff see
    /// it): a lock in force refuses with its own end; a key refused for attempts in flight
    /// has none stored.
    func lockInForce(_ lock: ThrottleLock, kind: AttemptKind, address key: String, from: String, label: String?, now: Int64) throws -> Bool {
        try store.activeLocks(now: now).contains { l in
            guard l.scope == lock.scope, l.until == lock.until else { return false }
            switch lock.scope {
            case .address: return l.address == key
            case .network: return l.address == ClientAddress.networkKey(from)
            case .pair: return l.address == key && l.kind == kind.rawValue && l.label == label
            case .account: return l.address.isEmpty && l.kind == kind.rawValue && l.label == label
            }
        }
    }

    func startSession(_ user: PortalUser) throws -> LoggedIn {
        let now = clock.epochSeconds
        let token = Self.randomToken(), csrf = Self.randomToken()
        let expires = now + config.sessionSeconds
        try store.createSession(token: token, userID: user.id, csrfToken: csrf, now: now, expiresAt: expires, idleSeconds: config.sessionIdleSeconds)
        return LoggedIn(token: token, csrf: csrf, user: user, expiresAt: expires)
    }


    /// Sets a cadre's password with a one-time activation code, then logs them in. Wrong
    /// codes are throttled like passwords, counted before the code is compared.
    func activate(cadreID rawID: String, code rawCode: String, password: String, again: String, address from: String) async throws -> LoggedIn {
        let cadreID = Self.normalizedUsername(rawID)
        guard password == again else { throw Refusal.password(.differ) }
        if let problem = PasswordPolicy.problem(password) { throw Refusal.password(problem) }
        let now = clock.epochSeconds
        let at = clock.timestamp
        let key = ClientAddress.throttleKey(from)
        guard !cadreID.isEmpty, cadreID.count <= 64 else {
            try store.audit(at: at, actor: "（未知账户）", action: "activate-failed", detail: "no code address \(from)")
            throw Refusal.badActivation
        }
        let record = try store.activation(cadreID: cadreID)
        let actor = record == nil ? "（未知账户）" : cadreID
        guard config.checks.tryAcquire() else {
            try store.audit(at: at, actor: actor, action: "activate-refused", detail: "busy (checks) address \(from)")
            throw Refusal.busy
        }
        defer { config.checks.release() }
        let ticket: AttemptTicket
        switch try store.reserveAttempt(kind: .activate, address: key, network: ClientAddress.networkKey(from), name: cadreID, label: record == nil ? nil : cadreID, now: now, policy: config.throttle) {
        case .refused(let lock):
            throw try throttleRefusal(lock, kind: .activate, address: key, label: record == nil ? nil : cadreID, actor: actor, from: from, now: now, at: at)
        case .allowed(let t):
            ticket = t
        }
        let code = ActivationCodes.normalize(rawCode)
        guard let record, record.usedAt == nil, Self.constantTimeEqual(RunStore.secretHash(code), record.codeHash) else {
            let locks = try store.attemptFailed(ticket, now: now, at: at, policy: config.throttle)
            let what = record == nil ? "no code" : record?.usedAt == nil ? "wrong code" : "code already used"
            try store.audit(at: at, actor: actor, action: "activate-failed", detail: "\(what)\(locks.isEmpty ? "" : "; locked") address \(from)")
            if let lock = locks.max(by: { $0.until < $1.until }) { throw Refusal.locked(minutes: Self.minutes(until: lock.until, now: now), scope: lock.scope) }
            throw Refusal.badActivation
        }
        try store.attemptSucceeded(ticket)
        let name = try latestName(cadreID: cadreID) ?? cadreID
        let cost = config.bcryptCost
        let hash = try await Self.offload { Bcrypt.hash(password, cost: cost) }
        let activated = Result { () throws(PortalStoreError) -> Int64? in try store.activate(cadreID: cadreID, displayName: name, passwordHash: hash, at: at) }
        if case .failure(.accountDisabled) = activated {
            // Answered as a wrong code; the code stays unused for when staff enable the account.
            try store.audit(at: at, actor: cadreID, action: "activate-failed", detail: "account disabled address \(from)")
            throw Refusal.badActivation
        }
        guard let userID = try activated.get(), let user = try store.user(id: userID) else { throw Refusal.badActivation }
        let li = try startSession(user)
        try store.audit(at: at, actor: user.username, action: "login", detail: "after activation address \(from)")
        return li
    }

    func latestName(cadreID: String) throws -> String? {
        for run in try store.runs() where run.state != .superseded && run.state.isMonthRun {
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
        // A session cookie (no Max-Age, no Expires): the browser forgets it when it closes.
        // The server ends the session itself after `sessionSeconds`, or when idle.
        Cookie(name: Self.sessionCookie, value: li.token, path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func clearedSessionCookie() -> Cookie {
        Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func preCookie(_ value: String) -> Cookie {
        Cookie(name: Self.preCookie, value: value, maxAge: Int(Self.preSeconds), path: "/", secure: config.secureCookies, httpOnly: true, sameSite: .strict)
    }

    // MARK: - Pre-login form tokens

    /// When a pre-login cookie this server could have issued was issued; nil for anything
    /// else, or one older than `preSeconds` (or from the future).
    func preIssued(_ cookie: String?) -> Int64? {
        guard let cookie, cookie.utf8.count <= 64 else { return nil }
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 32, parts[0].allSatisfy(\.isHexDigit), let issued = Int64(parts[1]) else { return nil }
        let now = clock.epochSeconds
        guard issued <= now + 60, now - issued < Self.preSeconds else { return nil }
        return issued
    }

    /// The form's token for a pre-login cookie: its HMAC under the server's key.
    func preFormToken(_ cookie: String) -> String {
        HMACSHA256.hex(key: preKey, message: "jifen-pre\u{0}" + cookie)
    }

    /// The request's pre-login cookie when still good for half its life, else a new one.
    func preToken(_ request: Request) -> (cookie: String, isNew: Bool) {
        let current = request.cookies[Self.preCookie]?.value
        if let issued = preIssued(current), clock.epochSeconds - issued < Self.preSeconds / 2 { return (current!, false) }
        return ("\(Self.randomToken().prefix(32)).\(clock.epochSeconds)", true)
    }

    /// Refuses a login or activation form unless its token is the HMAC of a pre-login cookie
    /// this server issued within the hour: a cookie and field the client made up together
    /// are refused.
    func checkPre(_ request: Request, _ form: Form) throws {
        let cookie = request.cookies[Self.preCookie]?.value
        guard preIssued(cookie) != nil, let cookie, let supplied = form["csrf"], Self.constantTimeEqual(preFormToken(cookie), supplied) else {
            throw Refusal.badCSRF
        }
    }

    /// Headers every response carries, errors and unrouted paths too (`PortalMiddleware`): no
    /// scripts, no framing, no caching of personal pages.
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (.cacheControl, "no-store"),
        (.contentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
    ]

    static func headers(contentType: String) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = contentType
        for (name, value) in securityHeaders { h[name] = value }
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
