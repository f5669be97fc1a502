@testable import Batch
import Diagnostics
import Reports
import Store
import Exact
import Foundation
import TestSupport
import Testing

/// The batch on a copy of the December sample with a rules change that makes a value
/// impossible: the month stops with a located error, never a crash or a wrong payroll.
struct BrokenMonthTests {
    /// A copy of the sample rules with `old` replaced by `new` (once), and of December.
    static func setUp(_ name: String, rules old: String, _ new: String,
                      adjust: ((inout String) -> Void)? = nil) throws -> (rules: String, data: String, root: String) {
        let root = PackagePaths.temporaryDirectory(name)
        let rules = root + "/rules", data = root + "/2020-12"
        try FileManager.default.copyItem(atPath: PackagePaths.path("rules"), toPath: rules)
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/2020-12"), toPath: data)
        let file = rules + "/榕江县积分管理考核办法.jifen"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(toFile: file, atomically: true, encoding: .utf8)
        if let adjust {
            var csv = try String(contentsOfFile: data + "/adjustments.csv", encoding: .utf8)
            adjust(&csv)
            try csv.write(toFile: data + "/adjustments.csv", atomically: true, encoding: .utf8)
        }
        return (rules, data, root)
    }

    static func run(_ s: (rules: String, data: String, root: String)) -> BatchOutcome {
        BatchRunner(options: BatchTests.options(month: "2020-12", data: s.data, rules: s.rules, store: s.root + "/s.sqlite", out: s.root + "/out")).run()
    }

    @Test func aPayLineThatCannotBeComputedNamesTheRosterRowAndTheValuesItReads() throws {
        // 岗位等级 − 7 is zero for FM-001 (岗位等级 7): its 基本工资 divides by zero.
        let s = try Self.setUp("b0002", rules: "= 岗位工资标准（岗位等级） {", "= 岗位工资标准（岗位等级） ÷ （岗位等级 − 7） {")
        let outcome = Self.run(s)
        #expect(outcome.stopped)
        let d = try #require(outcome.diagnostics.first { $0.code == "B0002" })
        #expect(d.location == .row(path: s.data + "/cadres.csv", line: 2, column: nil, columnName: nil))
        #expect(d.summary.zh.contains("FM-001") && d.summary.zh.contains("基本工资"))
        #expect(d.notes.map(\.zh) == ["用到花名册的“岗位等级” = 7（cadres.csv 第 2 行第 7 列）"])
        #expect(d.help?.zh.contains("除以了零") == true)
    }

    @Test func anAdjustmentBeyondTheRulesLimitIsRefusedNamingTheRule() throws {
        let s = try Self.setUp("limit", rules: "参数 分值 （依据 第十二条） {", "参数 调整分值上限 （依据 第九条） = 10 分\n\n参数 分值 （依据 第十二条） {") { csv in
            csv = csv.replacingOccurrences(of: "FM-004,加分,1.5,", with: "FM-004,加分,10.5,")
        }
        let outcome = Self.run(s)
        #expect(outcome.stopped)
        let d = try #require(outcome.diagnostics.first { $0.code == "D0108" })
        #expect(d.location == .row(path: s.data + "/adjustments.csv", line: 2, column: 3, columnName: "分值"))
        #expect(d.expected?.zh == "绝对值不超过 10（规则“调整分值上限”）")
    }

    @Test func aLongValueIsMaskedBeforeItIsCut() throws {
        // An ID number across the 40-character cut of the value a message shows: masked whole
        // (cut first, its first ten digits showed).
        let value = String(repeating: "很", count: 29) + " 522632199001011234"
        let s = try Self.setUp("mask-cut", rules: "参数 分值 （依据 第十二条） {", "参数 分值 （依据 第十二条） {") { csv in
            csv = csv.replacingOccurrences(of: "FM-004,加分,1.5,", with: "FM-004,加分,\(value),")
        }
        let outcome = Self.run(s)
        let d = try #require(outcome.diagnostics.first { $0.location == .row(path: s.data + "/adjustments.csv", line: 2, column: 3, columnName: "分值") })
        let found = try #require(d.found)
        #expect(found.hasPrefix(String(repeating: "很", count: 29)))
        #expect(!found.contains("5226321990") && !found.contains("199001011234"), "\(found)")
    }

