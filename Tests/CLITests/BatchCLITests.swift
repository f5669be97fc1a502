import Foundation
import TestSupport
import Testing

/// The batch as a clerk runs it: the built binary, a real store, processes killed and
/// racing each other.
struct BatchCLITests {
    static func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CheckDataCLITests.binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: PackagePaths.root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// A month large enough that a run takes a while.
    static func bigMonth(_ root: String) throws -> String {
        let r = try CheckDataCLITests.run(["gen", "--cadres", "1500", "--month", "2020-12", "--seed", "11", "--out", root + "/data/2020-12"])
        #expect(r.status == 0, "\(r.stderr)")
        return root + "/data"
    }

    @Test func killedMidRunLeavesTheStoreAsItWasAndTheNextRunCompletes() throws {
        let root = PackagePaths.temporaryDirectory("kill")
        let data = try Self.bigMonth(root)
        let store = root + "/s.sqlite"
        let args = ["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", data, "--store", store, "--out", root + "/out", "--quiet"]
        // A complete run first, so a killed run has something to leave intact.
        #expect(try CheckDataCLITests.run(args).status == 0)
        for delay in [0.2, 0.6, 1.2, 2.0] {
            let p = try Self.start(args)
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // The store opens, passes SQLite's integrity check, and holds only whole runs.
            let list = try CheckDataCLITests.run(["batch", "list", "--store", store])
            #expect(list.status == 0)
            let integrity = try CheckDataCLITests.run(["batch", "show", "--month", "2020-12", "--store", store])
            #expect(integrity.status == 0)
            #expect(integrity.stdout.contains("人数 1500"))
            #expect(list.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("#") }.count == 1)
        }
        let last = try CheckDataCLITests.run(args)
        #expect(last.status == 0, "\(last.stdout)")
        #expect(last.stdout.contains("批处理完成"))
    }

    @Test func aSecondBatchOnTheSameStoreIsRefusedWhileTheFirstRuns() throws {
        let root = PackagePaths.temporaryDirectory("race")
        let data = try Self.bigMonth(root)
        let store = root + "/s.sqlite"
        let args = ["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", data, "--store", store, "--out", root + "/out", "--quiet"]
        let first = try Self.start(args)
        Thread.sleep(forTimeInterval: 0.3)
        let second = try CheckDataCLITests.run(args)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.status == 75)
        #expect(second.stdout.contains("另一个批处理正在使用数据库"))
        // With --wait the second one queues and then completes.
        let again = try Self.start(args)
        Thread.sleep(forTimeInterval: 0.3)
        let waited = try CheckDataCLITests.run(args + ["--wait", "120"])
        again.waitUntilExit()
        #expect(again.terminationStatus == 0)
        #expect(waited.status == 0)
        let list = try CheckDataCLITests.run(["batch", "list", "--store", store])
        #expect(list.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("#") }.count == 3)
    }

    @Test func theDemoMonthsRunThroughTheCLI() throws {
        let root = PackagePaths.temporaryDirectory("cli-demo")
        for month in ["2020-10", "2020-11", "2020-12"] {
            let r = try CheckDataCLITests.run(["batch", "run", "--month", month, "--store", root + "/s.sqlite", "--out", root + "/out"])
            #expect(r.status == 0, "\(r.stdout)")
            #expect(r.stdout.contains("实发"))
        }
        // The eight reports, and the marker naming the run they belong to.
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/out/2020-12").filter { !$0.hasPrefix(".") }.sorted()
        #expect(try String(contentsOfFile: root + "/out/2020-12/.jifen-run", encoding: .utf8).hasPrefix("run 3\n"))
        #expect(files == ["个人所得税扣缴申报.xlsx", "公示表.xlsx", "工资条.xlsx", "工资表.xlsx", "核对.xlsx", "社区汇总.xlsx", "积分明细.xlsx", "银行代发.xlsx"])
        let explain = try CheckDataCLITests.run(["explain", "samples/2020-12", "--cadre", "FM-001"])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("夜间值班"))
        #expect(explain.stdout.contains("实发金额"))
    }
}

struct ReportCLITests {
    @Test func reportsWrittenAgainFromTheStoreAreByteIdentical() throws {
        let root = PackagePaths.temporaryDirectory("report-again")
        for month in ["2020-10", "2020-11"] {
            let r = try CheckDataCLITests.run(["batch", "run", "--month", month, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
            #expect(r.status == 0)
        }
        let again = try CheckDataCLITests.run(["report", "--run", "2", "--store", root + "/s.sqlite", "--out", root + "/again"])
        #expect(again.status == 0, "\(again.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/out/2020-11").filter { $0.hasSuffix(".xlsx") }.sorted()
        #expect(names.count == 8)
        for name in names {
            let a = FileManager.default.contents(atPath: root + "/out/2020-11/" + name)
            let b = FileManager.default.contents(atPath: root + "/again/2020-11/" + name)
            #expect(a != nil && a == b, "\(name) differs")
        }
    }
}

/// Issue 12: `jifen explain --store` withheld income tax as if the month were the first of
/// the year (本年累计（收入） without the earlier months), so from November on it disagreed
/// with the payroll. With the store it now starts from the same year to date as the batch.
struct ExplainStoreCLITests {
    /// 个人所得税 in the json explanation, in 分 (money is written as {"fen": N}).
    static func tax(_ json: String) throws -> Int? {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let lines = (object?["pay"] as? [String: Any])?["lines"] as? [[String: Any]] ?? []
        return (lines.first { $0["name"] as? String == "个人所得税" }?["amount"] as? [String: Any])?["fen"] as? Int
    }

    @Test func explainWithTheStoreWithholdsTheTaxThePayrollWithheld() throws {
        let root = PackagePaths.temporaryDirectory("explain-store")
        for month in ["2020-10", "2020-11", "2020-12"] {
            let r = try CheckDataCLITests.run(["batch", "run", "--month", month, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
            #expect(r.status == 0, "\(r.stdout)")
        }
        let payroll = try #require(try XlsxFile(path: root + "/out/2020-12/工资表.xlsx").sheet("工资表"))
        let rows = payroll.rows
        let header = try #require(rows.first { row in row.contains { $0.value == "个人所得税" } })
        let taxColumn = try #require(header.first { $0.value == "个人所得税" }?.col)
        var checked = 0
        for cadre in ["FM-001", "WL-001", "YG-001"] {
            guard let row = rows.first(where: { $0.contains { $0.value == cadre } }),
                  let paid = row.first(where: { $0.col == taxColumn })?.value, let paidTax = Decimal(string: paid) else { continue }
            let explained = try CheckDataCLITests.run(["explain", "samples/2020-12", "--cadre", cadre, "--store", root + "/s.sqlite", "--format", "json"])
            #expect(explained.status == 0, "\(explained.stdout)")
            let tax = try #require(try Self.tax(explained.stdout))
            #expect(Decimal(tax) == paidTax * 100, "\(cadre): payroll \(paid), explain \(tax) 分")
            checked += 1
        }
        #expect(checked >= 2)
    }
}
