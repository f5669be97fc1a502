import Exact
import Foundation
import HTTPTypes
import Hummingbird
import Results
import Store

/// The JSON API under `/api/`: the same data as the pages, under the same access rules.
/// A client logs in with `POST /api/login`, keeps the session cookie, and sends the
/// returned CSRF token as `X-CSRF-Token` with every other POST.
extension PortalService {
    struct LoginRequest: Decodable { var username: String; var password: String }
    struct ActivateRequest: Decodable { var cadreID: String; var code: String; var password: String }
    struct ObjectionRequest: Decodable { var reference: String; var reason: String }
    struct PublishRequest: Decodable { var days: Int? }
    /// `{"confirm": true}`: close although the objection window has not ended.
    struct CloseRequest: Decodable { var confirm: Bool? }
    /// `{"username":"…"}` (an account or 工号) or `{"address":"…"}` (a client address, or an
    /// IPv6 `…/64`); a username that is an address means the address.
    struct UnlockRequest: Decodable { var username: String?; var address: String? }
    /// `decision` is `adjustment` (with `points` and/or `amount`, and `reason`), `dataFix`
    /// (with `dataFix`: the file and record to be corrected) or `rejected`.
    struct DecisionRequest: Decodable {
        var decision: String
        var reply: String
        var points: String?
        var amount: String?
        var reason: String?
        var dataFix: String?
    }

    struct Account: Encodable {
        var username: String
        var role: String
        var cadreID: String?
        var displayName: String
        var csrfToken: String
        var expiresAt: Int64
    }

    struct RunSummaryDTO: Encodable {
        var id: Int64
        var month: String
        var state: String
        var stateName: String
        var publishedAt: String?
        var objectionsUntil: String?
        var closedAt: String?
        var summary: RunSummary
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// Decodes a JSON body; refuses anything but `application/json`, which a cross-site form
    /// cannot send.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        guard let ct = request.headers[.contentType], ct.lowercased().hasPrefix("application/json") else { throw Refusal.badRequest("需要 JSON 请求体。") }
        let text = try await body(request)
        guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { throw Refusal.badRequest("JSON 请求体无效。") }
        return value
    }

    func apiVisitor(_ request: Request, _ roles: Set<PortalRole>, post: Bool) throws -> Visitor {
        let v = try require(request, roles)
        if post { try checkCSRF(v, request.headers[Self.csrfHeader]) }
        return v
    }

    func account(_ li: LoggedIn) -> Account {
        Account(username: li.user.username, role: li.user.role.rawValue, cadreID: li.user.cadreID, displayName: li.user.displayName, csrfToken: li.csrf, expiresAt: li.expiresAt)
    }

