import CZlibLevel

/// The deflate level the reports' zip containers are written with.
///
/// libxlsxwriter (through minizip) and ZIPFoundation both ask zlib for its default level 6
/// and let nobody choose. The reports are mostly XML, hundreds of megabytes at province
/// scale. `CZlibLevel` interposes zlib's `deflateInit2_`, `deflate` and `deflateEnd` (see
/// `Sources/CZlibLevel/zlib_level.c`): inside `fast`, the raw deflate streams the current
/// thread starts (a zip's entries) are compressed whole by libdeflate at level 1, about six
/// times faster than zlib's level 6 and twice zlib's level 1, for files a little larger than
/// level 6's, which a spreadsheet program reads just the same; other streams started inside
/// `fast` use zlib at level 1.
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

    /// How many raw deflate streams this thread started inside `fast` that libdeflate
    /// compresses whole (`CZlibLevel` interposes `deflate` and `deflateEnd` too).
    static var wholeStreams: Int { jifen_zlib_whole_streams() }

    /// `jifen_zlib_self_test`: the interposed calls driven as zip writers drive them, with
    /// buffers down to one byte; 0 when all came back.
    static func selfTest() -> Int { Int(jifen_zlib_self_test()) }
}
