import Foundation
import TestSupport
import Testing

/// `check-data --rejected` never writes where a month would read the rows as records
/// (B0085), through the built binary.
@Suite(.serialized) struct RejectedElsewhereCLITests {
    static let rules = PackagePaths.path("rules")

    // MARK: - check-data --rejected into another month

    /// `--rejected` inside another month's folder of the data root (where that month's next
    /// check or batch reads it), or named like a source's file anywhere: B0085, exit 64,
    /// nothing written. Beside the month folders with a name of its own: written.
    @Test func rejectedRowsAreNeverWrittenWhereAMonthWouldReadThem() throws {
        let (root, folder) = try SampleMonthCopies.dataRoot("rejected-elsewhere", month: "2020-12")
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-11"), toPath: root + "/data/2020-11")
        try FileManager.default.createDirectory(atPath: root + "/data/2020-11-补报", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: true)
        // A row to reject.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/duty.csv"))
        h.seekToEndOfFile()
        h.write(Data("FM-001,2020-13-01,夜班,20:00,08:00,到岗,日期写错\n".utf8))
        try h.close()
        let before = try FileManager.default.contentsOfDirectory(atPath: root + "/data/2020-11").sorted()
        let cases: [(path: String, says: String)] = [
            (root + "/data/2020-11/拒收.xlsx", "另一个月份的数据文件夹"),
            (root + "/data/2020-11/值班-rejected.csv", "会被当作“值班”的数据文件读取"),
            (root + "/data/2020-11-补报/拒收.csv", "另一个月份的数据文件夹"),
            (root + "/elsewhere/值班-rejected.csv", "会被当作“值班”的数据文件读取"),
            (root + "/data/duty_rejected.xlsx", "会被当作“值班”的数据文件读取"),
            (root + "/elsewhere/花名册拒收.xlsx", "会被当作“花名册”的数据文件读取"),
        ]
        for (path, says) in cases {
            let r = try CLI.run(["check-data", folder, "--month", "2020-12", "--rules", Self.rules, "--rejected", path])
            #expect(r.status == 64, "\(path): \(SampleMonthCopies.all(r))")
            #expect(r.stdout.contains("错误[B0085]") && r.stdout.contains(says), "\(path): \(r.stdout)")
            #expect(r.stdout.contains("拒收-2020-12.xlsx"), "\(r.stdout)")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/data/2020-11").sorted() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/data/2020-11-补报").isEmpty)
        for fine in [root + "/data/拒收-2020-12.xlsx", root + "/elsewhere/rejected.csv"] {
            let r = try CLI.run(["check-data", folder, "--month", "2020-12", "--rules", Self.rules, "--rejected", fine])
            #expect(r.status == 65, "\(fine): \(SampleMonthCopies.all(r))")
            #expect(FileManager.default.fileExists(atPath: fine))
        }
    }
}
