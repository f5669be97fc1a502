import Diagnostics
import Exact
import Foundation

/// Everything the validation of a month found: the roster, a report per file, and the
/// problems of the folder as a whole.
public struct MonthCheck: Sendable {
    public var month: YearMonth
    public var folder: String
    public var roster: Roster
    public var files: [FileReport]
    public var folderProblems: [RecordProblem]

    public var problems: [RecordProblem] { folderProblems + files.flatMap(\.problems) }
    public var diagnostics: [Diagnostic] { problems.map(\.diagnostic) }
    public var hasErrors: Bool { diagnostics.hasErrors }
    public var rejectedRows: [RejectedRow] { files.flatMap(\.rejectedRows) }
}

/// Validates a month folder: finds each source's file, reads the roster first, then every
/// activity file against the roster and the month.
///
/// ```swift
/// let check = MonthValidator(month: YearMonth("2020-12")!).validate(folder: "samples/2020-12")
/// print(DiagnosticRenderer().render(check.diagnostics))
/// ```
public struct MonthValidator {
    public var month: YearMonth
    public var schemas: [SourceSchema]
    /// How each file's validation spreads its work (the same findings whatever it is).
    public var tuning: ValidationTuning

    public init(month: YearMonth, schemas: [SourceSchema] = StandardSchemas.all, tuning: ValidationTuning = ValidationTuning()) {
        self.month = month
        self.schemas = schemas
        self.tuning = tuning
    }

    /// The files of a folder assigned to sources, and those that belong to none.
    public func locate(folder: String) -> (files: [String: String], problems: [RecordProblem]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var bySource: [String: [String]] = [:]
        var problems: [RecordProblem] = []
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("~$") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { continue }
            let lower = name.lowercased()
            guard let dot = lower.lastIndex(of: "."), [".csv", ".xlsx"].contains(String(lower[dot...])) else {
                problems.append(.unknownFile(path: path))
                continue
            }
            let stem = String(name[..<name.index(name.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: dot))])
            let source = schemas.first { s in s.fileStems.contains { $0.lowercased() == stem.lowercased() } || s.name == stem }
            if let source { bySource[source.name, default: []].append(path) } else { problems.append(.unknownFile(path: path)) }
        }
        var files: [String: String] = [:]
        for schema in schemas {
            let paths = bySource[schema.name] ?? []
            if paths.count > 1 {
                problems.append(.ambiguousFiles(source: schema.name, paths: paths))
            } else if let p = paths.first {
                files[schema.name] = p
            } else if schema.isRequired || schema.role == .activity {
                problems.append(.missingSource(source: schema.name, folder: folder, stems: schema.fileStems, required: schema.isRequired))
            }
        }
        return (files, problems)
    }

    /// Validates the whole folder; `sink` receives each accepted activity row with its
    /// source's index in `schemas` (the batch scores them as they stream by).
    ///   - onRoster: called once the roster is read and before any activity row, so a
    ///     consumer that needs the roster (the scorer) can be set up.
    public func validate(
        folder: String, retainText: Set<String>? = nil,
        sink: (_ source: Int, _ decoder: borrowing FieldDecoder, _ row: borrowing DecodedRow) -> Void = { _, _, _ in },
        onRoster: (Roster) -> Void = { _ in }
    ) -> MonthCheck {
        let (files, folderProblems) = locate(folder: folder)
        var reports: [FileReport] = []
        var roster = Roster()
        var rejectedCadres: [String: Int] = [:]
        if let rosterSchema = schemas.first(where: { $0.role == .roster }), let path = files[rosterSchema.name] {
            let (r, report) = RosterReader(schema: rosterSchema, month: month, tuning: tuning).read(path: path)
            roster = r
            rejectedCadres = report.rejectedCadres
            reports.append(report)
        }
        onRoster(roster)
        var active = Array(repeating: false, count: roster.count)
        for (index, schema) in schemas.enumerated() where schema.role != .roster {
            guard let path = files[schema.name] else { continue }
            var validator = SourceValidator(schema: schema, month: month, roster: roster, rejectedCadres: rejectedCadres, retainText: retainText,
                                            tuning: tuning)
            let report = validator.validate(path: path) { row, decoder in
                if row.cadre >= 0 { active[Int(row.cadre)] = true }
                sink(index, decoder, row)
            }
            reports.append(report)
        }
        // Cadres employed this month with no records at all are worth a look.
        if reports.contains(where: { r in schemas.contains { $0.name == r.source && $0.role == .activity } }) {
            for (i, c) in roster.cadres.enumerated() where !active[i] && c.isEmployed(in: month) {
                reports[0].problems.append(.noActivity(Place(c.origin), id: c.id))
            }
        }
        return MonthCheck(month: month, folder: folder, roster: roster, files: reports, folderProblems: folderProblems)
    }
}
