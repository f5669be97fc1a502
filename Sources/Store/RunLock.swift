import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a store for the length of a batch, so that two runs never
/// interleave. It is an `flock` on `<store>.lock`: the kernel drops it when the process
/// dies, even by `kill -9`, so a crashed run never leaves the store locked.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, waiting up to `wait` seconds (0: refuse at once).
    public init(storePath: String, holder: String, wait: Double = 0) throws(StoreError) {
        path = storePath + ".lock"
        // The store's folder is made on first use; a bare file name (`--store jifen.sqlite`)
        // has none to make.
        let folder = (storePath as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.from(errno: errno, path: path, storePath: storePath) }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Date() >= deadline {
                let who = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                close(fd)
                throw .busy(path: storePath, holder: who?.isEmpty == false ? who! : "unknown")
            }
            usleep(100_000)
        }
        ftruncate(fd, 0)
        let text = Array(holder.utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
