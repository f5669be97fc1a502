import CFieldColumns

/// A stored input's chunk with its fields in columns (`BlobEncoding.zstdColumns`), before
/// compression: a CSV's values sit beside those of the same column of other lines, where
/// zstd finds them alike. A province month's 908 MB service log compresses to 70% of what
/// the chunk as it is does, and faster.
///
/// The split knows nothing of CSV: lines are the pieces between `\n` bytes, fields the
/// pieces of a line between `,` bytes (a quoted comma or line break is cut like any other),
/// so every chunk of any bytes goes back exactly: lines joined with `\n`, fields with `,`.
/// ```
/// columns = uint(lines) uint(columns) uint(length)*columns  count:u8*lines  column*
/// column  = (field "\n")*        the k-th field of every line that has more than k
///                               (each field ends with the line byte: no field holds one)
/// ```
/// A chunk with a line of more than `maxColumns` fields is not split (`encode` answers nil)
/// and is stored as it is.
final class FieldColumns {
    static let maxColumns = 64

    /// The bytes that end a line and a field: `\n` and `,` for stored inputs; record
    /// summaries (`RecordTextChunk`) are lines of words between spaces.
    let line: UInt8
    let field: UInt8

    /// The splitter's working memory, kept between chunks: separators' positions, and the
    /// columns laid out.
    private var scratch: UnsafeMutablePointer<UInt32>?
    private var out: UnsafeMutablePointer<UInt8>?
    private var capacity = -1

    init(line: UInt8 = 10, field: UInt8 = 44) {
        self.line = line
        self.field = field
    }

    deinit {
        scratch?.deallocate()
        out?.deallocate()
    }

    /// `body` of the chunk's columns as laid out above (valid during `body` only), or nil
    /// when a line has too many fields. The split is `jifen_split_columns`
    /// (Sources/CFieldColumns): separators found sixteen bytes at a time, which a byte
    /// loop here took four times as long for.
    func withColumns<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        let n = bytes.count
        precondition(n < Int(UInt32.max), "a chunk of 4 GB or more")
        if n > capacity {
            scratch?.deallocate()
            out?.deallocate()
            scratch = .allocate(capacity: n + 1)
            out = .allocate(capacity: jifen_columns_bound(n))
            capacity = n
        }
        let written = jifen_split_columns(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), n, line, field,
                                          Self.maxColumns, scratch, out)
        guard written > 0 else { return nil }
        return try body(UnsafeRawBufferPointer(start: out, count: written))
    }

    /// The chunk's columns as laid out above, or nil when a line has too many fields.
    func encode(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        withColumns(bytes) { Array($0) }
    }

    /// The chunk's bytes back from its columns.
    static func decode(_ raw: [UInt8], line: UInt8 = 10, field: UInt8 = 44) throws(StoreError) -> [UInt8] {
        try raw.withUnsafeBufferPointer { r throws(StoreError) -> [UInt8] in
            var at = 0
            func uint() throws(StoreError) -> Int {
                var v = 0, shift = 0
                while true {
                    guard at < r.count, shift < 56 else { throw .database("a stored input's chunk has cut columns") }
                    let b = r[at]
                    at += 1
                    v |= Int(b & 0x7F) << shift
                    if b < 0x80 { return v }
                    shift += 7
                }
            }
            let lines = try uint()
            let width = try uint()
            guard lines >= 1, width >= 1, width <= maxColumns else { throw .database("a stored input's chunk has bad columns") }
            var ends: [Int] = []
            for _ in 0..<width { ends.append(try uint()) }
            guard lines <= r.count - at else { throw .database("a stored input's chunk has cut columns") }
            let countsAt = at
            at += lines
            var cursors: [Int] = []
            for k in 0..<width {
                cursors.append(at)
                guard ends[k] >= 1, ends[k] <= r.count - at else { throw .database("a stored input's chunk has cut columns") }
                at += ends[k]
                ends[k] = at
            }
            guard at == r.count else { throw .database("a stored input's chunk has bytes after its columns") }
            // The chunk is the columns less one terminator per field plus one separator per
            // field but the last.
            let size = r.count - countsAt - lines - 1
            guard let base = r.baseAddress else { return [] }
            return try [UInt8](unsafeUninitializedCapacity: max(size, 0)) { out, written throws(StoreError) in
                written = 0
                var o = 0
                for l in 0..<lines {
                    let fields = Int(r[countsAt + l])
                    guard fields >= 1, fields <= width else { throw .database("a stored input's chunk has bad columns") }
                    for k in 0..<fields {
                        let from = cursors[k]
                        var end = from
                        while end < ends[k], base[end] != line { end += 1 }
                        let length = end - from
                        guard end < ends[k], o + length + (k + 1 < fields || l + 1 < lines ? 1 : 0) <= size else {
                            throw .database("a stored input's chunk has cut columns")
                        }
                        (out.baseAddress! + o).update(from: base + from, count: length)
                        o += length
                        cursors[k] = end + 1
                        if k + 1 < fields { out[o] = field; o += 1 }
                    }
                    if l + 1 < lines { out[o] = line; o += 1 }
                }
                for k in 0..<width where cursors[k] != ends[k] { throw .database("a stored input's chunk has bytes after its columns") }
                guard o == size else { throw .database("a stored input's chunk has cut columns") }
                written = o
            }
        }
    }
}
