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
        let holiday = months.filter { $0.month.year == 2020 }.flatMap(\.shifts).filter { $0.kind == "节假日" }
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
            // 2021-09 and 2021-11 add three scripted complaints each (scriptedVetoMonths).
            #expect((1...18).contains(complaints))
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

    /// 2021: the same roster goes on, with three joiners and two leavers (docs/samples.md).
    @Test func theYear2021HasItsJoinersAndLeavers() throws {
        let (_, months) = try Fixtures.samples()
        let year = Dictionary(uniqueKeysWithValues: months.map { ($0.month.description, $0) })
        let dec2020 = Set(year["2020-12"]!.roster.column("工号"))
        let jan = year["2021-01"]!
        // Everyone of 2020-12 is still there in January, plus 阳光's joiner of 2021-01-04.
        #expect(dec2020.isSubset(of: Set(jan.roster.column("工号"))))
        for (id, hired, firstMonth) in [("YG-013", "2021-01-04", "2021-01"), ("TH-014", "2021-04-06", "2021-04"), ("WL-013", "2021-08-16", "2021-08")] {
            for m in months where m.month.year == 2021 {
                let listed = m.roster.records.first { $0["工号"] == id }
                #expect((listed != nil) == (m.month.description >= firstMonth), "\(id) in \(m.month)")
                if let listed { #expect(listed["入职日期"] == hired) }
            }
            let first = year[firstMonth]!
            #expect(first.datedRecords.filter { $0.cadre == id }.allSatisfy { $0.date.description >= hired })
        }
        for (id, left, lastMonth) in [("TH-013", "2021-03-12", "2021-03"), ("FM-012", "2021-07-09", "2021-07")] {
            let last = year[lastMonth]!
            #expect(last.roster.records.first { $0["工号"] == id }?["离职日期"] == left)
            #expect(last.datedRecords.filter { $0.cadre == id }.allSatisfy { $0.date.description <= left })
            for m in months where m.month.description > lastMonth { #expect(!m.roster.column("工号").contains(id)) }
        }
    }

    @Test func the2021HolidaysAreRunAsHolidayShifts() throws {
        let (_, months) = try Fixtures.samples()
        let days = Set(months.flatMap(\.shifts).filter { $0.kind == "节假日" }.map(\.date.description))
        for d in ["2021-01-01", "2021-02-11", "2021-02-17", "2021-04-04", "2021-05-03", "2021-06-14", "2021-09-20", "2021-10-07", "2021-12-31"] {
            #expect(days.contains(d), "no holiday duty on \(d)")
        }
        // Make-up workdays are workdays: the after-school class meets.
        let classes = Set(months.flatMap { $0.service.records.filter { $0["类别"] == "四点半课堂" }.map { $0["日期"]! } })
        #expect(classes.contains("2021-02-07") && classes.contains("2021-10-09"))
        #expect(!classes.contains("2021-02-12"))
        let notes = Set(months.flatMap { $0.duty.records.filter { $0["班次"] == "节假日" }.map { $0["备注"]! } })
        #expect(notes.isSuperset(of: ["春节值班", "国庆值班", "劳动节值班", "元旦前夕值守"]))
    }

    /// The months the rules' vetoes are meant to strike: three absences on three days, or three
    /// complaints with 不满意.
    @Test func scriptedVetoMonths() throws {
        let (_, months) = try Fixtures.samples()
        let year = Dictionary(uniqueKeysWithValues: months.map { ($0.month.description, $0) })
        for (month, id) in [("2021-03", "WL-006"), ("2021-06", "YG-006")] {
            let absent = year[month]!.duty.records.filter { $0["工号"] == id && $0["状态"] == "缺勤" }.map { $0["日期"]! }
            #expect(Set(absent).count >= 3, "\(id) in \(month)")
        }
        for (month, id) in [("2021-09", "TH-004"), ("2021-11", "FM-009")] {
            let serious = year[month]!.service.records.filter { $0["工号"] == id && $0["投诉"] == "是" && $0["满意度"] == "不满意" }
            #expect(serious.count >= 3, "\(id) in \(month)")
        }
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
            // Each community makes 0–3 corrections a month: 2021-03 happens to have none.
            #expect((m.month.year == 2020 ? 3 : 0)...12 ~= m.adjustments.rows.count)
        }
        #expect(months.filter { $0.month.year == 2021 }.map(\.adjustments.rows.count).reduce(0, +) >= 36)
    }
}
