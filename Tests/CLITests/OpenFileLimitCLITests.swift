import Foundation
import TestSupport
import Testing

/// 积分明细 keeps a temporary file open per community sheet until it closes; a county with
/// more communities than the shell's soft limit on open files must still get its reports.
struct OpenFileLimitCLITests {
    @Test func manyCommunitiesUnderALowSoftLimit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-nofile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let gen = try CLI.run(["gen", "--cadres", "2000", "--month", "2020-12", "--seed", "3", "--out", root + "/data/2020-12"])
        #expect(gen.status == 0, "\(gen.stderr)")
        let communities = try String(contentsOfFile: root + "/data/2020-12/cadres.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(Set(communities.map { $0.count > 3 ? String($0[3]) : "" }).count > 120)
        // The soft limit below the sheets the workbook needs; the hard limit as the system has it.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -S -n 100 && exec \"$0\" batch run --no-earlier-income --month 2020-12 --data \"$1\" --store \"$2\" --out \"$3\" --quiet --reports scoreBreakdown",
                       CLI.binary, root + "/data", root + "/s.sqlite", root + "/out"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(FileManager.default.fileExists(atPath: root + "/out/2020-12/积分明细.xlsx"))
    }
}
