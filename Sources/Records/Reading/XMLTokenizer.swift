import Glibc

/// A byte slice lent to an `XMLHandler` callback; valid only during the callback.
struct XMLBytes {
    let base: UnsafePointer<UInt8>
    let count: Int

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    func equals(_ s: StaticString) -> Bool {
        count == s.utf8CodeUnitCount && memcmp(base, s.utf8Start, count) == 0
    }

    /// The part after the namespace prefix: `x:c` → `c`.
    var localName: XMLBytes {
        var i = count - 1
        while i >= 0 {
            if base[i] == 0x3A { return XMLBytes(base: base + i + 1, count: count - i - 1) }
            i -= 1
        }
        return self
    }

    var string: String { String(decoding: buffer, as: UTF8.self) }

    /// The bytes as an error message may quote them: a short excerpt (names and values in a
    /// malformed part can be as long as the part).
    var excerpt: String { Excerpt.of(buffer) }
}

/// The attributes of a start tag, parsed only when asked for.
struct XMLAttributes {
    let base: UnsafePointer<UInt8>
    let count: Int

    /// The raw (undecoded) value of the attribute with this qualified name.
    func value(_ name: StaticString) -> XMLBytes? {
        find(name, prefixed: false)
    }

    /// The raw value of a prefixed attribute with this local name (`r:id` for `id`).
    func value(prefixedLocal name: StaticString) -> XMLBytes? {
        find(name, prefixed: true)
    }

    private func find(_ wanted: StaticString, prefixed: Bool) -> XMLBytes? {
        var i = 0
        while i < count {
            while i < count && Self.isSpace(base[i]) { i += 1 }
            let nameStart = i
            while i < count && base[i] != 0x3D && !Self.isSpace(base[i]) { i += 1 }
            let name = XMLBytes(base: base + nameStart, count: i - nameStart)
            while i < count && Self.isSpace(base[i]) { i += 1 }
            guard i < count, base[i] == 0x3D else { return nil }
            i += 1
            while i < count && Self.isSpace(base[i]) { i += 1 }
            guard i < count, base[i] == 0x22 || base[i] == 0x27 else { return nil }
            let q = base[i]
            i += 1
            let valueStart = i
            while i < count && base[i] != q { i += 1 }
            guard i < count else { return nil }
            let matches: Bool
            if prefixed {
                let local = name.localName
                matches = local.count < name.count && local.equals(wanted)
            } else {
                matches = name.equals(wanted)
            }
            if matches { return XMLBytes(base: base + valueStart, count: i - valueStart) }
            i += 1
        }
        return nil
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}

/// What a handler may throw: the tokenizer adds the part and byte offset to a malformation.
enum XMLFault: Error {
    case malformed(String)
    case failed(ReadError)
}

/// Receives the elements and text of one XML part as the tokenizer finds them.
protocol XMLHandler {
    /// `name` is the local name (prefix removed); `isEmpty` for `<x/>`, which gets no end call.
    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes, isEmpty: Bool) throws(XMLFault)
    mutating func endElement(_ name: XMLBytes) throws(XMLFault)
    /// Character data; `isRaw` for CDATA, which holds no entity references.
    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault)
}

/// The qualified names of the open elements, kept in raw memory so that the tokenizer's hot
/// loop can hold it in a local (class properties pay for dynamic exclusivity checks).
struct NameStack {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var byteCount = 0, byteCapacity = 256
    private var starts: UnsafeMutablePointer<Int>
    private(set) var depth = 0
    private var depthCapacity = 32

    init() {
        bytes = .allocate(capacity: byteCapacity)
        starts = .allocate(capacity: depthCapacity)
    }

    func deallocate() {
        bytes.deallocate()
        starts.deallocate()
    }

