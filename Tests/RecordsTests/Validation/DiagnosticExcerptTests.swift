import Diagnostics
import Testing
@testable import Records

/// Values from files reach diagnostics as excerpts: a header cell or an ID can be as long as a
/// cell allows (32,767 characters), and is never printed whole.
@Suite("diagnostic excerpts")
struct DiagnosticExcerptTests {
    @Test func recordProblemsShowExcerpts() {
        let long = String(repeating: "长", count: 30_000)
        let place = Place(path: "2020-12/duty.csv", line: 1, column: 3, columnName: long)
        let problems: [RecordProblem] = [
            .missingColumn(Place(path: "2020-12/duty.csv", line: 1), field: FieldSpec("班次", .text), found: [long] + (1...100).map { "列\($0)" }),
            .duplicateColumn(place, name: long, firstColumn: 1),
            .unusedColumn(place, name: long),
            .value(place, found: long, type: .date, problem: .notADate),
            .unknownCadre(place, id: long),
            .duplicateKey(place, key: long, firstLine: 2),
            .rosterRowRejected(place, id: long, roster: RowOrigin(path: "2020-12/cadres.csv", line: 3)),
            .conflictingRosterRows(place, id: long, firstLine: 2),
            .sharedIDNumber(place, otherID: long, otherLine: 2),
            .noActivity(place, id: long, sources: [long, long]),
        ]
        for p in problems {
            for language in Language.allCases {
                let text = DiagnosticRenderer(language: language).render(p.diagnostic)
                #expect(text.count < 600, "\(text.count): \(text.prefix(400))")
                #expect(!text.contains(String(repeating: "长", count: 41)))
            }
        }
    }
}
