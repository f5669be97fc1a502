import Batch
import Exact
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Store

/// Builds the portal: its router (for tests, in-process) and the application `jifen serve` runs.
///
/// ```swift
/// let app = PortalApplication.build(PortalConfig(store: store), host: "127.0.0.1", port: 8080)
/// try await app.runService()
/// ```
public enum PortalApplication {
    public static func build(_ config: PortalConfig, host: String = "127.0.0.1", port: Int = 8080, logger: Logger? = nil) -> some ApplicationProtocol {
        var log = logger ?? Logger(label: "jifen.portal")
        if logger == nil { log.logLevel = .info }
        // A connection that sends no whole request part (a head, a piece of body) for
        // `idleSeconds` is closed, as is a kept-alive one left idle that long after its last
        // response: a client that dribbles a header a byte at a time (slowloris) cannot hold
        // a connection open, since the head counts only once it is complete. A handler still
        // answering is never cut off. A request's body must also be complete within as long
        // of its head (`RequestDeadline`): every piece of body resets the idle timer.
        let seconds = config.idleSeconds
        // At most so many connections at once, in all and from one address, well below the
        // descriptor limit: more are closed as soon as they are accepted (`ConnectionCap`).
        let limiter = connectionLimiter(config)
        return Application(router: router(config, context: PortalContext.self),
                           server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionCap(limiter), RequestDeadline(seconds: seconds)],
                                                               idleTimeout: .seconds(seconds))),
                           configuration: .init(address: .hostname(host, port: port), serverName: "jifen"), logger: log)
    }

    /// The connection caps `config` asks for, or those the descriptor limit allows.
    public static func connectionLimiter(_ config: PortalConfig) -> ConnectionLimiter {
        let total = config.maxConnections ?? ConnectionLimiter.defaultTotal(descriptors: ConnectionLimiter.descriptorLimit())
        let perAddress = config.maxConnectionsPerAddress ?? ConnectionLimiter.defaultPerAddress(total: total)
        return ConnectionLimiter(total: total, perAddress: min(perAddress, total), exempt: config.trustedProxies)
    }

    /// The portal's routes over `config`'s store. `Context` tells the client's address:
    /// `PortalContext` (the connection's peer) when served.
    public static func router<Context: PortalRequestContext>(_ config: PortalConfig, context: Context.Type = PortalContext.self) -> Router<Context> {
        let p = PortalService(config: config)
        // HEAD answers wherever GET does, with the same headers.
        let router = Router(context: Context.self, options: .autoGenerateHeadEndpoints)
        // First, so that it wraps every route and the not-found answer: the security headers
        // on every response, errors as pages (or JSON under /api/), and the log line.
        router.add(middleware: PortalMiddleware<Context>())
        p.addPages(to: router)
        p.addAccountRoutes(to: router)
        p.addAPI(to: router)
        return router
    }
}

extension PortalService {
    // MARK: - Wrappers

    func nav(_ v: Visitor) -> HTML.Nav {
        switch v.user.role {
        case .cadre: HTML.Nav(links: [("/me", "我的积分")], csrf: v.session.csrfToken)
        case .staff: HTML.Nav(links: [("/staff", "各月运行"), ("/staff/objections", "申诉处理")], csrf: v.session.csrfToken)
        case .finance: HTML.Nav(links: [("/finance", "报表下载")], csrf: v.session.csrfToken)
        }
    }

    /// Any failure as the refusal shown for it and the status it answers with: Hummingbird's
    /// own (no route, a body over the limit) with their status, anything unforeseen as a 500
    /// that says nothing of the data (its type is logged).
    static func refusal(for error: any Error, logger: Logger) -> (Refusal, HTTPResponse.Status) {
        switch error {
        case let r as Refusal:
            return (r, .init(code: r.status))
        case let e as HTTPError where e.status == .notFound:
            return (.notFound, .notFound)
        case let e as HTTPError where e.status == .contentTooLarge:
            return (.tooLarge, .contentTooLarge)
        case let e as HTTPError where e.status.code < 500:
            return (.badRequest("请求无效。"), e.status)
        case is HTTPParserError:
            // A body the client mangled (a chunk size that is not hex, a truncated chunk):
            // its error, not the server's.
            return (.badRequest("请求格式无效。"), .badRequest)
        default:
            logger.error("portal error", metadata: ["type": "\(type(of: error))"])
            return (.serverError, .internalServerError)
        }
    }

