import Foundation

/// A CSV file written through one large byte buffer.
///
/// Province-scale months hold about ten million rows, so rows are assembled from bytes
/// (static strings, pre-encoded words, digits) rather than from `String`s, and reach the
/// disk in large blocks: memory stays constant however many rows are written.
///
/// ```swift
/// let out = try CSVOutput(path: "/tmp/x.csv")
/// out.raw("工号,日期\n")
/// out.raw("FM-001"); out.comma(); out.date(day); out.newline()
/// try out.close()
/// ```
public final class CSVOutput {
    public let path: String
    private let handle: FileHandle
    private let capacity: Int
    private let storage: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var failure: GeneratorError?
    /// Rows written so far, not counting the header line.
    public private(set) var rows = 0
    /// Bytes written so far, header included.
    public private(set) var bytes = 0

    public init(path: String, bufferSize: Int = 4 << 20) throws(GeneratorError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let h = FileHandle(forWritingAtPath: path)
        else { throw .cannotWrite(path: path, reason: "cannot create the file") }
        handle = h
        capacity = max(bufferSize, 64 << 10)
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Writes the header line (which is not counted as a row).
    public func header(_ line: StaticString) {
        raw(line)
        newlineWithoutCounting()
    }

    @inline(__always) private func ensure(_ n: Int) {
        if count + n > capacity { flush() }
    }

    private func flush() {
        guard count > 0 else { return }
        if failure == nil {
            do {
                try handle.write(contentsOf: Data(bytesNoCopy: storage, count: count, deallocator: .none))
            } catch {
                failure = .cannotWrite(path: path, reason: "\(error)")
            }
        }
        bytes += count
        count = 0
    }

    /// Flushes and closes the file; reports the first write failure, if any.
    public func close() throws(GeneratorError) {
        flush()
        do { try handle.close() } catch {
            if failure == nil { failure = .cannotWrite(path: path, reason: "\(error)") }
        }
        if let failure { throw failure }
    }

    // MARK: Bytes

    @inline(__always) public func byte(_ b: UInt8) {
        ensure(1)
        storage[count] = b
        count += 1
    }

    /// Text known not to need quoting (a literal of this module).
    @inline(__always) public func raw(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        ensure(n)
        (storage + count).update(from: s.utf8Start, count: n)
        count += n
    }

    /// Pre-encoded bytes known not to need quoting.
    @inline(__always) public func raw(_ b: [UInt8]) {
        let n = b.count
        ensure(n)
        b.withUnsafeBufferPointer { (storage + count).update(from: $0.baseAddress!, count: n) }
        count += n
    }

    /// Free text, quoted per RFC 4180 when it holds a comma, a quote or a line break.
    public func text(_ s: String) {
        var needsQuotes = false
        for b in s.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            var s = s
            s.withUTF8 { u in
                guard let base = u.baseAddress else { return }
                ensure(u.count)
                (storage + count).update(from: base, count: u.count)
                count += u.count
            }
            return
        }
        byte(0x22)
        for b in s.utf8 {
            if b == 0x22 { byte(0x22) }
            byte(b)
        }
        byte(0x22)
    }

    @inline(__always) public func comma() { byte(0x2C) }

    /// Ends a row.
    @inline(__always) public func newline() {
        byte(0x0A)
        rows += 1
    }

    private func newlineWithoutCounting() { byte(0x0A) }

    // MARK: Numbers, dates, times

    /// A non-negative or negative integer in plain decimal.
    public func int(_ value: Int) {
        ensure(21)
        var v = value
        if v < 0 {
            storage[count] = 0x2D
            count += 1
            v = -v
        }
        if v < 10 {
            storage[count] = UInt8(48 + v)
            count += 1
            return
        }
        var digits = 0
        var t = v
        while t > 0 {
            digits += 1
            t /= 10
        }
        var i = count + digits - 1
        while v > 0 {
            storage[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
        count += digits
    }

    /// An integer padded with zeros to `width` digits.
    @inline(__always) public func padded(_ value: Int, width: Int) {
        ensure(width)
        var v = value
        var i = count + width - 1
        while i >= count {
            storage[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
        count += width
    }

    /// `2020-12-01`.
    public func date(year: Int, month: Int, day: Int) {
        padded(year, width: 4)
        byte(0x2D)
        padded(month, width: 2)
        byte(0x2D)
        padded(day, width: 2)
    }

    /// `08:30` from minutes after midnight (24:00 allowed).
    public func time(minutes: Int) {
        padded(minutes / 60, width: 2)
        byte(0x3A)
        padded(minutes % 60, width: 2)
    }

    /// Money in 分 as `1234.56`.
    public func money(fen: Int64) {
        var v = fen
        if v < 0 {
            byte(0x2D)
            v = -v
        }
        int(Int(v / 100))
        byte(0x2E)
        padded(Int(v % 100), width: 2)
    }

    /// A decimal in tenths without a trailing `.0`: 15 → `1.5`, 20 → `2`.
    public func tenths(_ value: Int) {
        if value < 0 {
            byte(0x2D)
            tenths(-value)
            return
        }
        int(value / 10)
        if value % 10 != 0 {
            byte(0x2E)
            byte(UInt8(48 + value % 10))
        }
    }
}
