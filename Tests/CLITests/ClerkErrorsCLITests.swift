import Exact
import Foundation
import Store
import TestSupport
import Testing

/// What an outside tester met at the command line (issue: store errors, `--out`, a corrections
/// folder of unread files, `explain --cadre`, `--skip-invalid`, `batch show`, `report --run`),
/// each through the built binary as a clerk meets it.
@Suite(.serialized) struct ClerkErrorsCLITests {
    static let rules = PackagePaths.path("rules")
    static let data = PackagePaths.path("samples")

    static func all(_ r: (status: Int32, stdout: String, stderr: String)) -> String { r.stdout + r.stderr }

    // MARK: - Closing a month

    /// `batch close` ends the 公示 as the portal's close does: not with an objection unanswered
    /// (S0022), not before the window ends unless `--early` (S0023; audited `close-early`).
    @Test func closingWaitsForObjectionsAndTheWindowAsInThePortal() throws {
        let root = PackagePaths.temporaryDirectory("close-window")
        let common = ["--store", root + "/s.sqlite", "--out", root + "/out"]
        #expect(try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", Self.data, "--rules", Self.rules, "--quiet"] + common).status == 0)
        #expect(try CLI.run(["batch", "publish", "--month", "2020-12", "--days", "5", "--actor", "民政局"] + common).status == 0)
        let store = try RunStore(path: root + "/s.sqlite")
        let run = try #require(try store.currentRun(month: YearMonth("2020-12")!))
        let oid = try store.addObjection(NewObjection(runID: run.id, month: YearMonth("2020-12")!, cadreID: "FM-001", reference: "tier",
                                                      referenceLabel: "等次", reason: "漏记"), at: "2021-01-05T02:00:00Z")
        let open = try CLI.run(["batch", "close", "--month", "2020-12", "--early"] + common)
        #expect(open.status == 65 && Self.all(open).contains("错误[S0022]") && Self.all(open).contains("1 条申诉未答复"), "\(Self.all(open))")
        try store.decideObjection(id: oid, state: .rejected, reply: "经核实无误", actor: "民政局", at: "2021-01-05T03:00:00Z")
        let window = try CLI.run(["batch", "close", "--month", "2020-12"] + common)
        #expect(window.status == 65 && Self.all(window).contains("错误[S0023]") && Self.all(window).contains("--early"), "\(Self.all(window))")
        #expect(try store.currentRun(month: YearMonth("2020-12")!)?.state == .published)
        let early = try CLI.run(["batch", "close", "--month", "2020-12", "--early", "--actor", "民政局"] + common)
        #expect(early.status == 0, "\(Self.all(early))")
        #expect(try store.currentRun(month: YearMonth("2020-12")!)?.state == .closed)
        #expect(try store.auditLog(month: YearMonth("2020-12")!).contains { $0.action == "close-early" })
    }

    // MARK: - Store errors

