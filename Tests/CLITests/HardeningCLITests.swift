import Foundation
import TestSupport
import Testing
import ZIPFoundation

/// Defects an attack on the running system found (issue 10), each through the built binary
/// as a clerk would meet it: bad input must never reach money, and nothing a crash leaves
/// may be mistaken for the current run.
struct HardeningCLITests {
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLI.run(arguments)
    }

    /// A copy of a sample month that a test may change.
    static func month(_ name: String = "2020-12", into root: String) throws -> String {
        let folder = root + "/data/" + name
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/" + name), toPath: folder)
        return folder
    }

    static func append(_ line: String, to path: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.seekToEndOfFile()
        h.write(Data((line + "\n").utf8))
        try h.close()
    }

    // MARK: - Two blank 工号 in the roster

    @Test func twoRosterRowsWithABlankCadreIDAreReportedNotACrash() throws {
        let root = PackagePaths.temporaryDirectory("blank-id")
        let folder = try Self.month(into: root)
        let roster = folder + "/cadres.csv"
        try Self.append(",甲,522632197603221590,富民,,委员,3,2018-04-08,,6217993614931923172,农商行,13384445916,", to: roster)
        try Self.append(",乙,522632197308135462,富民,,委员,3,2018-04-08,,6217792766758311569,农商行,15898360979,", to: roster)
        let lines = try String(contentsOfFile: roster, encoding: .utf8).split(separator: "\n").count
        for command in [["check-data", folder, "--month", "2020-12"],
                        ["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root + "/data", "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"]] {
            let r = try Self.run(command)
            #expect(r.status == 65, "\(command[0]): \(r.status) \(r.stderr)")
            // Both rows are named, at the 工号 column.
            #expect(r.stdout.contains("cadres.csv:\(lines - 1):1"), "\(r.stdout)")
            #expect(r.stdout.contains("cadres.csv:\(lines):1"), "\(r.stdout)")
            #expect(r.stdout.contains("[D0110]"))
        }
    }

    // MARK: - A store named without a folder

    /// `--store jifen.sqlite` (a bare file name, in the working folder) used to fail with
    /// S0001 before opening anything: the batch tried to create the store's folder "" first.
    @Test func aStoreNamedWithoutAFolderIsCreatedInTheWorkingFolder() throws {
        let root = PackagePaths.temporaryDirectory("bare-store")
        _ = try Self.month(into: root)
        let r = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", "data", "--rules", PackagePaths.path("rules"),
                             "--store", "jifen.sqlite", "--out", "out", "--quiet"], in: root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/jifen.sqlite"))
        let list = try CLI.run(["batch", "list", "--store", "jifen.sqlite"], in: root)
        #expect(list.status == 0 && list.stdout.contains("2020-12"), "\(list.stdout)\(list.stderr)")
    }

    /// A mistyped `--store` given to a command that reads runs made an empty store there and
    /// said "数据库中还没有运行". Now S0017 names the path, and no file is made; `batch run`
    /// still creates its store.
    @Test(arguments: [
        ["batch", "list"], ["batch", "show", "--month", "2020-12"], ["year", "list"], ["year", "show", "--year", "2021"],
        ["year", "run", "--year", "2021", "--rules", PackagePaths.path("rules")],
        ["explain", PackagePaths.path("samples/2020-12"), "--cadre", "FM-001", "--rules", PackagePaths.path("rules")],
    ])
    func aMissingStoreIsRefusedNotCreated(_ command: [String]) throws {
        let root = PackagePaths.temporaryDirectory("missing-store")
        let r = try CLI.run(command + ["--store", "stroe/jifen.sqlite"], in: root)
        #expect(r.status != 0)
        #expect((r.stdout + r.stderr).contains("S0017") && (r.stdout + r.stderr).contains("数据库 stroe/jifen.sqlite 不存在"), "\(r.stdout)\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/stroe"))
    }

    // MARK: - Opening balances

    /// The county started in October 2020 with an opening file whose 累计专项附加扣除 (the
    /// special additional deductions of January–September) the rules declared under a name
    /// that fed no pay line: read, then dropped, and YG-004 was withheld 114.13 元 of tax in
    /// October. Now the column carries 专项附加's year to date (9,000 + this month's 1,000),
    /// the tax is 0 and the net 4,483.40 (the pandas reference, bench/, computes the same).
    @Test func theOpeningSpecialAdditionalDeductionsReachTheTax() throws {
        let root = PackagePaths.temporaryDirectory("opening-special")
        let run = try Self.run(["batch", "run", "--month", "2020-10", "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let explain = try Self.run(["explain", "samples/2020-10", "--cadre", "YG-004", "--store", root + "/s.sqlite"])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("本年累计（专项附加） = 10,000.00"), "\(explain.stdout)")
        #expect(explain.stdout.contains("[扣款] 个人所得税  0.00 元"))
        #expect(explain.stdout.contains("[计算] 实发工资  4,483.40 元"))
    }

    // MARK: - The rules folder

    @Test func aRulesFolderGivenAsASymbolicLinkIsRead() throws {
        let root = PackagePaths.temporaryDirectory("rules-link")
        try FileManager.default.createSymbolicLink(atPath: root + "/rules", withDestinationPath: PackagePaths.path("rules"))
        let check = try Self.run(["check", root + "/rules"])
        #expect(check.status == 0, "\(check.stdout)")
        let linked = try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--rules", root + "/rules", "--store", root + "/a.sqlite", "--out", root + "/a", "--quiet"])
        let direct = try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--store", root + "/b.sqlite", "--out", root + "/b", "--quiet"])
        #expect(linked.status == 0 && direct.status == 0, "\(linked.stdout)\(linked.stderr)")
        func net(_ s: String) -> Substring? { s.split(separator: "\n").first { $0.contains("实发") } }
        #expect(net(linked.stdout) != nil && net(linked.stdout) == net(direct.stdout))
    }

    @Test(arguments: [
        ("empty", [String: String](), "R0313"),
        ("only a source", ["a.jifen": "数据源 值班 （文件 “duty”） {\n  工号：文本\n  日期：日期型\n}\n"], "R0314"),
    ])
    func aRulesFolderThatCannotPayAnyoneIsAnError(name: String, files: [String: String], code: String) throws {
        let root = PackagePaths.temporaryDirectory("rules-empty")
        try FileManager.default.createDirectory(atPath: root + "/rules", withIntermediateDirectories: true)
        for (file, text) in files { try text.write(toFile: root + "/rules/" + file, atomically: true, encoding: .utf8) }
        let check = try Self.run(["check", root + "/rules"])
        #expect(check.status == 65, "\(name): \(check.stdout)")
        #expect(check.stdout.contains("[\(code)]"), "\(check.stdout)")
        let batch = try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--rules", root + "/rules", "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
        #expect(batch.status == 65)
        #expect(batch.stdout.contains("[\(code)]"))
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
    }

    // MARK: - Pay that must never leave

    @Test func aNegativeNetPayStopsTheRunBeforeAnythingIsStoredOrWritten() throws {
        let root = PackagePaths.temporaryDirectory("negative")
        let folder = try Self.month(into: root)
        try Self.append("FM-001,扣分,-500,,测试：扣分过大,龙玲", to: folder + "/adjustments.csv")
        let store = root + "/s.sqlite"
        let r = try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root + "/data", "--store", store, "--out", root + "/out", "--quiet"])
        #expect(r.status == 65, "\(r.stdout)")
        #expect(r.stdout.contains("[B0020]"))
        // Located at the cadre's roster row, with the adjustment behind it.
        #expect(r.stdout.contains("cadres.csv:2"), "\(r.stdout)")
        #expect(r.stdout.contains("FM-001"))
        #expect(r.stdout.contains("adjustments.csv:"))
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12/银行代发.xlsx"))
        let list = try Self.run(["batch", "list", "--store", store])
        #expect(list.stdout.contains("还没有运行"), "\(list.stdout)")
    }

    /// docs/pay.md §七: B0020 cites the adjustment rows behind the pay, an amount a pay line
    /// reads (`合计（金额 来自 调整）`, no score line cites it) as well as a score adjustment;
    /// numbers only, no personal data.
    @Test func aNegativeNetPayCitesTheAmountAdjustmentRowsBehindIt() throws {
        let root = PackagePaths.temporaryDirectory("negative-amount")
        try FileManager.default.copyItem(atPath: PackagePaths.path("rules"), toPath: root + "/rules")
        let path = root + "/rules/榕江县积分管理考核办法.jifen"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let deductions = "计算项 扣款合计 = 社保 + 个人所得税"
        #expect(text.contains(deductions))
        text = text.replacingOccurrences(of: deductions, with: "扣款项 扣回款项 （依据 第十五条） = 0 元 - 合计（金额 来自 调整 其中 金额 ≠ 空）\n\n" + deductions + " + 扣回款项")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let folder = try Self.month(into: root)
        let adjustments = folder + "/adjustments.csv"
        let before = try String(contentsOfFile: adjustments, encoding: .utf8).split(separator: "\n").count
        try Self.append("FM-002,服装费扣回,,-20000.00,预领工作服超标部分扣回,龙玲", to: adjustments)
        try Self.append("FM-002,加分,0.5,,协助应急演练,龙玲", to: adjustments)
        let r = try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root + "/data", "--rules", root + "/rules", "--store", root + "/s.sqlite",
                              "--out", root + "/out", "--quiet"])
        #expect(r.status == 65, "\(r.stdout)")
        let message = r.stdout.split(separator: "\n\n").first { $0.contains("[B0020]") }.map(String.init) ?? ""
        #expect(message.contains("干部 FM-002 的实发工资 -"), "\(r.stdout)")
        #expect(message.contains(" 元低于 0 元"), "\(message)")
        // Both rows, by file and line: the amount one with its amount, the score one with its reason.
        #expect(message.contains("调整记录 adjustments.csv:\(before + 1)：金额 -20000.00 元"), "\(message)")
        #expect(message.contains("adjustments.csv:\(before + 2)"), "\(message)")
        // No personal data: the roster's ID numbers, accounts and phones.
        let roster = try String(contentsOfFile: folder + "/cadres.csv", encoding: .utf8)
        let fm2 = roster.split(separator: "\n").first { $0.hasPrefix("FM-002,") }.map { $0.split(separator: ",").map(String.init) } ?? []
        for cell in fm2 where cell.count >= 11 && cell.allSatisfy({ $0.isNumber || $0 == "X" }) {
            #expect(!r.stdout.contains(cell), "the message shows a personal number")
        }
    }

    @Test func aNetPayBelowTheFloorTheRulesStateStopsTheRun() throws {
        let root = PackagePaths.temporaryDirectory("floor")
        try FileManager.default.copyItem(atPath: PackagePaths.path("rules"), toPath: root + "/rules")
        let path = root + "/rules/榕江县积分管理考核办法.jifen"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let net = "实发项 实发工资 = 应发合计 + 补发补扣 + 报酬调整 - 扣款合计 {\n  舍入 四舍五入 到分\n}"
        #expect(text.contains(net))
        text = text.replacingOccurrences(of: net, with: net.replacingOccurrences(of: "到分\n}", with: "到分\n  下限 4500 元\n}"))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--rules", root + "/rules", "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
        #expect(r.status == 65, "\(r.stdout)")
        #expect(r.stdout.contains("[B0020]"))
        #expect(r.stdout.contains("低于下限 4500.00 元"), "\(r.stdout)")
    }

    // MARK: - Numbers in reports

    /// Every number cell and cached formula value in every workbook, as stored in the XML.
    static func numbers(in xlsx: String) throws -> [(sheet: String, text: String)] {
        let archive = try Archive(url: URL(fileURLWithPath: xlsx), accessMode: .read)
        var out: [(String, String)] = []
        for entry in archive where entry.path.hasPrefix("xl/worksheets/") && entry.path.hasSuffix(".xml") {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            let xml = String(decoding: data, as: UTF8.self)
            // Cells without a type attribute (numbers) or t="n", and formula cells: <v> holds the number.
            var rest = xml[...]
            while let open = rest.range(of: "<c ") {
                guard let close = rest.range(of: "</c>", range: open.upperBound..<rest.endIndex) else { break }
                let cell = rest[open.lowerBound..<close.upperBound]
                let head = cell.prefix { $0 != ">" }
                if !head.contains("t=\"s\""), !head.contains("t=\"str\""), !head.contains("t=\"inlineStr\""), !head.contains("t=\"b\""),
                   let v = cell.range(of: "<v>"), let ve = cell.range(of: "</v>") {
                    out.append((entry.path, String(cell[v.upperBound..<ve.lowerBound])))
                }
                rest = rest[close.upperBound...]
            }
        }
        return out
    }

    @Test func everyNumberInEveryReportHoldsItsExactValueWithAtMostTwoDecimals() throws {
        let root = PackagePaths.temporaryDirectory("numbers")
        var checked = 0
        for month in ["2020-10", "2020-11", "2020-12"] {
            let r = try Self.run(["batch", "run", "--month", month, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
            #expect(r.status == 0, "\(r.stdout)")
            let folder = root + "/out/" + month
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".xlsx") {
                for (sheet, text) in try Self.numbers(in: folder + "/" + name) {
                    checked += 1
                    let decimals = text.split(separator: ".").dropFirst().first.map { $0.prefix { $0.isNumber }.count } ?? 0
                    #expect(decimals <= 2 && !text.contains("E"), "\(name) \(sheet): \(text)")
                }
            }
        }
        #expect(checked > 5_000)
    }

    // MARK: - The report folder after a crash

    @Test func anInterruptedReplacementIsFinishedAndStagingFoldersAreCleanedByTheNextCommand() throws {
        let root = PackagePaths.temporaryDirectory("staging")
        let store = root + "/s.sqlite", out = root + "/out"
        let args = ["batch", "run", "--no-earlier-income", "--month", "2020-12", "--store", store, "--out", out, "--quiet"]
        #expect(try Self.run(args).status == 0)
        let fm = FileManager.default
        try fm.copyItem(atPath: out + "/2020-12", toPath: root + "/run1")
        #expect(try Self.run(args).status == 0)
        #expect(try String(contentsOfFile: out + "/2020-12/.jifen-run", encoding: .utf8).contains("run 2"))
        // As a kill after the commit and before the exchange leaves it: the new run's sealed
        // set in a staging folder, the old run's set in place, and an unsealed leftover.
        try fm.moveItem(atPath: out + "/2020-12", toPath: out + "/.staging-2020-12-2-99999")
        try fm.copyItem(atPath: root + "/run1", toPath: out + "/2020-12")
        try fm.createDirectory(atPath: out + "/.staging-2020-12-3-99998", withIntermediateDirectories: true)
        try Data("partial".utf8).write(to: URL(fileURLWithPath: out + "/.staging-2020-12-3-99998/工资表.xlsx"))

        let show = try Self.run(["batch", "show", "--month", "2020-12", "--store", store, "--out", out])
        #expect(show.status == 0)
        #expect(show.stderr.contains("运行 #2"), "\(show.stderr)")
        #expect(show.stdout.contains("为本次运行所生成"), "\(show.stdout)")
        #expect(try String(contentsOfFile: out + "/2020-12/.jifen-run", encoding: .utf8).contains("run 2"))
        #expect(try fm.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".staging") }.isEmpty)
        #expect(try fm.contentsOfDirectory(atPath: out + "/2020-12").filter { $0.hasSuffix(".xlsx") }.count == 8)

        // The superseded run 1's reports go beside the month's folder, never into it.
        #expect(try Self.run(["report", "--run", "1", "--store", store, "--out", out]).status == 0)
        #expect(try String(contentsOfFile: out + "/2020-12/.jifen-run", encoding: .utf8).contains("run 2"))
        #expect(try String(contentsOfFile: out + "/2020-12-运行1-已被替代/.jifen-run", encoding: .utf8).contains("run 1"))
        // Reports of another run in the folder (copied there by hand): batch show says so.
        try Data("run 1\nmonth 2020-12\n".utf8).write(to: URL(fileURLWithPath: out + "/2020-12/.jifen-run"))
        let stale = try Self.run(["batch", "show", "--month", "2020-12", "--store", store, "--out", out])
        #expect(stale.stdout.contains("不是运行 #2 的"), "\(stale.stdout)")
    }

    @Test func everyReportNamesItsRun() throws {
        let root = PackagePaths.temporaryDirectory("run-named")
        #expect(try Self.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"]).status == 0)
        let folder = root + "/out/2020-12"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xlsx") }
        #expect(names.count == 8)
        for name in names {
            let archive = try Archive(url: URL(fileURLWithPath: folder + "/" + name), accessMode: .read)
            var core = Data()
            _ = try archive.extract(archive["docProps/core.xml"]!) { core.append($0) }
            #expect(String(decoding: core, as: UTF8.self).contains("运行 1"), "\(name)")
        }
    }
}