    @Test func cadresWhose工号DifferOnlyInLeadingZerosAreTwoCadres() throws {
        // Records match a 工号 exactly, so the roster's keys are not folded as records' 编号
        // are: FM-0001 is another cadre than FM-001, not a duplicate of it.
        let s = try Self.setUp("roster-keys", rules: "参数 分值 （依据 第十二条） {", "参数 分值 （依据 第十二条） {")
        var roster = try String(contentsOfFile: s.data + "/cadres.csv", encoding: .utf8)
        roster += "FM-0001,吴新,\(RulesTestRunner.idNumber(901)),富民,,委员,7,2018-04-08,,6217993614931929999,中国邮政储蓄银行榕江县支行,,\n"
        try roster.write(toFile: s.data + "/cadres.csv", atomically: true, encoding: .utf8)
        let outcome = Self.run(s)
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map { DiagnosticRenderer(language: .en).header($0) })")
        #expect(!outcome.stopped)
    }

    @Test func pointsBeyondAnyScoreStopTheMonthAtTheCadre() throws {
        // Each adjustment's points times 10¹⁴: 1000 points come to 10¹⁷, past any score (and,
        // added to the base's places, past exact numbers).
        let s = try Self.setUp("overflow", rules: "  每条 分值\n", "  每条 分值 × 100000000000000\n") { csv in
            csv = csv.replacingOccurrences(of: "FM-004,加分,1.5,", with: "FM-004,加分,1000,")
        }
        let outcome = Self.run(s)
        #expect(outcome.stopped)
        let d = try #require(outcome.diagnostics.first { $0.code == "B0007" }, "\(outcome.diagnostics.map(\.code))")
        // FM-001's 1.5 points come to 1.5 × 10¹⁴ too: the first cadre on the roster is named.
        #expect(d.location == .row(path: s.data + "/cadres.csv", line: 2, column: nil, columnName: nil))
        #expect(d.summary.zh == "FM-001 的“人工调整”超出了可计算的范围")
        #expect(d.notes.count == 1)  // 共 N 人: every cadre with an adjustment
    }
    @Test func itemsEachWithinBoundsWhoseSumIsBeyondExactNumbersStopTheMonth() throws {
        // Two items scored as a whole at ten places, 6 × 10⁸ points each: each fits, their sum
        // at ten places does not. The month stops with B0007 at the cadre (it trapped before).
        let s = try Self.setUp("sum-overflow", rules: "计 天数（日期） × 0.5 分\n  每月上限 8 分", "计 天数（日期） × 0 分 + 600000000.0000000001 分")
        let file = s.rules + "/榕江县积分管理考核办法.jifen"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "则 1 分 否则 0 分", with: "则 600000000.0000000001 分 否则 600000000.0000000001 分")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = Self.run(s)
        #expect(outcome.stopped)
        let d = try #require(outcome.diagnostics.first { $0.code == "B0007" }, "\(outcome.diagnostics.map(\.code))")
        #expect(d.location == .row(path: s.data + "/cadres.csv", line: 2, column: nil, columnName: nil))
        #expect(d.summary.zh == "FM-001 的“集中培训”超出了可计算的范围")
    }
    @Test func anItemScoredAsAWholeBeyondExactNumbersStopsTheMonthRatherThanCountingZero() throws {
        // 天数 × 5 × 10¹⁸ overflows for anyone with two days of visits: the total is blank, as
        // a quotient by zero is, but it must not count as 0 points (it did).
        let s = try Self.setUp("total-overflow", rules: "计 天数（日期） × 0.5 分\n  每月上限 8 分", "计 天数（日期） × 5000000000000000000 分")
        let outcome = Self.run(s)
        #expect(outcome.stopped)
        let d = try #require(outcome.diagnostics.first { $0.code == "B0007" }, "\(outcome.diagnostics.map(\.code))")
        #expect(d.summary.zh.hasSuffix("的“入户走访”超出了可计算的范围"), "\(d.summary.zh)")
    }
    @Test func anAdjustmentAmountNoPayLineReadsIsRefusedAtTheCell() throws {
        // 报酬调整 no longer sums the adjustments' 金额: WL-007's −200.00 would be counted as used
        // and change nothing. It is refused at its cell (D0220) and the month stops.
        let s = try Self.setUp("unread-amount", rules: "= 合计（金额 来自 调整 其中 金额 ≠ 空）", "= 0 元")
        let outcome = Self.run(s)
        #expect(outcome.stopped)
        let refused = outcome.diagnostics.filter { $0.code == "D0220" }
        #expect(refused.count == 3, "\(outcome.diagnostics.map(\.code))")
        let d = try #require(refused.first)
        #expect(d.location == .row(path: s.data + "/adjustments.csv", line: 5, column: 4, columnName: "金额"))
        #expect(d.summary.zh.contains("没有任何工资项目汇总调整的金额"))
    }

    @Test func anAdjustmentAmountIsPaidInTheMonth() throws {
        // The sample rules pay adjustments' amounts as 报酬调整: WL-007's 扣回多发 −200.00 and
        // YG-005's 交通补贴 150.00 reach their net pay.
        let s = try Self.setUp("paid-amount", rules: "参数 分值 （依据 第十二条） {", "参数 分值 （依据 第十二条） {")
        let outcome = Self.run(s)
        #expect(!outcome.stopped, "\(outcome.diagnostics.map(\.code))")
        let r = try #require(outcome.results)
        let wl007 = try #require(r.cadres.first { $0.cadreID == "WL-007" })
        #expect(wl007.pay.amount(of: "报酬调整") == Money(fen: -20000))
        let yg005 = try #require(r.cadres.first { $0.cadreID == "YG-005" })
        #expect(yg005.pay.amount(of: "报酬调整") == Money(fen: 15000))
        #expect(r.reconciles)
    }
    @Test func aYearsFirstRunAfterJanuaryNeedsAnOpeningFileWhenTheStoreRanLastYear() throws {
        // December 2020 is stored; June 2021 without January–May or an opening file would
        // withhold tax on June's income against six months' allowance.
        let root = PackagePaths.temporaryDirectory("year-gap")
        let store = root + "/s.sqlite", out = root + "/out"
        let december = BatchRunner(options: BatchTests.options(month: "2020-12", data: PackagePaths.path("samples/2020-12"), store: store, out: out)).run()
        #expect(!december.stopped)
        var options = BatchTests.options(month: "2021-06", data: PackagePaths.path("samples/2021-06"), store: store, out: out)
        options.noEarlierIncome = false
        let june = BatchRunner(options: options).run()
        #expect(june.stopped)
        let d = try #require(june.diagnostics.first { $0.code == "S0007" }, "\(june.diagnostics.map(\.code))")
        #expect(d.summary.zh.contains("2021-01、2021-02、2021-03、2021-04、2021-05"), "\(d.summary.zh)")
    }
    @Test func anIDNumberTypedInAnAdjustmentsReasonIsMaskedInTheResults() throws {
        let s = try Self.setUp("reason-id", rules: "参数 分值 （依据 第十二条） {", "参数 分值 （依据 第十二条） {") { csv in
            csv = csv.replacingOccurrences(of: "12月18日参加县级应急演练表现突出", with: "12月18日应急演练表现突出，身份证522632197603221590")
        }
        let outcome = Self.run(s)
        #expect(!outcome.stopped, "\(outcome.diagnostics.map(\.code))")
        let r = try #require(outcome.results)
        let fm004 = try #require(r.cadres.first { $0.cadreID == "FM-004" })
        let reason = try #require(fm004.score.lines.first { $0.kind == .adjustment }?.reason)
        #expect(reason.hasPrefix("12月18日应急演练表现突出，身份证"), "\(reason)")
        #expect(!reason.contains("522632197603221590"), "\(reason)")
    }
    @Test func aSupersededRunsReportsNeverTakeTheMonthsFolder() throws {
        // Run 1 is superseded by run 2: writing run 1 again goes beside 2020-12/, whose bank
        // file stays run 2's.
        let root = PackagePaths.temporaryDirectory("superseded-report")
        let store = root + "/s.sqlite", out = root + "/out"
        for _ in 0..<2 {
            let o = BatchRunner(options: BatchTests.options(month: "2020-12", data: PackagePaths.path("samples/2020-12"), store: store, out: out)).run()
            #expect(!o.stopped)
        }
        let written = try ReportRewriter.write(store: try RunStore(path: store), runID: 1, settings: ReportSettings(), outFolder: out)
        #expect(written.values.allSatisfy { $0.hasPrefix(out + "/2020-12-运行1-已被替代/") }, "\(written)")
        let marker = try String(contentsOfFile: out + "/2020-12/.jifen-run", encoding: .utf8)
        #expect(marker.hasPrefix("run 2\n"), "\(marker)")
    }
}
