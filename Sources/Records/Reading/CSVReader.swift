import Glibc

/// Streams a CSV file (RFC 4180) as rows of byte ranges, in fixed-size chunks.
///
/// Memory stays at about one chunk plus the longest record whatever the file's size: the
/// bytes of a record cut by a chunk boundary are moved to the front of the buffer and the
/// record is scanned again once the next chunk is in. Fields are byte ranges into the
/// buffer; a quoted field holding `""` is unescaped in place, just before its row is lent
/// to the caller, because unescaping only ever shortens it.
///
/// Choices where RFC 4180 is silent or files break it:
/// - A quote inside an unquoted field is literal (`5"` stays `5"`).
/// - Text after a closing quote is kept literally and silently: `"ab"c` reads as `abc`
///   (what Excel and Python's csv module do).
/// - A line with nothing on it is a row of 0 fields; LF, CRLF and a lone CR all end a line.
/// - The encoding is decided from the first 64 KiB (or chunk, if larger): a UTF-8 BOM or valid
///   UTF-8 means UTF-8, and so do a few valid UTF-8 characters before the first invalid byte;
///   anything else is converted from GB18030. A file that is all ASCII up to its first
///   invalid UTF-8 byte switches to GB18030 there (ASCII reads the same in both); otherwise
///   later bytes that break the decision are an error.
final class CSVReader {
    static let defaultChunkSize = 1 << 20
    static let defaultMaxRecordBytes = ReadLimits.maxCSVRecordBytes
    /// Excel's column limit, the most fields a record may have (D0033).
    static let maxFields = 16_384
    private static let detectionSize = 64 << 10
    /// Valid multibyte UTF-8 characters that make a file UTF-8 even if invalid bytes follow;
    /// GBK text forms that many valid UTF-8 sequences in a row only by rare chance.
    private static let utf8Evidence = 4

    let path: String
    private let input: FileInput
    private let chunkSize: Int
    private let maxRecordBytes: Int

    // The state the row loop touches for every record is exempt from dynamic exclusivity
    // checks (a runtime call per access, ~150 instructions a row): one thread uses a reader,
    // and no access to these overlaps another (the debug test runs checked that before).
    @exclusivity(unchecked) private var buf: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Start of the next record.
    @exclusivity(unchecked) private var pos = 0
    /// End of the bytes checked (UTF-8) or converted (GB18030) and so ready to scan.
    @exclusivity(unchecked) private var end = 0
    /// End of the bytes in the buffer; `end..<fill` await validation.
    @exclusivity(unchecked) private var fill = 0
    /// True once every byte of the file has been put into the buffer.
    @exclusivity(unchecked) private var isSourceDone = false
    /// Physical line number at `pos`.
    @exclusivity(unchecked) private var line = 1
    /// File offset of `buf[0]` (UTF-8 only, for error offsets).
    private var bufferFileOffset = 0

    private(set) var encoding: TextEncoding = .utf8
    private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    private var converter: GB18030Converter?
    /// Whether UTF-8 validation has met any non-ASCII byte yet.
    private var sawNonASCII = false

    /// Field spans: (start, end) pairs of offsets into `buf`.
    @exclusivity(unchecked) private var spans: UnsafeMutablePointer<Int>
    /// Per field: 0 unquoted, 1 quoted and needing unescaping (`""` or text after the closing
    /// quote), 2 quoted and used as is.
    @exclusivity(unchecked) private var needsUnescape: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var fieldCapacity = 64

