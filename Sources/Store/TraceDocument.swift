import Exact
import Pay
import Results

/// The parts of a cadre's result that only a person reads — each score line's records and
/// each pay line's trace — as one compact, versioned binary document per cadre, decoded only
/// when someone asks (an explanation, the portal's 积分明细), never for the reports.
///
/// Format 1 (written before store migration v10, still read; runs now write formats 2 and 3,
/// below, which cite the run's summaries by number), all integers LEB128 varints (signed ones
/// zigzag):
/// ```
/// document  = format:u8(1) count(score lines) records* count(pay lines) trace*
/// records   = count record*        record = str(file) int(line) date str(summary) fixed(points)
/// trace     = count step*          step   = text(label) text(formula) count input* quantity(result)
///                                           rounding count note*
/// input     = text(name) quantity
/// text      = 0 (as the template's) | 1 str (en = zh) | 2 str str
/// str       = 0 len bytes (new: takes the next number) | n (the document's n-th string)
/// quantity  = 0 money(fen) | 1 fixed | 2 fixed (a rate) | 3 int (a count)
/// fixed     = int(units) u8(scale)     date = 0 (none) | zigzag(days since 1970) + 1
/// rounding  = 0 | 1 u8(rule) u8(scale) fixed(exact) fixed(rounded) u8(isExact)
/// note      = u8(case) fields, texts never as the template's
/// ```
/// A pay line's labels, formulas and input names are the same for every cadre paid by that
/// line, so each is written once per run, in the line's template (`TraceDocument.template`,
/// the first trace of that line seen in the run), and a cadre's document says "as the
/// template's" in one byte. That keeps a province month's traces to about 500 bytes a cadre
/// where the JSON of earlier versions took 11 KB.
enum TraceDocument {
    static let format: UInt8 = 1

    enum DecodingError: Error, Sendable {
        case unknownFormat(UInt8)
        case truncated
        case invalid(String)
    }

    // MARK: - Encoding

    /// A cadre's document: its score lines' records and its pay lines' traces, each trace
    /// against `templates[i]`, the template of pay line `i` (nil: none).
    static func encode(_ c: CadreResult, templates: [PayTrace?]) -> [UInt8] {
        var w = Writer()
        w.bytes.append(format)
        w.count(c.score.lines.count)
        for line in c.score.lines {
            w.records(line.records)
        }
        w.count(c.pay.lines.count)
        for (i, line) in c.pay.lines.enumerated() {
            w.trace(line.trace, template: i < templates.count ? templates[i] : nil)
        }
        return w.bytes
    }

    /// A pay line's template: a trace standing alone.
    static func template(_ trace: PayTrace) -> [UInt8] {
        var w = Writer()
        w.bytes.append(format)
        w.trace(trace, template: nil)
        return w.bytes
    }

    struct Writer {
        var bytes: [UInt8] = []
        private var strings: [Bytes: Int] = [:]

        /// A string keyed by its UTF-8 bytes: hashing a `String` itself normalizes it
        /// (Unicode NFC), which was most of the cost of encoding a province's traces.
        private struct Bytes: Hashable {
            var s: String

            static func == (a: Bytes, b: Bytes) -> Bool {
                var x = a.s, y = b.s
                return x.withUTF8 { p in y.withUTF8 { q in p.count == q.count && p.elementsEqual(q) } }
            }

            func hash(into h: inout Hasher) {
                var s = s
                s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
            }
        }
        /// For compact records: the document's number of each file and summary number seen.
        private var fileNumbers: [Int: Int] = [:]
        private var summaryNumbers: [Int: Int] = [:]

        init() { bytes.reserveCapacity(1024) }

        mutating func uint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }

