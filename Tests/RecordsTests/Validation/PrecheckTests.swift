import Diagnostics
import Exact
import Foundation
@testable import Records
import TestSupport
import Testing

/// Rows prechecked on the reading thread (`RowPrecheck`) must come out exactly as rows the
/// validator checks alone: same problems in the same order, same rejected rows, same
/// accepted payloads.
@Suite(.serialized)
struct PrecheckTests {
    /// Everything a validation produced, as text.
    static func outcome(_ folder: String) -> String {
        var out = ""
        let check = MonthValidator(month: YearMonth("2020-12")!).validate(folder: folder) { source, decoder, row in
            out += "\(source):\(row.line):\(row.cadre):"
            for f in 0..<row.payload.count {
                out += row.present[f] ? decoder.text(f, row.payload[f]) : "∅"
                out += ","
            }
            out += "\n"
        }
        out += DiagnosticRenderer(language: .en).render(check.diagnostics) + "\n"
        out += ReconciliationTable.render(check, language: .en)
        out += ReconciliationTable.rejectedCSV(check.rejectedRows)
        return out
    }

    static func compare(_ folder: String) {
        let savedTarget = RowBatch.rowTarget
        defer {
            RowBatch.rowTarget = savedTarget
            RowPrecheck.isEnabled = true
        }
        // Two rows a batch: the header's batch is checked by the validator alone, the
        // rest (after the reader takes the published plan) on the reading thread.
        RowBatch.rowTarget = 2
        RowPrecheck.isEnabled = false
        let alone = outcome(folder)
        RowPrecheck.isEnabled = true
        let prechecked = outcome(folder)
        #expect(prechecked == alone, "\(folder)")
    }

    @Test func everyBadSampleAsIfCheckedAlone() {
        let dir = PackagePaths.path("samples/bad")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
        #expect(names.count >= 18)
        for name in names { Self.compare(dir + "/" + name) }
    }

    @Test func sampleMonthsAsIfCheckedAlone() {
        for month in ["2020-10", "2020-11", "2020-12"] { Self.compare(PackagePaths.path("samples/\(month)")) }
    }
}
