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
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path), "status": .stringConvertible(response.status.code),
        ])
        return response
    }
}
