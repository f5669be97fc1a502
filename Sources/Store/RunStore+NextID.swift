import GRDB

extension RunStore {
    /// The id the next recorded run will get, so a batch can write its reports while the
    /// run is being stored. Only meaningful while the batch holds the store's `RunLock`:
    /// runs are inserted by batches alone, so nothing else can take the id first. Ids come
    /// from `AUTOINCREMENT`, whose counter is part of the database and rolls back with a
    /// failed run.
    public func nextRunID() throws(StoreError) -> Int64 {
        do {
            return try queue.read { db in
                let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'run'") ?? 0
                let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM run") ?? 0
                return max(seq, maxID) + 1
            }
        } catch {
            throw .database(String(describing: error))
        }
    }
}
