import Batch
import Diagnostics
import Exact
import Foundation
import Records
import Results
import RulesLanguage
import TestSupport
import Testing

/// Rows checked and scored on several lanes (`ValidationTuning.lanes`, each lane the cadres
/// whose 工号 hashes to it) must give what one thread gives: the same diagnostics in the same
/// order, the same rows accounted for (read, used, ignored, rejected, and each rejected
/// row), and the same results, byte for byte.
struct LaneTests {
    /// Everything a month's evaluation produced, as bytes to compare.
    struct Outcome: Equatable {
        var diagnostics: String
        var reconciliation: String
        var rejected: String
        var results: Data
        var resultsValue: MonthResults?
    }

    static func outcome(_ folder: String, lanes: Int, rowsPerBatch: Int = 5, keepRecords: Bool = true) throws -> Outcome {
        let loaded = try LoadedRules.load(directory: PackagePaths.path("rules"))
        var evaluation = MonthEvaluation(rules: loaded.rules, month: YearMonth("2020-12")!)
        evaluation.skipInvalid = true
        evaluation.keepRecords = keepRecords
        evaluation.tuning.validation = ValidationTuning(rowsPerBatch: rowsPerBatch, lanes: lanes)
        let outcome = evaluation.run(folder: folder)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Outcome(
            diagnostics: DiagnosticRenderer(language: .zh).render(outcome.diagnostics) + DiagnosticRenderer(language: .en).render(outcome.diagnostics),
            reconciliation: ReconciliationTable.render(outcome.check, language: .zh),
            rejected: ReconciliationTable.rejectedCSV(outcome.check.rejectedRows),
            results: try encoder.encode(outcome.results),
            resultsValue: outcome.results)
    }

    /// The 2020-12 sample month with problems of every kind added where they cross lanes:
    /// a record number used again by another cadre, a row entered twice, overlapping and
    /// over-long shifts, unknown cadres, values that do not decode, dates outside the month,
    /// too many training hours in a day, blank lines, and fields holding quoted newlines
    /// (so records start below the line after the one before).
    static func messyMonth() throws -> String {
        let dir = PackagePaths.temporaryDirectory("lanes")
        let from = PackagePaths.path("samples/2020-12")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: from) where name.hasSuffix(".csv") {
            try FileManager.default.copyItem(atPath: from + "/" + name, toPath: dir + "/" + name)
        }
        func edit(_ name: String, _ change: (inout [String]) -> Void) throws {
            let path = dir + "/" + name
            var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            change(&lines)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try edit("service.csv") { lines in
            let rows = Array(lines.dropFirst())
            func field(_ line: String, _ i: Int) -> String { line.components(separatedBy: ",")[i] }
            // Every 37th row's 编号 again, on a row of another cadre (another lane, often).
            for (k, row) in rows.enumerated() where k % 37 == 5 {
                var cells = rows[(k + 11) % rows.count].components(separatedBy: ",")
                cells[0] = field(row, 0)
                lines.insert(cells.joined(separator: ","), at: min(lines.count, 1 + (k * 7) % rows.count + 40))
            }
            // Whole rows twice, the second far below.
            for k in stride(from: 3, to: rows.count, by: 97) { lines.append(rows[k]) }
            // Unknown cadres, a blank line, values that do not decode, a date outside the month.
            lines.insert("FM-2020-12-90001,XX-404,2020-12-03,矛盾调解,FM-19-1603,调解,办结,满意,否,30", at: 20)
            lines.insert("", at: 30)
            lines.insert("FM-2020-12-90002,FM-003,2020-12-04,矛盾调解,FM-19-1603,调解,办结,很好,否,3x0", at: 60)
            lines.insert("FM-2020-12-90003,FM-007,2021-01-04,入户走访,FM-19-1603,走访,办结,满意,否,40", at: 90)
            lines.insert("FM-2020-12-90004,FM-009,2020-12-05,入户走访,FM-19-1603,走访,办结,满意,否,600", at: 120)
            // Quoted newlines: the record runs over three lines.
            lines.insert("FM-2020-12-90005,FM-012,2020-12-06,入户走访,\"FM-19\n-1603\",\"走访\n困难家庭\",办结,满意,否,41", at: 150)
            lines.insert("FM-2020-12-90006,XX-405,2020-12-06,入户走访,FM-19-1603,\"走访\n\",办结,满意,否,41", at: 151)
        }
        try edit("duty.csv") { lines in
            let rows = Array(lines.dropFirst())
            // A shift overlapping one already there, for a cadre every 41 rows; then one that
            // overlaps the first cadre's first shift from far below.
            for k in stride(from: 7, to: rows.count, by: 41) {
                var cells = rows[k].components(separatedBy: ",")
                cells[3] = "10:00"
                cells[4] = "12:00"
                cells[6] = "\"补录\n\""
                lines.insert(cells.joined(separator: ","), at: min(lines.count, k + 30))
            }
            var first = rows[0].components(separatedBy: ",")
            first[3] = "09:00"
            first[4] = "09:30"
            lines.append(first.joined(separator: ","))
            lines.insert("FM-003,2020-12-02,白班,25:00,16:00,到岗,", at: 10)
            lines.insert("FM-004,2020-12-02,白班,08:00,07:59,到岗,一天", at: 11)
            lines.insert("XX-406,2020-12-02,白班,08:00,16:00,到岗,", at: 12)
            lines.insert(",,,,,,", at: 13)
        }
        try edit("training.csv") { lines in
            lines.insert("FM-001,2020-12-01,加训,县级集中培训,5,90", at: 5)
            lines.insert("FM-002,2020-12-01,加训,县级集中培训,5.25,90", at: 50)
            lines.insert("FM-002,2020-12-01,加训,县级集中培训,abc,90", at: 51)
        }
        return dir
    }