        mutating func int(_ v: Int64) { uint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        mutating func count(_ n: Int) { uint(UInt64(n)) }

        mutating func str(_ s: String) {
            if let n = strings[Bytes(s: s)] {
                uint(UInt64(n))
                return
            }
            strings[Bytes(s: s)] = strings.count + 1
            bytes.append(0)
            var s = s
            s.withUTF8 { u in
                count(u.count)
                bytes.append(contentsOf: u)
            }
        }

        mutating func fixed(_ f: Fixed) {
            int(f.units)
            bytes.append(UInt8(f.scale))
        }

        mutating func date(_ d: CivilDate?) {
            // 0 for none, else the zigzagged day number plus one.
            if let d {
                let v = Int64(d.daysSinceEpoch)
                uint(UInt64(bitPattern: (v << 1) ^ (v >> 63)) + 1)
            } else {
                bytes.append(0)
            }
        }

        /// A line's records. Held compactly, each file and summary is looked up by its number
        /// (`RecordTexts`) rather than by hashing its text per record; the bytes are the same
        /// as `record(_:)` writes, as the first sight of a number goes through `str`.
        mutating func records(_ list: RecordList) {
            count(list.count)
            guard let (entries, texts) = list.entries else {
                for r in list { record(r) }
                return
            }
            // The caches taken out of `self` while it writes (put back after, never copied).
            var files = fileNumbers, summaries = summaryNumbers
            fileNumbers = [:]
            summaryNumbers = [:]
            // The month's texts are shared by every cadre's document, written on every core:
            // borrowed once here rather than retained per record.
            texts.withSummaries { text in
                entries.withUnsafeBufferPointer { entries in
                    for e in entries {
                        textNumber(Int(e.file), cache: &files) { texts.files[Int(e.file)] }
                        int(Int64(e.line))
                        date(e.date)
                        let n = Int(e.summary)
                        textNumber(n, cache: &summaries) { String(decoding: text[n], as: UTF8.self) }
                        int(e.units)
                        bytes.append(e.scale)
                    }
                }
            }
            fileNumbers = files
            summaryNumbers = summaries
        }

        /// `str(text())`, remembering what it wrote for `n` (a string's number in the
        /// document, after its first sight).
        private mutating func textNumber(_ n: Int, cache: inout [Int: Int], _ text: () -> String) {
            if let k = cache[n] {
                uint(UInt64(k))
                return
            }
            let s = text()
            str(s)
            cache[n] = strings[Bytes(s: s)]!
        }

        mutating func record(_ r: RecordRef) {
            str(r.file)
            int(Int64(r.line))
            date(r.date)
            str(r.summary)
            fixed(r.points)
        }

        mutating func text(_ t: PayText, template: PayText?) {
            if let template { text(t, same: template) } else { text(t) }
        }

        /// `t`, or "as the template's" when it equals `template`.
        mutating func text(_ t: borrowing PayText, same template: borrowing PayText) {
            if template == t { bytes.append(0) } else { text(t) }
        }

        private mutating func text(_ t: borrowing PayText) {
            if t.en == t.zh {
                bytes.append(1)
                str(t.zh)
            } else {
                bytes.append(2)
                str(t.zh)
                str(t.en)
            }
        }

        mutating func quantity(_ q: PayQuantity) {
            switch q {
            case .money(let m): bytes.append(0); int(m.fen)
            case .number(let f): bytes.append(1); fixed(f)
            case .rate(let f): bytes.append(2); fixed(f)
            case .count(let n): bytes.append(3); int(Int64(n))
            }
        }

        mutating func trace(_ t: PayTrace, template: PayTrace?) {
            count(t.steps.count)
            // Steps and inputs read in place: a copy of each retains every text it holds, which
            // was a fifth of encoding a province's documents.
            let none: [PayStep] = []
            t.steps.withUnsafeBufferPointer { steps in
                (template?.steps ?? none).withUnsafeBufferPointer { templateSteps in
                    for j in steps.indices { step(steps[j], j < templateSteps.count ? templateSteps.baseAddress! + j : nil) }
                }
            }
        }

        private mutating func step(_ s: borrowing PayStep, _ ts: UnsafePointer<PayStep>?) {
            if let ts { text(s.label, same: ts.pointee.label) } else { text(s.label, template: nil) }
            if let ts { text(s.formula, same: ts.pointee.formula) } else { text(s.formula, template: nil) }
            count(s.inputs.count)
            for k in s.inputs.indices {
                if let ts, k < ts.pointee.inputs.count {
                    text(s.inputs[k].name, same: ts.pointee.inputs[k].name)
                } else {
                    text(s.inputs[k].name, template: nil)
                }
                quantity(s.inputs[k].value)
            }
            quantity(s.result)
            if let r = s.rounding {
                bytes.append(1)
                bytes.append(TraceDocument.code(r.spec.rule))
                bytes.append(UInt8(clamping: r.spec.scale))
                fixed(r.exact)
                fixed(r.rounded)
                bytes.append(r.isExact ? 1 : 0)
            } else {
                bytes.append(0)
            }
            count(s.notes.count)
            for k in s.notes.indices { note(s.notes[k]) }
        }

        mutating func money(_ m: Money?) {
            if let m { bytes.append(1); int(m.fen) } else { bytes.append(0) }
        }

        mutating func note(_ n: PayNote) {
            switch n {
            case .bracket(let table, let row, let lower, let upper):
                bytes.append(0); text(table, template: nil); int(Int64(row)); money(lower); money(upper)
            case .nothingTaxable: bytes.append(1)
            case .wholeYearBasicDeduction: bytes.append(2)
            case .flooredAtZero(let d): bytes.append(3); int(d.fen)
            case .notRefunded(let d): bytes.append(4); int(d.fen)
            case .raisedToFloor(let wage, let floor): bytes.append(5); int(wage.fen); int(floor.fen)
            case .loweredToCeiling(let wage, let ceiling): bytes.append(6); int(wage.fen); int(ceiling.fen)
            case .switchedOff(let reason): bytes.append(7); text(reason, template: nil)
            case .zeroWeight: bytes.append(8)
            case .proportionalShare(let exact, let isExact, let roundedDown, let rank, let receivedFen):
                bytes.append(9); fixed(exact); bytes.append(isExact ? 1 : 0); int(roundedDown.fen); int(Int64(rank))
                bytes.append(receivedFen ? 1 : 0)
            case .remainderRule(let leftover): bytes.append(10); int(Int64(leftover))
            case .nothingAllocated(let pool): bytes.append(11); int(pool.fen)
            case .remark(let t): bytes.append(12); text(t, template: nil)
            }
        }
    }

