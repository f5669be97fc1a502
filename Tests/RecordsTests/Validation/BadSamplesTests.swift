import Diagnostics
import Exact
import Foundation
import Records
import TestSupport
import Testing

/// Each folder of samples/bad breaks one thing; its rendered diagnostics and reconciliation
/// are compared with a golden file, in Chinese and in English.
struct BadSamplesTests {
    static let cases: [String] = {
        let dir = PackagePaths.path("samples/bad")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }()

    @Test func thereIsACasePerKindOfError() {
        #expect(Self.cases.count >= 18)
    }

    @Test(arguments: cases)
    func rendersTheIntendedLocatedErrors(_ name: String) throws {
        let check = MonthValidator(month: YearMonth("2020-12")!).validate(folder: PackagePaths.path("samples/bad/\(name)"))
        #expect(check.hasErrors, "\(name) should have errors")
        for f in check.files { #expect(f.isBalanced, "\(f.path) does not balance") }
        var out = ""
        for language in Language.allCases {
            let renderer = DiagnosticRenderer(language: language)
            out += renderer.render(check.diagnostics.sortedByLocation()) + "\n"
            out += ReconciliationTable.render(check, language: language)
            out += renderer.tally(check.diagnostics) + "\n\n"
        }
        out += ReconciliationTable.rejectedCSV(check.rejectedRows)
        Snapshot.assertMatches(out.replacingOccurrences(of: PackagePaths.root + "/", with: ""), named: "bad/\(name).txt")
    }

    @Test func errorMessagesNeverShowAWholeIDNumberOrAccount() throws {
        for name in ["13-invalid-id-number", "14-bank-account"] {
            let folder = PackagePaths.path("samples/bad/\(name)")
            let check = MonthValidator(month: YearMonth("2020-12")!).validate(folder: folder)
            let text = DiagnosticRenderer().render(check.diagnostics) + ReconciliationTable.rejectedCSV(check.rejectedRows)
            let roster = try String(contentsOfFile: folder + "/cadres.csv", encoding: .utf8)
            for line in roster.split(separator: "\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                for personal in [cells[2], cells[9]] where personal.count >= 15 {
                    #expect(!text.contains(personal), "\(personal) leaked")
                }
            }
        }
    }
}

struct FieldDecoderTests {
    @Test func decodesEachTypeFromBytes() {
        var d = FieldDecoder(fields: [
            FieldSpec("a", .money), FieldSpec("b", .date), FieldSpec("c", .time),
            FieldSpec("d", .enumeration(["白班", "夜班"])), FieldSpec("e", .boolean),
            FieldSpec("f", .decimal(scale: 2, min: nil, max: nil)), FieldSpec("g", .enumerationOrScore(["合格", "不合格"], maxScore: 100)),
        ])
        func run(_ i: Int, _ s: String, _ kind: CellKind = .text) -> Result<Int64, ValueProblem>? {
            var s = s
            return s.withUTF8 { d.decode(i, $0, kind: kind) }
        }
        #expect(run(0, "1,234.50") == .success(123_450))
        #expect(run(0, "１２.５元") == .success(1250))
        #expect(run(0, "12.345") == .failure(.tooManyPlaces(allowed: 2)))
        #expect(run(0, "12.3400000000001", .number) == .success(1234))
        #expect(run(1, "2020年12月1日") == .success(Int64(CivilDate(year: 2020, month: 12, day: 1)!.daysSinceEpoch)))
        #expect(run(1, "44166", .number) == .success(Int64(CivilDate(year: 2020, month: 12, day: 1)!.daysSinceEpoch)))
        #expect(run(2, "0.375", .number) == .success(540))
        #expect(run(2, "２０：００") == .success(1200))
        #expect(run(3, " 夜班 ") == .success(1))
        #expect(run(3, "早班") == .failure(.notInEnumeration))
        #expect(run(4, "是") == .success(1))
        #expect(run(4, "FALSE") == .success(0))
        #expect(run(5, "-1.5") == .success(-150))
        #expect(run(6, "不合格") == .success(1))
        #expect(run(6, "92") == .success(94))
        #expect(run(6, "120") == .failure(.outOfRange))
        #expect(run(0, "   ") == nil)
    }

    @Test func checksIDNumbers() {
        #expect(IDNumber.checkCharacter(Array("52263219850312001".utf8)) != nil)
        let valid = "52263219850312001" + String(IDNumber.checkCharacter(Array("52263219850312001".utf8))!)
        #expect(IDNumber.problem(Array(valid.utf8)) == nil)
        #expect(IDNumber.problem(Array("11010519491231002X".utf8)) == nil)  // the standard's own example
        #expect(IDNumber.problem(Array("110105194912310021".utf8)) == .checkDigit(expected: "X"))
        #expect(IDNumber.problem(Array("1101051949123100".utf8)) == .length(16))
        #expect(IDNumber.problem(Array("11010519491331002X".utf8)) == .birthDate)
        #expect(IDNumber.birthDate("11010519491231002X")?.description == "1949-12-31")
    }

    @Test func internsWithoutLosingStrings() {
        var interner = Interner()
        var codes: [Int32] = []
        for i in 0..<5000 { codes.append(interner.intern("工号-\(i % 1000)")) }
        #expect(interner.count == 1000)
        #expect(codes[1234] == codes[234])
        #expect(interner.string(codes[1234]) == "工号-234")
        #expect(interner.code(of: "工号-999") != nil)
        #expect(interner.code(of: "工号-1000") == nil)
    }
}