    mutating func push(_ name: XMLBytes) {
        if depth == depthCapacity {
            let n = UnsafeMutablePointer<Int>.allocate(capacity: depthCapacity * 2)
            n.update(from: starts, count: depth)
            starts.deallocate()
            starts = n
            depthCapacity *= 2
        }
        if byteCount + name.count > byteCapacity {
            while byteCount + name.count > byteCapacity { byteCapacity *= 2 }
            let n = UnsafeMutablePointer<UInt8>.allocate(capacity: byteCapacity)
            n.update(from: bytes, count: byteCount)
            bytes.deallocate()
            bytes = n
        }
        starts[depth] = byteCount
        depth += 1
        (bytes + byteCount).update(from: name.base, count: name.count)
        byteCount += name.count
    }

    /// The innermost open name; valid until the next push.
    var top: XMLBytes? {
        guard depth > 0 else { return nil }
        let s = starts[depth - 1]
        return XMLBytes(base: bytes + s, count: byteCount - s)
    }

    mutating func pop() {
        depth -= 1
        byteCount = starts[depth]
    }
}

/// An incremental, byte-level XML tokenizer: fed chunks as they are decompressed, it holds
/// back only an unfinished tag, so a part of any size streams through a buffer of about one
/// chunk. Text, comments, CDATA sections and processing instructions stream through however
/// long they are; a tag is held whole, up to `ReadLimits.maxTagBytes`.
///
/// It checks what a reader of spreadsheet parts needs to trust: tags close in order, the
/// document does not end inside a tag or element, elements nest at most
/// `ReadLimits.maxXMLDepth` deep. It skips comments, processing instructions and DOCTYPE,
/// and does not resolve DTD entities.
final class XMLTokenizer {
    let path: String
    let part: String
    private var buf: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var pos = 0, fill = 0
    /// Offset in the part of `buf[0]`.
    private var bufferOffset = 0
    private var stack = NameStack()
    private var sawRoot = false
    /// A comment, processing instruction or CDATA section that the bytes so far left open,
    /// and its offset in the part (for errors).
    private var open: Construct?
    private var openOffset = 0

    private enum Construct {
        case comment, processingInstruction, cdata

        var terminator: StaticString {
            switch self {
            case .comment: "-->"
            case .processingInstruction: "?>"
            case .cdata: "]]>"
            }
        }

        var unclosed: String {
            switch self {
            case .comment: "unclosed comment"
            case .processingInstruction: "unclosed processing instruction"
            case .cdata: "unclosed CDATA section"
            }
        }
    }

    /// The buffer's size: about a chunk plus the longest tag, whatever the part holds.
    var bufferCapacity: Int { capacity }

    /// Text held back waiting for its end is passed on in pieces once it reaches this size.
    static let textFlushBytes = 1 << 16

    init(path: String, part: String, capacity: Int = 1 << 18) {
        self.path = path
        self.part = part
        self.capacity = capacity
        self.buf = .allocate(capacity: capacity)
    }

    deinit {
        buf.deallocate()
        stack.deallocate()
    }

    func feed<H: XMLHandler>(_ chunk: UnsafeRawBufferPointer, _ handler: inout H) throws(ReadError) {
        guard chunk.count > 0 else { return }
        if pos > 0 {
            memmove(buf, buf + pos, fill - pos)
            bufferOffset += pos
            fill -= pos
            pos = 0
        }
        if capacity - fill < chunk.count {
            var c = capacity * 2
            while c - fill < chunk.count { c *= 2 }
            let n = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            n.update(from: buf, count: fill)
            buf.deallocate()
            buf = n
            capacity = c
        }
        (buf + fill).update(from: chunk.bindMemory(to: UInt8.self).baseAddress!, count: chunk.count)
        fill += chunk.count
        try run(&handler, isFinal: false)
    }

    /// Ends the part: what is left must be complete and every element closed.
    func finish<H: XMLHandler>(_ handler: inout H) throws(ReadError) {
        try run(&handler, isFinal: true)
        if let top = stack.top {
            throw malformed("the part ends before <\(top.excerpt)> is closed", at: pos)
        }
        if !sawRoot { throw malformed("the part holds no XML element", at: pos) }
    }

    private func malformed(_ reason: String, at offset: Int) -> ReadError {
        .malformedXML(path: path, part: part, offset: bufferOffset + offset, reason: reason)
    }