    @Test func messyMonthOnSeveralLanesAsOnOne() throws {
        let folder = try Self.messyMonth()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let one = try Self.outcome(folder, lanes: 1)
        // Every kind of problem made it in, and rows were still scored.
        // A value that does not decode, an unknown cadre, a repeated key, a repeated row,
        // overlapping shifts, a long service, too many training hours in a day.
        for code in ["D0105", "D0202", "D0204", "D0205", "D0206", "D0403", "D0404"] {
            #expect(one.diagnostics.contains("[\(code)]"), "\(code)")
        }
        #expect(one.resultsValue?.cadres.count == 48)
        for lanes in [2, 3, 5] {
            for batch in [5, 16_384] {
                let many = try Self.outcome(folder, lanes: lanes, rowsPerBatch: batch)
                #expect(many.diagnostics == one.diagnostics, "lanes \(lanes), batch \(batch)")
                #expect(many.reconciliation == one.reconciliation, "lanes \(lanes), batch \(batch)")
                #expect(many.rejected == one.rejected, "lanes \(lanes), batch \(batch)")
                #expect(many.results == one.results, "lanes \(lanes), batch \(batch)")
                #expect(many.resultsValue == one.resultsValue, "lanes \(lanes), batch \(batch)")
            }
        }
        let plain = try Self.outcome(folder, lanes: 1, keepRecords: false)
        #expect(try Self.outcome(folder, lanes: 2, keepRecords: false) == plain)
    }

    @Test func sampleMonthOnSeveralLanesAsOnOne() throws {
        let folder = PackagePaths.path("samples/2020-12")
        let one = try Self.outcome(folder, lanes: 1)
        #expect(one.resultsValue?.cadres.count == 48)
        #expect(try Self.outcome(folder, lanes: 2) == one)
        #expect(try Self.outcome(folder, lanes: 4, rowsPerBatch: 16_384) == one)
    }

    /// What a validation alone produced: the problems, the accounting, and each accepted row
    /// as the sink saw it, grouped by cadre in the order the sink got them (rows of one cadre
    /// come in file order on one lane; lanes interleave).
    static func validation(_ folder: String, lanes: Int) -> (report: String, rows: [String: [String]]) {
        let lock = NSLock()
        var rows: [String: [String]] = [:]
        let validator = MonthValidator(month: YearMonth("2020-12")!, tuning: ValidationTuning(rowsPerBatch: 3, lanes: lanes))
        let check = validator.validate(folder: folder, retainText: nil) { source, decoder, row in
            var line = "\(source):\(row.line):"
            for f in 0..<row.payload.count { line += (row.present[f] ? decoder.text(f, row.payload[f]) : "∅") + "," }
            lock.lock()
            rows["\(source):\(row.cadre)", default: []].append(line)
            lock.unlock()
        }
        let report = DiagnosticRenderer(language: .en).render(check.diagnostics) + "\n" + ReconciliationTable.render(check, language: .en)
            + ReconciliationTable.rejectedCSV(check.rejectedRows)
        return (report, rows)
    }

    @Test func everyBadSampleOnSeveralLanesAsOnOne() throws {
        let dir = PackagePaths.path("samples/bad")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
        #expect(names.count >= 18)
        let messy = try Self.messyMonth()
        defer { try? FileManager.default.removeItem(atPath: messy) }
        for folder in names.map({ dir + "/" + $0 }) + [messy, PackagePaths.path("samples/2020-11")] {
            let one = Self.validation(folder, lanes: 1)
            let two = Self.validation(folder, lanes: 2), three = Self.validation(folder, lanes: 3)
            #expect(two.report == one.report, "\(folder)")
            #expect(three.report == one.report, "\(folder)")
            #expect(two.rows == one.rows, "\(folder)")
            #expect(three.rows == one.rows, "\(folder)")
        }
    }
}
