import Exact
import GRDB
import GRDBSQLite

/// A GRDB-prepared statement bound and stepped through SQLite's C API, for the inserts a
/// province-scale run repeats millions of times (its result rows, its input chunks): no
/// argument arrays, decimals formatted on the stack, and blobs bound without SQLite taking
/// a private copy. Inside the SQLite engine only.
struct RawStatement {
    private let db: Database
    private let handle: OpaquePointer

    /// `statement` must outlive this value (it finalizes the handle).
    init(_ db: Database, _ statement: Statement) {
        self.db = db
        handle = statement.sqliteStatement
    }

    /// SQLite's "copy this now" destructor, which Swift cannot spell as a constant.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        _ = value.withUTF8 { utf8 in
            // A null pointer would bind NULL; an empty string must stay an empty string.
            if let base = utf8.baseAddress {
                sqlite3_bind_text(handle, index, base, Int32(utf8.count), Self.transient)
            } else {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// `Fixed.description` (exactly `scale` places), formatted on the stack.
    func bind(_ index: Int32, _ f: Fixed) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var end = 48
            var magnitude = f.units.magnitude
            for i in 0..<max(f.scale + 1, 1) {
                if i == f.scale && f.scale > 0 {
                    end -= 1
                    buffer[end] = 0x2E
                }
                end -= 1
                buffer[end] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
            }
            while magnitude > 0 {
                end -= 1
                buffer[end] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
            }
            if f.units < 0 {
                end -= 1
                buffer[end] = 0x2D
            }
            sqlite3_bind_text(handle, index, UnsafeRawPointer(buffer.baseAddress! + end).assumingMemoryBound(to: CChar.self),
                              Int32(48 - end), Self.transient)
        }
    }

    func bind(_ index: Int32, _ f: Fixed?) {
        if let f { bind(index, f) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds bytes SQLite copies.
    func bind(_ index: Int32, bytes: [UInt8]) {
        bytes.withUnsafeBytes { b in
            // A null pointer would bind NULL; an empty blob must stay a blob.
            sqlite3_bind_blob64(handle, index, b.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(b.count), Self.transient)
        }
    }

    /// Binds bytes that SQLite reads in place: they must stay valid until `run()` returns.
    func bindStatic(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob64(handle, index, bytes.baseAddress, sqlite3_uint64(bytes.count), nil)
    }

    /// Steps the statement to its end, then resets it and forgets the bindings (so no
    /// statically bound bytes are referenced once the caller frees them).
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        try check(code)
    }

    /// Steps the statement and resets it, keeping its bindings: for a statement whose every
    /// parameter is bound again, with copies (`transient`), before each run.
    func runRebinding() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        try check(code)
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_DONE else {
            // As GRDB's own statements fail, so that `StoreError.from` reads the code (a full
            // disk while a run's rows are inserted is S0021, not S0009).
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
        }
    }
}
