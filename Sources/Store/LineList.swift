import Exact
import Results

/// A cadre's score lines and pay lines as `cadreResult.lines` holds them (since v11), rather
/// than a `scoreLine` row per score line and a `payLine` row per pay line (about 1.8 million
/// rows a province month, most of the store stage). Items are the run's numbers
/// (`scoreItem`, `payItem`), as the rows' `item`. Pay lines come first: the year's reader
/// wants their amounts and skips the rest.
/// ```
/// lines = format:u8(1) count pay* count score*
/// pay   = uint(item) zigzag(amount 分) ( u8(0) | u8(1) zigzag(year to date 分) )
/// score = uint(item) fixed(raw) fixed(points) uint(recordCount) text?(reason) text?(approvedBy) text?(counting)
/// fixed = zigzag(units) u8(scale)        text? = uint(0) (none) | uint(n + 1) n UTF-8 bytes
/// ```
/// Integers are LEB128 varints, signed ones zigzagged, as in `TraceDocument`.
enum LineList {
    static let format: UInt8 = 1

    struct Pay: Equatable {
        var item: Int64
        var amountFen: Int64
        var yearFen: Int64?
    }

    struct Score: Equatable {
        var item: Int64
        var raw: Fixed
        var points: Fixed
        var recordCount: Int
        var reason: String?
        var approvedBy: String?
        var counting: String?
    }

    struct DecodingError: Error, CustomStringConvertible {
        var description: String
    }

    /// The encoding of one cadre's lines.
    static func encode(pay: [Pay], score: [Score]) -> [UInt8] {
        var out: [UInt8] = []
        start(payCount: pay.count, &out)
        for p in pay { appendPay(item: p.item, amountFen: p.amountFen, yearFen: p.yearFen, &out) }
        startScore(count: score.count, &out)
        for s in score {
            appendScore(item: s.item, raw: s.raw, points: s.points, recordCount: s.recordCount,
                        reason: s.reason, approvedBy: s.approvedBy, counting: s.counting, &out)
        }
        return out
    }

    // The writer's steps (`ResultWriter`, which reads the lines in place): `start`, each pay
    // line, `startScore`, each score line.

    static func start(payCount: Int, _ out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(format)
        uint(UInt64(payCount), &out)
    }

    @inline(__always)
    static func appendPay(item: Int64, amountFen: Int64, yearFen: Int64?, _ out: inout [UInt8]) {
        uint(UInt64(item), &out)
        int(amountFen, &out)
        if let yearFen {
            out.append(1)
            int(yearFen, &out)
        } else {
            out.append(0)
        }
    }

    static func startScore(count: Int, _ out: inout [UInt8]) { uint(UInt64(count), &out) }

    @inline(__always)
    static func appendScore(item: Int64, raw: Fixed, points: Fixed, recordCount: Int, reason: String?, approvedBy: String?,
                            counting: String?, _ out: inout [UInt8]) {
        uint(UInt64(item), &out)
        fixed(raw, &out)
        fixed(points, &out)
        uint(UInt64(recordCount), &out)
        text(reason, &out)
        text(approvedBy, &out)
        text(counting, &out)
    }

    @inline(__always)
    static func uint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    static func int(_ v: Int64, _ out: inout [UInt8]) { uint(UInt64(bitPattern: (v << 1) ^ (v >> 63)), &out) }

    @inline(__always)
    static func fixed(_ f: Fixed, _ out: inout [UInt8]) {
        int(f.units, &out)
        out.append(UInt8(f.scale))
    }

    static func text(_ s: String?, _ out: inout [UInt8]) {
        guard var s else {
            out.append(0)
            return
        }
        s.withUTF8 { u in
            uint(UInt64(u.count) + 1, &out)
            out.append(contentsOf: u)
        }
    }

    /// Reads an encoding in place, calling `pay` for each pay line then, unless `score` is
    /// nil (its lines are then only checked), `score` for each score line.
    static func visit(_ bytes: UnsafeRawBufferPointer, pay: (Pay) throws -> Void, score: ((Score) throws -> Void)?) throws {
        var r = Cursor(bytes: bytes)
        let f = try r.byte()
        guard f == format else { throw DecodingError(description: "lines format \(f)") }
        for _ in 0..<(try r.count()) {
            let item = try r.item()
            let amount = try r.int()
            let year: Int64? = try r.byte() == 0 ? nil : try r.int()
            try pay(Pay(item: item, amountFen: amount, yearFen: year))
        }
        for _ in 0..<(try r.count()) {
            let item = try r.item()
            let raw = try r.fixed()
            let points = try r.fixed()
            let records = try r.number()
            if let score {
                try score(Score(item: item, raw: raw, points: points, recordCount: records,
                                reason: try r.text(), approvedBy: try r.text(), counting: try r.text()))
            } else {
                for _ in 0..<3 { try r.skipText() }
            }
        }
        guard r.at == bytes.count else { throw DecodingError(description: "bytes after the lines") }
    }

    static func visit(_ bytes: [UInt8], pay: (Pay) throws -> Void, score: ((Score) throws -> Void)?) throws {
        try bytes.withUnsafeBytes { try visit($0, pay: pay, score: score) }
    }

    /// Both lists, for tests and the readers that want them all.
    static func decode(_ bytes: [UInt8]) throws -> (pay: [Pay], score: [Score]) {
        var pay: [Pay] = [], score: [Score] = []
        try visit(bytes, pay: { pay.append($0) }, score: { score.append($0) })
        return (pay, score)
    }

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var at = 0

        @inline(__always)
        mutating func byte() throws -> UInt8 {
            guard at < bytes.count else { throw DecodingError(description: "lines truncated") }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func uint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw DecodingError(description: "varint too long") }
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }

        mutating func int() throws -> Int64 {
            let u = try uint()
            return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
        }

        mutating func count() throws -> Int {
            let n = try uint()
            guard n <= UInt64(bytes.count) else { throw DecodingError(description: "count \(n)") }
            return Int(n)
        }

        mutating func number() throws -> Int {
            let n = try uint()
            guard n <= UInt64(Int.max) else { throw DecodingError(description: "number \(n)") }
            return Int(n)
        }

        mutating func item() throws -> Int64 {
            let n = try uint()
            guard n < 1 << 31 else { throw DecodingError(description: "item \(n)") }
            return Int64(n)
        }

        mutating func fixed() throws -> Fixed {
            let units = try int()
            let scale = Int(try byte())
            guard scale <= Fixed.maxScale else { throw DecodingError(description: "scale \(scale)") }
            return Fixed(units: units, scale: scale)
        }

        mutating func text() throws -> String? {
            let n = try uint()
            guard n > 0 else { return nil }
            guard n - 1 <= UInt64(bytes.count - at) else { throw DecodingError(description: "lines truncated") }
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(n - 1))]), as: UTF8.self)
            at += Int(n - 1)
            return s
        }

        mutating func skipText() throws {
            let n = try uint()
            guard n > 0 else { return }
            guard n - 1 <= UInt64(bytes.count - at) else { throw DecodingError(description: "lines truncated") }
            at += Int(n - 1)
        }
    }
}