    /// Stable codes for the rounding rules (never reorder).
    static func code(_ r: Rounding) -> UInt8 {
        switch r {
        case .halfUp: 0
        case .halfEven: 1
        case .down: 2
        case .up: 3
        case .floor: 4
        case .ceiling: 5
        }
    }

    static func rounding(_ code: UInt8) throws(DecodingError) -> Rounding {
        switch code {
        case 0: .halfUp
        case 1: .halfEven
        case 2: .down
        case 3: .up
        case 4: .floor
        case 5: .ceiling
        default: throw .invalid("rounding \(code)")
        }
    }

    // MARK: - Decoding

    /// The records and traces of `c`'s lines (read without them) from its document.
    static func decode(_ bytes: [UInt8], into c: inout CadreResult, templates: [PayTrace?]) throws(DecodingError) {
        var r = Reader(bytes)
        let version = try r.byte()
        guard version == format else { throw .unknownFormat(version) }
        let scoreLines = try r.count()
        guard scoreLines == c.score.lines.count else { throw .invalid("\(scoreLines) score lines for \(c.score.lines.count)") }
        for i in 0..<scoreLines {
            let n = try r.count()
            var records: [RecordRef] = []
            records.reserveCapacity(n)
            for _ in 0..<n { records.append(try r.record()) }
            c.score.lines[i].records = RecordList(records)
        }
        let payLines = try r.count()
        guard payLines == c.pay.lines.count else { throw .invalid("\(payLines) pay lines for \(c.pay.lines.count)") }
        for i in 0..<payLines {
            c.pay.lines[i].trace = try r.trace(template: i < templates.count ? templates[i] : nil)
        }
        guard r.isAtEnd else { throw .invalid("bytes after the document") }
    }

