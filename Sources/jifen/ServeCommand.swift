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
    @Option(help: "会话有效期（分钟，默认 480）。 Session lifetime in minutes.") var sessionMinutes: Int = 480

    func run() throws {
        var store: RunStore!
        try withStoreErrors { store = try project.openStore() }
        var config = PortalConfig(
            store: store, outFolder: project.outFolder, secureCookies: secureCookies, sessionSeconds: Int64(sessionMinutes) * 60,
            objectionWorkingDays: project.project.noticeWorkingDays ?? 5)
        // Staff re-run a month from the portal with the same data, rules and report settings
        // as `jifen batch run`.
        // Re-runs are executed by this same program in a separate process (`jifen batch work`).
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        config.batch = PortalBatchSettings(dataRoot: project.dataRoot, rulesFolder: project.rulesFolder,
                                           reportSettings: project.project.reports ?? ReportSettings(), executable: executable,
                                           configPath: FileManager.default.fileExists(atPath: project.config) ? project.config : nil)
        let app = PortalApplication.build(config, host: host, port: port)
        // Unbuffered, so that it shows before the server's own log lines.
        FileHandle.standardOutput.write(Data("干部门户：http://\(host):\(port)/  （Ctrl-C 停止） Portal at http://\(host):\(port)/\n".utf8))
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