    @inline(__always)
    private func call(at offset: Int, _ body: () throws(XMLFault) -> Void) throws(ReadError) {
        do {
            try body()
        } catch {
            switch error {
            case .malformed(let reason): throw malformed(reason, at: offset)
            case .failed(let e): throw e
            }
        }
    }

    /// Index of the first `byte` in `buf[from..<fill]`, or nil.
    @inline(__always)
    private static func find(_ byte: UInt8, _ buf: UnsafeMutablePointer<UInt8>, from: Int, to fill: Int) -> Int? {
        guard from < fill, let r = memchr(buf + from, Int32(byte), fill - from) else { return nil }
        return buf.distance(to: r.assumingMemoryBound(to: UInt8.self))
    }

    /// Index of the first occurrence of `s` in `buf[from..<fill]`, or nil.
    private static func find(_ s: StaticString, _ buf: UnsafeMutablePointer<UInt8>, from: Int, to fill: Int) -> Int? {
        let n = s.utf8CodeUnitCount
        var i = from
        while let j = find(s.utf8Start[0], buf, from: i, to: fill) {
            if j + n > fill { return nil }
            if memcmp(buf + j, s.utf8Start, n) == 0 { return j }
            i = j + 1
        }
        return nil
    }

    private static func hasPrefix(_ s: StaticString, _ buf: UnsafeMutablePointer<UInt8>, at i: Int, fill: Int) -> Bool {
        i + s.utf8CodeUnitCount <= fill && memcmp(buf + i, s.utf8Start, s.utf8CodeUnitCount) == 0
    }

