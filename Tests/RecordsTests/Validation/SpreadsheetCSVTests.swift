import Testing

@testable import Records

/// The rejected rows file is opened in Excel by the clerk: cells from the data that a
/// spreadsheet would run as formulas are written as text (OWASP CSV injection).
struct SpreadsheetCSVTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://x.example\",\"点我\")", "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"点我\"\")\""),
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""),
        ("a,b", "\"a,b\""),
        ("普通文字", "普通文字"),
        ("", ""),
    ])
    func field(_ raw: String, _ written: String) {
        #expect(SpreadsheetCSV.field(raw) == written)
    }

    @Test func rejectedRowsAreNeutralised() {
        let row = RejectedRow(origin: RowOrigin(path: "duty.csv", line: 7), codes: ["D0004"], reasons: ["日期无效"],
                              cells: ["=HYPERLINK(\"http://x.example\")", "FM-001"])
        let csv = ReconciliationTable.rejectedCSV([row])
        #expect(csv.hasSuffix("duty.csv,7,D0004,日期无效,\"'=HYPERLINK(\"\"http://x.example\"\") | FM-001\"\r\n"))
    }
}
