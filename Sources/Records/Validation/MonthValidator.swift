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

    /// The cadres whose roster row was rejected and who have no accepted row: under
    /// `--skip-invalid` they are neither scored nor paid, which must never go unsaid (the
    /// batch's summary, 核对, the stored run). Each 工号 once, first row first; a rejected row
    /// without a 工号 (named by its 姓名) each.
    public var leftOut: [RejectedCadre] {
        var seen: Set<String> = []
        return files.flatMap(\.rejectedCadreRows).filter { c in
            c.id.isEmpty || roster.index(of: c.id) == nil && seen.insert(c.id).inserted
        }
    }
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
        var unreadable: Set<String> = []  // sources with a file that cannot be read: not missing
        for file in inputs.files {
            let name = file.name, path = file.path
            guard !name.hasPrefix(".") && !name.hasPrefix("~$") else { continue }
            switch Self.match(fileName: name, schemas) {
            case .source(let source, let part): bySource[source, default: []].append((part, file))
            case .misnamed(let source, let expected):
                problems.append(.misnamedFile(path: path, source: source, expected: expected))
                unreadable.insert(source)
            case .otherFormat(let source, let format, let expected):
                problems.append(.notXlsxFile(path: path, source: source, format: format, expected: expected))
                unreadable.insert(source)
            case .unknown: problems.append(.unknownFile(path: path))
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
            } else if (schema.isRequired || schema.role == .activity) && !unreadable.contains(schema.name) {
                problems.append(.missingSource(source: schema.name, folder: folder, stems: schema.fileStems, required: schema.isRequired))
            }
        }
        return (files, problems)
    }

    /// The separators between a source's stem and a part's name in a file name.
    static let partSeparators: Set<Character> = ["-", "_", "－"]
    /// Dashes a clerk's keyboard may type for `-` (an input method's 破折号, en and em dashes).
    static let dashes: Set<Character> = ["—", "–", "‐", "‑", "―", "−"]
    /// Spreadsheet formats that are not read: the clerk saves them again as .xlsx.
    static let otherFormats: Set<String> = [".xls", ".et", ".ett", ".xlsm", ".xlsb", ".xlt", ".xltx", ".ods", ".numbers"]

    /// What a file's name says it is.
    enum NameMatch: Equatable {
        /// A source's file, and the part's name (`富民`; "" for the whole).
        case source(String, part: String)
        /// Named like a source's file (it starts with a stem) but its name does not say how.
        case misnamed(source: String, expected: [String])
        /// A source's file in a format not read (`.xls`, `.et`, `.xlsx.txt`).
        case otherFormat(source: String, format: String, expected: String)
        /// Like nothing the rules declare.
        case unknown
    }

    /// Assigns a file name to a source. Harmless slips are read as the clerk meant them:
    /// spaces around the name or its extension (` 值班-富民.xlsx`), spaces around the
    /// separator (`值班 - 富民.xlsx`), a dash for `-` (`值班—富民.xlsx`). A name that starts
    /// with a source's stem but is not one of these (`值班富民.xlsx`, `值班-富民.xls`,
    /// `值班-富民.xlsx.txt`) is that source's file all the same: it must not be left out of
    /// the month unnoticed.
    static func match(fileName name: String, _ schemas: [SourceSchema]) -> NameMatch {
        let trimmed = name.trimmingSpaces
        let dot = trimmed.lastIndex(of: ".")
        let ext = dot.map { trimmed[$0...].lowercased().trimmingSpaces } ?? ""
        let stem = cleanStem(dot.map { String(trimmed[..<$0]) } ?? trimmed)
        if ext == ".csv" || ext == ".xlsx" {
            if let (source, part) = Self.source(ofStem: stem, schemas) { return .source(source, part: part) }
            if let (source, expected) = resembling(stem, schemas, ext: ext) { return .misnamed(source: source, expected: expected) }
            return .unknown
        }
        // A spreadsheet in another format, or a table saved with a second extension
        // (`值班-富民.xlsx.txt`, Windows hiding the first).
        var inner = stem, format = ext
        if !otherFormats.contains(ext), let d = stem.lastIndex(of: "."),
           [".xlsx", ".xls", ".csv", ".et"].contains(stem[d...].lowercased().trimmingSpaces) {
            inner = cleanStem(String(stem[..<d]))
            format = stem[d...].lowercased().trimmingSpaces + ext
        } else if !otherFormats.contains(ext) {
            // Only what could be a table (no extension, text): a document or picture beside the
            // tables (`值班说明.docx`, `值班表.jpg`) is not one, and stays a warning (D0020).
            guard ext.isEmpty || ext == ".txt" || ext == ".tsv",
                  let (source, expected) = resembling(stem, schemas, ext: ".xlsx") else { return .unknown }
            return .misnamed(source: source, expected: expected)
        }
        if let (source, _) = Self.source(ofStem: inner, schemas) {
            return .otherFormat(source: source, format: format, expected: inner + ".xlsx")
        }
        if let (source, expected) = resembling(inner, schemas, ext: ".xlsx") {
            return .otherFormat(source: source, format: format, expected: expected[0])
        }
        return .unknown
    }

    /// The source a file of this name would be taken for in a month folder (read as its
    /// file, or refused as a misnamed one, D0040/D0041), or nil for a name like no source's
    /// (`拒收-2021-01.xlsx`).
    public static func source(takingFileName name: String, _ schemas: [SourceSchema]) -> String? {
        switch match(fileName: name, schemas) {
        case .source(let source, _), .misnamed(let source, _), .otherFormat(let source, _, _): source
        case .unknown: nil
        }
    }

    /// `值班 - 富民` → `值班-富民`: surrounding spaces dropped, dashes as `-`, a run of
    /// separators as its first, and spaces beside a separator dropped.
    static func cleanStem(_ stem: String) -> String {
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\u{3000}" || c == "\u{A0}" }
        var out: [Character] = []
        for typed in stem.trimmingSpaces {
            let c: Character = dashes.contains(typed) ? "-" : typed
            if partSeparators.contains(c) {
                while let last = out.last, isSpace(last) { out.removeLast() }
                if let last = out.last, partSeparators.contains(last) { continue }
                out.append(c)
            } else if isSpace(c), let last = out.last, partSeparators.contains(last) {
                continue
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// The source whose stem a file stem starts with (the longest), and the names its file
    /// should have: `值班富民` → 值班, `值班-富民.xlsx`.
    static func resembling(_ stem: String, _ schemas: [SourceSchema], ext: String) -> (String, [String])? {
        let key = stem.lowercased()
        var best: (source: String, stem: String)? = nil
        for s in schemas {
            for n in s.fileStems + [s.name] where key.hasPrefix(n.lowercased()) && n.count > (best?.stem.count ?? 0) {
                best = (s.name, n)
            }
        }
        guard let best else { return nil }
        let rest = String(String(stem.dropFirst(best.stem.count)).drop { !($0.isLetter || $0.isNumber) })
        let expected: String = rest.isEmpty ? best.stem + ext : best.stem + "-" + rest + ext
        return (best.source, [expected])
    }

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
        var rejectedCadres: [String: RowOrigin] = [:]
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
            let activity = schemas.filter { $0.role == .activity }.map(\.name)
            for (i, c) in roster.cadres.enumerated() where !active[i] && c.isEmployed(in: month) {
                let r = reports[..<rosterReports].firstIndex { $0.path == c.origin.path } ?? 0
                reports[r].problems.append(.noActivity(Place(c.origin), id: c.id, sources: activity))
            }
        }
        return MonthCheck(month: month, folder: folder, roster: roster, files: reports, folderProblems: folderProblems)
    }
}
