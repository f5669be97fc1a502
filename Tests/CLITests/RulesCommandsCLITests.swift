import Foundation
import TestSupport
import Testing

/// `jifen check` and `jifen fmt` on the sample rules and on files a clerk got wrong.
struct RulesCommandsCLITests {
    @Test func sampleRulesCheckClean() throws {
        let r = try CheckDataCLITests.run(["check", "rules"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("发现 0 个错误、0 个警告"))
    }

    @Test func sampleRulesAreAlreadyFormatted() throws {
        let r = try CheckDataCLITests.run(["fmt", "--check", "rules"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("需要整理 0 个"))
    }

    @Test func fmtRewritesAnUntidyFileAndThenLeavesItAlone() throws {
        let dir = PackagePaths.temporaryDirectory()
        let file = dir + "/x.jifen"
        try "积分项 夜间值班(依据 第五条){ # 夜班\n取 值班 其中 班次=夜班\n每条 2分,每月上限 20分}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let check = try CheckDataCLITests.run(["fmt", "--check", file])
        #expect(check.status == 1)
        let first = try CheckDataCLITests.run(["fmt", file])
        #expect(first.status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text == "积分项 夜间值班 （依据 第五条） {  # 夜班\n  取 值班 其中 班次 = 夜班\n  每条 2 分\n  每月上限 20 分\n}\n")
        let second = try CheckDataCLITests.run(["fmt", "--check", file])
        #expect(second.status == 0)
    }

    @Test func fmtLeavesABrokenFileUntouchedAndSaysWhy() throws {
        let dir = PackagePaths.temporaryDirectory()
        let file = dir + "/x.jifen"
        let broken = "积分项 夜间值班 {\n  取 值班\n  每条 （2 分\n}\n"
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CheckDataCLITests.run(["fmt", file, "--lang", "en"])
        #expect(r.status == 65)
        #expect(r.stdout.contains("error[R0011]"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == broken)
    }

    /// `排名` can be expected in a test case; a wrong one points at its line with both ranks.
    @Test func aTestCaseChecksTheRank() throws {
        let dir = PackagePaths.temporaryDirectory("rank-expectation")
        let rules = try String(contentsOfFile: PackagePaths.path("rules/examples/等次系数/等次系数县社区干部绩效考核办法.jifen"), encoding: .utf8)
        try rules.write(toFile: dir + "/办法.jifen", atomically: true, encoding: .utf8)
        let test = """
            测试 名次 {
              月份 2020-12
              记录 花名册 {
                工号   姓名  社区  岗位  岗位等级  入职日期
                FM001  张一  富民  书记  7         2019-03-01
                FM002  张二  富民  主任  6         2019-03-01
              }
              记录 值班 {
                工号   日期        班次  开始   结束   状态
                FM002  2020-12-01  夜班  20:00  08:00  到岗
              }
              期望 FM002 {
                排名 = 1
              }
              期望 FM001 {
                排名 = 1
              }
            }

            """
        try test.write(toFile: dir + "/办法.jifen-test", atomically: true, encoding: .utf8)
        let r = try CLI.run(["test", dir])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("办法.jifen-test:16:5: 错误[T0001]: FM001 的排名：期望 第 1 名，实际 第 2 名"), "\(r.stdout)")
        #expect(!r.stdout.contains("FM002 的排名"), "\(r.stdout)")
    }
}
