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
    /// The request is understood but the state of things refuses it (a closed window).
    case conflict(String)
    /// Too many failed attempts.
    case locked(minutes: Int)
    /// A request body over the portal's limit.
    case tooLarge

    var status: Int {
        switch self {
        case .notLoggedIn: 401
        case .forbidden, .badCSRF: 403
        case .notFound: 404
        case .badRequest: 400
        case .conflict: 409
        case .locked: 429
        case .tooLarge: 413
        }
    }

    var code: String {
        switch self {
        case .notLoggedIn: "not-logged-in"
        case .forbidden: "forbidden"
        case .badCSRF: "bad-csrf"
        case .notFound: "not-found"
        case .badRequest: "bad-request"
        case .conflict: "conflict"
        case .locked: "locked"
        case .tooLarge: "too-large"
        }
    }

    var message: String {
        switch self {
        case .notLoggedIn: "请先登录。"
        case .forbidden: "无权查看或操作。"
        case .badCSRF: "表单已过期或来源不明，请返回重新提交。"
        case .notFound: "找不到该页面或数据。"
        case .badRequest(let m), .conflict(let m): m
        case .locked(let minutes): "失败次数过多，账户已锁定，请 \(minutes) 分钟后再试。"
        case .tooLarge: "提交的内容过长。"
        }
    }
}