    static func decodeTemplate(_ bytes: [UInt8]) throws(DecodingError) -> PayTrace {
        var r = Reader(bytes)
        let version = try r.byte()
        guard version == format else { throw .unknownFormat(version) }
        let trace = try r.trace(template: nil)
        guard r.isAtEnd else { throw .invalid("bytes after the template") }
        return trace
    }

    struct Reader {
        private let bytes: [UInt8]
        private var at = 0
        private var strings: [String] = []

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { at == bytes.count }

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard at < bytes.count else { throw .truncated }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func uint() throws(DecodingError) -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw .invalid("varint too long") }
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }

        mutating func int() throws(DecodingError) -> Int64 {
            let u = try uint()
            return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
        }

        mutating func count() throws(DecodingError) -> Int {
            let n = try uint()
            guard n <= UInt64(bytes.count) else { throw .invalid("count \(n)") }
            return Int(n)
        }

        mutating func take(_ n: Int) throws(DecodingError) -> [UInt8] {
            guard n >= 0, at + n <= bytes.count else { throw .truncated }
            defer { at += n }
            return Array(bytes[at..<(at + n)])
        }

        mutating func str() throws(DecodingError) -> String {
            let n = try uint()
            if n > 0 {
                guard n <= UInt64(strings.count) else { throw .invalid("string \(n)") }
                return strings[Int(n) - 1]
            }
            let length = try count()
            guard at + length <= bytes.count else { throw .truncated }
            let s = String(decoding: bytes[at..<(at + length)], as: UTF8.self)
            at += length
            strings.append(s)
            return s
        }

        mutating func fixed() throws(DecodingError) -> Fixed {
            let units = try int()
            let scale = Int(try byte())
            guard scale <= Fixed.maxScale else { throw .invalid("scale \(scale)") }
            return Fixed(units: units, scale: scale)
        }

        mutating func date() throws(DecodingError) -> CivilDate? {
            let v = try uint()
            guard v > 0 else { return nil }
            let z = v - 1
            let days = Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
            guard let d = Int32(exactly: days) else { throw .invalid("date \(days)") }
            return CivilDate(daysSinceEpoch: d)
        }

        mutating func record() throws(DecodingError) -> RecordRef {
            let file = try str()
            let line = Int(try int())
            let date = try date()
            let summary = try str()
            return RecordRef(file: file, line: line, date: date, summary: summary, points: try fixed())
        }

        mutating func text(template: PayText?) throws(DecodingError) -> PayText {
            switch try byte() {
            case 0:
                guard let template else { throw .invalid("text as a missing template's") }
                return template
            case 1:
                let zh = try str()
                return PayText(zh: zh, en: zh)
            case 2:
                let zh = try str()
                return PayText(zh: zh, en: try str())
            case let tag:
                throw .invalid("text tag \(tag)")
            }
        }

        mutating func quantity() throws(DecodingError) -> PayQuantity {
            switch try byte() {
            case 0: return .money(Money(fen: try int()))
            case 1: return .number(try fixed())
            case 2: return .rate(try fixed())
            case 3: return .count(Int(try int()))
            case let tag: throw .invalid("quantity tag \(tag)")
            }
        }

        mutating func money() throws(DecodingError) -> Money? {
            try byte() == 0 ? nil : Money(fen: try int())
        }

        mutating func trace(template: PayTrace?) throws(DecodingError) -> PayTrace {
            let n = try count()
            var steps: [PayStep] = []
            steps.reserveCapacity(n)
            for j in 0..<n {
                let ts = template.flatMap { j < $0.steps.count ? $0.steps[j] : nil }
                let label = try text(template: ts?.label)
                let formula = try text(template: ts?.formula)
                let inputCount = try count()
                var inputs: [PayInput] = []
                inputs.reserveCapacity(inputCount)
                for k in 0..<inputCount {
                    let name = try text(template: ts.flatMap { k < $0.inputs.count ? $0.inputs[k].name : nil })
                    inputs.append(PayInput(name, try quantity()))
                }
                let result = try quantity()
                var rounding: AppliedRounding? = nil
                if try byte() == 1 {
                    let rule = try TraceDocument.rounding(try byte())
                    let scale = Int(try byte())
                    let exact = try fixed()
                    let rounded = try fixed()
                    rounding = AppliedRounding(spec: RoundingSpec(rule, scale: scale), exact: exact, rounded: rounded, isExact: try byte() == 1)
                }
                let noteCount = try count()
                var notes: [PayNote] = []
                for _ in 0..<noteCount { notes.append(try note()) }
                steps.append(PayStep(label: label, formula: formula, inputs: inputs, result: result, rounding: rounding, notes: notes))
            }
            return PayTrace(steps: steps)
        }

        mutating func note() throws(DecodingError) -> PayNote {
            switch try byte() {
            case 0:
                let table = try text(template: nil)
                let row = Int(try int())
                let lower = try money()
                return .bracket(table: table, row: row, lowerBound: lower, upperBound: try money())
            case 1: return .nothingTaxable
            case 2: return .wholeYearBasicDeduction
            case 3: return .flooredAtZero(difference: Money(fen: try int()))
            case 4: return .notRefunded(difference: Money(fen: try int()))
            case 5:
                let wage = Money(fen: try int())
                return .raisedToFloor(wage: wage, floor: Money(fen: try int()))
            case 6:
                let wage = Money(fen: try int())
                return .loweredToCeiling(wage: wage, ceiling: Money(fen: try int()))
            case 7: return .switchedOff(reason: try text(template: nil))
            case 8: return .zeroWeight
            case 9:
                let exact = try fixed()
                let isExact = try byte() == 1
                let down = Money(fen: try int())
                let rank = Int(try int())
                return .proportionalShare(exact: exact, isExact: isExact, roundedDown: down, rank: rank, receivedFen: try byte() == 1)
            case 10: return .remainderRule(leftoverFen: Int(try int()))
            case 11: return .nothingAllocated(pool: Money(fen: try int()))
            case 12: return .remark(text: try text(template: nil))
            case let tag: throw .invalid("note tag \(tag)")
            }
        }
    }
}

