import ArgumentParser
import Batch
import Foundation
import Portal
import Store

/// `jifen user disable|enable|password|sessions|list`: account administration on the server
/// (docs/portal.md, "Accounts"). Every change is audited and ends the account's sessions.
extension UserCommand {
    static func actorName(_ actor: String?) -> String { actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen" }

    static func openStore(_ project: ProjectOptions) throws -> RunStore {
        var store: RunStore!
        try withStoreErrors { store = try project.openStore(creating: true) }
        return store
    }

    static func noSuchAccount(_ name: String) -> ValidationError {
        ValidationError("没有用户名或工号为“\(RunStore.normalizedUsername(name))”的账户（干部激活后才有账户；用 jifen user list 查看）。 No account '\(name)'.")
    }

    /// `user disable` and `user enable`: one account's disabled flag, audited; disabling ends
    /// its sessions.
    static func setDisabled(_ name: String, _ disabled: Bool, actor: String?, project: ProjectOptions) throws {
        let store = try UserCommand.openStore(project)
        do {
            let u = try store.setDisabled(username: name, disabled: disabled, actor: UserCommand.actorName(actor), at: BatchCommand.Run.now())
            print(disabled ? "已停用\(u.role.chineseName)账户“\(u.username)”，其会话已全部结束。" : "已启用\(u.role.chineseName)账户“\(u.username)”。")
        } catch .userNotFound {
            throw UserCommand.noSuchAccount(name)
        } catch {
            throw ValidationError(disabled ? "无法停用账户：\(error)。 Cannot disable the account." : "无法启用账户：\(error)。 Cannot enable the account.")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "停用账户：不能再登录（登录时与密码错误的回答相同），已登录的会话立即结束（记入审计日志）。 Disable an account and end its sessions.")
        @Argument(help: "用户名或工号。 The user name or 工号.") var name: String
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions

        func run() throws { try UserCommand.setDisabled(name, true, actor: actor, project: project) }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "重新启用已停用的账户（记入审计日志）。 Enable a disabled account.")
        @Argument(help: "用户名或工号。 The user name or 工号.") var name: String
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions

        func run() throws { try UserCommand.setDisabled(name, false, actor: actor, project: project) }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "为工作人员或财务账户设置新密码，并结束该账户的所有会话（记入审计日志）。干部忘记密码请补发激活码。 Set a staff or finance account's password.")
        @Argument(help: "用户名。 The user name.") var name: String
        @Flag(name: .customLong("password-stdin"), help: "从标准输入读取密码（一行）；不给则在终端提示输入（不回显）。 Read the password from standard input.")
        var passwordStdin = false
        @Option(name: .customLong("password"), help: .hidden) var passwordOnCommandLine: String?
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions

        func run() throws {
            guard passwordOnCommandLine == nil else {
                throw ValidationError("不支持 --password：命令行上的密码会留在命令历史和进程列表中。请在提示时输入，或用 --password-stdin 从标准输入读取。 --password is not accepted: type it when prompted, or pipe it with --password-stdin.")
            }
            let store = try UserCommand.openStore(project)
            let user: PortalUser
            do {
                guard let u = try store.user(username: name) else { throw UserCommand.noSuchAccount(name) }
                user = u
            } catch let e as ValidationError { throw e } catch { throw ValidationError("无法读取账户：\(error)。 Cannot read the account.") }
            guard user.role != .cadre else {
                throw ValidationError("“\(user.username)”是干部账户：干部的密码由本人设置。忘记密码时补发激活码：jifen user activation-codes --month <月份> --cadre \(user.username)。 A cadre sets their own password: issue a new activation code with --cadre.")
            }
            let pw = try passwordStdin ? Add.readStandardInput() : Add.prompt()
            if let problem = PasswordPolicy.problem(pw) { throw ValidationError("\(problem.message) \(problem.english)") }
            do {
                try store.setPassword(userID: user.id, passwordHash: Passwords.hash(pw), actor: UserCommand.actorName(actor), at: BatchCommand.Run.now())
            } catch {
                throw ValidationError("无法保存密码：\(error)。 Cannot save the password.")
            }
            print("已为“\(user.username)”设置新密码，其原有会话已全部结束。")
        }
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "查看账户的会话数；加 --revoke 结束其全部会话（记入审计日志）。 Count an account's sessions; --revoke ends them all.")
        @Argument(help: "用户名或工号。 The user name or 工号.") var name: String
        @Flag(help: "结束该账户的全部会话。 End all of its sessions.") var revoke = false
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions

        func run() throws {
            let store = try UserCommand.openStore(project)
            do {
                guard let user = try store.user(username: name) else { throw UserCommand.noSuchAccount(name) }
                if revoke {
                    let n = try store.endSessions(username: user.username, actor: UserCommand.actorName(actor), at: BatchCommand.Run.now())
                    print("已结束“\(user.username)”的 \(n) 个会话。")
                } else {
                    let n = try store.sessionCount(userID: user.id, now: Int64(Date().timeIntervalSince1970))
                    print("“\(user.username)”有 \(n) 个未过期的会话；用 --revoke 全部结束。")
                }
            } catch let e as ValidationError { throw e } catch {
                throw ValidationError("无法处理会话：\(error)。 Cannot handle the sessions.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出门户账户：角色、是否停用、最近登录、会话数（不含任何密码）。 List the portal's accounts.")
        @OptionGroup var project: ProjectOptions

        func run() throws {
            let store = try UserCommand.openStore(project)
            let accounts: [PortalAccount]
            do { accounts = try store.accounts(now: Int64(Date().timeIntervalSince1970)) } catch {
                throw ValidationError("无法读取账户：\(error)。 Cannot read the accounts.")
            }
            if accounts.isEmpty {
                print("还没有账户。")
                return
            }
            let f = ISO8601DateFormatter()
            f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
            print("用户名\t角色\t姓名\t状态\t最近登录（北京时间）\t会话")
            for a in accounts {
                let state = a.disabledAt == nil ? "正常" : "已停用"
                let last = a.lastLoginAt.map { f.string(from: Date(timeIntervalSince1970: TimeInterval($0))) } ?? "—"
                print("\(a.username)\t\(a.role.rawValue)\t\(a.displayName)\t\(state)\t\(last)\t\(a.sessions)")
            }
        }
    }
}
