import CZlibLevel

/// The deflate level the reports' zip containers are written with.
///
/// libxlsxwriter (through minizip) and ZIPFoundation both ask zlib for its default level 6
/// and let nobody choose. The reports are mostly XML, hundreds of megabytes at province
/// scale, and level 1 deflates it about three times faster for files about a quarter
/// larger, which a spreadsheet program reads just the same. `CZlibLevel` interposes
/// zlib's `deflateInit2_` (see `Sources/CZlibLevel/zlib_level.c`); `fast` turns the level
/// down for the streams the current thread starts inside `body` only.
enum DeflateLevel {
    static let fastLevel: Int32 = 1

    static func fast<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        jifen_zlib_level_set(fastLevel)
        defer { jifen_zlib_level_set(-1) }
        return try body()
    }

    /// Whether the interposition is live, so that `fast` has an effect: true once a deflate
    /// stream has gone through it in this process.
    static var isInterposed: Bool { jifen_zlib_level_interposed() > 0 }
}
