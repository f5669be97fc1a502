import Diagnostics
import Testing

/// Personal data is masked by what it looks like, whichever column it was typed in.
struct PersonalDataTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var shown: String
        var testDescription: String { "\(text) → \(shown)" }
    }

    @Test(arguments: [
        Case(text: "522632197603221590", shown: "522632********1590"),
        Case(text: "11010519491231002X", shown: "110105********002X"),
        Case(text: "110105491231002", shown: "110105*****1002"),
        Case(text: "6217993614931923172", shown: "***************3172"),
        Case(text: "6217 9936 1493 1923 172", shown: "**** **** **** ***3 172"),
        Case(text: "13384445916", shown: "133****5916"),
        Case(text: "138-4444-5916", shown: "138-****-5916"),
        Case(text: "工号“522632197603221590”不在本月花名册中", shown: "工号“522632********1590”不在本月花名册中"),
        // Not personal data: dates, times, amounts, record numbers, ordinary numbers.
        Case(text: "2020-12-01", shown: "2020-12-01"),
        Case(text: "2020-12-01 08:00", shown: "2020-12-01 08:00"),
        Case(text: "1,234.50", shown: "1,234.50"),
        Case(text: "FM-2020-12-00001", shown: "FM-2020-12-00001"),
        Case(text: "FM2020120000100001", shown: "FM2020120000100001"),
        Case(text: "23384445916", shown: "23384445916"),
        Case(text: "10000000000", shown: "10000000000"),
        Case(text: "0.9166666666666666", shown: "0.9166666666666666"),
        Case(text: "92233720368547758.07", shown: "92233720368547758.07"),
        Case(text: "12345", shown: "12345"),
        Case(text: "", shown: ""),
    ])
    func masksByContent(_ c: Case) {
        #expect(PersonalData.maskByContent(c.text) == c.shown)
    }
}
