import Diagnostics
import Exact
import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// SQLite's failures as the clerk reads them (`StoreError.from`): each result code that has
/// something to say for itself, and never the SQL statement.
struct StoreFailureTests {
    let base = RunStoreTests()

    /// A disk that fills while a run is saved: SQLite's FULL, the transaction rolled back.
    /// (The store may not grow past its pages: SQLite says FULL exactly as for a full disk.)
    @Test func aFullDiskIsSaidAsSuchAndNothingIsSaved() throws {
        let store = try RunStore(path: base.storePath)
        let pages = try #require(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA page_count") })
        try store.queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        // Digits at random: no compression takes them under a page.
        var text = ""
        for _ in 0..<200_000 { text.append(Character(String(Int.random(in: 0...9)))) }
        let big = base.input("duty.csv", text)
        #expect(throws: StoreError.diskFull(path: base.storePath)) { try store.record(base.newRun("2020-12", inputs: [big])) }
        try store.queue.inDatabase { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(try store.runs().isEmpty)
        let d = StoreError.diskFull(path: base.storePath).diagnostic
        #expect(d.code == "S0021" && d.summary.zh.contains("磁盘已满") && d.summary.zh.contains("没有保存任何内容"))
    }

    @Test func eachResultCodeThatMeansSomethingHasItsOwnCaseAndNoSQL() throws {
        let sql = "INSERT INTO \"run\" (\"id\", \"month\") VALUES (?, ?)"
        func mapped(_ code: ResultCode, _ message: String) -> StoreError {
            StoreError.from(DatabaseError(resultCode: code, message: message, sql: sql), path: base.storePath)
        }
        #expect(mapped(.SQLITE_CORRUPT, "database disk image is malformed")
            == .damaged(path: base.storePath, detail: "SQLite error 11: database disk image is malformed"))
        #expect(mapped(.SQLITE_NOTADB, "file is not a database") == .damaged(path: base.storePath, detail: "SQLite error 26: file is not a database"))
        #expect(mapped(.SQLITE_FULL, "database or disk is full") == .diskFull(path: base.storePath))
        let readOnly = mapped(.SQLITE_READONLY, "attempt to write a readonly database")
        guard case .readOnly = readOnly else {
            Issue.record("\(readOnly)")
            return
        }
        // The folder, when SQLite says so.
        let folder = StoreError.from(DatabaseError(resultCode: ResultCode(rawValue: 1544), message: "attempt to write a readonly database", sql: sql),
                                     path: base.storePath)
        #expect(folder == .readOnly(path: base.storePath, folder: base.dir))
        // Anything else: S0009 with SQLite's code and words, without the statement.
        let other = mapped(.SQLITE_CONSTRAINT, "UNIQUE constraint failed: run.id")
        #expect(other == .database("SQLite error 19: UNIQUE constraint failed: run.id"))
        for e in [readOnly, folder, other, mapped(.SQLITE_CORRUPT, "database disk image is malformed")] {
            let text = DiagnosticRenderer().render(e.diagnostic)
            #expect(!text.contains("INSERT") && !text.contains("while executing"), "\(text)")
        }
        #expect(readOnly.diagnostic.code == "S0020" && readOnly.diagnostic.summary.zh.contains("只读"))
    }

    @Test func aFolderGivenAsTheStoreIsRefusedAsOne() throws {
        #expect(throws: StoreError.isFolder(path: base.dir)) { try RunStore(path: base.dir) }
        #expect(throws: StoreError.isFolder(path: base.dir)) { try RunStore(path: base.dir, creating: false) }
    }
}
