#if canImport(Glibc)
    import Glibc
#endif

/// The process's limit on open files, raised to what the system allows.
///
/// In constant-memory mode libxlsxwriter keeps one temporary file open per worksheet until
/// the workbook closes, and 积分明细 has a sheet per community: 3,700 at 50,000 cadres, over
/// the common soft limit of 1,024. Raising the soft limit to the hard one (which any process
/// may do) lets such a workbook be written; a county beyond even that gets a clear error
/// from libxlsxwriter rather than a partial file.
///
/// A process-wide setting: the CLI's entry point raises it once (`raiseToHardLimit`); the
/// library never changes it behind its caller's back.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard limit; returns the limit now in force.
    @discardableResult
    public static func raiseToHardLimit() -> Int { raise(toAtLeast: Int.max) }

    /// Raises the soft limit to at least `needed` (up to the hard limit); returns the limit now in force.
    @discardableResult
    public static func raise(toAtLeast needed: Int) -> Int {
        #if canImport(Glibc)
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
            if limit.rlim_cur < rlim_t(clamping: needed) {
                var raised = limit
                raised.rlim_cur = min(limit.rlim_max, rlim_t(clamping: needed))  // RLIM_INFINITY is the largest value
                if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
            }
            return Int(clamping: limit.rlim_cur)
        #else
            return needed
        #endif
    }
}
