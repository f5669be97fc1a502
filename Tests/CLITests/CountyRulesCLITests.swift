import Foundation
import TestSupport
import Testing

/// Another county's regulation, written from docs/ alone (the 剑河县 findings): its own
/// sources under the names the sample county uses, its own ranges, a table by an enumeration,
/// adjustment limits and a 其余 tier. The built binary on real files, as its clerk runs it.
struct CountyRulesCLITests {
    static let rules = """
        数据源 花名册 （文件 “cadres”） {
          工号：文本
          姓名：文本
          社区：文本
          岗位：文本
          岗位等级：整数
          入职日期：日期型
          离职日期：日期型，可空
        }

        # 本县的值班台账与榕江县样例同名，列却不同：没有班次、开始、结束。
        数据源 值班 （文件 “值班”） {
          工号：文本
          日期：日期型
          班别：枚举（白班、夜班）
          日期类型：枚举（工作日、节假日）
          状态：枚举（在岗、缺岗）
        }

        数据源 学习 （文件 “学习”） {
          工号：文本
          日期：日期型
          课程：文本
          学时：小数，最低 0，最高 12
        }

        数据源 调整 （文件 “调整”） {
          工号：文本
          项目：文本
          分值：积分型，可空
          金额：金额型，可空
          原因：文本，可空
          批准人：文本
        }

        基础分 （依据 第四条） 60 分

        对照表 夜班分值 （依据 第五条） 按 日期类型 {
          节假日：4 分
          工作日：2 分
        }

        积分项 夜班值守 （依据 第五条） {
          取 值班 其中 班别 = 夜班 且 状态 = 在岗
          每条 夜班分值（日期类型）
          每月上限 24 分
        }

        积分项 学习培训 （依据 第六条） {
          取 学习
          每条 学时 × 0.5 分
          每月上限 6 分
        }

        扣分项 值班缺岗 （依据 第七条） {
          取 值班 其中 状态 = 缺岗
          每条 5 分
        }

        调整项 人工调整 （依据 第八条） {
          取 调整 其中 分值 ≠ 空
          每条 分值
          须注明 原因、批准人
        }

        参数 调整分值上限 （依据 第八条） = 10 分

        参数 调整金额上限 （依据 第八条） = 50000 元

        等次评定 （依据 第九条） {
          优秀：得分 ≥ 85 分
          合格：70 分 ≤ 得分 < 85 分
          基本合格：60 分 ≤ 得分 < 70 分
          不合格：其余
          排序 得分 从高到低、工号 从低到高
        }

        参数 分值 = 12 元

        应发项 绩效奖金 （依据 第十条） = 得分 × 分值 {
          舍入 四舍五入 到分
        }

        应发项 报酬调整 （依据 第八条） = 合计（金额 来自 调整 其中 金额 ≠ 空）

        实发项 实发工资 = 绩效奖金 + 报酬调整

        """