    /// Runs an HTML handler, turning a refusal into a page (or, when not logged in, the login
    /// form) and any other failure into a page with its status.
    func page(_ request: Request, _ context: some RequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let (r, status) = Self.refusal(for: error, logger: context.logger)
            if r == .notLoggedIn { return Self.redirect("/login") }
            var bar: HTML.Nav?
            if error is Refusal, let v = try? visitor(request) { bar = nav(v) }
            return Self.html(LoginPages.refusal(r, nav: bar), status: status)
        }
    }

    struct APIError: Encodable {
        var error: String
        var message: String
    }

    func api(_ context: some RequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let (r, status) = Self.refusal(for: error, logger: context.logger)
            return Self.json(APIError(error: r.code, message: r.message), status: status)
        }
    }

    func month(_ context: some RequestContext) throws -> YearMonth {
        guard let s = context.parameters.get("month"), let m = YearMonth(s) else { throw Refusal.notFound }
        return m
    }

    func yearParam(_ context: some RequestContext) throws -> Int {
        guard let s = context.parameters.get("year"), s.count == 4, let y = Int(s), (2000...2100).contains(y) else { throw Refusal.notFound }
        return y
    }

    func cadreParam(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.count <= 64 else { throw Refusal.notFound }
        return id
    }

    /// The pre-login CSRF token of the browser, or a new one.
    func home(for user: PortalUser) -> String {
        switch user.role {
        case .cadre: "/cadre/\(HTML.segment(user.cadreID ?? ""))"
        case .staff: "/staff"
        case .finance: "/finance"
        }
    }

    // MARK: - Pages

    func addPages<Context: PortalRequestContext>(to router: Router<Context>) {
        router.get("/") { request, context in
            await page(request, context) {
                guard let v = try visitor(request) else { return Self.redirect("/login") }
                return Self.redirect(home(for: v.user))
            }
        }

        router.get("/login") { request, context in
            await page(request, context) {
                if let v = try visitor(request) { return Self.redirect(home(for: v.user)) }
                let (cookie, isNew) = preToken(request)
                var r = Self.html(LoginPages.login(csrf: preFormToken(cookie)))
                if isNew { r.setCookie(preCookie(cookie)) }
                return r
            }
        }

        router.post("/login") { request, context in
            await page(request, context) {
                let form = Form(try await Self.body(request))
                try checkPre(request, form)
                let username = form.text("username") ?? ""
                do {
                    let li = try await login(username: username, password: form["password"] ?? "", address: clientAddress(request, context))
                    var r = Self.redirect(home(for: li.user))
                    r.setCookie(sessionCookie(li))
                    return r
                } catch let refusal as Refusal {
                    return Self.html(LoginPages.login(csrf: form["csrf"] ?? "", message: refusal.message, username: username), status: .init(code: refusal.status))
                }
            }
        }

        router.get("/activate") { request, context in
            await page(request, context) {
                let (cookie, isNew) = preToken(request)
                var r = Self.html(LoginPages.activate(csrf: preFormToken(cookie)))
                if isNew { r.setCookie(preCookie(cookie)) }
                return r
            }
        }

        router.post("/activate") { request, context in
            await page(request, context) {
                let form = Form(try await Self.body(request))
                try checkPre(request, form)
                let cadre = form.text("cadre") ?? ""
                do {
                    let li = try await activate(cadreID: cadre, code: form["code"] ?? "", password: form["password"] ?? "", again: form["password2"] ?? "",
                                                address: clientAddress(request, context))
                    var r = Self.redirect(home(for: li.user))
                    r.setCookie(sessionCookie(li))
                    return r
                } catch let refusal as Refusal {
                    return Self.html(LoginPages.activate(csrf: form["csrf"] ?? "", message: refusal.message, cadreID: cadre), status: .init(code: refusal.status))
                }
            }
        }

        router.post("/logout") { request, context in
            await page(request, context) {
                guard let v = try visitor(request) else { return Self.redirect("/login") }
                _ = try await form(request, v)
                try logout(v)
                var r = Self.redirect("/login")
                r.setCookie(clearedSessionCookie())
                return r
            }
        }

        router.get("/me") { request, context in
            await page(request, context) {
                let v = try require(request, [.cadre])
                return Self.redirect(home(for: v.user))
            }
        }

        router.get("/cadre/:id") { request, context in
            await page(request, context) {
                let v = try require(request, [.cadre, .staff])
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                guard let m = try latestMonth(cadreID: id, for: v) else {
                    return Self.html(HTML.page(title: "我的积分", nav: nav(v), body: "<section><h2>暂无数据</h2><p>还没有已公示的月份。</p></section>"))
                }
                return Self.redirect("/cadre/\(HTML.segment(id))/\(m)")
            }
        }

        router.get("/cadre/:id/:month") { request, context in
            await page(request, context) {
                let v = try require(request, [.cadre, .staff])
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let m = try month(context)
                guard let view = try cadreView(cadreID: id, month: m, for: v) else { throw Refusal.notFound }
                try auditView(v, cadreID: id, month: m, runID: view.run.id, api: false)
                return Self.html(CadrePage.render(view, viewer: v.user, nav: nav(v), message: request.uri.queryParameters["done"].map { _ in "申诉已提交。" }))
            }
        }

        router.post("/cadre/:id/:month/objections") { request, context in
            await page(request, context) {
                let v = try require(request, [.cadre])
                let f = try await form(request, v)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let m = try month(context)
                do {
                    _ = try object(v, cadreID: id, month: m, reference: f["reference"], reason: f["reason"])
                } catch let r as Refusal {
                    // The month page again, with why and what the cadre typed (not a dead end).
                    switch r {
                    case .badRequest(let message), .conflict(let message):
                        guard let view = try cadreView(cadreID: id, month: m, for: v) else { throw r }
                        let draft = CadrePage.Draft(reference: f["reference"], reason: f["reason"], refusal: message)
                        return Self.html(CadrePage.render(view, viewer: v.user, nav: nav(v), draft: draft), status: .init(code: r.status))
                    default: throw r
                    }
                }
                return Self.redirect("/cadre/\(HTML.segment(id))/\(m)?done=1#objections")
            }
        }

        router.get("/cadre/:id/year/:year") { request, context in
            await page(request, context) {
                let v = try require(request, [.cadre, .staff])
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let y = try yearParam(context)
                guard let view = try yearView(cadreID: id, year: y, for: v) else { throw Refusal.notFound }
                try auditView(v, cadreID: id, month: nil, runID: nil, api: false)
                return Self.html(YearPage.render(view, viewer: v.user, nav: nav(v), message: request.uri.queryParameters["done"].map { _ in "申诉已提交。" }))
            }
        }

        router.post("/cadre/:id/year/:year/objections") { request, context in
            await page(request, context) {
                let v = try require(request, [.cadre])
                let f = try await form(request, v)
                let id = try cadreParam(context)
                try authorize(v, cadreID: id)
                let y = try yearParam(context)
                _ = try objectYear(v, cadreID: id, year: y, reference: f["reference"], reason: f["reason"])
                return Self.redirect("/cadre/\(HTML.segment(id))/year/\(y)?done=1#objections")
            }
        }

        router.get("/staff") { request, context in
            await page(request, context) {
                try staffHome(try require(request, [.staff]))
            }
        }

        router.post("/staff/unlock") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                let f = try await form(request, v)
                do {
                    return try staffHome(v, message: try unlock(v, username: f["username"] ?? f["address"]).message)
                } catch let r as Refusal {
                    guard case .badRequest(let message) = r else { throw r }
                    return try staffHome(v, message: message, status: .badRequest)
                }
            }
        }

        router.get("/staff/cadre") { request, context in
            await page(request, context) {
                _ = try require(request, [.staff])
                guard let id = request.uri.queryParameters["id"].map({ String($0).trimmingWhitespace }), !id.isEmpty else { throw Refusal.badRequest("请输入工号。") }
                if let ms = request.uri.queryParameters["month"].map({ String($0).trimmingWhitespace }), !ms.isEmpty {
                    guard let m = YearMonth(ms) else { throw Refusal.badRequest("月份应写成 2020-12。") }
                    return Self.redirect("/cadre/\(HTML.segment(id))/\(m)")
                }
                return Self.redirect("/cadre/\(HTML.segment(id))")
            }
        }

        router.get("/staff/runs/:month") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                return try runPage(v, month: try month(context), community: request.uri.queryParameters["community"].map(String.init),
                                   request: request.uri.queryParameters["request"].flatMap { Int64(String($0)) })
            }
        }

        router.post("/staff/runs/:month/rerun") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                _ = try await form(request, v)
                let m = try month(context)
                do {
                    let queued = try rerun(v, month: m)
                    return Self.redirect("/staff/runs/\(m)?request=\(queued.id)#request")
                } catch let r as Refusal {
                    guard case .conflict(let message) = r else { throw r }
                    return try runPage(v, month: m, community: nil, message: message, status: .conflict)
                }
            }
        }

        router.post("/staff/runs/:month/publish") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                let f = try await form(request, v)
                _ = try publish(v, month: try month(context), days: f["days"].flatMap { Int($0) })
                return Self.redirect("/staff")
            }
        }

        router.post("/staff/runs/:month/close") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                let f = try await form(request, v)
                do {
                    try close(v, month: try month(context), confirmed: Self.confirms(f["confirm"]))
                } catch let r as Refusal {
                    guard case .conflict(let message) = r else { throw r }
                    return try staffHome(v, message: message, status: .conflict)
                }
                return Self.redirect("/staff")
            }
        }

        router.get("/staff/objections") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                let done = request.uri.queryParameters["done"].flatMap { Int64(String($0)) }
                return try objectionsPage(v, message: try done.flatMap { try decidedMessage($0) })
            }
        }

        router.post("/staff/objections/:oid/decide") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                let f = try await form(request, v)
                guard let oid = context.parameters.get("oid").flatMap({ Int64($0) }) else { throw Refusal.notFound }
                let input = DecisionInput(decision: f["decision"], reply: f["reply"], points: f["points"], amount: f["amount"], reason: f["reason"], dataFix: f["fix"])
                do {
                    try decide(v, objectionID: oid, input)
                } catch let r as Refusal {
                    // Staff see the queue again with the message and what they typed.
                    switch r {
                    case .badRequest(let message), .conflict(let message):
                        return try objectionsPage(v, message: message, draft: (oid, input), status: .init(code: r.status))
                    default: throw r
                    }
                }
                return Self.redirect("/staff/objections?done=\(oid)#o\(oid)")
            }
        }

        router.post("/staff/adjustments/:aid/approve") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                _ = try await form(request, v)
                guard let aid = context.parameters.get("aid").flatMap({ Int64($0) }) else { throw Refusal.notFound }
                do {
                    try approveAdjustment(v, adjustmentID: aid)
                } catch let r as Refusal {
                    if case .conflict(let message) = r { return try objectionsPage(v, message: message, status: .init(code: r.status)) }
                    throw r
                }
                return Self.redirect("/staff/objections#a\(aid)")
            }
        }

        router.get("/finance") { request, context in
            await page(request, context) {
                let v = try require(request, [.finance])
                return Self.html(FinancePages.render(try closedMonths(), nav: nav(v)))
            }
        }

        router.get("/finance/:month/:file") { request, context in
            await page(request, context) {
                let v = try require(request, [.finance])
                return try download(v, month: try month(context), file: context.parameters.get("file") ?? "")
            }
        }
    }

    // MARK: - Staff and finance actions shared by pages and API

    /// Staff's home: the runs by month, the locks in force and the unlock form.
    func staffHome(_ v: Visitor, message: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let runs = try store.runs().filter { $0.state != .superseded && $0.state.isMonthRun }.sorted { $0.month > $1.month }
        var pending: [YearMonth: Int] = [:]
        for r in runs where r.state != .closed {
            pending[r.month] = try store.adjustments(month: r.month).filter { $0.includedIn != r.id }.count
        }
        let locks = try store.activeLocks(now: clock.epochSeconds)
        return Self.html(StaffPages.runs(runs, defaultDays: config.objectionWorkingDays, pending: pending, locks: locks, today: clock.chinaToday,
                                         disabled: try disabledCadreAccounts(), nav: nav(v), message: message), status: status)
    }

    /// What staff lifted, for the page's message and the API's answer.
    struct Unlocked: Sendable, Encodable {
        /// The account or 工号, for an account's locks.
        var username: String?
        /// The address as the throttle keys it (an IPv6 address's /64), for an address's locks.
        var address: String?
        /// How many keys (locks and counts) were cleared.
        var cleared: Int

        var message: String {
            if let address {
                return cleared == 0 ? "地址 \(address) 没有锁定或失败记录。" : "已解除地址 \(address) 的登录和激活锁定。"
            }
            return "已解除“\(username ?? "")”的登录和激活锁定。"
        }
    }

    /// Lifts the locks of an account or 工号 (any address, logins and activations), or, when
    /// `raw` is a network address (or an IPv6 `…/64`), of that address: its lock on every
    /// account and its locks at single accounts. Audited.
    func unlock(_ v: Visitor, username raw: String?) throws -> Unlocked {
        let name = Self.normalizedUsername(raw ?? "")
        guard !name.isEmpty, name.count <= 64 else { throw Refusal.badRequest("请输入要解锁的用户名、工号或网络地址。") }
        if let key = ClientAddress.unlockKey(name) {
            return Unlocked(address: key, cleared: try store.unlock(address: key, actor: v.actor, at: clock.timestamp))
        }
        return Unlocked(username: name, cleared: try store.unlock(name: name, actor: v.actor, at: clock.timestamp))
    }

    func publish(_ v: Visitor, month: YearMonth, days: Int?) throws -> CivilDate {
        let n = days ?? config.objectionWorkingDays
        guard (1...30).contains(n) else { throw Refusal.badRequest("公示期应为 1 到 30 个工作日。") }
        let until = clock.chinaToday.addingWorkingDays(n)
        do {
            try store.publish(month: month, actor: v.actor, at: clock.timestamp, objectionsUntil: until.description)
        } catch {
            throw Refusal.conflict(Self.storeMessage(error))
        }
        return until
    }

    /// Closes a month, which ends its 公示, by the rule `jifen batch close` shares
    /// (`MonthClosing`): refused while any objection to it is unanswered, and while its
    /// objection window has not ended unless staff confirm closing early (`confirmed`;
    /// audited `close-early`).
    func close(_ v: Visitor, month: YearMonth, confirmed: Bool = false) throws {
        let early: CivilDate?
        do throws(StoreError) {
            early = try MonthClosing.check(store, month: month, early: confirmed, today: clock.chinaToday)
        } catch {
            switch error {
            case .objectionsUnanswered(let m, let n):
                throw Refusal.conflict("\(m.chineseDescription)还有 \(n) 条申诉未答复，请先在“申诉处理”中答复，再关账。")
            case .objectionWindowOpen(let m, let until):
                throw Refusal.conflict("\(m.chineseDescription)的申诉期到 \(until) 才结束，干部仍可提出申诉。确需提前关账，请勾选“申诉期未结束，确认关账”后再提交。")
            default:
                throw Refusal.conflict(Self.storeMessage(error))
            }
        }
        let run = try store.currentRun(month: month)
        do {
            try store.close(month: month, actor: v.actor, at: clock.timestamp)
        } catch {
            throw Refusal.conflict(Self.storeMessage(error))
        }
        if let early {
            try store.audit(at: clock.timestamp, actor: v.actor, action: "close-early", month: month, runID: run?.id,
                            detail: "closed during the objection window (until \(early))")
        }
    }

    /// Whether a close form or request confirms closing during the objection window.
    static func confirms(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "true", "yes", "on"].contains(value.lowercased())
    }

    static func storeMessage(_ error: any Error) -> String {
        if let e = error as? StoreError {
            if case .monthStale = e { return e.diagnostic.summary.zh + "。请先在运行页面“重新计算”本月，核对后再公示或关账。" }
            return e.diagnostic.summary.zh
        }
        return "无法完成。"
    }

    /// Closed months with the files in their reports folder.
    func closedMonths() throws -> [FinancePages.Month] {
        try store.runs().filter { $0.state == .closed }.sorted { $0.month > $1.month }.map { r in
            FinancePages.Month(month: r.month.description, closedAt: r.closedAt, files: reportFiles(r.month).map { name, size in
                FinancePages.File(name: name, bytes: size, href: "/finance/\(r.month)/\(HTML.segment(name))")
            })
        }
    }

    func reportFiles(_ month: YearMonth) -> [(String, Int)] {
        let dir = (config.outFolder as NSString).appendingPathComponent(month.description)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            var isDir: ObjCBool = false
            let path = (dir as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { return nil }
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
            return (name, size ?? 0)
        }
    }

    /// A report file of a closed month: only names listed in its folder, never a path.
    func download(_ v: Visitor, month: YearMonth, file: String) throws -> Response {
        guard let run = try store.currentRun(month: month), run.state == .closed else { throw Refusal.notFound }
        let name = file.removingPercentEncoding ?? file
        guard reportFiles(month).contains(where: { $0.0 == name }) else { throw Refusal.notFound }
        let path = ((config.outFolder as NSString).appendingPathComponent(month.description) as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else { throw Refusal.notFound }
        try store.audit(at: clock.timestamp, actor: v.actor, action: "download", month: month, runID: run.id, detail: name)
        let type: String
        switch (name as NSString).pathExtension.lowercased() {
        case "xlsx": type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "csv": type = "text/csv; charset=utf-8"
        case "txt": type = "text/plain; charset=utf-8"
        case "json": type = "application/json"
        default: type = "application/octet-stream"
        }
        var h = Self.headers(contentType: type)
        h[.contentDisposition] = "attachment; filename*=UTF-8''\(HTML.segment(name))"
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
