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
}
