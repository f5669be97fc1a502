import Exact
import Foundation
import GRDB
import Results

// The stored shapes: one record type per table, each with its `Columns`. The run and audit
// tables are read and written through GRDB's query interface; the result tables, written a
// million rows a month, are bulk-inserted through `RawStatement` with SQL built from the
// same `Columns` (`BulkInsert`).

extension RunState: DatabaseValueConvertible {}

/// A row of `run`: one run of a month.
struct RunRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run"

    enum Columns: String, ColumnExpression, CaseIterable {
        case id, month, state, rulesHash, rulesVersion, engineVersion, createdBy, createdAt, publishedAt, objectionsUntil,
             closedAt, supersededBy, cadreCount, rowsUsed, rowsIgnored, rowsRejected, pointsTotal, grossFen, deductionsFen,
             netFen, summary, staleReason, yearToDateRunID
    }

    var id: Int64
    var month: String
    var state: RunState
    var rulesHash: String
    var rulesVersion: String
    var engineVersion: String
    var createdBy: String
    var createdAt: String
    var publishedAt: String?
    var objectionsUntil: String?
    var closedAt: String?
    var supersededBy: Int64?
    var cadreCount: Int
    var rowsUsed: Int
    var rowsIgnored: Int
    var rowsRejected: Int
    var pointsTotal: String
    var grossFen: Int64
    var deductionsFen: Int64
    var netFen: Int64
    /// `RunSummary` as JSON with sorted keys.
    var summary: Data
    /// Why the run's year to date is out of date (an earlier month of the year was run again
    /// after it); nil when it is not (v14-month-stale).
    var staleReason: String? = nil
    /// The run the year to date was carried from; nil for none, or a run stored before v14.
    var yearToDateRunID: Int64? = nil

    /// The month's current run: not superseded, not a correction run.
    static func current(month: YearMonth) -> QueryInterfaceRequest<RunRow> {
        filter(Columns.month == month.description && Columns.state != RunState.superseded && Columns.state != RunState.correction)
    }
}

/// A row of `runInput`: a file a run used, by content.
struct RunInputRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "runInput"
    enum Columns: String, ColumnExpression { case runID, role, name, sha256, byteCount }

    var runID: Int64
    var role: String
    var name: String
    var sha256: String
    var byteCount: Int
}

/// A row of `blob`: an input's content, by SHA-256 of its uncompressed bytes.
struct BlobRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "blob"
    enum Columns: String, ColumnExpression { case sha256, byteCount }

    var sha256: String
    var byteCount: Int
}

/// A row of `blobChunk`: up to 4 MB of a blob (before compression), `encoding` a
/// `BlobEncoding`.
enum BlobChunkTable {
    static let name = "blobChunk"
    enum Columns: String, ColumnExpression, CaseIterable { case sha256, seq, content, encoding }
}

/// A row of `rejectedRow`: a row a run left out, with its reasons.
struct RejectedRowRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "rejectedRow"
    enum Columns: String, ColumnExpression { case runID, file, line, codes, reasons, cells }

    var runID: Int64
    var file: String
    var line: Int
    /// Codes separated by spaces, reasons by newlines, cells by U+001F.
    var codes: String
    var reasons: String
    var cells: String
}

/// A row of `audit`.
struct AuditRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "audit"
    enum Columns: String, ColumnExpression { case id, at, actor, action, month, runID, reason, detail }

    var id: Int64?
    var at: String
    var actor: String
    var action: String
    var month: String?
    var runID: Int64?
    var reason: String?
    var detail: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

// MARK: - Results

/// `cadreResult`: a cadre's figures in a run (`seq` is the roster order).
enum CadreResultTable {
    static let name = "cadreResult"
    enum Columns: String, ColumnExpression, CaseIterable {
        case runID, seq, cadreID, name, community, grid, post, level, points, tier, rank, groupSize, groupName,
             grossFen, deductionsFen, netFen, yearMonths, clips, lines
    }
}

/// `scoreItem`: the run's score line kinds, names and articles, numbered in order of first
/// appearance (a score line names its item instead of repeating them).
enum ScoreItemTable {
    static let name = "scoreItem"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, seq, kind, name, citation }
}

/// `scoreLine`: one line of a cadre's score: raw and counted points, how many records.
/// Runs recorded since v11 keep their lines in `cadreResult.lines` instead (`LineList`).
enum ScoreLineTable {
    static let name = "scoreLine"
    enum Columns: String, ColumnExpression, CaseIterable {
        case runID, cadreSeq, seq, item, raw, points, recordCount, reason, approvedBy, counting
    }
}

/// `scoreClip`: a cap or floor that took effect on a score line. `scope` is `day` (with
/// `day`), `month`, `floor`, `ceiling` (总分范围's 最高) or `group:<name>` (a 合计上限).
/// Runs recorded since v10 keep their clips in `cadreResult.clips` instead (`ClipList`).
enum ScoreClipTable {
    static let name = "scoreClip"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, cadreSeq, lineSeq, seq, scope, day, limit, removed }
}

/// `tierReason`: one reason in the chain that decided a cadre's tier.
enum TierReasonTable {
    static let name = "tierReason"
    enum Columns: String, ColumnExpression, CaseIterable {
        case runID, cadreSeq, seq, kind, tier, condition, share, places, rank, toTier, name, citation,
             recordFile, recordLine, recordDate, recordSummary, recordPoints, rule, tiedWith
    }
}

/// `payItem`: the run's pay lines (name, kind, article, the rounding its trace applied
/// last), numbered in order of first appearance, each with its trace template.
enum PayItemTable {
    static let name = "payItem"
    enum Columns: String, ColumnExpression, CaseIterable {
        case runID, seq, name, kind, citation, roundingRule, roundingScale, traceTemplate
    }
}

/// `payLine`: a line of a cadre's pay slip: its amount and its total this year.
/// Runs recorded since v11 keep their lines in `cadreResult.lines` instead (`LineList`).
enum PayLineTable {
    static let name = "payLine"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, cadreSeq, seq, item, amountFen, yearFen }
}

/// `yearToDate`: a cadre's year-to-date total under a name none of its pay lines has.
enum YearToDateTable {
    static let name = "yearToDate"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, cadreSeq, line, amountFen }
}

/// `cadreTrace`: a cadre's `TraceDocument`.
enum CadreTraceTable {
    static let name = "cadreTrace"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, cadreSeq, document }
}

/// `recordFile`: the input files a run's record detail cites, numbered (since v10).
enum RecordFileTable {
    static let name = "recordFile"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, seq, name }
}

/// `recordText`: a run's record summaries, `RecordTextChunk.size` to a row, numbered in
/// order of first citation, as one zstd frame (since v10; `encoding` since v12, a
/// `RecordTextChunk.Encoding`).
/// A record in a compact `TraceDocument` (format 2) cites its summary by number: a province
/// month's distinct summaries are stored once, compressed, not once per document.
enum RecordTextTable {
    static let name = "recordText"
    enum Columns: String, ColumnExpression, CaseIterable { case runID, seq, count, content, encoding }
}

/// `INSERT INTO table (columns…) VALUES (?, …)` for columns in declaration order.
func insertSQL<C: ColumnExpression & CaseIterable & RawRepresentable>(_ table: String, _ columns: C.Type) -> String
where C.RawValue == String {
    let names = C.allCases.map { "\"\($0.rawValue)\"" }
    return "INSERT INTO \"\(table)\" (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
}
