/// A text in the two languages jifen speaks: Simplified Chinese for clerks (the default)
/// and English for developers (`--lang en`).
public struct Localized: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
    public func text(_ language: Language) -> String { language == .zh ? zh : en }
}

public enum Language: String, Sendable, CaseIterable, Codable {
    case zh, en
}

public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case error, warning, note

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }
}

/// Where a diagnostic points: a span of a rules file, a row of a CSV file, a cell of an xlsx
/// sheet, or a whole file.
public enum Location: Sendable, Hashable {
    /// A span in a source text (rules files). Line and column are computed when rendering.
    case source(path: String, span: Span)
    /// A CSV row: 1-based physical line number of the row's start, and an optional 1-based
    /// column index with its header name.
    case row(path: String, line: Int, column: Int?, columnName: String?)
    /// An xlsx cell: sheet name and the A1-style reference (`C14`), or a whole row (`14:14`).
    case cell(path: String, sheet: String, reference: String, columnName: String?)
    /// A whole file, or a place outside any file (`path` empty).
    case file(path: String)

    public var path: String {
        switch self {
        case .source(let p, _), .row(let p, _, _, _), .cell(let p, _, _, _), .file(let p): p
        }
    }

    /// An ordering key: by path, then by position within the file.
    var sortKey: (String, Int, Int) {
        switch self {
        case .source(let p, let span): (p, span.start, 0)
        case .row(let p, let line, let column, _): (p, line, column ?? 0)
        case .cell(let p, _, let reference, _):
            (p, CellReference.row(reference) ?? 0, CellReference.column(reference) ?? 0)
        case .file(let p): (p, -1, 0)
        }
    }
}

/// One problem found in rules or data, held as data; `DiagnosticRenderer` words it.
///
/// ```swift
/// Diagnostic(.error, code: "D0104", at: .row(path: "duty.csv", line: 14, column: 3, columnName: "日期"),
///            summary: Localized(zh: "日期“2020-13-01”无效", en: "date '2020-13-01' is not a valid date"),
///            help: Localized(zh: "请写成 2020-12-01 的形式。", en: "Write the date as 2020-12-01."))
/// ```
public struct Diagnostic: Sendable, Hashable {
    public var severity: Severity
    /// A stable identifier such as `D0104` or `R0201`; documented in docs/.
    public var code: String
    public var location: Location
    public var summary: Localized
    /// A short fragment shown under the caret (rules) or beside the value (data).
    public var label: Localized?
    /// What was found in the input, already masked if it is personal data.
    public var found: String?
    /// What was expected.
    public var expected: Localized?
    public var notes: [Localized]
    /// A full sentence with a concrete fix.
    public var help: Localized?

    public init(
        _ severity: Severity, code: String, at location: Location, summary: Localized,
        label: Localized? = nil, found: String? = nil, expected: Localized? = nil,
        notes: [Localized] = [], help: Localized? = nil
    ) {
        self.severity = severity
        self.code = code
        self.location = location
        self.summary = summary
        self.label = label
        self.found = found
        self.expected = expected
        self.notes = notes
        self.help = help
    }

    public var isError: Bool { severity == .error }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.isError } }
    public var errorCount: Int { lazy.filter { $0.severity == .error }.count }
    public var warningCount: Int { lazy.filter { $0.severity == .warning }.count }

    /// Diagnostics in a stable order: by file, then position, then code.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let ka = a.element.location.sortKey, kb = b.element.location.sortKey
            if ka.0 != kb.0 { return ka.0 < kb.0 }
            if ka.1 != kb.1 { return ka.1 < kb.1 }
            if ka.2 != kb.2 { return ka.2 < kb.2 }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// A1-style cell references (`C14`), zero-based column and row indexes.
public enum CellReference {
    /// `columnName(0) == "A"`, `columnName(27) == "AB"`.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var out: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(out.reversed())
    }

    /// `reference(row: 13, column: 2) == "C14"` (both zero-based).
    public static func reference(row: Int, column: Int) -> String {
        "\(columnName(column))\(row + 1)"
    }

    /// 1-based row number of a reference, `row("C14") == 14`; of a whole row, `row("14:14") == 14`.
    public static func row(_ ref: String) -> Int? {
        Int(String(ref.drop { $0.isLetter }.prefix { $0 != ":" }))
    }

    /// Whether a reference names a whole row (`14:14`) rather than a cell.
    public static func isWholeRow(_ ref: String) -> Bool {
        ref.first.map { $0.isASCII && $0.isNumber } ?? false
    }

    /// 1-based column number of a reference, `column("C14") == 3`.
    public static func column(_ ref: String) -> Int? {
        let letters = ref.prefix { $0.isLetter }.uppercased().utf8
        guard !letters.isEmpty else { return nil }
        var n = 0
        for b in letters {
            guard b >= 65, b <= 90 else { return nil }
            n = n * 26 + Int(b - 64)
        }
        return n
    }
}