    /// Where text in `buf[from..<fill]` can be cut without splitting an entity reference
    /// (at most 12 bytes, `&` to `;`) or a CR LF pair.
    private static func safeTextEnd(_ buf: UnsafeMutablePointer<UInt8>, from: Int, to fill: Int) -> Int {
        var end = fill
        var i = fill - 1
        while i >= max(from, fill - 12) {
            if buf[i] == 0x26 { end = i; break }
            i -= 1
        }
        if end > from && buf[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The bytes of an open comment, processing instruction or CDATA section, from `pos`:
    /// up to its terminator, or all that can be passed on before more bytes come.
    /// Returns false when it is still open and more input is needed.
    private func continueConstruct<H: XMLHandler>(_ c: Construct, _ h: inout H, pos: inout Int, isFinal: Bool) throws(ReadError) -> Bool {
        let buf = self.buf, fill = self.fill
        if let e = Self.find(c.terminator, buf, from: pos, to: fill) {
            if c == .cdata && e > pos {
                let text = XMLBytes(base: buf + pos, count: e - pos)
                try call(at: pos) { () throws(XMLFault) in try h.text(text, isRaw: true) }
            }
            pos = e + c.terminator.utf8CodeUnitCount
            open = nil
            return true
        }
        if isFinal {
            throw .malformedXML(path: path, part: part, offset: openOffset, reason: c.unclosed)
        }
        // Keep back what could be the start of a cut terminator.
        let keep = max(pos, fill - (c.terminator.utf8CodeUnitCount - 1))
        if c == .cdata && keep > pos {
            let text = XMLBytes(base: buf + pos, count: keep - pos)
            try call(at: pos) { () throws(XMLFault) in try h.text(text, isRaw: true) }
        }
        pos = keep
        open = c
        return false
    }

    private func run<H: XMLHandler>(_ h: inout H, isFinal: Bool) throws(ReadError) {
        // The loop works on locals and writes them back on the way out, error or not.
        let buf = self.buf, fill = self.fill
        var pos = self.pos
        var stack = self.stack
        var sawRoot = self.sawRoot
        defer {
            self.pos = pos
            self.stack = stack
            self.sawRoot = sawRoot
        }
        if let c = open {
            guard try continueConstruct(c, &h, pos: &pos, isFinal: isFinal) else { return }
        }
        while pos < fill {
            if buf[pos] != 0x3C {
                var end: Int
                if let lt = Self.find(0x3C, buf, from: pos, to: fill) {
                    end = lt
                } else if isFinal {
                    end = fill
                } else {
                    // Text runs on past the bytes in hand: pass on what can be cut safely
                    // once there is a lot of it, so that no text is held whole.
                    guard fill - pos >= Self.textFlushBytes else { return }
                    end = Self.safeTextEnd(buf, from: pos, to: fill)
                    guard end > pos else { return }
                }
                let text = XMLBytes(base: buf + pos, count: end - pos)
                if stack.depth == 0 {
                    for i in pos..<end where !XMLAttributes.isSpace(buf[i]) {
                        throw malformed("text outside the root element", at: i)
                    }
                } else {
                    try call(at: pos) { () throws(XMLFault) in try h.text(text, isRaw: false) }
                }
                pos = end
                continue
            }
            guard pos + 1 < fill else {
                if isFinal { throw malformed("the part ends inside a tag", at: pos) }
                return
            }
            switch buf[pos + 1] {
            case 0x2F:  // </name>
                guard let gt = Self.find(0x3E, buf, from: pos + 2, to: fill) else {
                    if isFinal { throw malformed("the part ends inside a tag", at: pos) }
                    if fill - pos > ReadLimits.maxTagBytes { throw malformed("a tag longer than \(ReadLimits.maxTagBytes) bytes", at: pos) }
                    return
                }
                var nameEnd = gt
                while nameEnd > pos + 2 && XMLAttributes.isSpace(buf[nameEnd - 1]) { nameEnd -= 1 }
                let name = XMLBytes(base: buf + pos + 2, count: nameEnd - pos - 2)
                guard let open = stack.top else {
                    throw malformed("</\(name.excerpt)> closes nothing", at: pos)
                }
                guard open.count == name.count, memcmp(open.base, name.base, name.count) == 0 else {
                    throw malformed("</\(name.excerpt)> closes <\(open.excerpt)>", at: pos)
                }
                stack.pop()
                try call(at: pos) { () throws(XMLFault) in try h.endElement(name.localName) }
                pos = gt + 1
            case 0x3F:  // <?...?>
                openOffset = bufferOffset + pos
                pos += 2
                guard try continueConstruct(.processingInstruction, &h, pos: &pos, isFinal: isFinal) else { return }
            case 0x21:  // <!-- -->, <![CDATA[ ]]>, <!DOCTYPE >
                if Self.hasPrefix("<!--", buf, at: pos, fill: fill) {
                    openOffset = bufferOffset + pos
                    pos += 4
                    guard try continueConstruct(.comment, &h, pos: &pos, isFinal: isFinal) else { return }
                } else if Self.hasPrefix("<![CDATA[", buf, at: pos, fill: fill) {
                    guard stack.depth > 0 else { throw malformed("CDATA outside the root element", at: pos) }
                    openOffset = bufferOffset + pos
                    pos += 9
                    guard try continueConstruct(.cdata, &h, pos: &pos, isFinal: isFinal) else { return }
                } else {
                    if fill - pos < 9 && !isFinal { return }
                    guard let gt = Self.find(0x3E, buf, from: pos + 2, to: fill) else {
                        if isFinal { throw malformed("unclosed declaration", at: pos) }
                        if fill - pos > ReadLimits.maxTagBytes {
                            throw malformed("a declaration longer than \(ReadLimits.maxTagBytes) bytes", at: pos)
                        }
                        return
                    }
                    pos = gt + 1
                }
            default:  // <name attr="v" ...> or <name .../>
                var i = pos + 1
                var quote: UInt8 = 0
                while i < fill {
                    let b = buf[i]
                    if quote != 0 {
                        if b == quote { quote = 0 }
                    } else if b == 0x22 || b == 0x27 {
                        quote = b
                    } else if b == 0x3E {
                        break
                    } else if b == 0x3C {
                        throw malformed("'<' inside a tag", at: i)
                    }
                    i += 1
                }
                guard i < fill else {
                    if isFinal { throw malformed("the part ends inside a tag", at: pos) }
                    if fill - pos > ReadLimits.maxTagBytes { throw malformed("a tag longer than \(ReadLimits.maxTagBytes) bytes", at: pos) }
                    return
                }
                let gt = i
                let isEmpty = buf[gt - 1] == 0x2F
                let tagEnd = isEmpty ? gt - 1 : gt
                var nameEnd = pos + 1
                while nameEnd < tagEnd && !XMLAttributes.isSpace(buf[nameEnd]) { nameEnd += 1 }
                guard nameEnd > pos + 1 else { throw malformed("a tag without a name", at: pos) }
                let name = XMLBytes(base: buf + pos + 1, count: nameEnd - pos - 1)
                if stack.depth == 0 && sawRoot { throw malformed("a second root element <\(name.excerpt)>", at: pos) }
                sawRoot = true
                if !isEmpty {
                    guard stack.depth < ReadLimits.maxXMLDepth else {
                        throw malformed("elements nested more than \(ReadLimits.maxXMLDepth) deep", at: pos)
                    }
                    stack.push(name)
                }
                let attributes = XMLAttributes(base: buf + nameEnd, count: tagEnd - nameEnd)
                try call(at: pos) { () throws(XMLFault) in try h.startElement(name.localName, attributes, isEmpty: isEmpty) }
                pos = gt + 1
            }
        }
    }
}

/// Decodes XML character data: entity and character references, and line ends (CRLF and a
/// lone CR become LF, as an XML processor must).
enum XMLText {
    /// Appends the decoded text to `out`.
    static func append(_ text: XMLBytes, isRaw: Bool, to out: ByteBuffer) throws(XMLFault) {
        let p = text.base, n = text.count
        if isRaw || (memchr(p, 0x26, n) == nil && memchr(p, 0x0D, n) == nil) {
            out.append(p, count: n)
            return
        }
        var i = 0
        while i < n {
            let b = p[i]
            if b == 0x0D {
                out.append(0x0A)
                i += (i + 1 < n && p[i + 1] == 0x0A) ? 2 : 1
                continue
            }
            guard b == 0x26 else {
                out.append(b)
                i += 1
                continue
            }
            guard let semi = (i + 1..<min(n, i + 12)).first(where: { p[$0] == 0x3B }) else {
                throw .malformed("'&' that starts no entity reference")
            }
            let name = XMLBytes(base: p + i + 1, count: semi - i - 1)
            if name.equals("amp") { out.append(0x26) }
            else if name.equals("lt") { out.append(0x3C) }
            else if name.equals("gt") { out.append(0x3E) }
            else if name.equals("quot") { out.append(0x22) }
            else if name.equals("apos") { out.append(0x27) }
            else if name.count >= 2 && name.base[0] == 0x23 {
                var value: UInt32 = 0
                let isHex = name.base[1] == 0x78 || name.base[1] == 0x58
                var k = isHex ? 2 : 1
                guard k < name.count else { throw .malformed("empty character reference") }
                while k < name.count {
                    let c = name.base[k]
                    let d: UInt32
                    switch c {
                    case 0x30...0x39: d = UInt32(c - 0x30)
                    case 0x61...0x66 where isHex: d = UInt32(c - 0x61 + 10)
                    case 0x41...0x46 where isHex: d = UInt32(c - 0x41 + 10)
                    default: throw .malformed("bad character reference &\(name.excerpt);")
                    }
                    value = value * (isHex ? 16 : 10) + d
                    guard value <= 0x10FFFF else { throw .malformed("bad character reference &\(name.excerpt);") }
                    k += 1
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw .malformed("bad character reference &\(name.excerpt);")
                }
                for u in UTF8.encode(scalar)! { out.append(u) }
            } else {
                throw .malformed("unknown entity &\(name.excerpt);")
            }
            i = semi + 1
        }
    }

    /// Decodes an attribute value to a String.
    static func string(_ value: XMLBytes) throws(XMLFault) -> String {
        let out = ByteBuffer(capacity: value.count + 8)
        try append(value, isRaw: false, to: out)
        return out.string()
    }
}
