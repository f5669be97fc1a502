import Batch
import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Portal
import Store
import TestSupport

/// A real store for the portal: the three sample months run through the real batch once,
/// then copied for each test so that tests never see one another's accounts or objections.
enum DemoStore {
    /// 2020-10 and 2020-11 closed, 2020-12 a draft; reports in `out/`.
    static let template: String = {
        let root = PackagePaths.temporaryDirectory("portal-template")
        for month in ["2020-10", "2020-11", "2020-12"] {
            let options = BatchOptions(
                month: YearMonth(month)!, dataFolder: PackagePaths.path("samples/\(month)"), rulesFolder: PackagePaths.path("rules"),
                storePath: root + "/jifen.sqlite", outFolder: root + "/out", actor: "测试", now: "2021-01-05T09:00:00Z")
            let outcome = BatchRunner(options: options).run()
            precondition(!outcome.stopped, "the sample batch must run: \(outcome.diagnostics.prefix(3))")
        }
        let store = try! RunStore(path: root + "/jifen.sqlite")
        try! store.close(month: YearMonth("2020-10")!, actor: "测试", at: "2020-11-10T09:00:00Z")
        try! store.close(month: YearMonth("2020-11")!, actor: "测试", at: "2020-12-10T09:00:00Z")
        return root
    }()

    /// A cadre's roster row by column name.
    static func rosterRow(_ cadreID: String) -> [String: String] {
        let text = try! String(contentsOfFile: PackagePaths.path("samples/2020-12/cadres.csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let row = lines.first { $0.first == cadreID }!
        return Dictionary(uniqueKeysWithValues: zip(lines[0], row).map { ($0, $1) })
    }

    /// The roster's ID numbers, bank accounts and phones: none may appear on any page.
    static let personalData: [String] = {
        let text = try! String(contentsOfFile: PackagePaths.path("samples/2020-12/cadres.csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let columns = ["身份证号", "银行账号", "手机"].compactMap { header.firstIndex(of: $0) }
        precondition(columns.count == 3)
        return lines.dropFirst().flatMap { row in columns.compactMap { $0 < row.count && !row[$0].isEmpty ? row[$0] : nil } }
    }()
}

/// One test's portal: its own copy of the store, a clock it can move, and a low bcrypt cost.
struct PortalFixture {
    let root: String
    let store: RunStore
    let clock: PortalClock
    var config: PortalConfig
    static let staffPassword = "staff-pass-1"
    static let financePassword = "finance-pass-1"

    init() throws {
        let template = DemoStore.template
        root = PackagePaths.temporaryDirectory("portal")
        try FileManager.default.copyItem(atPath: template + "/jifen.sqlite", toPath: root + "/jifen.sqlite")
        store = try RunStore(path: root + "/jifen.sqlite")
        // Tuesday 5 January 2021, 09:00 in China.
        clock = PortalClock(fixedAt: Date(timeIntervalSince1970: 1_609_808_400))
        config = PortalConfig(store: store, outFolder: template + "/out", bcryptCost: 4, clock: clock)
        try store.addUser(username: "张科长", role: .staff, displayName: "张科长", passwordHash: Passwords.hash(Self.staffPassword, cost: 4), actor: "测试", at: "2021-01-04T00:00:00Z")
        try store.addUser(username: "李会计", role: .finance, displayName: "李会计", passwordHash: Passwords.hash(Self.financePassword, cost: 4), actor: "测试", at: "2021-01-04T00:00:00Z")
    }

    func application() -> some ApplicationProtocol { application(PortalContext.self) }

    /// The portal with another request context: `PeerContext` lets a test say which address
    /// each request comes from.
    func application<Context: PortalRequestContext>(_ context: Context.Type) -> Application<RouterResponder<Context>> {
        var logger = Logger(label: "portal-test")
        logger.logLevel = .warning
        return Application(router: PortalApplication.router(config, context: Context.self), logger: logger)
    }

    /// Fresh activation codes for the month's cadres, by cadre id.
    func codes(month: String = "2020-12") throws -> [String: String] {
        let entries = try ActivationCodes.issue(store: store, month: YearMonth(month)!, includeActivated: true, actor: "测试", at: "2021-01-04T00:00:00Z")
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.cadreID, $0.code) })
    }
}

/// An in-process request context whose client address is the request's `X-Test-Peer`
/// header, standing for the connection's peer address that `PortalContext` reads when served.
/// Only tests have it: the portal itself believes a header (`X-Forwarded-For`) only from a
/// configured trusted proxy.
struct PeerContext: PortalRequestContext {
    static let header = HTTPField.Name("X-Test-Peer")!
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }

    func clientAddress(of request: Request) -> String? { request.headers[Self.header] }
}

/// A browser in a test: keeps cookies, reads CSRF tokens off forms, follows nothing by itself.
final class Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    var csrf: String?
    /// The address it connects from, under `PeerContext`.
    var peer: String?

    init(_ client: any TestClientProtocol, peer: String? = nil) {
        self.client = client
        self.peer = peer
    }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var bytes: [UInt8]
        var location: String? { headers[.location] }
    }

    @discardableResult
    func get(_ uri: String) async throws -> Page {
        try await send(uri, .get, body: nil, contentType: nil)
    }

    /// Posts a form; `csrf` defaults to the token last seen (pass "" to leave it out).
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> Page {
        var all = fields
        let token = csrf ?? self.csrf ?? ""
        if !token.isEmpty { all.append(("csrf", token)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(uri, .post, body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// Posts JSON with the `X-CSRF-Token` header when given.
    @discardableResult
    func postJSON(_ uri: String, _ json: String, csrfHeader: String? = nil) async throws -> Page {
        try await send(uri, .post, body: json, contentType: "application/json", extra: csrfHeader.map { [(HTTPField.Name("X-CSRF-Token")!, $0)] } ?? [])
    }

    func send(_ uri: String, _ method: HTTPRequest.Method, body: String?, contentType: String?, extra: [(HTTPField.Name, String)] = []) async throws -> Page {
        var h = HTTPFields()
        if !cookies.isEmpty { h[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let contentType { h[.contentType] = contentType }
        if let peer { h[PeerContext.header] = peer }
        for (n, v) in extra { h[n] = v }
        let r = try await client.execute(uri: uri, method: method, headers: h, body: body.map { ByteBuffer(string: $0) })
        for c in r.headers[values: .setCookie] {
            let first = c.split(separator: ";")[0]
            let kv = first.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(kv[0]), value = kv.count > 1 ? String(kv[1]) : ""
            if value.isEmpty || c.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        let text = String(buffer: r.body)
        if let token = Self.csrfToken(in: text) { csrf = token }
        return Page(status: r.status, headers: r.headers, body: text, bytes: Array(r.body.readableBytesView))
    }

    static func csrfToken(in html: String) -> String? {
        guard let r = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    // MARK: - Flows

    /// Activates a cadre's account with a code through the form, which logs them in.
    @discardableResult
    func activate(_ cadreID: String, code: String, password: String) async throws -> Page {
        try await get("/activate")
        return try await post("/activate", [("cadre", cadreID), ("code", code), ("password", password), ("password2", password)])
    }

    @discardableResult
    func login(_ username: String, _ password: String) async throws -> Page {
        try await get("/login")
        return try await post("/login", [("username", username), ("password", password)])
    }
}
