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
    ///
    /// A file belongs to a source when its name (without `.csv`/`.xlsx`, case ignored) is one
    /// of the source's file stems or its name (`duty.csv`, `值班.xlsx`), or one of those, a
    /// `-` (or `_`, `－`) and a part's name: one file per community (`值班-富民.xlsx`,
    /// `值班-卧龙.xlsx`), all read as the source, in name order. Two files of one source for
    /// the same part (`duty.csv` and `值班.xlsx`, `值班-富民.csv` and `值班-富民.xlsx`) are
    /// one too many (D0021).
    public func locate(folder: String) -> (files: [String: [String]], problems: [RecordProblem]) {
        let (files, problems) = locate(InputSet.folder(folder))
        return (files.mapValues { $0.map(\.path) }, problems)
    }

    /// `locate(folder:)` for an input set: its files assigned to sources by name, wherever
    /// their bytes are.
    public func locate(_ inputs: InputSet) -> (files: [String: [InputSet.File]], problems: [RecordProblem]) {
        let folder = inputs.folder
        var bySource: [String: [(part: String, file: InputSet.File)]] = [:]
        var problems: [RecordProblem] = []
        for file in inputs.files {
            let name = file.name, path = file.path
            guard !name.hasPrefix(".") && !name.hasPrefix("~$") else { continue }
            let lower = name.lowercased()
            guard let dot = lower.lastIndex(of: "."), [".csv", ".xlsx"].contains(String(lower[dot...])) else {
                problems.append(.unknownFile(path: path))
                continue
            }
            let stem = String(name[..<name.index(name.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: dot))])
            if let (source, part) = Self.source(ofStem: stem, schemas) {
                bySource[source, default: []].append((part, file))
            } else {
                problems.append(.unknownFile(path: path))
            }
        }
        var files: [String: [InputSet.File]] = [:]
        for schema in schemas {
            let found = bySource[schema.name] ?? []
            var parts: [String: Int] = [:]
            for f in found { parts[f.part.lowercased(), default: 0] += 1 }
            let clashing = found.filter { (parts[$0.part.lowercased()] ?? 0) > 1 }.map(\.file.path)
            if !clashing.isEmpty {
                problems.append(.ambiguousFiles(source: schema.name, paths: clashing))
            } else if !found.isEmpty {
                files[schema.name] = found.map(\.file)
            } else if schema.isRequired || schema.role == .activity {
                problems.append(.missingSource(source: schema.name, folder: folder, stems: schema.fileStems, required: schema.isRequired))
            }
        }
        return (files, problems)
    }

    /// The separators between a source's stem and a part's name in a file name.
    static let partSeparators: Set<Character> = ["-", "_", "－"]

    /// The source a file stem names and the part (`富民` of `值班-富民`; "" for the whole).
    /// An exact stem wins; else the longest stem followed by a separator.
    static func source(ofStem stem: String, _ schemas: [SourceSchema]) -> (String, String)? {
        let key = stem.lowercased()
        func names(_ s: SourceSchema) -> [String] { (s.fileStems + [s.name]).map { $0.lowercased() } }
        if let s = schemas.first(where: { names($0).contains(key) }) { return (s.name, "") }
        var best: (source: String, part: String, length: Int)? = nil
        for s in schemas {
            for n in names(s) where key.count > n.count + 1 && key.hasPrefix(n) {
                let rest = key.dropFirst(n.count)
                guard let sep = rest.first, partSeparators.contains(sep), n.count > (best?.length ?? -1) else { continue }
                best = (s.name, String(stem.dropFirst(n.count + 1)), n.count)
            }
        }
        return best.map { ($0.source, $0.part) }
    }

    /// Validates the whole folder; `sink` receives each accepted activity row with its
    /// source's index in `schemas` (the batch scores them as they stream by). With
    /// `tuning.lanes` above 1, `sink` is called from several threads at once for an activity
    /// file's rows, each thread with the rows of its own cadres (`DecodedRow.lane`).
    ///   - onRoster: called once the roster is read and before any activity row, so a
    ///     consumer that needs the roster (the scorer) can be set up.
    ///   - onFile: called before each activity file's rows, with its source's index: rows
    ///     that follow came from that file (a source may have one per community).
    public func validate(
        folder: String, retainText: Set<String>? = nil,
        sink: (_ source: Int, _ decoder: borrowing FieldDecoder, _ row: borrowing DecodedRow) -> Void = { _, _, _ in },
        onRoster: (Roster) -> Void = { _ in },
        onFile: (_ source: Int, _ path: String) -> Void = { _, _ in }
    ) -> MonthCheck {
        validate(inputs: InputSet.folder(folder), retainText: retainText, sink: sink, onRoster: onRoster, onFile: onFile)
    }

    /// `validate(folder:)` for an input set: a folder's files, a stored run's inputs held in
    /// memory, or both; each file is named by its `path` in what is found.
    public func validate(
        inputs: InputSet, retainText: Set<String>? = nil,
        sink: (_ source: Int, _ decoder: borrowing FieldDecoder, _ row: borrowing DecodedRow) -> Void = { _, _, _ in },
        onRoster: (Roster) -> Void = { _ in },
        onFile: (_ source: Int, _ path: String) -> Void = { _, _ in }
    ) -> MonthCheck {
        let folder = inputs.folder
        let (files, folderProblems) = locate(inputs)
        var reports: [FileReport] = []
        var roster = Roster()
        var rejectedCadres: [String: Int] = [:]
        if let rosterSchema = schemas.first(where: { $0.role == .roster }), let paths = files[rosterSchema.name] {
            let (r, rosterReports) = RosterReader(schema: rosterSchema, month: month, tuning: tuning).read(files: paths)
            roster = r
            for report in rosterReports {
                rejectedCadres.merge(report.rejectedCadres) { first, _ in first }
            }
            reports += rosterReports
        }
        let rosterReports = reports.count
        onRoster(roster)
        // Written from the lanes' threads at once (`ValidationTuning.lanes`), each only for
        // its own cadres: a buffer, not an array whose storage they would share.
        let active = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, roster.count))
        active.initialize(repeating: false)
        defer { active.deallocate() }
        for (index, schema) in schemas.enumerated() where schema.role != .roster {
            guard let paths = files[schema.name] else { continue }
            // One validator for all the source's files: duplicates are found across them.
            var validator = SourceValidator(schema: schema, month: month, roster: roster, rejectedCadres: rejectedCadres, retainText: retainText,
                                            tuning: tuning)
            for file in paths {
                onFile(index, file.path)
                let report = validator.validate(file: file) { row, decoder in
                    if row.cadre >= 0 { active[Int(row.cadre)] = true }
                    sink(index, decoder, row)
                }
                reports.append(report)
            }
        }
        // Cadres employed this month with no records at all are worth a look.
        if rosterReports > 0, reports.contains(where: { r in schemas.contains { $0.name == r.source && $0.role == .activity } }) {
            for (i, c) in roster.cadres.enumerated() where !active[i] && c.isEmployed(in: month) {
                let r = reports[..<rosterReports].firstIndex { $0.path == c.origin.path } ?? 0
                reports[r].problems.append(.noActivity(Place(c.origin), id: c.id))
            }
        }
        return MonthCheck(month: month, folder: folder, roster: roster, files: reports, folderProblems: folderProblems)
    }
}