// MARK: - Format 2: records by number, compressed

/// Format 2 (since store migration v10), what a run writes now, in groups (format 3). A province month cites ten
/// million records whose summaries are mostly distinct: format 1 wrote each summary's text
/// in the document of every cadre citing it (678 MB of a 50,000-cadre month). Format 2 names
/// a record's file and summary by their numbers in the run's `recordFile` and `recordText`
/// tables, where each text is stored once, compressed; its columns of small numbers are
/// compressed again with the pay traces:
/// ```
/// document = format:u8(2) zstd-frame(body)
/// body     = uint(first new) count(score lines) records* count(pay lines) trace*   (trace as in format 1)
/// records  = count(n), then n of each column in turn:
///            uint(file)  zigzag(line − previous line)  day  summary  zigzag(units)  u8(scale)
/// day      = 0 (none) | zigzag(days since 1970 − previous day) + 1    (previous: 0 at first)
/// summary  = 0 (the next new one: "first new", then one more each time) | number + 1
/// ```
/// The run numbers summaries in order of first citation, cadre by cadre in roster order, so
/// the texts a cadre cites first are consecutive numbers from "first new" and cost a zero.
///
/// Format 3 is the bodies of consecutive cadres (`groupSize`, the run's documents in roster
/// order) compressed together, in the row of the group's first cadre; the others have none:
/// ```
/// document = format:u8(3) zstd-frame(count(cadres) uint(length)* body*)   (length 0: no document)
/// ```
/// Cadres' pay traces and records look alike, so together they compress to about two thirds
/// of what each cadre's alone does.
extension TraceDocument {
    static let compactFormat: UInt8 = 2
    static let groupFormat: UInt8 = 3
    static let groupSize = 64