    func addAPI<Context: PortalRequestContext>(to router: Router<Context>) {
        let api = router.group("api")

        api.post("login") { request, context in
            await self.api(context) {
                let body = try await Self.decode(LoginRequest.self, request)
                let li = try await login(username: body.username.trimmingWhitespace, password: body.password, address: clientAddress(request, context))
                var r = Self.json(account(li))
                r.setCookie(sessionCookie(li))
                return r
            }
        }

        api.post("activate") { request, context in
            await self.api(context) {
                let body = try await Self.decode(ActivateRequest.self, request)
                let li = try await activate(cadreID: body.cadreID, code: body.code, password: body.password, again: body.password,
                                            address: clientAddress(request, context))
                var r = Self.json(account(li))
                r.setCookie(sessionCookie(li))
                return r
            }
        }

        api.post("logout") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, Set(PortalRole.allCases), post: true)
                try logout(v)
                var r = Self.json(["ok": true])
                r.setCookie(clearedSessionCookie())
                return r
            }
        }

        api.get("me") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, Set(PortalRole.allCases), post: false)
                return Self.json(Account(username: v.user.username, role: v.user.role.rawValue, cadreID: v.user.cadreID, displayName: v.user.displayName,
                                         csrfToken: v.session.csrfToken, expiresAt: v.session.expiresAt))
            }
        }

        api.get("cadres/:id/months") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.cadre, .staff], post: false)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                try auditView(v, cadreID: id, month: nil, runID: nil, api: true)
                return Self.json(try store.history(cadreID: id, states: CadreView.visibleStates(for: v.user.role)))
            }
        }

        api.get("cadres/:id/:month") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.cadre, .staff], post: false)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let m = try month(context)
                guard let view = try cadreView(cadreID: id, month: m, for: v) else { throw Refusal.notFound }
                try auditView(v, cadreID: id, month: m, runID: view.run.id, api: true)
                return Self.json(view)
            }
        }

        api.get("cadres/:id/years/:year") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.cadre, .staff], post: false)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let y = try yearParam(context)
                guard let view = try yearView(cadreID: id, year: y, for: v) else { throw Refusal.notFound }
                try auditView(v, cadreID: id, month: nil, runID: nil, api: true)
                return Self.json(view)
            }
        }

        api.post("cadres/:id/years/:year/objections") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.cadre], post: true)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let y = try yearParam(context)
                let body = try await Self.decode(ObjectionRequest.self, request)
                return Self.json(try objectYear(v, cadreID: id, year: y, reference: body.reference, reason: body.reason), status: .created)
            }
        }

        api.post("cadres/:id/:month/objections") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.cadre], post: true)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let m = try month(context)
                let body = try await Self.decode(ObjectionRequest.self, request)
                return Self.json(try object(v, cadreID: id, month: m, reference: body.reference, reason: body.reason), status: .created)
            }
        }

        api.get("staff/runs") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.staff], post: false)
                return Self.json(try store.runs().filter { $0.state != .superseded && $0.state.isMonthRun }.sorted { $0.month > $1.month }.map { r in
                    RunSummaryDTO(id: r.id, month: r.month.description, state: r.state.rawValue, stateName: r.state.chineseName, publishedAt: r.publishedAt,
                                  objectionsUntil: r.objectionsUntil, closedAt: r.closedAt, summary: r.summary)
                })
            }
        }

        api.get("staff/runs/:month/cadres") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.staff], post: false)
                let m = try month(context)
                guard let run = try store.currentRun(month: m) else { throw Refusal.notFound }
                guard let community = request.uri.queryParameters["community"].map(String.init) else {
                    return Self.json(try store.communities(runID: run.id).map { ["community": $0.community, "cadres": String($0.cadres)] })
                }
                return Self.json(try store.cadreSummaries(runID: run.id, community: community))
            }
        }

        api.post("staff/runs/:month/publish") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.staff], post: true)
                let m = try month(context)
                let body = try await Self.decode(PublishRequest.self, request)
                let until = try publish(v, month: m, days: body.days)
                return Self.json(["month": m.description, "objectionsUntil": until.description])
            }
        }

        api.post("staff/runs/:month/close") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.staff], post: true)
                let m = try month(context)
                // `{"confirm": true}` closes during the objection window; no body is fine.
                var confirm = false
                if request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true {
                    let text = try await Self.body(request)
                    if !text.trimmingWhitespace.isEmpty {
                        guard let body = try? JSONDecoder().decode(CloseRequest.self, from: Data(text.utf8)) else { throw Refusal.badRequest("JSON 请求体无效。") }
                        confirm = body.confirm ?? false
                    }
                }
                try close(v, month: m, confirmed: confirm)
                return Self.json(["month": m.description, "state": RunState.closed.rawValue])
            }
        }

        api.post("staff/runs/:month/rerun") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.staff], post: true)
                return Self.json(try rerun(v, month: try month(context)), status: .accepted)
            }
        }

        api.get("staff/requests/:rid") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.staff], post: false)
                guard let id = context.parameters.get("rid").flatMap({ Int64($0) }), let r = try store.batchRequest(id: id) else { throw Refusal.notFound }
                return Self.json(r)
            }
        }

        api.get("staff/locks") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.staff], post: false)
                return Self.json(try store.activeLocks(now: clock.epochSeconds))
            }
        }

        api.post("staff/unlock") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.staff], post: true)
                let body = try await Self.decode(UnlockRequest.self, request)
                if let a = body.address, ClientAddress.unlockKey(a) == nil { throw Refusal.badRequest("“\(Self.short(a))”不是网络地址。") }
                return Self.json(try unlock(v, username: body.address ?? body.username))
            }
        }

        api.get("staff/objections") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.staff], post: false)
                let state = request.uri.queryParameters["state"].flatMap { ObjectionState(rawValue: String($0)) }
                return Self.json(try store.objections(state: state))
            }
        }

        api.post("staff/objections/:oid/decide") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.staff], post: true)
                guard let oid = context.parameters.get("oid").flatMap({ Int64($0) }) else { throw Refusal.notFound }
                let body = try await Self.decode(DecisionRequest.self, request)
                try decide(v, objectionID: oid, DecisionInput(decision: body.decision, reply: body.reply, points: body.points, amount: body.amount,
                                                              reason: body.reason, dataFix: body.dataFix))
                guard let o = try store.objection(id: oid) else { throw Refusal.notFound }
                return Self.json(o)
            }
        }

        api.get("staff/adjustments/awaiting") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.staff], post: false)
                return Self.json(try store.adjustmentsAwaitingApproval().map { $0.adjustment })
            }
        }

        api.post("staff/adjustments/:aid/approve") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.staff], post: true)
                guard let aid = context.parameters.get("aid").flatMap({ Int64($0) }) else { throw Refusal.notFound }
                try approveAdjustment(v, adjustmentID: aid)
                return Self.json(["approved": aid])
            }
        }

        api.get("finance/months") { request, context in
            await self.api(context) {
                _ = try apiVisitor(request, [.finance], post: false)
                return Self.json(try closedMonths())
            }
        }

        api.get("finance/:month/:file") { request, context in
            await self.api(context) {
                let v = try apiVisitor(request, [.finance], post: false)
                return try download(v, month: try month(context), file: context.parameters.get("file") ?? "")
            }
        }
    }
}
