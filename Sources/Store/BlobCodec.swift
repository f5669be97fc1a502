import CZstd

/// How a chunk of a stored input is encoded (`blobChunk.encoding`).
enum BlobEncoding: Int, Sendable {
    /// The bytes as they were (every chunk stored before migration v6).
    case raw = 0
    /// One zstd frame.
    case zstd = 1
    /// One zstd frame of the chunk's fields in columns (`FieldColumns`), what runs write since
    /// migration v12 (the column's values were 0 and 1 before; no schema change was needed).
    case zstdColumns = 2
}

/// Compresses the chunks of stored inputs with zstd.
///
/// A province month's CSV (989 MB at 50,000 cadres) compresses about 7 times at level 1,
/// at about 400 MB/s on one core; zlib's fastest level gave 5.5 times at 160 MB/s, which
/// would not fit the store's 250 MB a month. The content address stays the SHA-256 of the
/// uncompressed bytes.
enum BlobCodec {
    static let level: Int32 = 1

    /// A stored input's chunk, compressed: its fields in columns unless a line has too many.
    static func compressChunk(_ bytes: UnsafeRawBufferPointer, columns: FieldColumns) -> (content: [UInt8], encoding: BlobEncoding) {
        if let split = columns.withColumns(bytes, compress) {
            return (split, .zstdColumns)
        }
        return (compress(bytes), .zstd)
    }

    /// A stored input's chunk's bytes as they were.
    static func decodeChunk(_ content: UnsafeRawBufferPointer, encoding: Int64) throws(StoreError) -> [UInt8] {
        switch BlobEncoding(rawValue: Int(encoding)) {
        case .raw?: return Array(content.bindMemory(to: UInt8.self))
        case .zstd?: return try decompress(content)
        case .zstdColumns?: return try FieldColumns.decode(try decompress(content))
        case nil: throw .database("a stored input's chunk has an unknown encoding")
        }
    }

    static func compress(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            let n = ZSTD_compress(out.baseAddress, bound, bytes.baseAddress, bytes.count, level)
            // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
            precondition(ZSTD_isError(n) == 0, "zstd: \(String(cString: ZSTD_getErrorName(n)))")
            count = n
        }
    }

    /// A chunk's bytes; `expected` is its uncompressed size when known.
    static func decompress(_ frame: UnsafeRawBufferPointer) throws(StoreError) -> [UInt8] {
        let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size <= UInt64(Int.max) else {
            throw .database("a stored input's chunk is not a zstd frame")
        }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(size)) { out, count in
            let n = ZSTD_decompress(out.baseAddress, Int(size), frame.baseAddress, frame.count)
            if ZSTD_isError(n) != 0 {
                failure = String(cString: ZSTD_getErrorName(n))
                count = 0
            } else {
                count = n
            }
        }
        if let failure { throw .database("a stored input's chunk does not decompress: \(failure)") }
        guard bytes.count == Int(size) else { throw .database("a stored input's chunk is short") }
        return bytes
    }
}
