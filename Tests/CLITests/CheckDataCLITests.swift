import Foundation
import TestSupport
import Testing

/// Runs the built `jifen` binary (make test builds it first) and checks what a clerk sees.
struct CheckDataCLITests {
    static var binary: String { CLI.binary }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLI.run(arguments)
    }

    @Test func exitsWith65AndReportsEveryErrorOfTheRun() throws {
        let r = try Self.run(["check-data", "samples/bad/13-invalid-id-number", "--month", "2020-12"])
        #expect(r.status == 65)
        for code in ["D0111", "D0112", "D0113", "D0114", "D0210"] { #expect(r.stdout.contains("[\(code)]"), "missing \(code)") }
        #expect(r.stdout.contains("读取 = 接受 + 拒绝 + 忽略"))
    }

    @Test func writesRejectedRowsWithReasons() throws {
        let out = PackagePaths.temporaryDirectory() + "/rejected.csv"
        let r = try Self.run(["check-data", "samples/bad/03-bad-date", "--month", "2020-12", "--rejected", out, "--lang", "en"])
        #expect(r.status == 65)
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 4)  // header + 3 rejected rows
        #expect(csv.contains("D0104"))
        #expect(r.stdout.contains("3 rejected rows written"))
    }

    @Test func refusesAFolderWithoutAMonth() throws {
        let r = try Self.run(["check-data", "samples/bad/03-bad-date"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--month"))
    }

    @Test func refusesAnInvalidMonth() throws {
        let r = try Self.run(["check-data", "samples/bad/03-bad-date", "--month", "2020-13"])
        #expect(r.status == 64)
    }
}

struct SampleMonthsCLITests {
    @Test(arguments: ["2020-10", "2020-11", "2020-12"] + (1...12).map { String(format: "2021-%02d", $0) })
    func sampleMonthsAreCleanAndFullyReconciled(_ month: String) throws {
        let r = try CheckDataCLITests.run(["check-data", "samples/\(month)"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("发现 0 个错误"))
        // Every file's row count balances: read = accepted (no rejected, no ignored rows).
        let table = r.stdout.split(separator: "\n").filter { $0.contains(".csv") }
        #expect(table.count >= 5)
        for line in table {
            let n = line.split(separator: " ").compactMap { Int($0) }
            #expect(n.count == 4 && n[0] == n[1] + n[2] + n[3] && n[2] == 0, "\(line)")
        }
    }
}

struct RulesCLITests {
    @Test func theSampleRulesAreCleanTheirTestsPassAndCoverEverything() throws {
        let check = try CheckDataCLITests.run(["check", "rules"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("发现 0 个错误、0 个警告"))
        let test = try CheckDataCLITests.run(["test", "rules", "--coverage"])
        #expect(test.status == 0, "\(test.stdout)")
        #expect(test.stdout.contains("全部积分项、等次、表格行和工资项目都有测试覆盖"))
        #expect(test.stdout.contains(" 0 failed"))
    }
}