    /// A project folder: the rules above (changed by `edit`), the sample's 2020-12 roster of
    /// 富民 and 卧龙, and a month of records for three of its cadres.
    static func project(_ name: String, edit: (String) -> String = { $0 }, training: String = "") throws -> String {
        let root = PackagePaths.temporaryDirectory("county-" + name)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/rules", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/data/2020-12", withIntermediateDirectories: true)
        try edit(rules).write(toFile: root + "/rules/剑河县办法.jifen", atomically: true, encoding: .utf8)
        let roster = try String(contentsOfFile: PackagePaths.path("samples/2020-12/cadres.csv"), encoding: .utf8)
        let kept = roster.split(separator: "\n").filter { $0.hasPrefix("工号") || $0.hasPrefix("FM-001,") || $0.hasPrefix("FM-002,") || $0.hasPrefix("FM-003,") }
        try (kept.joined(separator: "\n") + "\n").write(toFile: root + "/data/2020-12/cadres.csv", atomically: true, encoding: .utf8)
        // FM-001: night shifts on a working day and a holiday; FM-002: three absences (45 分,
        // the 其余 tier); FM-003: no records at all.
        try """
            工号,日期,班别,日期类型,状态
            FM-001,2020-12-01,夜班,工作日,在岗
            FM-001,2020-12-02,夜班,工作日,在岗
            FM-001,2020-12-25,夜班,节假日,在岗
            FM-002,2020-12-03,白班,工作日,缺岗
            FM-002,2020-12-04,白班,工作日,缺岗
            FM-002,2020-12-05,白班,工作日,缺岗

            """.write(toFile: root + "/data/2020-12/值班.csv", atomically: true, encoding: .utf8)
        try ("工号,日期,课程,学时\nFM-001,2020-12-10,政策学习,4\n" + training)
            .write(toFile: root + "/data/2020-12/学习.csv", atomically: true, encoding: .utf8)
        try "工号,项目,分值,金额,原因,批准人\n".write(toFile: root + "/data/2020-12/调整.csv", atomically: true, encoding: .utf8)
        return root
    }

    static func run(_ root: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CLI.run(arguments, in: root)
    }

    static func checkData(_ root: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(root, ["check-data", "data/2020-12", "--month", "2020-12", "--rules", "rules"])
    }

    // MARK: - Finding 4: the sample's source names bring no hidden columns

    @Test func aSourceNamedLikeTheSamplesHasOnlyItsDeclaredColumns() throws {
        let root = try Self.project("names")
        let check = try Self.run(root, ["check", "rules"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let r = try Self.checkData(root)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(!r.stdout.contains("D0024") && !r.stdout.contains("班次") && !r.stdout.contains("开始"), "\(r.stdout)")
        // And a column the county did declare is still required of its file.
        try "工号,日期,班别,状态\nFM-001,2020-12-01,夜班,在岗\n".write(toFile: root + "/data/2020-12/值班.csv", atomically: true, encoding: .utf8)
        let missing = try Self.checkData(root)
        #expect(missing.status == 65 && missing.stdout.contains("缺少必填列“日期类型”"), "\(missing.stdout)")
    }

    // MARK: - Finding 5: a county's own range for a numeric column

    @Test func aDeclaredRangeRefusesValuesOutsideItAtTheCellAndShowsInTheTemplate() throws {
        let root = try Self.project("range", training: "FM-002,2020-12-20,补录,-2\nFM-003,2020-12-21,集中培训,12.5\nFM-003,2020-12-22,集中培训,12\n")
        let r = try Self.checkData(root)
        #expect(r.status == 65, "\(r.stdout)")
        #expect(r.stdout.contains("学习.csv:3:4: 错误[D0108]: “学时”的数值超出合理范围"), "\(r.stdout)")
        #expect(r.stdout.contains("学习.csv:4:4: 错误[D0108]"), "\(r.stdout)")
        #expect(r.stdout.contains("应为: 数字（最多 4 位小数） [0, 12]"), "\(r.stdout)")
        #expect(!r.stdout.contains("学习.csv:5:4: 错误"), "12 is inside the range: \(r.stdout)")
        // The template's validation and prompt give the same range.
        let out = root + "/tpl"
        let t = try Self.run(root, ["template", "--month", "2020-12", "--data", "data", "--rules", "rules", "--out", out])
        #expect(t.status == 0, "\(t.stdout)\(t.stderr)")
        let sheet = try #require(try XlsxFile(path: out + "/学习.xlsx").sheets.first)
        let v = try #require(sheet.validations.first { $0.promptTitle == "学时" })
        #expect(v.type == "decimal" && v.formula1 == "0" && v.formula2 == "12", "\(v)")
        #expect(v.prompt.contains("0 至 12") && !v.prompt.contains("可为负数"), "\(v.prompt)")
    }

    // MARK: - Finding 6: the adjustments template bounds what check-data bounds

    @Test func theAdjustmentsTemplateUsesTheRulesLimits() throws {
        let root = try Self.project("limits")
        let out = root + "/tpl"
        let t = try Self.run(root, ["template", "--month", "2020-12", "--data", "data", "--rules", "rules", "--out", out])
        #expect(t.status == 0, "\(t.stdout)\(t.stderr)")
        let sheet = try #require(try XlsxFile(path: out + "/调整.xlsx").sheets.first)
        let points = try #require(sheet.validations.first { $0.promptTitle == "分值" })
        #expect(points.type == "decimal" && points.formula1 == "-10" && points.formula2 == "10", "\(points)")
        #expect(points.prompt.contains("调整分值上限"), "\(points.prompt)")
        let amount = try #require(sheet.validations.first { $0.promptTitle == "金额" })
        #expect(amount.type == "decimal" && amount.formula1 == "-50000" && amount.formula2 == "50000", "\(amount)")
        #expect(amount.prompt.contains("调整金额上限"), "\(amount.prompt)")
        // check-data refuses just beyond them and accepts them.
        try "工号,项目,分值,金额,原因,批准人\nFM-001,加分,10,,协助抢险,局长\nFM-002,加分,10.01,,协助抢险,局长\nFM-003,报酬调整,,50000.01,补发,局长\n"
            .write(toFile: root + "/data/2020-12/调整.csv", atomically: true, encoding: .utf8)
        let r = try Self.checkData(root)
        #expect(r.stdout.contains("调整.csv:3:3: 错误[D0108]") && r.stdout.contains("调整.csv:4:4: 错误[D0108]"), "\(r.stdout)")
        #expect(!r.stdout.contains("调整.csv:2:"), "\(r.stdout)")
    }

    /// The templates are the rules' sources however the rules name the roster (validated as
    /// the standard 花名册 it is).
    @Test func aRosterNamedOtherwiseStillGetsItsTemplate() throws {
        let root = try Self.project("roster-name") { $0.replacingOccurrences(of: "数据源 花名册 （文件 “cadres”）", with: "数据源 人员名单 （文件 “cadres”）") }
        let out = root + "/tpl"
        let t = try Self.run(root, ["template", "--month", "2020-12", "--data", "data", "--rules", "rules", "--out", out])
        #expect(t.status == 0, "\(t.stdout)\(t.stderr)")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        #expect(files == ["花名册.xlsx", "值班.xlsx", "学习.xlsx", "调整.xlsx"], "\(files)")
    }

    // MARK: - Finding 8: D0405 names the rules' own sources

    @Test func aCadreWithoutRecordsIsWarnedInTheRulesOwnWords() throws {
        let root = try Self.project("activity")
        let r = try Self.checkData(root)
        #expect(r.stdout.contains("警告[D0405]: FM-003 本月没有任何值班或学习记录"), "\(r.stdout)")
        #expect(!r.stdout.contains("服务"), "\(r.stdout)")
    }

    // MARK: - Finding 2: a table by an enumeration must cover every value

    @Test func aTableByAnEnumerationWithoutEveryValueIsAnError() throws {
        let root = try Self.project("table") { $0.replacingOccurrences(of: "  工作日：2 分\n", with: "") }
        let r = try Self.run(root, ["check", "rules"])
        #expect(r.status == 65, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("错误[R0322]: 对照表“夜班分值”缺少“日期类型”的取值“工作日”"), "\(r.stdout)")
        #expect(r.stdout.contains("其余"), "\(r.stdout)")
        // An 其余 row answers it.
        let fixed = try Self.project("table-otherwise") { $0.replacingOccurrences(of: "  工作日：2 分\n", with: "  其余：0 分\n") }
        let ok = try Self.run(fixed, ["check", "rules"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
    }

    // MARK: - Finding 10: the 其余 tier has a reason too

    @Test func aCadreInTheOtherwiseTierIsGivenAReason() throws {
        let root = try Self.project("otherwise")
        let e = try Self.run(root, ["explain", "data/2020-12", "--month", "2020-12", "--rules", "rules", "--cadre", "FM-002"])
        #expect(e.status == 0, "\(e.stdout)\(e.stderr)")
        #expect(e.stdout.contains("等次：不合格"), "\(e.stdout)")
        #expect(e.stdout.contains("未达到基本合格的条件“60 分 ≤ 得分 < 70 分” → 不合格"), "\(e.stdout)")
        let b = try Self.run(root, ["batch", "run", "--month", "2020-12", "--data", "data", "--rules", "rules",
                                    "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet", "--no-earlier-income"])
        #expect(b.status == 0, "\(b.stdout)\(b.stderr)")
        let sheet = try #require(try XlsxFile(path: root + "/out/2020-12/积分明细.xlsx").sheet("富民"))
        let texts = sheet.cells.map(\.value)
        #expect(texts.contains("未达到基本合格条件（60 分 ≤ 得分 < 70 分），评为不合格"), "\(texts.filter { $0.contains("条件") })")
    }
}
