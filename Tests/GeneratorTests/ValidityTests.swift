import Exact
import Foundation
import Testing
@testable import Generator

/// The guarantees every generated month keeps, for the samples and for scale mode alike.
@Suite struct ValidityTests {
    static let headers: [String: [String]] = [
        "cadres.csv": ["工号", "姓名", "身份证号", "社区", "网格", "岗位", "岗位等级", "入职日期", "离职日期", "银行账号", "开户行", "手机", "专项附加扣除"],
        "duty.csv": ["工号", "日期", "班次", "开始", "结束", "状态", "备注"],
        "service.csv": ["编号", "工号", "日期", "类别", "户号", "事项", "状态", "满意度", "投诉", "用时"],
        "training.csv": ["工号", "日期", "课程", "类型", "学时", "考核"],
        "adjustments.csv": ["工号", "项目", "分值", "金额", "原因", "批准人"],
    ]

    static func allMonths() throws -> [GeneratedMonth] {
        let (_, samples) = try Fixtures.samples()
        let (_, scale, _) = try Fixtures.scale(cadres: 200)
        return samples + [scale]
    }

    @Test func headersAndWidthsAreExact() throws {
        for m in try ValidityTests.allMonths() {
            let tables = [
                ("cadres.csv", m.roster), ("duty.csv", m.duty), ("service.csv", m.service),
                ("training.csv", m.training), ("adjustments.csv", m.adjustments),
            ]
            for (name, table) in tables {
                #expect(table.header == ValidityTests.headers[name], "\(m.folder)/\(name)")
                #expect(table.rows.allSatisfy { $0.count == table.header.count }, "\(m.folder)/\(name)")
            }
        }
    }

    @Test func filesAreUTF8WithoutBOMAndLF() throws {
        let (root, _) = try Fixtures.samples()
        for (name, data) in try Fixtures.contents(of: root) {
            #expect(!data.starts(with: [0xEF, 0xBB, 0xBF]), "\(name)")
            #expect(!data.contains(0x0D), "\(name)")
            #expect(data.last == 0x0A, "\(name)")
            #expect(String(data: data, encoding: .utf8) != nil, "\(name)")
        }
    }

    @Test func noCadreHasOverlappingShifts() throws {
        for m in try ValidityTests.allMonths() {
            let byCadre = Dictionary(grouping: m.shifts, by: \.cadre)
            for (cadre, shifts) in byCadre {
                let sorted = shifts.sorted { $0.start < $1.start }
                for (a, b) in zip(sorted, sorted.dropFirst()) {
                    #expect(a.end <= b.start, "\(m.folder): \(cadre) \(a.date) \(a.kind) overlaps \(b.date) \(b.kind)")
                }
                #expect(sorted.allSatisfy { $0.end - $0.start <= 24 * 60 && $0.end > $0.start })
            }
        }
    }

