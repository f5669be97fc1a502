import Foundation
import TestSupport
import Testing

/// Runs the built `jifen gen` (make test builds it first) and checks its output and exit codes.
struct GenCommandCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLI.run(arguments)
    }

    static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("jifen-gen-cli-\(UUID().uuidString)").path
    }

    @Test func scaleModeWritesTheSameFilesTwice() throws {
        let a = Self.temporaryFolder(), b = Self.temporaryFolder()
        for folder in [a, b] {
            let r = try Self.run(["gen", "--cadres", "40", "--month", "2020-11", "--seed", "9", "--out", folder])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("40 名干部 cadres"))
        }
        for name in ["cadres.csv", "duty.csv", "service.csv", "training.csv", "adjustments.csv"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + name))
            let y = try Data(contentsOf: URL(fileURLWithPath: b + "/" + name))
            #expect(x == y, "\(name)")
        }
    }

    @Test func samplesModeWritesThreeMonths() throws {
        let folder = Self.temporaryFolder()
        let r = try Self.run(["gen", "--samples", folder])
        #expect(r.status == 0)
        for month in ["2020-10", "2020-11", "2020-12"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + month + "/duty.csv"))
            #expect(r.stdout.contains(month))
        }
    }

    struct Misuse: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        Misuse(arguments: ["gen"]),
        Misuse(arguments: ["gen", "--samples", "x", "--cadres", "5", "--out", "y"]),
        Misuse(arguments: ["gen", "--cadres", "5"]),
        Misuse(arguments: ["gen", "--cadres", "0", "--out", "y"]),
        Misuse(arguments: ["gen", "--cadres", "5", "--out", "y", "--month", "2020-13"]),
    ])
    func refusesMisuseWithUsageExit(_ m: Misuse) throws {
        let r = try Self.run(m.arguments)
        #expect(r.status == 64)
        #expect(!r.stderr.isEmpty)
    }

    @Test func reportsAnUnwritableFolder() throws {
        let r = try Self.run(["gen", "--cadres", "5", "--out", "/proc/jifen-cannot-write-here"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("无法创建目录"))
    }
}
