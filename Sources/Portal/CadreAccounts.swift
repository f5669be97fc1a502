import Hummingbird
import Store

/// Staff disable and enable a cadre's account from the portal (docs/portal.md, "Accounts"):
/// a disabled account cannot log in and its sessions end at once. Staff and finance accounts
/// are administered on the server only (`jifen user disable`).
extension PortalService {
    /// What changed, for the page's message and the API's answer.
    struct AccountChange: Sendable, Encodable {
        var cadreID: String
        var disabled: Bool

        var message: String {
            disabled ? "已停用干部账户“\(cadreID)”，其会话已全部结束。" : "已启用干部账户“\(cadreID)”。"
        }
    }

    /// Disables or enables the account of the cadre with this 工号. Audited `user-disable` /
    /// `user-enable` under the staff member's name.
    func setCadreAccount(_ v: Visitor, cadreID raw: String?, disabled: Bool) throws -> AccountChange {
        let id = Self.normalizedUsername(raw ?? "")
        guard !id.isEmpty, id.count <= 64 else { throw Refusal.badRequest("请输入干部工号。") }
        guard let user = try store.user(username: id), user.role == .cadre else {
            throw Refusal.badRequest("工号“\(id)”没有干部账户（干部激活后才有账户）。")
        }
        let changed = try store.setDisabled(username: user.username, disabled: disabled, actor: v.actor, at: clock.timestamp)
        return AccountChange(cadreID: changed.username, disabled: changed.isDisabled)
    }

    /// The cadres' accounts that are disabled, for the staff page.
    func disabledCadreAccounts() throws -> [PortalAccount] {
        try store.accounts(now: clock.epochSeconds).filter { $0.role == .cadre && $0.disabledAt != nil }
    }

    struct AccountRequest: Decodable { var cadreID: String }

    func addAccountRoutes<Context: PortalRequestContext>(to router: Router<Context>) {
        router.post("/staff/accounts") { request, context in
            await page(request, context) {
                let v = try require(request, [.staff])
                let f = try await form(request, v)
                let disabled: Bool
                switch f["action"] {
                case "disable": disabled = true
                case "enable": disabled = false
                default: throw Refusal.badRequest("请选择停用或启用。")
                }
                do {
                    return try staffHome(v, message: try setCadreAccount(v, cadreID: f["cadre"], disabled: disabled).message)
                } catch let r as Refusal {
                    guard case .badRequest(let message) = r else { throw r }
                    return try staffHome(v, message: message, status: .badRequest)
                }
            }
        }

        for (path, disabled) in [("api/staff/accounts/disable", true), ("api/staff/accounts/enable", false)] {
            router.post(RouterPath(path)) { request, context in
                await self.api(context) {
                    let v = try apiVisitor(request, [.staff], post: true)
                    let body = try await Self.decode(AccountRequest.self, request)
                    return Self.json(try setCadreAccount(v, cadreID: body.cadreID, disabled: disabled))
                }
            }
        }
    }
}
