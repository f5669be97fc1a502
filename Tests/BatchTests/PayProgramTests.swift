@testable import Batch
import Diagnostics
import Exact
import Foundation
import Pay
import Records
@testable import RulesLanguage
import TestSupport
import Testing

/// The pay lines' compiled programs (`PayCompiler`) against the reference interpreter: every
/// part of every line the payroll asks for, for every cadre of the sample months and the
/// example rules, gives the same value and meets the same bracket steps; and the slips paid
/// through either are the same.
struct PayProgramTests {
    /// Pays with the interpreter's values, checking at every question that the program gives
    /// the same (value, kind and the steps it keeps), on a copy of the sheet.
    final class Comparing: PayFormulas, @unchecked Sendable {
        let inner: PayLineFormulas
        let lock = NSLock()
        var compared = 0
        var mismatches: [String] = []

        init(_ inner: PayLineFormulas) { self.inner = inner }

        // The interpreter reads the lines by name, the programs by position: keep both.
        var readsLinesByName: Bool { true }

        func compare(_ what: String, _ a: RowValue?, _ b: RowValue?, _ s: PaySheet, _ t: PaySheet) {
            lock.lock()
            defer { lock.unlock() }
            compared += 1
            let same = a == b && a.map { "\($0)" } == b.map { "\($0)" } && s.steps == t.steps
            if !same, mismatches.count < 20 { mismatches.append("\(what): interpreted \(String(describing: a)), compiled \(String(describing: b))") }
        }

        func number(_ part: PayrollLine.Part, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Fixed? {
            var other = sheet
            let a = inner.interpreted(part, ofLine: line, cadre: cadre, sheet: &sheet)
            let b = inner.compiled(part, ofLine: line, cadre: cadre, sheet: &other)
            compare("line \(line) \(part) cadre \(cadre)", a, b, sheet, other)
            return a?.number
        }

        func exempts(_ index: Int, ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> Bool {
            var other = sheet
            let a = inner.evaluate(inner.lines[line].exemptions[index], cadre, &sheet)
            let b = inner.programs[line].exemptions[index](&other, inner.payCadre(cadre))
            compare("line \(line) exemption \(index) cadre \(cadre)", a, b, sheet, other)
            return a.isTrue
        }

        func poolGroup(ofLine line: Int, cadre: Int, sheet: inout PaySheet) -> String {
            guard let groups = inner.lines[line].pool?.groups else { return "" }
            for (i, g) in groups.enumerated() {
                var other = sheet
                let a = inner.evaluate(g, cadre, &sheet)
                let b = inner.programs[line].groups[i](&other, inner.payCadre(cadre))
                compare("line \(line) group \(i) cadre \(cadre)", a, b, sheet, other)
            }
            return inner.poolGroup(ofLine: line, cadre: cadre, sheet: &sheet)
        }

        func notes(ofLine line: Int, cadre: Int) -> [PayNote] { inner.notes(ofLine: line, cadre: cadre) }
    }

    static func rules(_ folder: String) throws -> CheckedRules {
        let project = try RulesProject.load(directory: URL(fileURLWithPath: PackagePaths.path(folder)))
        let (rules, diagnostics) = Checker.check(project.files)
        #expect(diagnostics.filter(\.isError).isEmpty, "\(DiagnosticRenderer(sources: project.sources).render(diagnostics))")
        return rules
    }

    static let cases: [(rules: String, month: String)] = [
        ("rules", "samples/2020-10"), ("rules", "samples/2020-11"), ("rules", "samples/2020-12"),
        ("rules", "samples/2021-01"), ("rules", "samples/2021-06"), ("rules", "samples/2021-12"),
        ("rules/examples/百分制", "rules/examples/百分制/samples/2021-01"),
        ("rules/examples/百分制", "rules/examples/百分制/samples/2021-02"),
        // Pools shared within groups, 排名 and 在岗人数 (a month made by `GroupRulesTests`).
        ("Tests/BatchTests/Fixtures/group-rules", ""),
    ]

    @Test(arguments: cases.indices)
    func programsGiveWhatTheInterpreterGives(_ index: Int) throws {
        let (rulesFolder, monthFolder) = Self.cases[index]
        let rules = try Self.rules(rulesFolder)
        let folder = monthFolder.isEmpty ? try GroupRulesTests.monthFolder("pay-program-\(index)") : PackagePaths.path(monthFolder)
        let month = try #require(YearMonth(URL(fileURLWithPath: folder).lastPathComponent))
        let evaluation = MonthEvaluation(rules: rules, month: month)
        let scored = evaluation.score(folder: folder)
        let scoredMonth = try #require(scored.month, "\(scored.diagnostics.map { DiagnosticRenderer(language: .en).header($0) })")
        let payees = scoredMonth.cadres.map { c in
            let cadre = scored.roster.cadres[c]
            let p = scored.opening[cadre.id]
            return Payroll.Cadre(id: cadre.id, hiredOn: cadre.hiredOn, prior: p?.totals ?? [:], priorMonths: p?.months ?? 0)
        }
        let payroll = Payroll(month: month, lines: scoredMonth.payLines, chunks: CadreChunks(minimumChunk: 1))
        let comparing = Comparing(scoredMonth.formulas)
        let interpreted = try payroll.pay(payees, formulas: comparing)
        #expect(comparing.mismatches.isEmpty, "\(comparing.mismatches.joined(separator: "\n"))")
        #expect(comparing.compared >= payees.count * scoredMonth.payLines.count, "every line asked for every cadre")
        let compiled = try payroll.pay(payees, formulas: scoredMonth.formulas)
        // The same slips, lines and traces (the first difference named, not the slips dumped).
        let differing = zip(compiled, interpreted).enumerated().first { $0.element.0 != $0.element.1 }.map { k, pair in
            "\(payees[k].id): \(zip(pair.0.lines, pair.1.lines).first { $0.0 != $0.1 }.map { $0.0.name } ?? "year to date")"
        }
        #expect(compiled.count == interpreted.count && differing == nil, "slips differ at \(differing ?? "their count")")
    }
}
