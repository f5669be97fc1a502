import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a batch puts its scratch files (the records and summaries it spills while scoring,
/// libxlsxwriter's sheets while writing the reports) when jifen.json names no
/// `temporaryDirectory`.
///
/// The spill files are unlinked as soon as they are made and never need to reach a disk,
/// but a new file on a disk file system costs the kernel far more per byte than one in RAM:
/// on the 2-core machines of this project, ext4 takes new pages at ~350 MB/s against
/// ~2.5 GB/s for `/dev/shm`, and a 50,000-cadre month spills ~1.5 GB (2.7 s of the batch's
/// system time, bench/README.md). So the scratch goes to the RAM-backed `/dev/shm` when it
/// is a tmpfs the batch may write and the machine has memory to spare for it — available
/// memory at least four times the month's inputs plus 1 GiB, and room in the tmpfs for
/// twice the inputs — and to the system's temporary folder otherwise (a disk, whose pages
/// the kernel can write out under memory pressure, which is the point of spilling). A
/// `TMPDIR` the user set is always honoured.
public enum ScratchDirectory {
    /// The folder for a month whose input files come to `inputBytes`; nil means the
    /// system's temporary folder (`TMPDIR`, else `/tmp`).
    public static func choose(configured: String?, inputBytes: Int,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              ramFolder: String = "/dev/shm", meminfo: String = "/proc/meminfo") -> String? {
        if let configured { return configured }
        if let tmp = environment["TMPDIR"], !tmp.isEmpty { return nil }
        guard let room = tmpfsRoom(ramFolder), let available = availableMemory(meminfo) else { return nil }
        let bytes = Int64(max(0, inputBytes))
        guard room >= 2 * bytes, available >= 4 * bytes + (1 << 30) else { return nil }
        return ramFolder
    }

    /// Free bytes of `path` when it is the mount point of a tmpfs (`/proc/mounts`) this
    /// process may write, else nil.
    static func tmpfsRoom(_ path: String, mounts: String = "/proc/mounts") -> Int64? {
        #if canImport(Glibc)
        guard let table = try? String(contentsOfFile: mounts, encoding: .utf8),
              table.split(separator: "\n").contains(where: { line in
                  let f = line.split(separator: " ")
                  return f.count >= 3 && f[1] == path && f[2] == "tmpfs"
              }),
              access(path, W_OK | X_OK) == 0 else { return nil }
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return nil }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
        #else
        return nil
        #endif
    }

    /// `MemAvailable` of `/proc/meminfo`, in bytes.
    static func availableMemory(_ meminfo: String) -> Int64? {
        guard let text = try? String(contentsOfFile: meminfo, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kb = Int64(parts[1]) else { return nil }
            return kb * 1024
        }
        return nil
    }
}
