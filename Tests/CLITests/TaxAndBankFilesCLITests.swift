import Foundation
import TestSupport
import Testing

/// The tax office's import file and one bank file per bank, written by the batch from the
/// sample months through the built binary, read back as xlsx (issue 13 items 5 and 6).
struct TaxAndBankFilesCLITests {
    static let config = "scripts/report-roundtrip.json"

    static func fen(_ text: String?) -> Int64 {
        guard let text, let d = Double(text) else { return 0 }
        return Int64((d * 100).rounded())
    }

    /// Σ of a column, by header, over the rows after the header row `headerRow`; the row
    /// `skipLast` rows from the end excluded (a payroll's 合计 row).
    static func total(_ sheet: XlsxFile.Sheet, _ header: String, headerRow: Int = 0, skipLast: Int = 0) -> Int64? {
        let rows = sheet.rows
        guard let col = rows[headerRow].first(where: { $0.value == header })?.col else { return nil }
        return rows[(headerRow + 1)..<(rows.count - skipLast)].map { row in fen(row.first { $0.col == col }?.value) }.reduce(0, +)
    }

    @Test func theBatchWritesTheTaxFileAndOneBankFilePerBankThatAddUp() throws {
        let root = PackagePaths.temporaryDirectory("cli-taxbank")
        for month in ["2020-11", "2020-12"] {
            let r = try CLI.run(["batch", "run", "--no-earlier-income", "--month", month, "--config", Self.config, "--store", root + "/s.sqlite", "--out", root + "/out", "--quiet"])
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        }
        let folder = root + "/out/2020-12"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xlsx") }.sorted()
        #expect(files.contains("个人所得税扣缴申报.xlsx"))
        #expect(files.contains("银行代发-农商行.xlsx") && files.contains("银行代发-邮储银行.xlsx") && files.contains("银行代发-其他银行.xlsx"))
        #expect(!files.contains("银行代发.xlsx"))

        let payroll = try #require(try XlsxFile(path: folder + "/工资表.xlsx").sheet("工资表"))
        let header = payroll.rows[2]
        let totals = try #require(payroll.rows.last)
        func payrollTotal(_ name: String) throws -> Int64 {
            let col = try #require(header.first { $0.value == name }?.col, "工资表 has no \(name)")
            return Self.fen(totals.first { $0.col == col }?.value)
        }
        // The bank files add up to Σ 实发, each holding only its bank's accounts.
        let rural = try #require(try XlsxFile(path: folder + "/银行代发-农商行.xlsx").sheets.first)
        let postal = try #require(try XlsxFile(path: folder + "/银行代发-邮储银行.xlsx").sheets.first)
        let other = try #require(try XlsxFile(path: folder + "/银行代发-其他银行.xlsx").sheets.first)
        #expect(postal.rows[0].map(\.value) == ["收款人姓名", "收款人账号", "交易金额", "身份证号", "附言"])
        let ruralTotal = try #require(Self.total(rural, "金额")), postalTotal = try #require(Self.total(postal, "交易金额"))
        let otherTotal = try #require(Self.total(other, "金额"))
        #expect(ruralTotal > 0 && postalTotal > 0)
        #expect(ruralTotal + postalTotal + otherTotal == (try payrollTotal("实发金额")))
        let roster = try String(contentsOfFile: "samples/2020-12/cadres.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let postalAccounts = Set(roster.filter { $0[10].contains("邮政储蓄") }.map { $0[9] })
        #expect(postal.rows.dropFirst().allSatisfy { postalAccounts.contains($0[1].value) && $0[1].numberFormat == "@" })
        #expect(rural.rows.dropFirst().allSatisfy { !postalAccounts.contains($0[0].value) })

        // The tax file: a row per cadre on the payroll, its totals the payroll's to the 分.
        let tax = try #require(try XlsxFile(path: folder + "/个人所得税扣缴申报.xlsx").sheet("正常工资薪金收入"))
        #expect(tax.rows[0].count == 24 && tax.rows[0][1].value == "*姓名" && tax.rows[0][23].value == "备注")
        #expect(tax.rows.count - 1 == payroll.rows.count - 4)
        #expect(Self.total(tax, "本期收入") == (try payrollTotal("应发合计")))
        #expect(Self.total(tax, "基本养老保险费") == (try payrollTotal("养老保险")))
        #expect(Self.total(tax, "基本医疗保险费") == (try payrollTotal("医疗保险")))
        #expect(Self.total(tax, "失业保险费") == (try payrollTotal("失业保险")))
        let ids = Set(roster.map { $0[2] })
        #expect(tax.rows.dropFirst().allSatisfy { ids.contains($0[3].value) && $0[3].numberFormat == "@" })

        // jifen report --run writes the same bytes again from the store.
        let again = try CLI.run(["report", "--run", "2", "--config", Self.config, "--store", root + "/s.sqlite", "--out", root + "/again"])
        #expect(again.status == 0, "\(again.stdout)")
        for name in ["个人所得税扣缴申报.xlsx", "银行代发-农商行.xlsx", "银行代发-邮储银行.xlsx", "银行代发-其他银行.xlsx"] {
            let a = FileManager.default.contents(atPath: folder + "/" + name), b = FileManager.default.contents(atPath: root + "/again/2020-12/" + name)
            #expect(a != nil && a == b, "\(name) differs")
        }
    }

    @Test func aCadreNoBankTakesStopsTheBatchAtHisRosterRow() throws {
        let root = PackagePaths.temporaryDirectory("cli-nobank")
        let config = root + "/jifen.json"
        try """
        { "reports": { "banks": [ { "name": "农商行", "match": ["农村商业银行"] } ] } }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let r = try CLI.run(["batch", "run", "--no-earlier-income", "--month", "2020-12", "--config", config, "--store", root + "/s.sqlite", "--out", root + "/out"])
        #expect(r.status != 0)
        #expect(r.stdout.contains("错误[B0040]"), "\(r.stdout)")
        #expect(r.stdout.contains("cadres.csv:2"), "the first postal cadre's row: \(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/2020-12"))
        // Nothing stored: the month has no run.
        let list = try CLI.run(["batch", "list", "--store", root + "/s.sqlite"])
        #expect(!list.stdout.contains("2020-12"))
    }

    /// The roster's optional per-category columns (子女教育 …) feed the tax file's 累计
    /// columns through the rules, and give the same tax as the single 专项附加扣除 total.
    @Test func specialDeductionCategoriesFillTheCumulativeColumnsAndTaxTheSame() throws {
        let root = PackagePaths.temporaryDirectory("cli-categories")
        let rulesText = try String(contentsOfFile: "rules/榕江县积分管理考核办法.jifen", encoding: .utf8)
        let split = rulesText.replacingOccurrences(of: """
            计算项 专项附加 = 专项附加扣除 {
              个税申报 “其他”
            }
            """, with: """
            计算项 子女教育扣除 = 子女教育 {
              个税申报 “累计子女教育”
            }

            计算项 赡养老人扣除 = 赡养老人 {
              个税申报 “累计赡养老人”
            }

            计算项 未分类专项附加 = 专项附加扣除 {
              个税申报 “其他”
            }

            计算项 专项附加 = 子女教育扣除 + 赡养老人扣除 + 未分类专项附加
            """)
        #expect(split != rulesText)
        // Two data roots: FM-001 with 子女教育 2000 and 赡养老人 1500 a month, split; or the
        // same 3500 as the single total. FM-002 has the total 1000 in both.
        for (name, header, fm1, fm2) in [("split", ",子女教育,赡养老人", ",2000,1500", "1000,,"), ("total", "", "3500", "1000")] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)/rules", withIntermediateDirectories: true)
            try (name == "split" ? split : rulesText).write(toFile: "\(root)/\(name)/rules/办法.jifen", atomically: true, encoding: .utf8)
            for month in ["2020-11", "2020-12"] {
                let folder = "\(root)/\(name)/data/\(month)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for file in try FileManager.default.contentsOfDirectory(atPath: "samples/\(month)") where file != "cadres.csv" {
                    try FileManager.default.copyItem(atPath: "samples/\(month)/\(file)", toPath: "\(folder)/\(file)")
                }
                var lines = try String(contentsOfFile: "samples/\(month)/cadres.csv", encoding: .utf8).split(separator: "\n").map(String.init)
                lines[0] += header
                for i in 1..<lines.count {
                    let fill = name == "split" ? ",," : ""
                    if lines[i].hasPrefix("FM-001,") { lines[i] += fm1 } else if lines[i].hasPrefix("FM-002,") { lines[i] += fm2 } else { lines[i] += fill }
                }
                try (lines.joined(separator: "\n") + "\n").write(toFile: "\(folder)/cadres.csv", atomically: true, encoding: .utf8)
                let r = try CLI.run(["batch", "run", "--no-earlier-income", "--month", month, "--data", "\(root)/\(name)/data", "--rules", "\(root)/\(name)/rules",
                                     "--store", "\(root)/\(name)/s.sqlite", "--out", "\(root)/\(name)/out", "--quiet"])
                #expect(r.status == 0, "\(name) \(month): \(r.stdout)\(r.stderr)")
            }
        }
        func rows(_ name: String, _ file: String, _ sheet: String, headerRow: Int) throws -> [String: [String: String]] {
            let s = try #require(try XlsxFile(path: "\(root)/\(name)/out/2020-12/\(file)").sheet(sheet))
            let rows = s.rows
            let header = Dictionary(rows[headerRow].map { ($0.col, $0.value) }, uniquingKeysWith: { a, _ in a })
            var out: [String: [String: String]] = [:]
            for row in rows[(headerRow + 1)...] {
                var r: [String: String] = [:]
                for c in row { if let h = header[c.col] { r[h] = c.value } }
                if let id = r["工号"] { out[id] = r }
            }
            return out
        }
        let splitTax = try rows("split", "个人所得税扣缴申报.xlsx", "正常工资薪金收入", headerRow: 0)
        let totalTax = try rows("total", "个人所得税扣缴申报.xlsx", "正常工资薪金收入", headerRow: 0)
        // Year to date over November and December.
        #expect(Self.fen(splitTax["FM-001"]?["累计子女教育"]) == 400_000)
        #expect(Self.fen(splitTax["FM-001"]?["累计赡养老人"]) == 300_000)
        #expect(Self.fen(splitTax["FM-001"]?["其他"]) == 0)
        #expect(Self.fen(splitTax["FM-002"]?["其他"]) == 100_000)
        #expect(Self.fen(totalTax["FM-001"]?["其他"]) == 350_000)
        #expect(totalTax["FM-001"]?["累计子女教育"] == nil)
        // Blank categories are 0: everyone else's row has 0.00 there.
        #expect(Self.fen(splitTax["FM-003"]?["累计子女教育"]) == 0)
        // The same payroll either way (tax included), cadre by cadre, cell by cell.
        let splitPay = try rows("split", "工资表.xlsx", "工资表", headerRow: 2)
        let totalPay = try rows("total", "工资表.xlsx", "工资表", headerRow: 2)
        #expect(splitPay.count == totalPay.count && !splitPay.isEmpty)
        for (id, row) in splitPay { #expect(row == totalPay[id], "\(id)") }
    }
}
