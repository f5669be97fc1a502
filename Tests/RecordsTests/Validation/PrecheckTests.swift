import Diagnostics
import Exact
import Foundation
@testable import Records
import TestSupport
import Testing

/// Rows prechecked on the reading thread (`RowPrecheck`) must come out exactly as rows the
/// validator checks alone: same problems in the same order, same rejected rows, same
/// accepted payloads.
struct PrecheckTests {
    /// Everything a validation produced, as text.
    static func outcome(_ folder: String, _ tuning: ValidationTuning) -> String {
        var out = ""
        let validator = MonthValidator(month: YearMonth("2020-12")!, tuning: tuning)
        let check = validator.validate(folder: folder) { source, decoder, row in
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
        // Two rows a batch: the header's batch is checked by the validator alone, the
        // rest (after the reader takes the published plan) on the reading thread.
        let alone = outcome(folder, ValidationTuning(rowsPerBatch: 2, precheckOnReader: false))
        let prechecked = outcome(folder, ValidationTuning(rowsPerBatch: 2, precheckOnReader: true))
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
