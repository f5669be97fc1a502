import Foundation

/// A batch's input files being hashed and copied into the store (by content, compressed) on
/// another thread while the batch validates them: a province month is a gigabyte of CSV,
/// whose compression would otherwise be most of the store stage.
///
/// Inputs copied in belong to no run until a run that uses them is recorded; `close()` (in
/// a `defer` of the batch) removes the ones this ingest added when no run was, and the next
/// ingest removes any left by a batch that died.
public final class InputIngest: @unchecked Sendable {
    /// SHA-256 and size of a file, and whether this ingest added its content to the store.
    typealias Copy = @Sendable (_ path: String) throws -> (sha256: String, size: Int, added: Bool)

    private let lock = NSLock()
    private let done = DispatchGroup()
    private var hashes: [String: (sha256: String, size: Int)] = [:]
    private var added: [String] = []
    private var isRecorded = false
    private var isClosed = false
    private let remove: @Sendable ([String]) -> Void

    init(paths: [String], copy: @escaping Copy, remove: @escaping @Sendable ([String]) -> Void) {
        self.remove = remove
        done.enter()
        let thread = Thread { [self] in
            for path in paths {
                // A file that cannot be read is hashed again when the run is reserved, which
                // then reports the error.
                guard let c = try? copy(path) else { continue }
                lock.lock()
                hashes[path] = (c.sha256, c.size)
                if c.added { added.append(c.sha256) }
                lock.unlock()
            }
            done.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits for every file, then gives their hashes by path.
    func wait() -> [String: (sha256: String, size: Int)] {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return hashes
    }

    /// The run that uses these inputs is recorded: they stay.
    func recorded() {
        lock.lock()
        isRecorded = true
        lock.unlock()
    }

    /// Waits for the copying to end and, unless a run was recorded with them, removes the
    /// inputs this ingest added.
    public func close() {
        done.wait()
        lock.lock()
        let drop = isRecorded || isClosed ? [] : added
        isClosed = true
        lock.unlock()
        if !drop.isEmpty { remove(drop) }
    }
}