    /// Format 3: the bodies of consecutive cadres; nil when none has a document.
    static func group(_ bodies: ArraySlice<[UInt8]?>) -> [UInt8]? {
        guard bodies.contains(where: { $0 != nil }) else { return nil }
        var w = Writer()
        w.count(bodies.count)
        var total = 0
        for b in bodies {
            w.count(b?.count ?? 0)
            total += b?.count ?? 0
        }
        w.bytes.reserveCapacity(w.bytes.count + total)
        for b in bodies { if let b { w.bytes.append(contentsOf: b) } }
        var out: [UInt8] = [groupFormat]
        w.bytes.withUnsafeBytes { out.append(contentsOf: BlobCodec.compress($0)) }
        return out
    }

    /// The bodies of a format 3 document, nil for a cadre without one.
    static func ungroup(_ bytes: [UInt8]) throws(DecodingError) -> [[UInt8]?] {
        guard bytes.first == groupFormat else { throw .unknownFormat(bytes.first ?? 0) }
        let raw = try decompressed(bytes)
        var r = Reader(raw)
        let n = try r.count()
        var lengths: [Int] = []
        for _ in 0..<n { lengths.append(try r.count()) }
        var out: [[UInt8]?] = []
        out.reserveCapacity(n)
        for length in lengths {
            out.append(length == 0 ? nil : try r.take(length))
        }
        guard r.isAtEnd else { throw .invalid("bytes after the group") }
        return out
    }

