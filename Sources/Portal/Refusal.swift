import Store

/// Why the portal refuses a request, as data; HTML and JSON word it each their own way.
enum Refusal: Error, Sendable, Equatable {
    /// No session, or an expired one.
    case notLoggedIn
    /// Logged in, but this is not theirs to see or do.
    case forbidden
    /// The form's CSRF token is missing or wrong.
    case badCSRF
    case notFound
    case badRequest(String)
    /// A wrong user name or password (the two are not told apart).
    case badCredentials
    /// A wrong 工号 or activation code, or a code already used.
    case badActivation
    /// A new password the policy refuses, or a login password no account can have.
    case password(PasswordProblem)
    /// The request is understood but the state of things refuses it (a closed window).
    case conflict(String)
    /// Too many failed attempts from this address, at this account, or at this account from
    /// everywhere (see docs/portal.md); `scope` says which, so the message can say who lifts it.
    case locked(minutes: Int, scope: ThrottleScope)
    /// A request body over the portal's limit.
    case tooLarge
    /// A request line (path and query) over `PortalMiddleware.maxURIBytes`.
    case uriTooLong
    /// More logins or activations from one address (or at one account) are being checked at
    /// once than its throttle has attempts left: no lock exists, the client should retry in
    /// a few seconds (503 with `Retry-After`).
    case busy
    /// Anything else that went wrong: said without a word about the data.
    case serverError

    /// Seconds a busy login is told to wait (`Retry-After`).
    static let busyRetrySeconds = 5

    var status: Int {
        switch self {
        case .notLoggedIn, .badCredentials: 401
        case .forbidden, .badCSRF: 403
        case .notFound: 404
        case .badRequest, .badActivation, .password: 400
        case .conflict: 409
        case .locked: 429
        case .tooLarge: 413
        case .uriTooLong: 414
        case .serverError: 500
        case .busy: 503
        }
    }

    var code: String {
        switch self {
        case .notLoggedIn: "not-logged-in"
        case .forbidden: "forbidden"
        case .badCSRF: "bad-csrf"
        case .notFound: "not-found"
        case .badRequest: "bad-request"
        case .badCredentials: "bad-credentials"
        case .badActivation: "bad-activation"
        case .password: "bad-password"
        case .conflict: "conflict"
        case .locked: "locked"
        case .tooLarge: "too-large"
        case .uriTooLong: "uri-too-long"
        case .serverError: "internal"
        case .busy: "busy"
        }
    }

    var message: String {
        switch self {
        case .notLoggedIn: "请先登录。"
        case .forbidden: "无权查看或操作。"
        case .badCSRF: "表单已过期或来源不明，请返回重新提交。"
        case .notFound: "找不到该页面或数据。"
        case .badRequest(let m), .conflict(let m): m
        case .badCredentials: "用户名或密码错误。"
        case .badActivation: "工号或激活码不正确，或激活码已使用。"
        case .password(let p): p.message
        case .locked(let minutes, let scope):
            switch scope {
            case .address, .network:
                // Everyone behind the same network address (a proxy, an office's NAT) shares
                // this lock; it is lifted by address, not by an account.
                "此网络地址的登录和激活失败次数过多，已暂时锁定，请 \(minutes) 分钟后再试。使用同一网络出口的人都会受影响；急需登录请联系民政局工作人员，在门户“登录锁定”中按地址解除，或在服务器上运行 jifen user unlock <地址>。"
            case .pair, .account:
                "该账户（工号）的尝试失败次数过多，已暂时锁定，请 \(minutes) 分钟后再试；急需登录请联系民政局工作人员，在门户“登录锁定”中或在服务器上运行 jifen user unlock <用户名或工号> 解除。"
            }
        case .tooLarge: "提交的内容过长。"
        case .uriTooLong: "网址过长。"
        case .serverError: "服务器内部错误，请稍后再试。"
        case .busy: "登录的人较多，请稍后再试（约 \(Refusal.busyRetrySeconds) 秒后）。"
        }
    }
}

/// What is wrong with a password someone chose (or typed at login), worded once for the
/// portal and `jifen user add`.
public enum PasswordProblem: Error, Sendable, Hashable {
    case tooShort
    /// Over bcrypt's 72 bytes: the rest would be ignored, so longer ones are refused.
    case tooLong
    case differ

    public var message: String {
        switch self {
        case .tooShort: "密码至少 \(PasswordPolicy.minCharacters) 个字符。"
        case .tooLong: "密码过长：最多 \(PasswordPolicy.maxBytes) 字节（字母、数字、符号每个 1 字节，汉字每个 3 字节）。"
        case .differ: "两次输入的密码不一致。"
        }
    }

    /// The same for the command line's English half.
    public var english: String {
        switch self {
        case .tooShort: "The password needs at least \(PasswordPolicy.minCharacters) characters."
        case .tooLong: "The password is too long: at most \(PasswordPolicy.maxBytes) bytes of UTF-8."
        case .differ: "The passwords differ."
        }
    }
}

/// Which passwords accounts may have. bcrypt reads only the first 72 bytes of a password, so
/// a longer one would be accepted with anything after its 72nd byte: refused instead, where
/// it is set and at login.
public enum PasswordPolicy {
    public static let minCharacters = 8
    public static let maxBytes = 72
    /// The rule as the forms state it.
    public static let hint = "至少 \(minCharacters) 个字符，最多 \(maxBytes) 字节（字母、数字、符号每个 1 字节，汉字每个 3 字节）"

    /// Why a new password is refused, or nil.
    public static func problem(_ password: String) -> PasswordProblem? {
        if password.count < minCharacters { return .tooShort }
        if password.utf8.count > maxBytes { return .tooLong }
        return nil
    }
}
