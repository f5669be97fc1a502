import ArgumentParser
import Batch
import Exact
import Foundation
import Portal
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `jifen user …`: portal accounts. Staff and finance are added here; cadres activate
/// themselves with a one-time code from the printed sheet.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "门户账户：添加工作人员、生成干部激活码、停用和启用、重设密码、结束会话、解除锁定。 Portal accounts.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Password.self, Sessions.self, ActivationCodesCommand.self, Unlock.self, Locks.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "添加民政局工作人员或财务账户。 Add a staff or finance account.")
        @Option(help: "角色 staff 或 finance。 Role.") var role: String
        @Option(help: "姓名，也是登录用户名。 Name, also the user name.") var name: String
        @Option(help: "登录用户名（默认同姓名）。 User name (defaults to the name).") var username: String?
        @Flag(name: .customLong("password-stdin"), help: "从标准输入读取密码（一行），供脚本使用；不给则在终端提示输入（不回显）。 Read the password from standard input; prompted without echo otherwise.")
        var passwordStdin = false
        /// Gone: a password on the command line stays in the shell's history and shows in the
        /// process list. Kept hidden only to say so.
        @Option(name: .customLong("password"), help: .hidden) var passwordOnCommandLine: String?
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions

        func run() throws {
            guard passwordOnCommandLine == nil else {
                throw ValidationError("""
                    不再支持 --password：命令行上的密码会留在命令历史和进程列表中。请在提示时输入，或用 --password-stdin 从标准输入读取。 \
                    --password is no longer accepted (it leaks through shell history and the process list): type it when prompted, or pipe it with --password-stdin.
                    """)
            }
            guard let r = PortalRole(rawValue: role), r != .cadre else {
                throw ValidationError("角色应为 staff 或 finance；干部用激活码激活。 Role must be staff or finance; cadres activate with a code.")
            }
            let pw = try passwordStdin ? Self.readStandardInput() : Self.prompt()
            if let problem = PasswordPolicy.problem(pw) { throw ValidationError("\(problem.message) \(problem.english)") }
            var store: RunStore!
            try withStoreErrors { store = try project.openStore(creating: true) }
            let user = username ?? name
            do {
                try store.addUser(username: user, role: r, displayName: name, passwordHash: Passwords.hash(pw),
                                  actor: actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen", at: BatchCommand.Run.now())
            } catch .userExists {
                throw ValidationError("用户名“\(user)”已存在。 The user name '\(user)' exists.")
            } catch {
                throw ValidationError("无法保存账户：\(error)。 Cannot save the account.")
            }
            print("已添加\(r.chineseName)账户：\(RunStore.normalizedUsername(user))")
        }

        /// The first line of standard input, without its line ending.
        static func readStandardInput() throws -> String {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("标准输入中没有密码。 No password on standard input.")
            }
            return line.hasSuffix("\r") ? String(line.dropLast()) : line
        }

        /// Asks twice at the terminal, without echo. Refuses when standard input is not a
        /// terminal: a script says --password-stdin.
        static func prompt() throws -> String {
            guard isatty(STDIN_FILENO) == 1 else {
                throw ValidationError("标准输入不是终端：请用 --password-stdin 从标准输入读取密码。 Standard input is not a terminal: use --password-stdin.")
            }
            guard let a = getpass("密码 Password: ").map({ String(cString: $0) }), let b = getpass("再次输入 Again: ").map({ String(cString: $0) }) else {
                throw ValidationError("无法读取密码。 Cannot read the password.")
            }
            guard a == b else { throw ValidationError("\(PasswordProblem.differ.message) \(PasswordProblem.differ.english)") }
            return a
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "解除账户或干部工号在所有地址的登录和激活锁定，或某个网络地址的锁定（记入审计日志）。 Lift an account's or an address's login and activation locks.")
        @Argument(help: "用户名或工号，或网络地址（如 192.0.2.7；IPv6 按 /64 网段计）。 The user name or 工号, or a client address.") var name: String
        @Option(help: "操作人。 Who.") var actor: String?
        @OptionGroup var project: ProjectOptions

        func run() throws {
            var store: RunStore!
            try withStoreErrors { store = try project.openStore(creating: true) }
            let who = actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen"
            do {
                if let key = ClientAddress.unlockKey(name) {
                    let cleared = try store.unlock(address: key, actor: who, at: BatchCommand.Run.now())
                    print(cleared == 0 ? "地址 \(key) 没有锁定或失败记录。" : "已解除地址 \(key) 的锁定和失败记录（\(cleared) 项）。")
                    return
                }
                let cleared = try store.unlock(name: name, actor: who, at: BatchCommand.Run.now())
                let shown = RunStore.normalizedUsername(name)
                print(cleared == 0 ? "“\(shown)”没有锁定或失败记录。" : "已解除“\(shown)”的锁定和失败记录（\(cleared) 项）。")
                // Still refused? A lock by address stops every account behind it (a proxy, an
                // office's NAT): say which are in force and how to lift them.
                let byAddress = try store.activeLocks(now: Int64(Date().timeIntervalSince1970)).filter { $0.scope == .address || $0.scope == .network }
                if !byAddress.isEmpty {
                    print("另有按地址的锁定（该地址的所有账户都被拒绝）：\(byAddress.map(\.address).joined(separator: "、"))；用 jifen user unlock <地址> 解除。")
                }
            } catch {
                throw ValidationError("无法解除锁定：\(error)。 Cannot unlock.")
            }
        }
    }

    struct Locks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出门户当前的登录和激活锁定。 List the portal's login and activation locks in force.")
        @OptionGroup var project: ProjectOptions

        func run() throws {
            var store: RunStore!
            try withStoreErrors { store = try project.openStore(creating: true) }
            let locks: [ActiveLock]
            do {
                locks = try store.activeLocks(now: Int64(Date().timeIntervalSince1970))
            } catch {
                throw ValidationError("无法读取锁定：\(error)。 Cannot read the locks.")
            }
            if locks.isEmpty {
                print("目前没有锁定。")
                return
            }
            let f = ISO8601DateFormatter()
            f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
            print("范围\t尝试\t账户\t地址\t解锁时间（北京时间）\t解除用")
            for l in locks {
                let byAddress = l.scope == .address || l.scope == .network
                let scope = l.scope == .network ? "IPv6 /56 网段（全部账户）" : l.scope == .address ? "地址（全部账户）" : l.scope == .pair ? "该地址的该账户" : "账户（所有地址）"
                let kind = l.kind == "activate" ? "激活" : l.kind == "login" ? "登录" : "登录和激活"
                let account = byAddress ? "（全部账户）" : (l.label ?? "（未知账户）")
                let target = byAddress ? l.address : (l.label ?? (l.scope == .pair ? l.address : "—"))
                let until = f.string(from: Date(timeIntervalSince1970: TimeInterval(l.until)))
                print("\(scope)\t\(kind)\t\(account)\t\(l.address.isEmpty ? "—" : l.address)\t\(until)\tjifen user unlock \(target)")
            }
        }
    }

    struct ActivationCodesCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "activation-codes",
            abstract: "为某月名单上的干部生成一次性激活码（可打印）。 One-time activation codes for a month's cadres.")
        @Option(help: "月份，如 2020-12。 The month.") var month: YearMonth
        @Option(help: "输出文件（.csv 为表格，否则为可打印文本；默认打印到屏幕）。 Output file (.csv or text).") var out: String?
        @Option(help: "激活通知上印的门户地址。 The portal address printed on the sheet.") var address: String = "http://127.0.0.1:8080"
        @Flag(help: "已激活的干部也重新生成（旧密码仍可用，直到用新码激活）。 Include cadres already activated.") var all = false
        @Option(help: ArgumentHelp("只为这名干部补发激活码（可重复）：旧激活码作废，已登录的会话立即结束，用新码激活时替换密码。 Re-issue the code of this cadre only (repeatable).",
                                   valueName: "工号"))
        var cadre: [String] = []
        @Option(help: "操作人。 Who.") var actor: String?
        @Option(help: "数据库文件（默认 store/jifen.sqlite）。 Store file.") var store: String?
        @Option(help: "项目配置文件（默认 jifen.json，如存在）。 Project config.") var config: String?

        func run() throws {
            let m = month
            var opened: RunStore!
            let project = try ProjectConfig.loadOrExit(config ?? "jifen.json", named: config != nil)
            try withStoreErrors {
                opened = try RunStore(path: self.store ?? project.store ?? "store/jifen.sqlite")
            }
            let entries: [ActivationCodes.Entry]
            let who = actor ?? ProcessInfo.processInfo.environment["USER"] ?? "jifen"
            do {
                if cadre.isEmpty {
                    entries = try ActivationCodes.issue(store: opened, month: m, includeActivated: all, actor: who, at: BatchCommand.Run.now())
                } else {
                    entries = try ActivationCodes.reissue(store: opened, month: m, cadreIDs: cadre, actor: who, at: BatchCommand.Run.now())
                }
            } catch let e as StoreError {
                try withStoreErrors { throw e }
                return
            } catch ActivationCodes.Problem.notInMonth(let ids) {
                throw ValidationError("\(m.chineseDescription)的运行中没有这些工号：\(ids.joined(separator: "、"))。 Not in the month's run: \(ids.joined(separator: ", ")).")
            }
            let text = out?.lowercased().hasSuffix(".csv") == true ? ActivationCodes.csv(entries) : ActivationCodes.sheet(entries, month: m, portalAddress: address)
            if let out {
                let dir = (out as NSString).deletingLastPathComponent
                if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
                guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw ValidationError("无法写入 \(out)。 Cannot write \(out).")
                }
                print("已为 \(entries.count) 名干部生成激活码，写入 \(out)（激活码只显示这一次，请妥善保管并在分发后删除文件）。")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
