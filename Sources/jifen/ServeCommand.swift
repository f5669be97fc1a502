import ArgumentParser
import Dispatch
import Foundation
import Portal
import Reports
import Store

/// `jifen serve`: the cadres' web portal over the store the batch writes.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动干部门户网站。 Serve the cadres' web portal.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "监听地址（默认 127.0.0.1）。 Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "端口（默认 8080）。 Port.") var port: Int = 8080
    @Flag(help: "在 HTTPS 反向代理之后运行时给 Cookie 加 Secure。 Mark cookies Secure (behind TLS).") var secureCookies = false
    @Option(help: "会话有效期（分钟，1 到 10080，默认 480）：从登录算起，到期即结束。 Session lifetime in minutes.") var sessionMinutes: Int = 480
    @Option(name: .customLong("session-idle-minutes"), help: "会话空闲多少分钟（没有任何请求）即结束（1 到 1440，默认 30）。 Minutes a session may go unused before it ends.")
    var sessionIdleMinutes: Int = 30
    @Option(name: .customLong("max-password-checks"), help: "同时进行的密码和激活码校验上限（默认为处理器核数的两倍）；超出时回答“登录的人较多，请稍后再试”。 Password checks at once in the whole process.")
    var maxPasswordChecks: Int?
    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "可信的反向代理地址或网段（可重复，如 127.0.0.1、10.0.0.0/8）：来自它的请求按 X-Forwarded-For 中最右边的非可信地址计为客户端地址；不给则不信任任何代理头。 A reverse proxy (address or network) whose X-Forwarded-For is believed; repeatable.",
        valueName: "ADDR"))
    var trustedProxy: [String] = []
    @Option(name: .customLong("idle-timeout"), help: "连接空闲多少秒（未发来完整的请求头或请求体片段）即关闭（1 到 3600，默认 30）。 Seconds before an idle connection is closed.")
    var idleTimeout: Int = 30
    @Option(name: .customLong("max-connections"), help: "同时服务的连接数上限（默认按进程可打开的文件数计算，最多 4096）；超出的连接立即关闭。 Connections served at once; more are closed at once.")
    var maxConnections: Int?
    @Option(name: .customLong("max-connections-per-address"), help: "来自同一网络地址（IPv6 按 /64）的连接数上限（默认为总上限的八分之一，最多 128；可信代理不受此限）。 Connections from one client address.")
    var maxConnectionsPerAddress: Int?

    func validate() throws {
        guard (1...10_080).contains(sessionMinutes) else {
            throw ValidationError("--session-minutes 应在 1 到 10080（7 天）之间，给的是 \(sessionMinutes)。 --session-minutes must be 1 to 10080 (a week).")
        }
        guard (1...1440).contains(sessionIdleMinutes) else {
            throw ValidationError("--session-idle-minutes 应在 1 到 1440（一天）之间，给的是 \(sessionIdleMinutes)。 --session-idle-minutes must be 1 to 1440.")
        }
        if let n = maxPasswordChecks, !(1...1024).contains(n) {
            throw ValidationError("--max-password-checks 应在 1 到 1024 之间，给的是 \(n)。 --max-password-checks must be 1 to 1024.")
        }
        guard (1...3600).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout 应在 1 到 3600 秒之间，给的是 \(idleTimeout)。 --idle-timeout must be 1 to 3600 seconds.")
        }
        // The descriptors a connection may take: the soft limit, raised to the hard one.
        let allowed = ConnectionLimiter.maximum(descriptors: OpenFileLimit.raiseToHardLimit())
        if let n = maxConnections, !(1...allowed).contains(n) {
            throw ValidationError("--max-connections 应在 1 到 \(allowed) 之间（本进程最多可打开 \(ConnectionLimiter.descriptorLimit()) 个文件，其余留给数据库和日志），给的是 \(n)。 --max-connections must be 1 to \(allowed) under this process's open-file limit.")
        }
        if let n = maxConnectionsPerAddress, n < 1 {
            throw ValidationError("--max-connections-per-address 应至少为 1，给的是 \(n)。 --max-connections-per-address must be at least 1.")
        }
        for p in trustedProxy where AddressRange(p) == nil {
            throw ValidationError("--trusted-proxy “\(p)”不是 IP 地址或网段（如 127.0.0.1、10.0.0.0/8、::1）。 --trusted-proxy '\(p)' is not an IP address or network.")
        }
    }

    func run() throws {
        var store: RunStore!
        try withStoreErrors { store = try project.openStore() }
        var config = PortalConfig(
            store: store, outFolder: project.outFolder, secureCookies: secureCookies, sessionSeconds: Int64(sessionMinutes) * 60,
            objectionWorkingDays: project.project.noticeWorkingDays ?? 5)
        config.trustedProxies = trustedProxy.compactMap { AddressRange($0) }
        config.idleSeconds = Int64(idleTimeout)
        config.sessionIdleSeconds = Int64(sessionIdleMinutes) * 60
        if let n = maxPasswordChecks { config.checks = CheckLimiter(limit: n) }
        OpenFileLimit.raiseToHardLimit()
        config.maxConnections = maxConnections
        config.maxConnectionsPerAddress = maxConnectionsPerAddress
        let limiter = PortalApplication.connectionLimiter(config)
        // Staff re-run a month from the portal with the same data, rules and report settings
        // as `jifen batch run`.
        // Re-runs are executed by this same program in a separate process (`jifen batch work`).
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        config.batch = PortalBatchSettings(dataRoot: project.dataRoot, rulesFolder: project.rulesFolder,
                                           reportSettings: project.project.reports ?? ReportSettings(), executable: executable,
                                           configPath: FileManager.default.fileExists(atPath: project.config) ? project.config : nil)
        let app = PortalApplication.build(config, host: host, port: port)
        // Unbuffered, so that it shows before the server's own log lines.
        FileHandle.standardOutput.write(Data("干部门户：http://\(host):\(port)/  （Ctrl-C 停止；最多 \(limiter.total) 个连接，每个地址 \(limiter.perAddress) 个） Portal at http://\(host):\(port)/\n".utf8))
        // The root command is synchronous; the server runs on the concurrency pool while
        // this thread waits for it to stop (on SIGINT/SIGTERM, handled by the service group).
        let done = DispatchSemaphore(value: 0)
        let failed = FailureFlag()
        Task {
            do { try await app.runService() } catch {
                FileHandle.standardError.write(Data("门户停止：\(error)\n".utf8))
                failed.set()
            }
            done.signal()
        }
        done.wait()
        if failed.isSet { throw ExitStatus.serverFailed.exit }
    }
}

/// Whether the server stopped on an error, set from its task.
final class FailureFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
