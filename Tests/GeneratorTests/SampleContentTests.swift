import Exact
import Foundation
import Testing
@testable import Generator

/// The samples show how the four resettlement communities actually work.
@Suite struct SampleContentTests {
    static let communities = ["FM", "WL", "YG", "TH"]

    @Test func thereIsNightDutyEveryNightInEveryCommunity() throws {
        let (_, months) = try Fixtures.samples()
        for m in months {
            let nights = Set(m.shifts.filter { $0.kind == "夜班" && $0.start % 1440 == 1200 && $0.end - $0.start == 720 }
                .filter { $0.status == "到岗" || $0.status == "替班" }
                .map { "\($0.cadre.prefix(2)) \($0.date)" })
            for d in m.month.firstDay...m.month.lastDay {
                for c in SampleContentTests.communities { #expect(nights.contains("\(c) \(d)"), "\(c) \(d)") }
            }
        }
    }

    @Test func theHallIsCoveredTwelveToFourteenHoursADay() throws {
        let (_, months) = try Fixtures.samples()
        for m in months {
            let dayShifts = m.shifts.filter { $0.kind != "夜班" }
            for d in m.month.firstDay...m.month.lastDay {
                for c in SampleContentTests.communities {
                    let base = Int(d.daysSinceEpoch) * 1440
                    let mine = dayShifts.filter { $0.date == d && $0.cadre.hasPrefix(c) }
                    let open = mine.map(\.start).min().map { $0 - base }, close = mine.map(\.end).max().map { $0 - base }
                    #expect(open == 480, "\(c) \(d)")
                    #expect(close.map { (1200...1320).contains($0) } ?? false, "\(c) \(d)")
                }
            }
        }
    }

    @Test func holidayDutyOnNationalDayAndNewYearsEve() throws {
        let (_, months) = try Fixtures.samples()
        let holiday = months.flatMap(\.shifts).filter { $0.kind == "节假日" }
        let days = Set(holiday.map(\.date.description))
        for d in 1...8 { #expect(days.contains("2020-10-0\(d)")) }
        #expect(days.contains("2020-12-31"))
        #expect(days.count == 9)
    }

    @Test func theAfterSchoolClassMeetsOnSchoolDays() throws {
        let (_, months) = try Fixtures.samples()
        for m in months {
            let classes = m.service.records.filter { $0["类别"] == "四点半课堂" }
            let dates = Set(classes.map { $0["日期"]! + $0["工号"]!.prefix(2) })
            for d in m.month.firstDay...m.month.lastDay where HolidayCalendar.isSchoolDay(d) {
                for c in SampleContentTests.communities { #expect(dates.contains(d.description + c), "\(c) \(d)") }
            }
            #expect(classes.allSatisfy { $0["用时"] == "90" && $0["户号"]!.isEmpty })
            #expect(classes.count == dates.count)
        }
        // 2020-10-10 was a make-up Saturday; Oct 1–8 a school holiday.
        let october = months[0].service.records.filter { $0["类别"] == "四点半课堂" }.map { $0["日期"]! }
        #expect(october.contains("2020-10-10"))
        #expect(!october.contains("2020-10-05"))
    }

    @Test func casesAreMostlySatisfiedWithAFewComplaints() throws {
        let (_, months) = try Fixtures.samples()
        for m in months {
            let cases = m.service.records.filter { $0["类别"] != "四点半课堂" }
            let satisfied = cases.filter { $0["满意度"] == "满意" }.count
            let unhappy = cases.filter { $0["满意度"] == "不满意" }.count
            let complaints = cases.filter { $0["投诉"] == "是" }.count
            #expect(satisfied * 10 > cases.count * 7)
            #expect(cases.contains { $0["满意度"] == "基本满意" })
            #expect((1...40).contains(unhappy))
            #expect((1...15).contains(complaints))
            for kind in ["全程代办", "预约服务", "上门服务", "入户走访", "矛盾调解"] {
                #expect(cases.contains { $0["类别"] == kind })
            }
        }
    }

    @Test func absencesLeavesAndSubstitutesAppearButStayRare() throws {
        let (_, months) = try Fixtures.samples()
        let statuses = months.flatMap { $0.duty.column("状态") }
        for status in ["缺勤", "请假", "替班"] {
            let n = statuses.filter { $0 == status }.count
            #expect(n >= 2 && n * 20 < statuses.count, "\(status): \(n)")
        }
        // Each substitute row names the cadre it stands in for, who has a 请假 row for the same shift.
        for m in months {
            let leaves = Set(m.duty.records.filter { $0["状态"] == "请假" }.map { "\($0["工号"]!) \($0["日期"]!) \($0["开始"]!)" })
            for r in m.duty.records where r["状态"] == "替班" {
                let other = String(r["备注"]!.dropFirst())
                #expect(leaves.contains("\(other) \(r["日期"]!) \(r["开始"]!)"))
            }
        }
    }

    @Test func oneCadreLeavesInNovemberAndOneJoinsInDecember() throws {
        let (_, months) = try Fixtures.samples()
        let (oct, nov, dec) = (months[0], months[1], months[2])
        let leaver = nov.roster.records.filter { $0["离职日期"] == "2020-11-20" }
        #expect(leaver.count == 1)
        let leaverID = leaver[0]["工号"]!
        #expect(oct.roster.column("工号").contains(leaverID))
        #expect(oct.roster.column("离职日期").allSatisfy { $0.isEmpty })
        #expect(!dec.roster.column("工号").contains(leaverID))
        #expect(nov.datedRecords.contains { $0.cadre == leaverID && $0.date.day >= 15 })

        let joiner = dec.roster.records.filter { $0["入职日期"] == "2020-12-14" }
        #expect(joiner.count == 1)
        let joinerID = joiner[0]["工号"]!
        #expect(!nov.roster.column("工号").contains(joinerID))
        let joinerDates = dec.datedRecords.filter { $0.cadre == joinerID }.map(\.date.day)
        #expect(!joinerDates.isEmpty && joinerDates.allSatisfy { $0 >= 14 })
    }

    @Test func trainingHasACountySessionEachMonthAndCommunitySessions() throws {
        let (_, months) = try Fixtures.samples()
        for m in months {
            let county = m.training.records.filter { $0["类型"] == "县级集中培训" }
            #expect(Set(county.map { $0["日期"]! }).count == 1)
            #expect(county.count >= m.roster.rows.count * 3 / 4)
            #expect(Set(county.map { $0["工号"]!.prefix(2) }) == Set(SampleContentTests.communities.map { Substring($0) }))
            #expect(m.training.records.contains { $0["类型"] != "县级集中培训" })
        }
    }

    @Test func openingBalancesOnlyInOctober() throws {
        let (root, months) = try Fixtures.samples()
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: root.appendingPathComponent("2020-10/opening.csv").path))
        #expect(!fm.fileExists(atPath: root.appendingPathComponent("2020-11/opening.csv").path))
        #expect(!fm.fileExists(atPath: root.appendingPathComponent("2020-12/opening.csv").path))
        let opening = try CSVTable(path: root.appendingPathComponent("2020-10/opening.csv").path)
        #expect(opening.header == ["工号", "累计收入", "累计社保", "累计专项附加扣除", "累计已预扣税额", "累计月数"])
        let roster = Dictionary(uniqueKeysWithValues: months[0].roster.records.map { ($0["工号"]!, $0) })
        for r in opening.records {
            let cadre = roster[r["工号"]!]!
            let hired = DateParser.parse(cadre["入职日期"]!)!
            let expectedMonths = hired.year < 2020 ? 9 : 10 - hired.month
            #expect(Int(r["累计月数"]!) == expectedMonths)
            for column in ["累计收入", "累计社保", "累计专项附加扣除", "累计已预扣税额"] {
                let text = r[column]!
                #expect(Money(text) != nil && text.split(separator: ".").last?.count == 2)
            }
            let deduction = Int64(cadre["专项附加扣除"]!.isEmpty ? "0" : cadre["专项附加扣除"]!)!
            #expect(Money(r["累计专项附加扣除"]!) == Money(yuan: deduction * Int64(expectedMonths)))
        }
        #expect(opening.rows.count == months[0].roster.rows.count)
        #expect(opening.column("累计已预扣税额").contains { $0 != "0.00" })
    }

    @Test func eachMonthStaysReadable() throws {
        let (_, months) = try Fixtures.samples()
        for m in months {
            let rows = m.duty.rows.count + m.service.rows.count + m.training.rows.count + m.adjustments.rows.count
            #expect((1000...5000).contains(rows))
            #expect((3...12).contains(m.adjustments.rows.count))
        }
    }
}
