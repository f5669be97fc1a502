import Foundation
import TestSupport
import Testing

/// The fifteen sample months (2020-10 … 2021-12) run in order into one store by the built
/// binary, as `make demo` will run the year: every month clean, 2021 opening from the store
/// (no opening.csv), and January 2021 reading 2020's year-end figures for the 60,000-yuan rule.
struct SampleYearCLITests {
    static let months = ["2020-10", "2020-11", "2020-12"] + (1...12).map { String(format: "2021-%02d", $0) }

    @Test func theFifteenSampleMonthsRunInOrderIntoOneStore() throws {
        let root = PackagePaths.temporaryDirectory("sample-year")
        let store = root + "/jifen.sqlite"
        for m in Self.months {
            let r = try CLI.run(["batch", "run", "--month", m, "--store", store, "--out", root + "/out", "--quiet", "--reports", "payroll"])
            #expect(r.status == 0, "\(m): \(r.stdout.suffix(600)) \(r.stderr.suffix(600))")
            // Every row used: no rejected or ignored rows in any month.
            #expect(r.stdout.contains("忽略 0、拒绝 0"), "\(m): \(r.stdout.suffix(600))")
        }
        #expect(!FileManager.default.fileExists(atPath: PackagePaths.path("samples/2021-01/opening.csv")))
        let list = try CLI.run(["batch", "list", "--store", store])
        #expect(list.status == 0)
        for m in Self.months { #expect(list.stdout.contains(m), "\(m) missing from batch list") }

        // FM-012: in post all 2020, 41,944.08 in 2020 (after November's 扣回多发 of 200.00) → 60,000 from January 2021, no tax.
        let qualifying = try Self.explain("2021-01", "FM-012", store)
        #expect(qualifying.contains("[计算] 累计减除费用  60,000.00 元"))
        #expect(qualifying.contains("上年任职月数 = 12"))
        #expect(qualifying.contains("上年累计（收入） = 41,944.08"))
        #expect(qualifying.contains("[扣款] 个人所得税  0.00 元"))
        // YG-005 was hired in 2020 (9 months), TH-008 earned 60,640.xx in 2020: 5,000 a month.
        let midYear = try Self.explain("2021-01", "YG-005", store)
        #expect(midYear.contains("[计算] 累计减除费用  5,000.00 元"))
        #expect(midYear.contains("上年任职月数 = 9"))
        let above = try Self.explain("2021-01", "TH-008", store)
        #expect(above.contains("[计算] 累计减除费用  5,000.00 元"))
        #expect(above.contains("上年任职月数 = 12"))
        // YG-013 joined on 2021-01-04: nothing stored for 2020.
        let joiner = try Self.explain("2021-01", "YG-013", store)
        #expect(joiner.contains("上年任职月数 = 0"))
        #expect(joiner.contains("[计算] 累计减除费用  5,000.00 元"))
        // 2020 is as before: no 2019 in the store, the old line.
        let december = try Self.explain("2020-12", "FM-012", store)
        #expect(!december.contains("累计减除费用"))

        // The year 2021 (make demo's): refused while its months are open, then each closed and
        // the annual assessment run over them.
        let open = try CLI.run(["year", "run", "--year", "2021", "--store", store, "--out", root + "/out"])
        #expect(open.status == 65 && open.stdout.contains("B0061"), "\(open.stdout)")
        for m in Self.months where m.hasPrefix("2021") {
            let close = try CLI.run(["batch", "close", "--month", m, "--store", store, "--actor", "民政局"])
            #expect(close.status == 0, "\(m): \(close.stdout)")
        }
        let year = try CLI.run(["year", "run", "--year", "2021", "--store", store, "--out", root + "/out", "--actor", "民政局"])
        #expect(year.status == 0, "\(year.stdout)\(year.stderr)")
        // 51 cadres of the year: the four struck by a month's veto (WL-006 in March, YG-006 in
        // June, TH-004 in September, FM-009 in November) are 不称职 for the year; TH-013 (3
        // months) and WL-013 (5) are in post fewer than 6 months: 不定等次.
        #expect(year.stdout.contains("干部 51 人；等次 优秀 0、称职 45、基本称职 0、不称职 4、不定等次 2"), "\(year.stdout)")
        #expect(year.stdout.contains("读取月份（运行）：1月#"), "\(year.stdout)")
        for name in ["年度考核表.xlsx", "年度公示表.xlsx", "年终奖发放表.xlsx", "年终奖银行代发.xlsx", "全年一次性奖金收入.xlsx", "年度个税明细.xlsx", "年度等次统计.xlsx"] {
            #expect(FileManager.default.fileExists(atPath: root + "/out/2021-年度/" + name), "\(name)")
        }
        let assessment = try XlsxFile(path: root + "/out/2021-年度/年度考核表.xlsx")
        let cells = assessment.sheets.flatMap(\.cells).map(\.value)
        for id in ["WL-006", "YG-006", "TH-004", "FM-009", "TH-013", "WL-013"] { #expect(cells.contains(id), "\(id)") }
        #expect(cells.contains("不定等次") && cells.contains("不称职"))
    }

    static func explain(_ month: String, _ cadre: String, _ store: String) throws -> String {
        let r = try CLI.run(["explain", "samples/\(month)", "--cadre", cadre, "--store", store])
        #expect(r.status == 0, "\(month) \(cadre): \(r.stderr)")
        return r.stdout
    }
}