    @Test func everyRecordIsInTheMonthAndWithinEmployment() throws {
        for m in try ValidityTests.allMonths() {
            let employment = m.employment
            for (file, cadre, date) in m.datedRecords {
                #expect(m.month.contains(date), "\(m.folder)/\(file): \(date)")
                guard let (hired, left) = employment[cadre] else {
                    Issue.record("\(m.folder)/\(file): \(cadre) is not on the roster")
                    continue
                }
                #expect(date >= hired && left.map { date <= $0 } ?? true, "\(m.folder)/\(file): \(cadre) on \(date)")
            }
            // A night shift ends by the morning after the leaving date at the latest, and
            // never crosses into a day the cadre is no longer employed.
            for s in m.shifts {
                if let left = employment[s.cadre]!.1 {
                    #expect(s.end <= Int(left.daysSinceEpoch) * 1440 + 1440, "\(s.cadre) \(s.date)")
                }
            }
            for cadre in m.adjustments.column("工号") { #expect(employment[cadre] != nil) }
        }
    }

    @Test func serviceNumbersAreUniqueAcrossMonths() throws {
        let (_, samples) = try Fixtures.samples()
        let ids = samples.flatMap { $0.service.column("编号") }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.wholeMatch(of: /(FM|WL|YG|TH)-(2020-1[0-2]|2021-(0[1-9]|1[0-2]))-\d{5}/) != nil })
    }

    @Test func valuesComeFromTheDocumentedSets() throws {
        for m in try ValidityTests.allMonths() {
            #expect(Set(m.duty.column("班次")).isSubset(of: ["白班", "晚班", "夜班", "节假日"]))
            #expect(Set(m.duty.column("状态")).isSubset(of: ["到岗", "缺勤", "请假", "替班"]))
            #expect(Set(m.service.column("类别")).isSubset(of: ["全程代办", "预约服务", "上门服务", "入户走访", "矛盾调解", "四点半课堂"]))
            #expect(Set(m.service.column("状态")).isSubset(of: ["办结", "办理中", "退回"]))
            #expect(Set(m.service.column("满意度")).isSubset(of: ["满意", "基本满意", "不满意", ""]))
            #expect(Set(m.service.column("投诉")).isSubset(of: ["是", "否"]))
            #expect(m.service.column("用时").allSatisfy { $0.isEmpty || (Int($0).map { $0 > 0 && $0 <= 600 } ?? false) })
            #expect(m.training.column("学时").allSatisfy { Fixed($0).map { !$0.isNegative && !$0.isZero } ?? false })
            #expect(m.training.column("考核").allSatisfy { ["合格", "不合格"].contains($0) || (Int($0).map { (0...100).contains($0) } ?? false) })
            for r in m.adjustments.records {
                #expect(r["分值"]!.isEmpty != r["金额"]!.isEmpty, "one of 分值 and 金额")
                #expect(!r["原因"]!.isEmpty && !r["批准人"]!.isEmpty)
                if !r["金额"]!.isEmpty { #expect(Money(r["金额"]!) != nil) }
            }
            for r in m.roster.records {
                let level = Int(r["岗位等级"]!)!
                switch r["岗位"]! {
                case "书记", "主任": #expect((7...18).contains(level))
                case "副主任": #expect((4...15).contains(level))
                default: #expect((1...12).contains(level))
                }
                #expect(r["岗位"] == "网格员" ? !r["网格"]!.isEmpty : r["网格"]!.isEmpty)
            }
            #expect(Set(m.roster.column("工号")).count == m.roster.rows.count)
        }
    }

    @Test func quotesFieldsOnlyWhenNeeded() throws {
        let path = Fixtures.temporaryFolder("quote").appendingPathComponent("q.csv").path
        let out = try CSVOutput(path: path)
        out.header("a,b")
        out.text("普通文本"); out.comma(); out.text("含,逗号"); out.newline()
        out.text("他说\"好\""); out.comma(); out.text("两\n行"); out.newline()
        out.money(fen: -1205); out.comma(); out.tenths(15); out.newline()
        try out.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "a,b\n普通文本,\"含,逗号\"\n\"他说\"\"好\"\"\",\"两\n行\"\n-12.05,1.5\n")
        #expect(out.rows == 3)
        let table = try CSVTable(path: path)
        #expect(table.rows == [["普通文本", "含,逗号"], ["他说\"好\"", "两\n行"], ["-12.05", "1.5"]])
    }
}

extension ValidityTests {
    @Test func noFileHoldsTwoIdenticalRows() throws {
        for m in try ValidityTests.allMonths() {
            for (name, table) in [("duty.csv", m.duty), ("service.csv", m.service), ("training.csv", m.training), ("adjustments.csv", m.adjustments)] {
                let lines = table.rows.map { $0.joined(separator: "\u{1F}") }
                #expect(Set(lines).count == lines.count, "\(m.folder)/\(name)")
            }
        }
    }
}
