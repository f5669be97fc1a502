import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `jifen user …` and `jifen serve` as the bureau runs them.
struct PortalCLITests {
    /// `jifen serve` on `store` at `port`, its output kept off the test's.
    static func serve(store: String, out: String, port: Int) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["serve", "--store", store, "--out", out, "--port", String(port)]
        p.currentDirectoryURL = URL(fileURLWithPath: PackagePaths.root)
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        return p
    }

    /// A URL session that keeps no cookies: each test sends its own.
    static func cookielessSession() -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration)
    }

    static func demoStore() throws -> String {
        let root = PackagePaths.temporaryDirectory("cli-portal")
        let r = try CheckDataCLITests.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(r.status == 0, "\(r.stdout)")
        return root
    }

    @Test func addsStaffAndIssuesActivationCodes() throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        let add = try CLI.run(["user", "add", "--role", "staff", "--name", "张科长", "--password-stdin", "--store", store], input: "staff-pass-1\n")
        #expect(add.status == 0 && add.stdout.contains("张科长"))
        let again = try CLI.run(["user", "add", "--role", "staff", "--name", "张科长", "--password-stdin", "--store", store], input: "staff-pass-1\n")
        #expect(again.status != 0 && again.stderr.contains("已存在"))
        let cadre = try CLI.run(["user", "add", "--role", "cadre", "--name", "FM-001", "--password-stdin", "--store", store], input: "cadre-pass-1\n")
        #expect(cadre.status != 0)
        let short = try CLI.run(["user", "add", "--role", "finance", "--name", "李会计", "--password-stdin", "--store", store], input: "short\n")
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

    /// A password never goes on the command line: `--password` is refused with what to do
    /// instead, `--password-stdin` reads it (CRLF too), and without either a non-terminal
    /// standard input is refused rather than read. The policy's limits hold here as on the
    /// portal: 8 characters, 72 bytes.
    @Test func passwordsComeFromStandardInputNotTheCommandLine() throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        let argv = try CLI.run(["user", "add", "--role", "staff", "--name", "王科员", "--password", "wang-pass-1", "--store", store])
        #expect(argv.status != 0)
        #expect(argv.stderr.contains("不再支持 --password") && argv.stderr.contains("--password-stdin"), "\(argv.stderr)")
        let noTTY = try CLI.run(["user", "add", "--role", "staff", "--name", "王科员", "--store", store], input: "wang-pass-1\n")
        #expect(noTTY.status != 0 && noTTY.stderr.contains("--password-stdin"), "\(noTTY.stderr)")
        let empty = try CLI.run(["user", "add", "--role", "staff", "--name", "王科员", "--password-stdin", "--store", store])
        #expect(empty.status != 0 && empty.stderr.contains("标准输入中没有密码"))
        let long = try CLI.run(["user", "add", "--role", "staff", "--name", "王科员", "--password-stdin", "--store", store], input: String(repeating: "汉", count: 25) + "\n")
        #expect(long.status != 0 && long.stderr.contains("最多 72 字节"), "\(long.stderr)")
        let ok = try CLI.run(["user", "add", "--role", "staff", "--name", "王科员", "--password-stdin", "--store", store], input: "wang-pass-1\r\n")
        #expect(ok.status == 0 && ok.stdout.contains("王科员"), "\(ok.stderr)")
        let help = try CLI.run(["user", "add", "--help"])
        #expect(help.stdout.contains("--password-stdin") && !help.stdout.contains("--password <"))
    }

    /// The activation codes' CSV writes a roster name that Excel would run as a formula as
    /// text. (The roster is the sample's, with one name made into a formula.)
    @Test func activationCodesCSVNeutralisesFormulas() throws {
        let root = PackagePaths.temporaryDirectory("cli-portal-csv")
        let data = root + "/data/2020-12"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: PackagePaths.path("samples/2020-12")) {
            try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12/" + name), toPath: data + "/" + name)
        }
        let roster = try String(contentsOfFile: data + "/cadres.csv", encoding: .utf8)
        var lines = roster.components(separatedBy: "\n")
        let header = lines[0].components(separatedBy: ",")
        let nameColumn = try #require(header.firstIndex { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "姓名" })
        let row = try #require(lines.firstIndex { $0.hasPrefix("FM-001,") })
        var cells = lines[row].components(separatedBy: ",")
        cells[nameColumn] = "=HYPERLINK(1)"
        lines[row] = cells.joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: data + "/cadres.csv", atomically: true, encoding: .utf8)
        let run = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root + "/data", "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(try CLI.run(["user", "activation-codes", "--month", "2020-12", "--store", root + "/s.sqlite", "--out", root + "/codes.csv"]).status == 0)
        let csv = try String(contentsOfFile: root + "/codes.csv", encoding: .utf8)
        let line = try #require(csv.split(separator: "\n").first { $0.hasPrefix("FM-001,") })
        #expect(line.hasPrefix("FM-001,'=HYPERLINK(1),"), "\(line)")
    }

    /// `jifen user unlock` lifts a lock the running server set, from another process on the
    /// same store: five wrong passwords lock the staff account (429), the command unlocks it,
    /// the right password logs in.
    @Test func unlockFromTheCommandLineWhileServing() async throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        #expect(try CLI.run(["user", "add", "--role", "staff", "--name", "张科长", "--password-stdin", "--store", store], input: "staff-pass-1\n").status == 0)
        let port = 20_000 + Int(getpid() % 20_000) + 2
        let p = try Self.serve(store: store, out: root + "/out", port: port)
        defer { if p.isRunning { p.terminate() } }
        let session = Self.cookielessSession()
        func login(_ password: String) async throws -> Int {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/login")!)
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"username":"张科长","password":"\#(password)"}"#.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (_, response) = try await session.data(for: request)
            return (response as! HTTPURLResponse).statusCode
        }
        var up = false
        for _ in 0..<100 where !up {
            if (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/login")!)) != nil { up = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up)
        var statuses: [Int] = []
        for i in 1...5 { statuses.append(try await login("wrong-\(i)")) }
        #expect(statuses == [401, 401, 401, 401, 429])
        #expect(try await login("staff-pass-1") == 429)
        let unlock = try CLI.run(["user", "unlock", "张科长", "--actor", "李科长", "--store", store])
        #expect(unlock.status == 0 && unlock.stdout.contains("已解除“张科长”"), "\(unlock.stdout) \(unlock.stderr)")
        #expect(try await login("staff-pass-1") == 200)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
    }

    /// Behind a proxy named with `--trusted-proxy`, one client's failures lock that client
    /// only; `jifen user locks` lists the lock with its address and `jifen user unlock
    /// ADDRESS` lifts it. `serve` refuses options it cannot honour, with the reason.
    @Test func serveBehindATrustedProxyAndUnlockByAddress() async throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        for bad in [["--session-minutes", "0"], ["--session-minutes=-5"], ["--trusted-proxy", "proxy.local"], ["--idle-timeout", "0"],
                    ["--session-idle-minutes", "0"], ["--max-password-checks", "0"]] {
            let r = try CLI.run(["serve", "--store", store, "--out", root + "/out", "--port", "1"] + bad)
            let option = String(bad[0].prefix { $0 != "=" })
            #expect(r.status != 0 && r.stderr.contains(option) && (r.stderr.contains("应在") || r.stderr.contains("不是 IP")), "\(bad) \(r.stderr)")
        }
        #expect(try CLI.run(["user", "add", "--role", "staff", "--name", "张科长", "--password-stdin", "--store", store], input: "staff-pass-1\n").status == 0)
        let port = 20_000 + Int(getpid() % 20_000) + 6
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["serve", "--store", store, "--out", root + "/out", "--port", String(port), "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "::1"]
        p.currentDirectoryURL = URL(fileURLWithPath: PackagePaths.root)
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let session = Self.cookielessSession()
        func login(_ password: String, from client: String) async throws -> Int {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/login")!)
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"username":"张科长","password":"\#(password)"}"#.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(client, forHTTPHeaderField: "X-Forwarded-For")
            let (_, response) = try await session.data(for: request)
            return (response as! HTTPURLResponse).statusCode
        }
        var up = false
        for _ in 0..<100 where !up {
            if (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/login")!)) != nil { up = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up)
        var statuses: [Int] = []
        for i in 1...5 { statuses.append(try await login("wrong-\(i)", from: "198.51.100.7")) }
        #expect(statuses == [401, 401, 401, 401, 429])
        #expect(try await login("staff-pass-1", from: "198.51.100.7") == 429)
        // Another client behind the same proxy is not locked.
        #expect(try await login("staff-pass-1", from: "198.51.100.8") == 200)
        let locks = try CLI.run(["user", "locks", "--store", store])
        #expect(locks.status == 0 && locks.stdout.contains("198.51.100.7") && locks.stdout.contains("jifen user unlock"), "\(locks.stdout) \(locks.stderr)")
        let unlock = try CLI.run(["user", "unlock", "198.51.100.7", "--actor", "李科长", "--store", store])
        #expect(unlock.status == 0 && unlock.stdout.contains("已解除地址 198.51.100.7"), "\(unlock.stdout) \(unlock.stderr)")
        #expect(try await login("staff-pass-1", from: "198.51.100.7") == 200)
        #expect(try CLI.run(["user", "locks", "--store", store]).stdout.contains("目前没有锁定"))
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
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

    /// The whole objection flow through `jifen serve`'s API, as another client would drive
    /// it: staff publish, a cadre objects, staff accept with +2 points and re-run the month
    /// with the data and rules `serve` was given; `jifen batch show` then lists the stored
    /// `申诉调整.csv` and `jifen batch diff` says the data changed for that cadre.
    @Test func serveAcceptsAnAdjustmentAndRerunsTheMonth() async throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        #expect(try CLI.run(["user", "add", "--role", "staff", "--name", "张科长", "--password-stdin", "--store", store], input: "staff-pass-1\n").status == 0)
        #expect(try CheckDataCLITests.run(["user", "activation-codes", "--month", "2020-12", "--store", store, "--out", root + "/codes.csv"]).status == 0)
        let codes = try String(contentsOfFile: root + "/codes.csv", encoding: .utf8).split(separator: "\n")
        let code = try #require(codes.first { $0.hasPrefix("FM-001,") }?.split(separator: ",").last.map(String.init))
        let port = 20_000 + Int(getpid() % 20_000) + 1
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CheckDataCLITests.binary)
        p.arguments = ["serve", "--store", store, "--out", root + "/out", "--data", "samples", "--rules", "rules", "--port", String(port)]
        p.currentDirectoryURL = URL(fileURLWithPath: PackagePaths.root)
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        // Each account's cookie is sent by hand: a shared cookie jar would send the last one.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        let session = URLSession(configuration: configuration)
        /// One API call: JSON in, status and JSON out, the session cookie kept by the caller.
        /// POSTs `json`, or GETs when it is nil.
        func call(_ path: String, _ json: String?, cookie: String? = nil, csrf: String? = nil) async throws -> (Int, [String: Any], String?) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            if let json {
                request.httpMethod = "POST"
                request.httpBody = Data(json.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
            if let csrf { request.setValue(csrf, forHTTPHeaderField: "X-CSRF-Token") }
            let (data, response) = try await session.data(for: request)
            let http = response as! HTTPURLResponse
            let setCookie = (http.value(forHTTPHeaderField: "Set-Cookie") ?? "").split(separator: ";").first.map(String.init)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return (http.statusCode, object, setCookie)
        }
        var up = false
        for _ in 0..<100 where !up {
            if (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/login")!)) != nil { up = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up)

        let (_, staff, staffCookie) = try await call("/api/login", #"{"username":"张科长","password":"staff-pass-1"}"#)
        let staffCSRF = try #require(staff["csrfToken"] as? String)
        #expect(try await call("/api/staff/runs/2020-12/publish", #"{"days":5}"#, cookie: staffCookie, csrf: staffCSRF).0 == 200)
        let (_, cadre, cadreCookie) = try await call("/api/activate", #"{"cadreID":"FM-001","code":"\#(code)","password":"cadre-pass-1"}"#)
        let cadreCSRF = try #require(cadre["csrfToken"] as? String)
        let (objected, objection, _) = try await call("/api/cadres/FM-001/2020-12/objections", #"{"reference":"tier","reason":"12月20日协助防汛，未计分"}"#, cookie: cadreCookie, csrf: cadreCSRF)
        #expect(objected == 201)
        let oid = try #require(objection["id"] as? Int)
        let decide = #"{"decision":"adjustment","points":"+2","reason":"协助防汛，经核实补记","reply":"经核实属实，加 2 分"}"#
        let (decided, decision, _) = try await call("/api/staff/objections/\(oid)/decide", decide, cookie: staffCookie, csrf: staffCSRF)
        #expect(decided == 200, "\(decision)")
        // The portal queues the re-run and starts `jifen batch work` to execute it.
        let (rerun, queued, _) = try await call("/api/staff/runs/2020-12/rerun", "{}", cookie: staffCookie, csrf: staffCSRF)
        #expect(rerun == 202, "\(queued)")
        let requestID = try #require(queued["id"] as? Int)
        var outcome: [String: Any] = [:]
        for _ in 0..<600 {
            let (status, body, _) = try await call("/api/staff/requests/\(requestID)", nil, cookie: staffCookie, csrf: nil)
            #expect(status == 200)
            outcome = body
            if ["done", "failed"].contains(body["state"] as? String ?? "") { break }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        #expect(outcome["state"] as? String == "done", "\(outcome)")
        let newRun = try #require(outcome["runID"] as? Int)
        let oldRun = newRun - 1
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()

        let show = try CheckDataCLITests.run(["batch", "show", "--month", "2020-12", "--store", store])
        #expect(show.status == 0 && show.stdout.contains("运行 #\(newRun)") && show.stdout.contains("申诉调整.csv"))
        #expect(show.stdout.contains("objection-accepted") && show.stdout.contains("rerun"))
        let diff = try CheckDataCLITests.run(["batch", "diff", String(oldRun), String(newRun), "--store", store])
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("数据有变化（申诉调整.csv）"), "\(diff.stdout)")
        #expect(diff.stdout.contains("FM-001"), "\(diff.stdout)")
        // `explain` with the store scores the accepted adjustment as the batch did; without, not.
        let explained = try CheckDataCLITests.run(["explain", "samples/2020-12", "--cadre", "FM-001", "--store", store])
        #expect(explained.status == 0 && explained.stdout.contains("申诉调整.csv:2") && explained.stdout.contains("申诉#\(oid)"), "\(explained.stdout)")
        let plain = try CheckDataCLITests.run(["explain", "samples/2020-12", "--cadre", "FM-001"])
        #expect(plain.status == 0 && !plain.stdout.contains("申诉调整.csv"))
    }

    /// Account administration against a running server on the same store: `user disable`
    /// ends the account's session at once and its right password is refused as a wrong one
    /// (401); `user enable` undoes it; `user password` replaces a staff password and ends its
    /// sessions; `user sessions --revoke` ends them; `user list` shows role, state and last
    /// login without secrets; `activation-codes --cadre` issues one cadre's code, which
    /// activates; a cadre's password is not `user password`'s.
    @Test func accountAdministrationWhileServing() async throws {
        let root = try Self.demoStore()
        let store = root + "/s.sqlite"
        #expect(try CLI.run(["user", "add", "--role", "staff", "--name", "张科长", "--password-stdin", "--store", store], input: "staff-pass-1\n").status == 0)
        let port = 20_000 + Int(getpid() % 20_000) + 8
        let p = try Self.serve(store: store, out: root + "/out", port: port)
        defer { if p.isRunning { p.terminate() } }
        let session = Self.cookielessSession()
        func post(_ path: String, _ json: String) async throws -> (Int, String?, String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = "POST"
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (data, response) = try await session.data(for: request)
            let r = response as! HTTPURLResponse
            let cookie = (r.value(forHTTPHeaderField: "Set-Cookie") ?? "").split(separator: ";").first.map(String.init)
            return (r.statusCode, cookie, String(decoding: data, as: UTF8.self))
        }
        func login(_ password: String) async throws -> (Int, String?, String) {
            try await post("/api/login", #"{"username":"张科长","password":"\#(password)"}"#)
        }
        func me(_ cookie: String?) async throws -> Int {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/me")!)
            request.setValue(cookie ?? "", forHTTPHeaderField: "Cookie")
            let (_, response) = try await session.data(for: request)
            return (response as! HTTPURLResponse).statusCode
        }
        var up = false
        for _ in 0..<100 where !up {
            if (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/login")!)) != nil { up = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up)
        let first = try await login("staff-pass-1")
        #expect(first.0 == 200 && first.1?.hasPrefix("jifen_session=") == true)
        #expect(try await me(first.1) == 200)

        let disable = try CLI.run(["user", "disable", "张科长", "--actor", "李科长", "--store", store])
        #expect(disable.status == 0 && disable.stdout.contains("已停用"), "\(disable.stdout) \(disable.stderr)")
        #expect(try await me(first.1) == 401)
        let right = try await login("staff-pass-1"), wrong = try await login("wrong-pass-1")
        #expect(right.0 == 401 && right.2 == wrong.2, "\(right.2)")
        let list = try CLI.run(["user", "list", "--store", store])
        #expect(list.status == 0 && list.stdout.contains("张科长\tstaff\t张科长\t已停用\t"), "\(list.stdout) \(list.stderr)")
        #expect(!list.stdout.contains("$2"))
        #expect(try CLI.run(["user", "disable", "没有此人", "--store", store]).stderr.contains("没有用户名或工号"))

        #expect(try CLI.run(["user", "enable", "张科长", "--store", store]).status == 0)
        let second = try await login("staff-pass-1")
        #expect(second.0 == 200)
        let argv = try CLI.run(["user", "password", "张科长", "--password", "x-pass-123", "--store", store])
        #expect(argv.status != 0 && argv.stderr.contains("--password-stdin"))
        let short = try CLI.run(["user", "password", "张科长", "--password-stdin", "--store", store], input: "short\n")
        #expect(short.status != 0 && short.stderr.contains("至少"))
        let changed = try CLI.run(["user", "password", "张科长", "--password-stdin", "--store", store], input: "new-staff-pass\n")
        #expect(changed.status == 0 && changed.stdout.contains("已为“张科长”设置新密码"), "\(changed.stdout) \(changed.stderr)")
        #expect(try await me(second.1) == 401)
        #expect(try await login("staff-pass-1").0 == 401)
        let third = try await login("new-staff-pass")
        #expect(third.0 == 200)
        #expect(try CLI.run(["user", "sessions", "张科长", "--store", store]).stdout.contains("有 1 个"))
        let revoked = try CLI.run(["user", "sessions", "张科长", "--revoke", "--store", store])
        #expect(revoked.status == 0 && revoked.stdout.contains("已结束“张科长”的 1 个会话"), "\(revoked.stdout)")
        #expect(try await me(third.1) == 401)

        // One cadre's code: printed once, activates.
        let unknown = try CLI.run(["user", "activation-codes", "--month", "2020-12", "--cadre", "NO-SUCH", "--store", store])
        #expect(unknown.status != 0 && unknown.stderr.contains("NO-SUCH"))
        let one = try CLI.run(["user", "activation-codes", "--month", "2020-12", "--cadre", "FM-001", "--store", store])
        #expect(one.status == 0 && one.stdout.components(separatedBy: "激活码：").count == 2 && one.stdout.contains("工号：FM-001"), "\(one.stdout)")
        let code = try #require(one.stdout.components(separatedBy: "激活码：").last.map { String($0.prefix(14)) })
        let activated = try await post("/api/activate", #"{"cadreID":"FM-001","code":"\#(code)","password":"cadre-pass-1"}"#)
        #expect(activated.0 == 200, "\(activated.2)")
        let cadre = try CLI.run(["user", "password", "FM-001", "--password-stdin", "--store", store], input: "cadre-pass-2\n")
        #expect(cadre.status != 0 && cadre.stderr.contains("--cadre FM-001"), "\(cadre.stderr)")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
    }
}