    private static func decompressed(_ bytes: [UInt8]) throws(DecodingError) -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes { raw in try BlobCodec.decompress(UnsafeRawBufferPointer(rebasing: raw[1...])) }
        } catch {
            throw .invalid("the document does not decompress")
        }
    }

    /// A cadre's document in format 2: its records' file and summary numbers in the run are
    /// `files[k]` and `summaries[k]` for its k-th record (score lines in order, records in
    /// order); `firstNew` is the number of the first summary this cadre cites first.
    static func encodeCompact(_ c: CadreResult, templates: [PayTrace?], firstNew: UInt32,
                              files: ArraySlice<UInt32>, summaries: ArraySlice<UInt32>) -> [UInt8] {
        let body = encodeCompactBody(c, templates: templates, firstNew: firstNew, files: files, summaries: summaries)
        var out: [UInt8] = [compactFormat]
        body.withUnsafeBytes { out.append(contentsOf: BlobCodec.compress($0)) }
        return out
    }

    /// A format 2 document's body, uncompressed (what a format 3 group holds).
    static func encodeCompactBody(_ c: CadreResult, templates: [PayTrace?], firstNew: UInt32,
                                  files: ArraySlice<UInt32>, summaries: ArraySlice<UInt32>) -> [UInt8] {
        var w = Writer()
        w.uint(UInt64(firstNew))
        w.count(c.score.lines.count)
        var at = files.startIndex
        var next = firstNew
        // Lines read in place (`c.score.lines[i]`): a copy of each retains its texts.
        for i in c.score.lines.indices {
            let n = c.score.lines[i].records.count
            w.count(n)
            guard n > 0 else { continue }
            let range = at..<(at + n)
            at += n
            for k in range { w.uint(UInt64(files[k])) }
            if let (entries, _) = c.score.lines[i].records.entries {
                entries.withUnsafeBufferPointer { entries in
                    var previous: Int64 = 0
                    for e in entries {
                        w.int(Int64(e.line) - previous)
                        previous = Int64(e.line)
                    }
                    var day: Int64 = 0
                    for e in entries { w.day(e.day == RecordEntry.noDay ? nil : Int64(e.day), previous: &day) }
                    for k in range { w.summary(summaries[k], next: &next) }
                    for e in entries { w.int(e.units) }
                    for e in entries { w.bytes.append(e.scale) }
                }
            } else {
                let refs = Array(c.score.lines[i].records)
                var previous: Int64 = 0
                for r in refs {
                    w.int(Int64(r.line) - previous)
                    previous = Int64(r.line)
                }
                var day: Int64 = 0
                for r in refs { w.day(r.date.map { Int64($0.daysSinceEpoch) }, previous: &day) }
                for k in range { w.summary(summaries[k], next: &next) }
                for r in refs { w.int(r.points.units) }
                for r in refs { w.bytes.append(UInt8(r.points.scale)) }
            }
        }
        w.count(c.pay.lines.count)
        for (i, line) in c.pay.lines.enumerated() {
            w.trace(line.trace, template: i < templates.count ? templates[i] : nil)
        }
        return w.bytes
    }

    /// The traces of `c`'s pay lines from a format 2 document, and each score line's records
    /// as entries whose `file` and `summary` are the run's numbers (`recordFile`, `recordText`).
    static func decodeCompact(_ bytes: [UInt8], into c: inout CadreResult, templates: [PayTrace?]) throws(DecodingError) -> [[RecordEntry]] {
        guard let version = bytes.first else { throw .truncated }
        guard version == compactFormat else { throw .unknownFormat(version) }
        return try decodeCompactBody(try decompressed(bytes), into: &c, templates: templates)
    }

    /// The same from a body as a format 3 group holds it.
    static func decodeCompactBody(_ body: [UInt8], into c: inout CadreResult, templates: [PayTrace?]) throws(DecodingError) -> [[RecordEntry]] {
        var r = Reader(body)
        guard var next = UInt32(exactly: try r.uint()) else { throw .invalid("first new summary") }
        let scoreLines = try r.count()
        guard scoreLines == c.score.lines.count else { throw .invalid("\(scoreLines) score lines for \(c.score.lines.count)") }
        var out: [[RecordEntry]] = []
        out.reserveCapacity(scoreLines)
        for _ in 0..<scoreLines {
            let n = try r.count()
            var entries = [RecordEntry](repeating: RecordEntry(file: 0, line: 0, day: RecordEntry.noDay, summary: 0, units: 0, scale: 0), count: n)
            if n > 0 {
                for k in 0..<n {
                    guard let f = UInt16(exactly: try r.uint()) else { throw .invalid("record file") }
                    entries[k].file = f
                }
                var line: Int64 = 0
                for k in 0..<n {
                    line += try r.int()
                    guard let l = UInt32(exactly: line) else { throw .invalid("record line \(line)") }
                    entries[k].line = l
                }
                var day: Int64 = 0
                for k in 0..<n {
                    let v = try r.uint()
                    guard v > 0 else { continue }
                    let z = v - 1
                    day += Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
                    guard let d = Int32(exactly: day), d != RecordEntry.noDay else { throw .invalid("date \(day)") }
                    entries[k].day = d
                }
                for k in 0..<n {
                    let v = try r.uint()
                    if v == 0 {
                        entries[k].summary = next
                        next &+= 1
                    } else {
                        guard let s = UInt32(exactly: v - 1) else { throw .invalid("summary \(v)") }
                        entries[k].summary = s
                    }
                }
                for k in 0..<n { entries[k].units = try r.int() }
                for k in 0..<n {
                    let scale = try r.byte()
                    guard Int(scale) <= Fixed.maxScale else { throw .invalid("scale \(scale)") }
                    entries[k].scale = scale
                }
            }
            out.append(entries)
        }
        let payLines = try r.count()
        guard payLines == c.pay.lines.count else { throw .invalid("\(payLines) pay lines for \(c.pay.lines.count)") }
        for i in 0..<payLines {
            c.pay.lines[i].trace = try r.trace(template: i < templates.count ? templates[i] : nil)
        }
        guard r.isAtEnd else { throw .invalid("bytes after the document") }
        return out
    }
}

extension TraceDocument.Writer {
    /// A date in format 2: 0 for none, else the zigzagged difference from the previous one
    /// plus one.
    @inline(__always)
    mutating func day(_ d: Int64?, previous: inout Int64) {
        guard let d else {
            bytes.append(0)
            return
        }
        let v = d - previous
        previous = d
        uint(UInt64(bitPattern: (v << 1) ^ (v >> 63)) + 1)
    }

    /// A summary number in format 2: 0 when it is the next new one, else the number plus one.
    @inline(__always)
    mutating func summary(_ n: UInt32, next: inout UInt32) {
        if n == next {
            bytes.append(0)
            next &+= 1
        } else {
            uint(UInt64(n) + 1)
        }
    }
}