    convenience init(path: String, chunkSize: Int = defaultChunkSize, maxRecordBytes: Int = defaultMaxRecordBytes) throws(ReadError) {
        self.init(input: try FileInput(path: path), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    init(input: FileInput, chunkSize: Int = defaultChunkSize, maxRecordBytes: Int = defaultMaxRecordBytes) {
        self.path = input.path
        self.input = input
        // A chunk larger than the file only costs memory (cadres.csv is a few kilobytes).
        self.chunkSize = max(4, min(chunkSize, input.size + 4))
        self.maxRecordBytes = maxRecordBytes
        self.capacity = self.chunkSize * 2
        self.buf = .allocate(capacity: capacity)
        self.spans = .allocate(capacity: 2 * fieldCapacity)
        self.needsUnescape = .allocate(capacity: fieldCapacity)
    }

    deinit {
        buf.deallocate()
        spans.deallocate()
        needsUnescape.deallocate()
    }

    /// Reads the whole file, lending each row to `body`; returns how many rows there were.
    func run(_ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        try start()
        var rows = 0
        while true {
            if pos >= end {
                if isSourceDone && end == fill { break }
                try refill()
                continue
            }
            let atEOF = isSourceDone && end == fill
            switch scanRecord(atEOF: atEOF) {
            case .incomplete:
                try refill()
            case .unterminated(let extraLines):
                throw .unterminatedQuote(path: path, line: line + extraLines)
            case .fieldTooLong(let field, let extraLines, let start, let quoted):
                // Cut short while still growing: its start is all there is to show.
                let from = quoted ? start + 1 : start
                let bytes = UnsafeBufferPointer(start: buf + from, count: end - from)
                throw .fieldTooLong(path: path, line: line + extraLines, column: field + 1, quoted: quoted,
                                    excerpt: Excerpt.of(bytes, exceeding: ReadLimits.maxCellCharacters))
            case .tooManyFields:
                throw .tooManyFields(path: path, line: line, limit: Self.maxFields)
            case .record(let next, let n, let extraLines):
                var count = n
                for i in 0..<n where needsUnescape[i] == 1 { unescape(field: i) }
                if next - pos > ReadLimits.maxCellCharacters { try checkFieldLengths(n) }
                if n == 1 && spans[0] == spans[1] && needsUnescape[0] == 0 {
                    // An empty line, not a line holding `""`.
                    count = 0
                }
                body(RawRow(line: line, count: count, base: UnsafePointer(buf), spans: UnsafePointer(spans), kinds: nil))
                rows += 1
                line += extraLines
                pos = next
            }
        }
        return TableFile(path: path, format: .csv(encoding), rowCount: rows, byteCount: input.size,
                         delimiter: Character(Unicode.Scalar(delimiter)))
    }

    // MARK: - Encoding and chunks

    /// Decides the encoding and delimiter from the start of the file.
    private func start() throws(ReadError) {
        let peekSize = min(max(Self.detectionSize, chunkSize), max(1, input.size))
        let head = UnsafeMutablePointer<UInt8>.allocate(capacity: peekSize)
        defer { head.deallocate() }
        let n = try input.peek(into: head, count: peekSize)
        let isWholeFile = n == input.size
        func starts(_ magic: [UInt8]) -> Bool {
            n >= magic.count && magic.indices.allSatisfy { head[$0] == magic[$0] }
        }
        if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
            throw .unsupportedEncoding(path: path, encoding: "UTF-16")
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) { throw .misnamedWorkbook(path: path) }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { throw .legacyExcelFormat(path: path) }
        if let bigEndian = Self.utf16WithoutBOM(head, count: n) {
            throw .utf16WithoutBOM(path: path, bigEndian: bigEndian)
        }
        try endBeforeDOSEndOfFile()

        var bodyStart = 0
        if starts([0xEF, 0xBB, 0xBF]) {
            encoding = .utf8BOM
            bodyStart = 3
        } else if case .invalid(let at, _) = UTF8Validation.validate(head, from: 0, to: n, isFinal: isWholeFile),
            UTF8Validation.multibyteCount(head, from: 0, to: at) < Self.utf8Evidence
        {
            // Invalid UTF-8 with little UTF-8 before it: GB18030. After several valid UTF-8
            // characters it is a broken UTF-8 file instead, reported with its line as reading
            // reaches it, rather than read as GB18030 mojibake.
            encoding = .gb18030
            guard let c = GB18030Converter(input: input, chunkSize: chunkSize) else {
                throw .converterUnavailable(path: path, encoding: "GB18030")
            }
            converter = c
        }
        input.seek(to: bodyStart)
        bufferFileOffset = bodyStart
        delimiter = Self.detectDelimiter(head + bodyStart, count: n - bodyStart)
    }

    /// UTF-16 saved without a byte-order mark (some exporting programs): the text's ASCII
    /// characters (commas, digits, dates) come with a zero byte each, all on the same side of
    /// their pair. `true` for big-endian, `false` for little-endian, nil for anything else (a
    /// stray NUL in UTF-8 or GB18030 text is nowhere near so regular).
    static func utf16WithoutBOM(_ p: UnsafePointer<UInt8>, count n: Int) -> Bool? {
        let pairs = n / 2
        guard pairs >= 4 else { return nil }
        var even = 0, odd = 0
        for i in 0..<pairs {
            if p[2 &* i] == 0 { even &+= 1 }
            if p[2 &* i &+ 1] == 0 { odd &+= 1 }
        }
        if odd * 4 >= pairs, even * 16 <= odd { return false }
        if even * 4 >= pairs, odd * 16 <= even { return true }
        return nil
    }

    /// A lone Ctrl-Z (0x1A) at the very end, perhaps followed by a line break: the DOS
    /// end-of-file mark old exports add. It ends the file rather than making a row of it.
    private func endBeforeDOSEndOfFile() throws(ReadError) {
        let tail = UnsafeMutablePointer<UInt8>.allocate(capacity: 4)
        defer { tail.deallocate() }
        let from = max(0, input.size - 4)
        let k = try input.peek(into: tail, count: input.size - from, at: from)
        var i = k
        if i > 0, tail[i - 1] == 0x0A { i -= 1 }
        if i > 0, tail[i - 1] == 0x0D { i -= 1 }
        guard i > 0, tail[i - 1] == 0x1A, i < 2 || tail[i - 2] != 0x1A else { return }
        input.endEarly(at: from + i - 1)
    }

    /// Comma, unless the first line has no comma but has tabs. Both are below 0x2D, which the
    /// field scan relies on (`below2D`).
    private static func detectDelimiter(_ p: UnsafePointer<UInt8>, count: Int) -> UInt8 {
        var tabs = 0
        for i in 0..<count {
            switch p[i] {
            case 0x0A, 0x0D: return tabs > 0 ? 0x09 : 0x2C
            case 0x2C: return 0x2C
            case 0x09: tabs += 1
            default: break
            }
        }
        return tabs > 0 ? 0x09 : 0x2C
    }

    /// Moves the unfinished record to the front and appends the next chunk.
    private func refill() throws(ReadError) {
        if pos > 0 {
            memmove(buf, buf + pos, fill - pos)
            bufferFileOffset += pos
            fill -= pos
            end -= pos
            pos = 0
        }
        if fill >= maxRecordBytes { throw .recordTooLong(path: path, line: line, limit: maxRecordBytes) }
        // A record longer than a chunk is scanned again after each read; reading as much as
        // is already held keeps that linear (each rescan at least doubles the bytes).
        let readSize = max(chunkSize, fill)
        if capacity - fill < readSize {
            let newCapacity = max(capacity * 2, fill + readSize)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buf, count: fill)
            buf.deallocate()
            buf = grown
            capacity = newCapacity
        }
        if let converter {
            do {
                let (produced, finished) = try converter.convert(into: buf + fill, capacity: capacity - fill, atLeast: readSize / 2)
                fill += produced
                end = fill
                if finished { isSourceDone = true }
            } catch {
                switch error {
                case .read(let e): throw e
                case .invalid(let offset, let bytes, let produced):
                    // Everything converted so far is in the buffer; the bad bytes come next.
                    let lineHere = line + UTF8Validation.lineBreaks(buf, from: pos, to: fill + produced)
                    throw .invalidGB18030(path: path, line: lineHere, offset: offset, bytes: bytes)
                }
            }
            return
        }
        let n = try input.read(into: buf + fill, count: readSize)
        if n == 0 { isSourceDone = true }
        fill += n
        switch UTF8Validation.validate(buf, from: end, to: fill, isFinal: isSourceDone, sawNonASCII: &sawNonASCII) {
        case .valid(let upTo):
            end = upTo
        case .invalid where !sawNonASCII && encoding == .utf8:
            // Only ASCII so far, which reads the same in GB18030: a GBK file whose first
            // chunk happened to be ASCII. Convert from here on.
            guard let c = GB18030Converter(input: input, chunkSize: chunkSize,
                                           pending: UnsafeBufferPointer(start: buf + end, count: fill - end),
                                           pendingOffset: bufferFileOffset + end) else {
                throw .converterUnavailable(path: path, encoding: "GB18030")
            }
            converter = c
            encoding = .gb18030
            fill = end
            isSourceDone = false
            try refill()
        case .invalid(let at, let length):
            let lineHere = line + UTF8Validation.lineBreaks(buf, from: pos, to: at)
            let bytes = Array(UnsafeBufferPointer(start: buf + at, count: min(length, fill - at)))
            throw .invalidUTF8(path: path, line: lineHere, offset: bufferFileOffset + at, bytes: bytes)
        }
    }

