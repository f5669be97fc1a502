import Glibc

/// Converts a GB18030 (and so GBK and GB2312) file to UTF-8 with glibc's iconv, one chunk
/// at a time, carrying a multibyte character cut by a chunk boundary into the next chunk.
final class GB18030Converter {
    /// Why conversion stopped short.
    enum Fault: Error {
        /// The bytes at `offset` (in the file) are not GB18030; `produced` bytes were
        /// converted before them in this call.
        case invalid(offset: Int, bytes: [UInt8], produced: Int)
        case read(ReadError)
    }

    private let input: FileInput
    private let cd: iconv_t
    private let raw: UnsafeMutablePointer<UInt8>
    private let rawCapacity: Int
    private var rawStart = 0, rawEnd = 0
    /// File offset of `raw[0]`.
    private var rawFileOffset = 0
    private var isInputDone = false

    /// Converts `pending` (bytes already read, from file offset `pendingOffset`) and then the
    /// rest of `input`; returns nil when iconv has no GB18030 converter.
    init?(input: FileInput, chunkSize: Int, pending: UnsafeBufferPointer<UInt8> = .init(start: nil, count: 0),
          pendingOffset: Int = 0) {
        guard let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) else { return nil }
        self.cd = cd
        self.input = input
        // Room for a chunk plus a carried partial character (at most 3 bytes).
        self.rawCapacity = chunkSize + 8 + pending.count
        self.raw = .allocate(capacity: rawCapacity)
        if let base = pending.baseAddress {
            raw.update(from: base, count: pending.count)
            rawEnd = pending.count
        }
        rawFileOffset = pendingOffset
    }

    deinit {
        iconv_close(cd)
        raw.deallocate()
    }

    /// Converts into `out` until it is full, or at least `atLeast` bytes were produced and the
    /// input read so far is used up; `finished` is true once the whole file has been converted.
    func convert(into out: UnsafeMutablePointer<UInt8>, capacity: Int, atLeast: Int = 1) throws(Fault) -> (produced: Int, finished: Bool) {
        var produced = 0
        while true {
            if rawStart == rawEnd || needsInput {
                if produced >= atLeast { return (produced, false) }
                if isInputDone {
                    if rawStart < rawEnd {
                        // The file ends inside a multibyte character.
                        throw .invalid(offset: rawFileOffset + rawStart,
                                       bytes: Array(UnsafeBufferPointer(start: raw + rawStart, count: rawEnd - rawStart)),
                                       produced: produced)
                    }
                    return (produced, true)
                }
                let carried = rawEnd - rawStart
                if rawStart > 0 {
                    memmove(raw, raw + rawStart, carried)
                    rawFileOffset += rawStart
                    rawStart = 0
                    rawEnd = carried
                }
                let n: Int
                do { n = try input.read(into: raw + rawEnd, count: rawCapacity - rawEnd) } catch { throw .read(error) }
                if n == 0 { isInputDone = true }
                rawEnd += n
                needsInput = false
                continue
            }
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(raw + rawStart).assumingMemoryBound(to: CChar.self)
            var inLeft = rawEnd - rawStart
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out + produced).assumingMemoryBound(to: CChar.self)
            var outLeft = capacity - produced
            let before = inLeft, outBefore = outLeft
            let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            rawStart += before - inLeft
            produced += outBefore - outLeft
            if result == -1 {
                switch errno {
                case E2BIG:
                    return (produced, false)
                case EINVAL:
                    // A character cut by the chunk boundary: read on.
                    needsInput = true
                case EILSEQ:
                    // 0x80 and 0xFF start nothing; otherwise show the pair that failed.
                    let first = raw[rawStart]
                    let n = min(first == 0x80 || first == 0xFF ? 1 : 2, rawEnd - rawStart)
                    throw .invalid(offset: rawFileOffset + rawStart,
                                   bytes: Array(UnsafeBufferPointer(start: raw + rawStart, count: n)), produced: produced)
                default:
                    throw .invalid(offset: rawFileOffset + rawStart, bytes: [], produced: produced)
                }
            }
        }
    }

    private var needsInput = false
}
