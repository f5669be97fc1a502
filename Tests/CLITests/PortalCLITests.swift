import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `jifen user …` and `jifen serve` as the bureau runs them.
struct PortalCLITests {
    static func demoStore() throws -> String {
        let root = PackagePaths.temporaryDirectory("cli-portal")
        let r = try CheckDataCLITests.run(["batch", "run", "--month", "2020-12", "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(r.status == 0, "\(r.stdout)")
        return root
    }

    @Test func addsStaffAndIssuesActivationCodes() throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        let add = try CheckDataCLITests.run(["user", "add", "--role", "staff", "--name", "张科长", "--password", "staff-pass-1", "--store", store])
        #expect(add.status == 0 && add.stdout.contains("张科长"))
        let again = try CheckDataCLITests.run(["user", "add", "--role", "staff", "--name", "张科长", "--password", "staff-pass-1", "--store", store])
        #expect(again.status != 0 && again.stderr.contains("已存在"))
        let cadre = try CheckDataCLITests.run(["user", "add", "--role", "cadre", "--name", "FM-001", "--password", "cadre-pass-1", "--store", store])
        #expect(cadre.status != 0)
        let short = try CheckDataCLITests.run(["user", "add", "--role", "finance", "--name", "李会计", "--password", "short", "--store", store])
        #expect(short.status != 0)

        let csv = try CheckDataCLITests.run(["user", "activation-codes", "--month", "2020-12", "--store", store, "--out", root + "/codes.csv"])
        #expect(csv.status == 0)
        let lines = try String(contentsOfFile: root + "/codes.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "工号,姓名,社区,激活码")
        #expect(lines.count == 49)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").last?.count == 14 })
        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/codes.csv")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let sheet = try CheckDataCLITests.run(["user", "activation-codes", "--month", "2020-12", "--store", store])
        #expect(sheet.status == 0 && sheet.stdout.contains("工号：FM-001") && sheet.stdout.contains("/activate"))
        let none = try CheckDataCLITests.run(["user", "activation-codes", "--month", "2019-01", "--store", store])
        #expect(none.status == 65)
    }

    /// `jifen serve` answers on its port and stops cleanly on SIGTERM.
    @Test func serveAnswersAndStopsOnSIGTERM() async throws {
        let root = try Self.demoStore()
        let port = 20_000 + Int(getpid() % 20_000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CheckDataCLITests.binary)
        p.arguments = ["serve", "--store", root + "/s.sqlite", "--out", root + "/out", "--port", String(port)]
        p.currentDirectoryURL = URL(fileURLWithPath: PackagePaths.root)
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        var status: Int?
        var body = ""
        for _ in 0..<100 where status == nil {
            if let (data, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/login")!) {
                status = (response as? HTTPURLResponse)?.statusCode
                body = String(decoding: data, as: UTF8.self)
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(status == 200)
        #expect(body.contains("登录"))
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}