    // MARK: - Scanning

    private enum Scan {
        /// A whole record: where the next one starts, its field count, and the physical
        /// lines it spans beyond its first.
        case record(next: Int, fields: Int, lines: Int)
        /// The record runs past the bytes in hand.
        case incomplete
        /// End of file inside a quoted field that opened `lines` lines below the record start.
        case unterminated(lines: Int)
        /// Field `field`, starting at `start`, `lines` lines below the record start, is already
        /// longer than any field may be (`ReadLimits.maxCellBytes`) and not yet complete.
        case fieldTooLong(field: Int, lines: Int, start: Int, quoted: Bool)
        /// More than `maxFields` fields.
        case tooManyFields
    }

    private func growFields() {
        let newCapacity = fieldCapacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: 2 * newCapacity)
        s.update(from: spans, count: 2 * fieldCapacity)
        spans.deallocate()
        spans = s
        let u = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        u.update(from: needsUnescape, count: fieldCapacity)
        needsUnescape.deallocate()
        needsUnescape = u
        fieldCapacity = newCapacity
    }

    /// Scans one record starting at `pos` within `pos..<end`.
    private func scanRecord(atEOF: Bool) -> Scan {
        let p = buf
        let limit = end
        let delim = delimiter
        let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var i = pos
        var n = 0
        var lines = 0
        // Locals, so the hot loop does not reload class properties.
        var spans = self.spans, flags = self.needsUnescape, fieldCapacity = self.fieldCapacity
        let maxFieldBytes = ReadLimits.maxCellBytes
        while true {
            if n == Self.maxFields { return .tooManyFields }
            if n == fieldCapacity {
                growFields()
                spans = self.spans
                flags = self.needsUnescape
                fieldCapacity = self.fieldCapacity
            }
            let fieldStart = i
            var flag: UInt8 = 0
            var contentStart = i, contentEnd = i
            if i < limit && p[i] == quote {
                let openLines = lines
                i &+= 1
                var closed = false
                while i < limit {
                    let b = p[i]
                    if b == quote {
                        if i &+ 1 >= limit {
                            if !atEOF { return .incomplete }
                            i &+= 1
                            closed = true
                            break
                        }
                        if p[i &+ 1] == quote {
                            flag = 1
                            i &+= 2
                            continue
                        }
                        i &+= 1
                        closed = true
                        break
                    } else if b == lf {
                        lines &+= 1
                        i &+= 1
                    } else if b == cr {
                        if i &+ 1 >= limit && !atEOF { return .incomplete }
                        lines &+= 1
                        i &+= (i &+ 1 < limit && p[i &+ 1] == lf) ? 2 : 1
                    } else {
                        i &+= 1
                    }
                }
                if !closed {
                    if atEOF { return .unterminated(lines: openLines) }
                    if limit &- fieldStart > maxFieldBytes &+ 1 {
                        return .fieldTooLong(field: n, lines: openLines, start: fieldStart, quoted: true)
                    }
                    return .incomplete
                }
                let afterQuote = i
                while i < limit {
                    let b = p[i]
                    if b == delim || b == lf || b == cr { break }
                    i &+= 1
                }
                if i == limit && !atEOF {
                    if i &- fieldStart > maxFieldBytes &+ 2 {
                        return .fieldTooLong(field: n, lines: openLines, start: fieldStart, quoted: true)
                    }
                    return .incomplete
                }
                if i > afterQuote { flag = 1 }
                if flag == 0 {
                    flag = 2
                    contentStart = fieldStart &+ 1
                    contentEnd = afterQuote &- 1
                } else {
                    contentStart = fieldStart
                    contentEnd = i
                }
            } else {
                // The hot loop: the three stop bytes are all <= ','. Eight bytes at a time,
                // stopping only at bytes below 0x2D (spaces, quotes, tabs and the stops); the
                // byte loop then finds the stop (or the end of the bytes in hand).
                words: while i &+ 8 <= limit {
                    var m = Self.below2D(ByteWords.load(p + i))
                    while m != 0 {
                        let b = p[i &+ (m.trailingZeroBitCount &>> 3)]
                        if b == delim || b == lf || b == cr {
                            i &+= m.trailingZeroBitCount &>> 3
                            break words
                        }
                        m &= m &- 1
                    }
                    i &+= 8
                }
                while i < limit {
                    let b = p[i]
                    if b <= 0x2C && (b == delim || b == lf || b == cr) { break }
                    i &+= 1
                }
                if i == limit && !atEOF {
                    if i &- fieldStart > maxFieldBytes {
                        return .fieldTooLong(field: n, lines: lines, start: fieldStart, quoted: false)
                    }
                    return .incomplete
                }
                contentStart = fieldStart
                contentEnd = i
            }
            spans[2 &* n] = contentStart
            spans[2 &* n &+ 1] = contentEnd
            flags[n] = flag
            n &+= 1
            if i >= limit { return .record(next: i, fields: n, lines: lines) }
            let b = p[i]
            if b == delim {
                i &+= 1
                continue
            }
            if b == lf { return .record(next: i &+ 1, fields: n, lines: lines &+ 1) }
            // CR: a CRLF pair or a lone CR.
            if i &+ 1 >= limit {
                if !atEOF { return .incomplete }
                return .record(next: i &+ 1, fields: n, lines: lines &+ 1)
            }
            return .record(next: p[i &+ 1] == lf ? i &+ 2 : i &+ 1, fields: n, lines: lines &+ 1)
        }
    }

    /// The high bit of each byte of `w` that is below 0x2D, and no other bit: exact per byte
    /// (no carry crosses a byte), so every set bit is such a byte.
    @inline(__always)
    static func below2D(_ w: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let atLeast = ((w & ~high) &+ 0x5353_5353_5353_5353) | w
        return ~atLeast & high
    }

    /// Throws D0031 for the first field of the record at `pos` longer than Excel allows.
    private func checkFieldLengths(_ n: Int) throws(ReadError) {
        for i in 0..<n {
            let start = spans[2 * i], end = spans[2 * i + 1]
            let field = UnsafeBufferPointer(start: buf + start, count: end - start)
            guard UTF8Count.exceedsCellLimit(field) else { continue }
            // A quoted field's span starts at its quote (unescaped) or just after it.
            let quoted = needsUnescape[i] != 0
            let lineHere = line + UTF8Validation.lineBreaks(buf, from: pos, to: start)
            throw .fieldTooLong(path: path, line: lineHere, column: i + 1, quoted: quoted, excerpt: Excerpt.of(field))
        }
    }

    /// Unescapes a quoted field in place: `"a""b"c` becomes `a"bc`.
    private func unescape(field i: Int) {
        let start = spans[2 * i], end = spans[2 * i + 1]
        var r = start + 1, w = start
        while r < end {
            let b = buf[r]
            if b == 0x22 {
                if r + 1 < end && buf[r + 1] == 0x22 {
                    buf[w] = 0x22
                    w += 1
                    r += 2
                    continue
                }
                r += 1
                // After the closing quote everything is literal.
                while r < end {
                    buf[w] = buf[r]
                    w += 1
                    r += 1
                }
                break
            }
            buf[w] = b
            w += 1
            r += 1
        }
        spans[2 * i + 1] = w
    }
}
