import Foundation
import TestSupport
import Testing

/// What jifen writes never replaces what a clerk sent, and a month never runs without a file
/// whose name is a little off.
struct InputGuardCLITests {
    /// A copy of a sample month in a fresh folder named after the month: `<root>/2020-12`.
    static func month(_ sample: String = "samples/2020-12", _ month: String = "2020-12") throws -> (root: String, folder: String) {
        let root = PackagePaths.temporaryDirectory("jifen-guard")
        let folder = root + "/" + month
        try FileManager.default.copyItem(atPath: PackagePaths.path(sample), toPath: folder)
        return (root, folder)
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    // MARK: - check-data --rejected

    @Test(arguments: ["duty.csv", "cadres.csv", "拒收.xlsx", "拒收.csv"])
    func rejectedRowsAreNeverWrittenIntoTheMonthFolder(_ name: String) throws {
        let (_, folder) = try Self.month("samples/bad/03-bad-date")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let duty = Self.bytes(folder + "/duty.csv"), cadres = Self.bytes(folder + "/cadres.csv")
        let r = try CLI.run(["check-data", folder, "--month", "2020-12", "--rejected", folder + "/" + name])
        #expect(r.status == 64, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("错误[B0080]"), "\(r.stdout)")
        #expect(r.stdout.contains("2020-12") && r.stdout.contains("拒收-2020-12.xlsx"))
        if name.hasPrefix("duty") { #expect(r.stdout.contains("会覆盖它")) }
        #expect(Self.bytes(folder + "/duty.csv") == duty && Self.bytes(folder + "/cadres.csv") == cadres)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == before)
    }

    @Test func aRejectedPathSpeltAnotherWayIntoTheMonthFolderIsRefusedToo() throws {
        let (root, folder) = try Self.month("samples/bad/03-bad-date")
        let duty = Self.bytes(folder + "/duty.csv")
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: folder)
        for path in [root + "/link/duty.csv", root + "/other/../2020-12/duty.csv"] {
            try? FileManager.default.createDirectory(atPath: root + "/other", withIntermediateDirectories: true)
            let r = try CLI.run(["check-data", folder, "--rejected", path])
            #expect(r.status == 64, "\(path): \(r.stdout)")
            #expect(r.stdout.contains("[B0080]"))
        }
        #expect(Self.bytes(folder + "/duty.csv") == duty)
    }

    @Test func aRejectedPathThatIsAFolderOrInAMissingFolderIsNamedPlainly() throws {
        let (root, folder) = try Self.month("samples/bad/03-bad-date")
        let dir = try CLI.run(["check-data", folder, "--rejected", root])
        #expect(dir.status == 64, "\(dir.stdout)\(dir.stderr)")
        #expect(dir.stdout.contains("错误[B0081]") && dir.stdout.contains("是一个文件夹"))
        #expect(!(dir.stdout + dir.stderr).contains("NSCocoaErrorDomain"))
        for name in ["没有的文件夹/拒收.xlsx", "没有的文件夹/拒收.csv"] {
            let missing = try CLI.run(["check-data", folder, "--rejected", root + "/" + name])
            #expect(missing.status == 64, "\(missing.stdout)\(missing.stderr)")
            #expect(missing.stdout.contains("错误[B0082]") && missing.stdout.contains("不存在"), "\(missing.stdout)")
            #expect(!missing.stdout.contains("permissions"))
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/没有的文件夹"))
        // Beside the month folder, as the guide says: written.
        let fine = try CLI.run(["check-data", folder, "--rejected", root + "/拒收-2020-12.xlsx"])
        #expect(fine.status == 65)
        #expect(FileManager.default.fileExists(atPath: root + "/拒收-2020-12.xlsx"))
    }

    // MARK: - template --out

    /// A data root whose 2022-01 folder holds 富民's filled roster (花名册-富民.xlsx) and a
    /// returned 值班-富民.xlsx.
    static func filledMonth() throws -> (root: String, folder: String) {
        let root = PackagePaths.temporaryDirectory("jifen-guard")
        let folder = root + "/" + TemplateCLITests.month
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let blank = try TemplateCLITests.template(["--community", "富民"])
        let members = TemplateCLITests.cadres.filter { $0["社区"] == "富民" }
        try TemplateFiller(blank + "/花名册-富民.xlsx").write(rows: TemplateCLITests.rosterRows(members), names: TemplateCLITests.names, to: folder + "/花名册-富民.xlsx")
        try Data("filled by the clerk".utf8).write(to: URL(fileURLWithPath: folder + "/值班-富民.xlsx"))
        return (root, folder)
    }

    @Test func templatesNeverReplaceFilesAndNeverTheRosterJustRead() throws {
        let (root, folder) = try Self.filledMonth()
        let roster = Self.bytes(folder + "/花名册-富民.xlsx"), duty = Self.bytes(folder + "/值班-富民.xlsx")
        let args = ["template", "--month", TemplateCLITests.month, "--community", "富民", "--data", root, "--out", folder]
        let r = try CLI.run(args)
        #expect(r.status == 73, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("错误[B0083]") && r.stdout.contains("值班-富民.xlsx") && r.stdout.contains("花名册-富民.xlsx"), "\(r.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["值班-富民.xlsx", "花名册-富民.xlsx"])
        // --overwrite: still never the roster it read, and nothing else either.
        let o = try CLI.run(args + ["--overwrite"])
        #expect(o.status == 73, "\(o.stdout)\(o.stderr)")
        #expect(o.stdout.contains("错误[B0084]") && o.stdout.contains("花名册-富民.xlsx"), "\(o.stdout)")
        #expect(Self.bytes(folder + "/花名册-富民.xlsx") == roster && Self.bytes(folder + "/值班-富民.xlsx") == duty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2)
        // Into another folder holding a file of a template's name: --overwrite replaces it.
        let other = PackagePaths.temporaryDirectory("jifen-guard")
        try Data("old".utf8).write(to: URL(fileURLWithPath: other + "/值班-富民.xlsx"))
        let refused = try CLI.run(["template", "--month", TemplateCLITests.month, "--community", "富民", "--data", root, "--out", other])
        #expect(refused.status == 73 && refused.stdout.contains("[B0083]"))
        #expect(Self.bytes(other + "/值班-富民.xlsx") == Data("old".utf8))
        let replaced = try CLI.run(["template", "--month", TemplateCLITests.month, "--community", "富民", "--data", root, "--out", other, "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.stdout)")
        #expect(Self.bytes(other + "/值班-富民.xlsx") != Data("old".utf8))
    }

    // MARK: - File names a little off

    @Test(arguments: ["duty .csv", " duty.csv", "值班 - 富民.csv", "值班－富民.csv", "值班—富民.csv"])
    func aHarmlessSlipInAFileNameIsReadAsMeant(_ name: String) throws {
        let (_, folder) = try Self.month()
        try FileManager.default.moveItem(atPath: folder + "/duty.csv", toPath: folder + "/" + name)
        let r = try CLI.run(["check-data", folder])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(!r.stdout.contains("D0020"))
        let line = r.stdout.split(separator: "\n").first { $0.contains(name.trimmingCharacters(in: .whitespaces)) }
        #expect(line != nil, "\(r.stdout)")
    }

    @Test(arguments: [
        ("值班-富民.xls", "D0041"), ("值班-富民.et", "D0041"), ("值班-富民.xlsx.txt", "D0041"),
        ("值班富民.csv", "D0040"), ("duty roster.csv", "D0040"),
    ])
    func aSourcesFileThatCannotBeReadStopsTheMonth(_ name: String, _ code: String) throws {
        let (root, folder) = try Self.month()
        try FileManager.default.moveItem(atPath: folder + "/duty.csv", toPath: folder + "/" + name)
        let r = try CLI.run(["check-data", folder])
        #expect(r.status == 65, "\(r.stdout)")
        #expect(r.stdout.contains("错误[\(code)]") && r.stdout.contains("本月不能缺少它"), "\(r.stdout)")
        if code == "D0041" { #expect(r.stdout.contains("另存为 .xlsx") && r.stdout.contains("值班-富民.xlsx")) }
        if name == "值班富民.csv" { #expect(r.stdout.contains("值班-富民.csv")) }
        let run = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root, "--store", root + "/store.sqlite", "--out", root + "/out", "--quiet"])
        #expect(run.status == 65, "\(run.stdout)\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12/工资表.xlsx"))
    }

    @Test func aFileLikeNoSourceIsStillOnlyAWarning() throws {
        let (_, folder) = try Self.month()
        for name in ["说明.docx", "notes.xls", "汇总.xlsx"] { FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("x".utf8)) }
        let r = try CLI.run(["check-data", folder])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "警告[D0020]").count == 4, "\(r.stdout)")
    }
}
