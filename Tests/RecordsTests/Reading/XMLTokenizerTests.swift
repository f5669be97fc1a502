import Testing
@testable import Records

/// Records events as text, to compare a part fed whole with the same part fed in pieces.
private struct Recorder: XMLHandler {
    var events: [String] = []
    let text = ByteBuffer()

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        flush()
        let r = a.value("r").map(\.string) ?? "-"
        events.append("<\(name.string) r=\(r)\(isEmpty ? "/" : "")>")
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {
        flush()
        events.append("</\(name.string)>")
    }

    mutating func text(_ t: XMLBytes, isRaw: Bool) throws(XMLFault) {
        try XMLText.append(t, isRaw: isRaw, to: text)
    }

    /// Text may arrive in pieces (around comments, CDATA); join it.
    mutating func flush() {
        if text.count > 0 { events.append("text:" + text.string()) }
        text.count = 0
    }
}

@Suite("XML tokenizer")
struct XMLTokenizerTests {
    static let part = """
        <?xml version="1.0"?><!DOCTYPE x><x:ws xmlns:x="urn:x"><x:row r="1"><x:c r='A1' t="s">\
        <x:v>1</x:v></x:c><!-- a > comment --><x:c r="B1" a="1>2"><x:is><x:t>a &amp; &#x4E09;&#19977;\r\nb</x:t>\
        </x:is></x:c></x:row><x:row r="2"/><x:t><![CDATA[<&>]]>尾</x:t></x:ws>
        """

    func events(_ bytes: [UInt8], pieces: Int) throws(ReadError) -> [String] {
        let tokenizer = XMLTokenizer(path: "t.xlsx", part: "p.xml", capacity: 8)
        var r = Recorder()
        var i = 0
        while i < bytes.count {
            let n = min(pieces, bytes.count - i)
            let slice = UnsafeMutableRawBufferPointer.allocate(byteCount: n, alignment: 1)
            defer { slice.deallocate() }
            slice.copyBytes(from: bytes[i..<(i + n)])
            try tokenizer.feed(UnsafeRawBufferPointer(slice), &r)
            i += n
        }
        try tokenizer.finish(&r)
        r.flush()
        return r.events
    }

    @Test func tokens() throws {
        #expect(try events(Array(Self.part.utf8), pieces: 1 << 20) == [
            "<ws r=->", "<row r=1>", "<c r=A1>", "<v r=->", "text:1", "</v>", "</c>", "<c r=B1>", "<is r=->",
            "<t r=->", "text:a & 三三\nb", "</t>", "</is>", "</c>", "</row>", "<row r=2/>", "<t r=->",
            "text:<&>尾", "</t>", "</ws>",
        ])
    }

    @Test("the same events whatever the chunk boundaries", arguments: [1, 2, 3, 5, 8, 13])
    func chunked(_ size: Int) throws {
        let bytes = Array(Self.part.utf8)
        #expect(try events(bytes, pieces: size) == events(bytes, pieces: bytes.count))
    }

    @Test(arguments: [
        ("<a><b></a>", "</a> closes <b>"), ("<a>", "the part ends before <a> is closed"),
        ("<a></a><b/>", "a second root element <b>"), ("x<a/>", "text outside the root element"),
        ("<a>&bogus;</a>", "unknown entity &bogus;"), ("<a><!-- x", "unclosed comment"),
        ("", "the part holds no XML element"), ("<a <b/>", "'<' inside a tag"),
    ])
    func malformed(_ xml: String, _ reason: String) {
        do {
            _ = try events(Array(xml.utf8), pieces: 3)
            Issue.record("no error")
        } catch {
            guard case .malformedXML(_, let part, _, let r) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(part == "p.xml")
            #expect(r == reason)
        }
    }
}