    /// A store file damaged or not a database at all was `S0001 … SQLite error 11 … while
    /// executing PRAGMA …` with "数据库文件会自动创建" for help.
    @Test func aDamagedStoreOrAFileThatIsNotOneIsSaidSoWithRestoreFromBackup() throws {
        let root = PackagePaths.temporaryDirectory("damaged-store")
        let notADatabase = root + "/notes.sqlite"
        try Data("工号,姓名\nFM-001,吴荣春\n".utf8).write(to: URL(fileURLWithPath: notADatabase))
        // A real store cut short: its tables' pages are gone.
        let cut = root + "/cut.sqlite"
        _ = try RunStore(path: cut)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: cut))
        try bytes.prefix(16_384).write(to: URL(fileURLWithPath: cut))
        for path in [notADatabase, cut] {
            for command in [["batch", "list"], ["batch", "run", "--month", "2020-10", "--data", Self.data, "--rules", Self.rules, "--out", root + "/out", "--quiet"]] {
                let r = try CLI.run(command + ["--store", path])
                let text = Self.all(r)
                #expect(r.status == 65, "\(text)")
                #expect(text.contains("错误[S0018]") && text.contains("已损坏，或不是 jifen 的数据库") && text.contains("从备份恢复"), "\(text)")
                #expect(!text.contains("PRAGMA") && !text.contains("自动创建"), "\(text)")
                // SQLite's own words stay, as a note.
                #expect(text.contains("技术信息：SQLite error"), "\(text)")
            }
        }
    }

    @Test func aStoreThatIsAFolderIsSaidToBeOne() throws {
        let root = PackagePaths.temporaryDirectory("folder-store")
        try FileManager.default.createDirectory(atPath: root + "/store", withIntermediateDirectories: true)
        for command in [["batch", "list"], ["batch", "run", "--month", "2020-10", "--data", Self.data, "--rules", Self.rules, "--out", root + "/out", "--quiet"]] {
            let r = try CLI.run(command + ["--store", root + "/store"])
            let text = Self.all(r)
            #expect(r.status == 65, "\(text)")
            #expect(text.contains("错误[S0019]") && text.contains("是一个文件夹，不是数据库文件") && text.contains("/store/jifen.sqlite"), "\(text)")
        }
    }

    /// A store the batch may not write showed SQLite's `INSERT INTO "run" …` statement.
    /// (The file is made immutable, which binds root too; skipped where `chattr` cannot.)
    @Test func aReadOnlyStoreIsSaidReadOnlyWithoutSQL() throws {
        let root = PackagePaths.temporaryDirectory("readonly-store")
        let store = root + "/jifen.sqlite"
        _ = try RunStore(path: store)
        guard Self.chattr("+i", store) else { return }
        defer { _ = Self.chattr("-i", store) }
        let r = try CLI.run(["batch", "run", "--month", "2020-10", "--data", Self.data, "--rules", Self.rules, "--store", store,
                             "--out", root + "/out", "--quiet"])
        let text = Self.all(r)
        #expect(r.status == 65, "\(text)")
        #expect(text.contains("错误[S0020]") && text.contains("只读") && text.contains("本次没有保存任何内容"), "\(text)")
        #expect(!text.contains("INSERT") && !text.contains("readonly database"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-10"))
    }

    static func chattr(_ flag: String, _ path: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        p.arguments = [flag, path]
        p.standardError = Pipe()
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    // MARK: - --out

    /// `--out` naming a file (or a month folder that is a file) was B0006 with
    /// "NSCocoaErrorDomain error 512" once the run was stored. Now every command that writes
    /// reports refuses it first: C0008, exit 78, nothing stored.
    @Test func anUnusableReportsFolderStopsEveryBatchCommandBeforeAnythingIsStored() throws {
        let root = PackagePaths.temporaryDirectory("out-unusable")
        let store = root + "/jifen.sqlite", out = root + "/out"
        let first = try CLI.run(["batch", "run", "--month", "2020-10", "--data", Self.data, "--rules", Self.rules, "--store", store, "--out", out, "--quiet"])
        #expect(first.status == 0, "\(Self.all(first))")
        let file = root + "/a-file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let monthIsAFile = root + "/out2"
        try FileManager.default.createDirectory(atPath: monthIsAFile, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: monthIsAFile + "/2020-11"))
        let commands: [([String], String)] = [
            (["batch", "run", "--no-earlier-income", "--month", "2020-11", "--data", Self.data, "--rules", Self.rules, "--quiet", "--out", file], "是一个文件，不是文件夹"),
            (["batch", "run", "--no-earlier-income", "--month", "2020-11", "--data", Self.data, "--rules", Self.rules, "--quiet", "--out", file + "/sub"], "无法建立"),
            (["batch", "run", "--no-earlier-income", "--month", "2020-11", "--data", Self.data, "--rules", Self.rules, "--quiet", "--out", monthIsAFile], "报表要写进同名的文件夹"),
            (["report", "--run", "1", "--out", file], "是一个文件，不是文件夹"),
            (["year", "run", "--year", "2020", "--rules", Self.rules, "--draft", "--out", file], "是一个文件，不是文件夹"),
            (["batch", "correct", "--month", "2020-10", "--data", PackagePaths.path("samples/2020-11-补报"), "--rules", Self.rules, "--reason", "补报",
              "--out", file], "是一个文件，不是文件夹"),
        ]
        for (command, words) in commands {
            let r = try CLI.run(command + ["--store", store])
            let text = Self.all(r)
            #expect(r.status == 78, "\(command): \(text)")
            #expect(text.contains("错误[C0008]") && text.contains(words), "\(command): \(text)")
            #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("B0006"), "\(command): \(text)")
        }
        // Nothing was stored: the one run is still the first.
        let list = try CLI.run(["batch", "list", "--store", store])
        #expect(list.stdout.contains("#1") && !list.stdout.contains("#2"), "\(list.stdout)")
    }

    // MARK: - batch show

    /// After `batch run --out X`, `batch show` looked in out/ and said there were no reports.
    @Test func batchShowLooksWhereTheRunWroteItsReportsAndSaysWhichFolder() throws {
        let root = PackagePaths.temporaryDirectory("show-out")
        let store = root + "/jifen.sqlite", out = root + "/elsewhere"
        let run = try CLI.run(["batch", "run", "--month", "2020-10", "--data", Self.data, "--rules", Self.rules, "--store", store, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(Self.all(run))")
        // Without --out, from another working folder.
        let show = try CLI.run(["batch", "show", "--month", "2020-10", "--store", store], in: root)
        #expect(show.status == 0, "\(Self.all(show))")
        #expect(show.stdout.contains("报表 \(out)/2020-10/ 为本次运行所生成"), "\(show.stdout)")
        // --out names another folder: that one is checked, and said.
        let other = try CLI.run(["batch", "show", "--month", "2020-10", "--store", store, "--out", "nowhere"], in: root)
        #expect(other.stdout.contains("注意：nowhere/2020-10/（--out 指定的文件夹）中没有报表"), "\(other.stdout)")
    }

    // MARK: - batch correct

    /// A corrections folder whose only file is not named after a source (`值班补报.csv`) was
    /// a D0020 warning, "补充：值班补报.csv", "没有任何变化，未保存" and exit 0.
    @Test func aCorrectionsFolderWithoutAUsableFileIsAnError() throws {
        let root = PackagePaths.temporaryDirectory("correct-unread")
        let store = root + "/jifen.sqlite", out = root + "/out"
        let common = ["--store", store, "--out", out]
        let run = try CLI.run(["batch", "run", "--month", "2020-10", "--data", Self.data, "--rules", Self.rules, "--quiet"] + common)
        #expect(run.status == 0, "\(Self.all(run))")
        #expect(try CLI.run(["batch", "close", "--month", "2020-10"] + common).status == 0)
        let folder = root + "/2020-10-补报"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "工号,日期,班次,开始,结束,状态,备注\nFM-008,2020-10-03,夜班,20:00,08:00,到岗,关账后补报\n"
            .write(toFile: folder + "/值班补报.csv", atomically: true, encoding: .utf8)
        let r = try CLI.run(["batch", "correct", "--month", "2020-10", "--data", folder, "--rules", Self.rules, "--reason", "补报"] + common)
        let text = Self.all(r)
        #expect(r.status == 65, "\(text)")
        #expect(text.contains("错误[B0051]") && text.contains("没有可以使用的文件") && text.contains("值班补报.csv"), "\(text)")
        #expect(text.contains("值班-补报.csv") && text.contains("duty"), "\(text)")
        #expect(!text.contains("补充：") && !text.contains("没有任何变化"), "\(text)")
        // With a usable file beside it, a file like no source is warned of and never listed as
        // 补充 (one named after a source but misnamed, like 值班补报.csv, stops it: D0040).
        try FileManager.default.moveItem(atPath: folder + "/值班补报.csv", toPath: folder + "/说明.csv")
        try "工号,日期,班次,开始,结束,状态,备注\nFM-008,2020-10-03,夜班,20:00,08:00,到岗,关账后补报\n"
            .write(toFile: folder + "/值班-补报.csv", atomically: true, encoding: .utf8)
        let both = try CLI.run(["batch", "correct", "--month", "2020-10", "--data", folder, "--rules", Self.rules, "--reason", "补报"] + common)
        #expect(both.status == 0, "\(Self.all(both))")
        #expect(both.stdout.contains("补充：值班-补报.csv\n") && both.stdout.contains("D0020") && !both.stdout.contains("补充：说明.csv"), "\(both.stdout)")
    }

    // MARK: - explain --cadre

    @Test func anUnknownCadreIsACodedErrorWithAHintAndNoUsage() throws {
        let month = PackagePaths.path("samples/2020-12")
        func explain(_ cadre: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try CLI.run(["explain", month, "--cadre", cadre, "--rules", Self.rules])
        }
        let unknown = try explain("ZZ-999")
        #expect(unknown.status == 65, "\(Self.all(unknown))")
        #expect(unknown.stdout.contains("错误[B0015]: 2020年12月没有工号为“ZZ-999”的在职干部"), "\(Self.all(unknown))")
        #expect(!Self.all(unknown).contains("USAGE") && !Self.all(unknown).contains("Error:"), "\(Self.all(unknown))")
        let lower = try explain("fm-001")
        #expect(lower.stdout.contains("您是不是想写“FM-001”"), "\(lower.stdout)")
        let fullWidth = try explain("ＦＭ－００１")
        #expect(fullWidth.stdout.contains("您是不是想写“FM-001”"), "\(fullWidth.stdout)")
        // An ID number pasted for a 工号: never echoed whole, and whose it is said by 工号.
        let id = try explain("522632197603221590")
        #expect(!Self.all(id).contains("522632197603221590"), "\(Self.all(id))")
        #expect(id.stdout.contains("522632********1590") && id.stdout.contains("--cadre FM-001"), "\(id.stdout)")
        let account = try explain("6217 9936 1493 1923 172")
        #expect(!Self.all(account).contains("6217 9936 1493"), "\(Self.all(account))")
        #expect(account.stdout.contains("银行账号"), "\(account.stdout)")
    }

    // MARK: - --skip-invalid

    /// A run saved with rows skipped exited 65 ("errors in rules or data"), as if nothing
    /// had been stored.
    @Test func aRunSavedWithRowsSkippedExitsZeroAndListsThem() throws {
        let root = PackagePaths.temporaryDirectory("skip-invalid")
        let folder = root + "/data/2020-10"
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-10"), toPath: folder)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/duty.csv"))
        h.seekToEndOfFile()
        h.write(Data("FM-008,2020-13-01,夜班,20:00,08:00,到岗,日期写错\n".utf8))
        try h.close()
        let common = ["batch", "run", "--month", "2020-10", "--data", root + "/data", "--rules", Self.rules, "--store", root + "/jifen.sqlite",
                      "--out", root + "/out", "--quiet"]
        let refused = try CLI.run(common)
        #expect(refused.status == 65, "\(Self.all(refused))")
        let skipped = try CLI.run(common + ["--skip-invalid"])
        #expect(skipped.status == 0, "\(Self.all(skipped))")
        #expect(skipped.stdout.contains("错误[D0104]") || skipped.stdout.contains("错误[D0201]"), "\(skipped.stdout)")
        #expect(skipped.stdout.contains("跳过有错误的行 1 行（--skip-invalid）") && skipped.stdout.contains("批处理完成"), "\(skipped.stdout)")
    }

    // MARK: - report --run

    @Test(arguments: ["-1", "0"]) func aRunIDThatIsNotPositiveIsSaidSo(_ id: String) throws {
        let r = try CLI.run(["report", "--run", id, "--store", PackagePaths.temporaryDirectory("run-id") + "/jifen.sqlite"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("运行编号应为正整数") && !r.stderr.contains("Missing value"), "\(r.stderr)")
    }
}
