import HTTPTypes
import Hummingbird
import Logging

/// Wraps every route and the router's not-found answer, so that nothing leaves the portal
/// without the security headers: an unrouted path or method (404), a failure thrown past a
/// handler, a HEAD. It also writes the request log line: method, path and status only — never
/// the query string (it may carry a 工号 or a community), a header or a body.
struct PortalMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            // A request line far beyond any of the portal's addresses is refused before
            // routing (the HTTP parser itself takes up to 80 KB).
            guard request.uri.description.utf8.count <= Self.maxURIBytes else { throw Refusal.uriTooLong }
            response = try await next(request, context)
        } catch {
            let (refusal, status) = PortalService.refusal(for: error, logger: context.logger)
            let path = request.uri.path
            response = path == "/api" || path.hasPrefix("/api/")
                ? PortalService.json(PortalService.APIError(error: refusal.code, message: refusal.message), status: status)
                : PortalService.html(LoginPages.refusal(refusal, nav: nil), status: status)
            if request.method == .head { response.body = ResponseBody() }
        }
        for (name, value) in PortalService.securityHeaders { response.headers[name] = value }
        // The portal answers 503 only for logins and activations that found their throttle's
        // attempts all being checked (`Refusal.busy`): worth retrying in a few seconds.
        if response.status == .serviceUnavailable { response.headers[.retryAfter] = String(Refusal.busyRetrySeconds) }
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(Self.loggedPath(request.uri.path)), "status": .stringConvertible(response.status.code),
        ])
        return response
    }

    /// The longest request target (path and query) the portal answers; longer is 414.
    static var maxURIBytes: Int { 8 * 1024 }
    /// How much of a path the log line keeps.
    static var maxLoggedPathBytes: Int { 200 }

    /// The path as the log line carries it: at most `maxLoggedPathBytes` bytes of UTF-8 (cut
    /// at a character's boundary) and "…" when cut, so that a stranger's long paths cannot
    /// fill the server's disk (a 60 KB path was logged whole, 254 MB in 10 s).
    static func loggedPath(_ path: String) -> String {
        guard path.utf8.count > maxLoggedPathBytes else { return path }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in path.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= maxLoggedPathBytes else { break }
            kept.append(scalar)
        }
        return String(kept) + "…"
    }
}
