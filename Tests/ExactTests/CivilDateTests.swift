import Exact
import Testing

struct CivilDateTests {
    @Test func roundTripsEveryDayOfFourHundredYears() {
        var d = CivilDate(year: 1900, month: 1, day: 1)!
        let end = CivilDate(year: 2300, month: 1, day: 1)!
        var previous = d
        d = d.advanced(by: 1)
        while d < end {
            let c = d.components
            #expect(CivilDate(year: c.year, month: c.month, day: c.day) == d)
            #expect(d.distance(to: previous) == -1)
            previous = d
            d = d.advanced(by: 1)
        }
    }

    @Test func knowsTheCalendar() {
        #expect(CivilDate(year: 2020, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2021, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2020, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2020, month: 12, day: 1)!.weekday == 2)  // a Tuesday
    }

    @Test func convertsExcelSerials() {
        #expect(CivilDate(excelSerial: 44166)?.description == "2020-12-01")
        #expect(CivilDate(excelSerial: 1)?.description == "1900-01-01")
        #expect(CivilDate(excelSerial: 61)?.description == "1900-03-01")
        #expect(CivilDate(excelSerial: 60) == nil)  // Excel's 1900-02-29 never existed
        #expect(CivilDate(year: 2020, month: 12, day: 1)!.excelSerial == 44166)
    }

    @Test(arguments: [
        ("2020-12-01", "2020-12-01"), ("2020/12/1", "2020-12-01"), ("2020年12月1日", "2020-12-01"),
        ("２０２０－１２－０１", "2020-12-01"), ("2020.12.01", "2020-12-01"), ("20201201", "2020-12-01"),
        ("44166", "2020-12-01"), (" 2020-12-01 ", "2020-12-01"),
    ])
    func parsesDatesAsClerksWriteThem(_ text: String, _ expected: String) {
        #expect(DateParser.parse(text)?.description == expected)
    }

    @Test(arguments: ["2020-13-01", "2020-02-30", "12月3号", "2020-12-01-", "2020--12-01", "", "abc"])
    func refusesWhatIsNotADate(_ text: String) {
        #expect(DateParser.parse(text) == nil)
    }

    @Test(arguments: [
        ("08:00", "08:00"), ("8:00", "08:00"), ("20:30:00", "20:30"), ("２０：３０", "20:30"),
        ("24:00", "24:00"), ("8时30分", "08:30"), ("0800", "08:00"),
    ])
    func parsesTimes(_ text: String, _ expected: String) {
        #expect(DateParser.parseTime(text)?.description == expected)
    }

    @Test(arguments: ["25:00", "8点", "08:60", "24:01", "08:00:30", ""])
    func refusesBadTimes(_ text: String) {
        #expect(DateParser.parseTime(text) == nil)
    }

    @Test func monthsParseAndStep() {
        #expect(YearMonth("2020-12")?.description == "2020-12")
        #expect(YearMonth("2020年1月")?.description == "2020-01")
        #expect(YearMonth("202012")?.description == "2020-12")
        #expect(YearMonth("2020-13") == nil)
        #expect(YearMonth("2020-12")!.next.description == "2021-01")
        #expect(YearMonth("2021-01")!.previous.description == "2020-12")
        #expect(YearMonth("2020-02")!.dayCount == 29)
    }
}
