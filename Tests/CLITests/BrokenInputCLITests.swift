import Foundation
import TestSupport
import Testing

/// A tester's broken months, through the built binary: a copy of the December sample with one
/// thing broken, checked with the sample rules (`check-data … --rules rules`) and run.
struct BrokenInputCLITests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        /// The line to replace (its start) and what replaces it; nil to append `line`.
        var replacing: String?
        var line: String
        /// Codes `check-data` must report as errors.
        var codes: [String]
        /// Text its output must show.
        var shows: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "duty without a 工号 column is D0024, no crash", file: "duty.csv", replacing: "工号,日期,班次",
             line: "人员编号,日期,班次,开始,结束,状态,备注", codes: ["D0024"]),
        Case(name: "a huge 专项附加扣除 is out of range", file: "cadres.csv", replacing: "FM-001,",
             line: "FM-001,吴荣春,522632197603221590,富民,,书记,7,2018-04-08,,6217993614931923172,中国邮政储蓄银行榕江县支行,13384445916,92233720368547758.07",
             codes: ["D0108"], shows: ["cadres.csv:2:13", "10,000,000.00 元"]),
        Case(name: "adjustment points beyond Fixed's range", file: "adjustments.csv", replacing: "FM-004,加分,1.5",
             line: "FM-004,加分,92233720368547758,,12月18日参加县级应急演练表现突出,吴荣春", codes: ["D0108"], shows: ["adjustments.csv:2:3"]),
        Case(name: "ten billion adjustment points", file: "adjustments.csv", replacing: "FM-004,加分,1.5",
             line: "FM-004,加分,10000000000,,12月18日参加县级应急演练表现突出,吴荣春", codes: ["D0108"], shows: ["1000"]),
        Case(name: "a comma that is no thousands separator", file: "adjustments.csv", replacing: "FM-004,加分,1.5",
             line: "FM-004,加分,\"1,5\",,12月18日参加县级应急演练表现突出,吴荣春", codes: ["D0101"]),
        Case(name: "two cadres with one bank account", file: "cadres.csv", replacing: "FM-007,",
             line: "FM-007,罗红玉,522632198105063985,富民,富民-1网格,网格员,4,2019-06-23,,6217993614931923172,中国邮政储蓄银行榕江县支行,,",
             codes: ["D0304"], shows: ["FM-001", "第 2 行", "***************3172"]),
        Case(name: "a negative 专项附加扣除 would raise the tax", file: "cadres.csv", replacing: "FM-001,",
             line: "FM-001,吴荣春,522632197603221590,富民,,书记,7,2018-04-08,,6217993614931923172,中国邮政储蓄银行榕江县支行,13384445916,-1000",
             codes: ["D0108"], shows: ["cadres.csv:2:13", "“专项附加扣除”不能为负数"]),
        Case(name: "a line break pasted into a name, the bank file's 户名", file: "cadres.csv", replacing: "FM-001,",
             line: "FM-001,\"吴荣\n春\",522632197603221590,富民,,书记,7,2018-04-08,,6217993614931923172,中国邮政储蓄银行榕江县支行,13384445916,",
             codes: ["D0118"], shows: ["FM-001 的姓名中有看不见的字符"]),
        Case(name: "a zero-width space in a name", file: "cadres.csv", replacing: "FM-001,",
             line: "FM-001,吴荣\u{200B}春,522632197603221590,富民,,书记,7,2018-04-08,,6217993614931923172,中国邮政储蓄银行榕江县支行,13384445916,",
             codes: ["D0118"]),
        Case(name: "an absence of a shift stood", file: "duty.csv", replacing: nil,
             line: "FM-001,2020-12-01,白班,08:00,16:00,缺勤,", codes: ["D0206"]),
    ]

    /// A copy of the December sample in a folder of its own, with `c`'s change.
    static func month(_ c: Case) throws -> String {
        let root = PackagePaths.temporaryDirectory("broken-\(abs(c.name.hashValue))")
        let data = root + "/2020-12"
        try? FileManager.default.removeItem(atPath: data)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12"), toPath: data)
        let path = data + "/" + c.file
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        if let start = c.replacing {
            let i = try #require(lines.firstIndex { $0.hasPrefix(start) })
            lines[i] = c.line
        } else {
            lines.insert(c.line, at: lines.count - 1)
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return data
    }

    @Test(arguments: cases)
    func checkDataReportsItAndTheBatchStops(_ c: Case) throws {
        let data = try Self.month(c)
        let check = try CLI.run(["check-data", data, "--month", "2020-12", "--rules", "rules"])
        #expect(check.status == 65, "\(check.stdout)\(check.stderr)")
        for code in c.codes { #expect(check.stdout.contains("[\(code)]"), "missing \(code) in \(check.stdout)") }
        for text in c.shows { #expect(check.stdout.contains(text), "missing \(text) in \(check.stdout)") }
        // No personal data in full, whatever column it was in.
        #expect(!check.stdout.contains("6217993614931923172"))
        let root = URL(fileURLWithPath: data).deletingLastPathComponent().path
        let run = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root, "--rules", "rules", "--config", "jifen.json",
                               "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(run.status == 65, "\(run.stdout)\(run.stderr)")
        for code in c.codes { #expect((run.stdout + run.stderr).contains("[\(code)]"), "batch: missing \(code)") }
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
    }

    /// A roster value a pay line's table lacks is a warning at the roster cell (the line may
    /// not read the table for that cadre); here 基本工资 does, and the payroll stops at the cadre.
    @Test func aRosterValueBeyondATableWarnsAndThePayrollStopsAtTheCadre() throws {
        let c = Case(name: "岗位等级 beyond the table", file: "cadres.csv", replacing: "FM-001,",
                     line: "FM-001,吴荣春,522632197603221590,富民,,书记,19,2018-04-08,,6217993614931923172,中国邮政储蓄银行榕江县支行,13384445916,",
                     codes: ["D0305"])
        let data = try Self.month(c)
        let check = try CLI.run(["check-data", data, "--month", "2020-12", "--rules", "rules"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        for text in ["[D0305]", "cadres.csv:2:7", "岗位工资标准", "19"] { #expect(check.stdout.contains(text), "missing \(text) in \(check.stdout)") }
        let root = URL(fileURLWithPath: data).deletingLastPathComponent().path
        let run = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root, "--rules", "rules", "--config", "jifen.json",
                               "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(run.status != 0, "\(run.stdout)\(run.stderr)")
        for code in ["[D0305]", "[B0002]"] { #expect((run.stdout + run.stderr).contains(code), "batch: missing \(code)") }
        #expect(!(run.stdout + run.stderr).contains("6217993614931923172"))
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
    }

    /// 累计月数 counts the months before this one: in October at most 9 (an error beyond), and
    /// for a cadre hired this year at most the months since 入职日期 (a warning: a cadre rehired
    /// this year may have more).
    @Test func openingMonthsBeyondTheYearOrTheHiringDateAndNegativeBalancesAreReportedAtTheCell() throws {
        let root = PackagePaths.temporaryDirectory("broken-opening-months")
        let data = root + "/2020-10"
        try? FileManager.default.removeItem(atPath: data)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-10"), toPath: data)
        let path = data + "/opening.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "FM-001,40740.00,3326.40,0.00,0.00,9", with: "FM-001,40740.00,3326.40,0.00,0.00,10")
            .replacingOccurrences(of: "FM-005,31032.00,2520.00,0.00,0.00,6", with: "FM-005,31032.00,2520.00,0.00,0.00,8")
            // A negative balance would change the tax withheld: refused at the cell.
            .replacingOccurrences(of: "FM-002,52228.00,4233.60,0.00,89.83,9", with: "FM-002,52228.00,4233.60,0.00,-89.83,9")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check-data", data, "--month", "2020-10", "--rules", "rules"])
        #expect(check.status == 65, "\(check.stdout)\(check.stderr)")
        let out = check.stdout
        for shown in ["opening.csv:2:6: 错误[D0306]: FM-001 的累计月数为 10，超过了2020年10月以前本年的月数 9",
                      "opening.csv:6:6: 警告[D0406]: FM-005 的累计月数为 8，但 2020-04-21 入职，本年此前在职只有 6 个月",
                      "opening.csv:3:5: 错误[D0108]:"] {
            #expect(out.contains(shown), "missing \(shown) in \(out)")
        }
        // The sample's own openings agree with the roster: neither code.
        let sample = try CLI.run(["check-data", PackagePaths.path("samples/2020-10"), "--month", "2020-10", "--rules", "rules"])
        #expect(!sample.stdout.contains("D0306") && !sample.stdout.contains("D0406"), "\(sample.stdout)")
    }

    @Test func aFolderNamedLikeTheDutyFileIsAnErrorNotAMissingFile() throws {
        let root = PackagePaths.temporaryDirectory("broken-folder")
        let data = root + "/2020-12"
        try? FileManager.default.removeItem(atPath: data)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12"), toPath: data)
        try FileManager.default.removeItem(atPath: data + "/duty.csv")
        try FileManager.default.createDirectory(atPath: data + "/duty.csv", withIntermediateDirectories: true)
        let check = try CLI.run(["check-data", data, "--month", "2020-12", "--rules", "rules"])
        #expect(check.status == 65)
        #expect(check.stdout.contains("[D0002]"))
        #expect(check.stdout.contains("文件夹"))
        #expect(!check.stdout.contains("[D0022]"))
    }

    @Test func aNamedPipeNamedLikeTheDutyFileIsRefusedWithoutWaiting() throws {
        let root = PackagePaths.temporaryDirectory("broken-fifo")
        let data = root + "/2020-12"
        try? FileManager.default.removeItem(atPath: data)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12"), toPath: data)
        try FileManager.default.removeItem(atPath: data + "/duty.csv")
        #expect(mkfifo(data + "/duty.csv", 0o644) == 0)
        let check = try CLI.run(["check-data", data, "--month", "2020-12", "--rules", "rules"])
        #expect(check.status == 65)
        #expect(check.stdout.contains("[D0002]"))
        #expect(check.stdout.contains("命名管道"))
        let run = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--data", root, "--rules", "rules", "--config", "jifen.json",
                               "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(run.status == 65)
        #expect((run.stdout + run.stderr).contains("[D0002]"))
    }
}
