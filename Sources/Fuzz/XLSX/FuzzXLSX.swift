import CSupport
import Diagnostics
import FuzzSupport
import Records

/// Fuzzes the xlsx reader: the zip directory, inflating, the XML tokenizer and the sheet and
/// shared-strings handlers. The first input byte picks how the rest is used:
/// - 0: the bytes are the workbook, as is (the zip structure gets mutated);
/// - 1: the bytes are the workbook's parts, separated by 0x01 bytes (sheet, shared strings,
///   workbook, workbook relationships, package relationships), zipped stored with right
///   CRCs, so that mutations reach the XML;
/// - 2: the same parts, zipped stored and deflated: both must read the same.
/// Any input must end in rows or a located, short error.
@main
struct FuzzXLSX {
    static func main() {
        FuzzMain.run(fuzzXLSX, seeds: seeds, dictionary: [
            "<row", "<row r=\"2\">", "</row>", "<c r=\"B2\"", " t=\"s\"", " t=\"inlineStr\"", " t=\"b\"", " t=\"e\"", " t=\"str\"",
            "<v>", "</v>", "<is>", "<t>", "</t>", "<r>", "<rPh>", "<si>", "</si>", "<sheetData>", "</sheetData>", "<c>", "</c>",
            "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>", "<!DOCTYPE", "&amp;", "&#x41;", "&#12345;", "&lt;", "\r\n", "/>",
            "E+17", "1.5E-2", "XFD1", "PK\u{3}\u{4}", "PK\u{1}\u{2}", "PK\u{5}\u{6}", "PK\u{6}\u{6}", "PK\u{6}\u{7}",
        ])
    }

    /// Each sample table's first rows as a workbook: its parts (modes 1 and 2) and whole zips,
    /// stored and deflated (mode 0); workbooks among the samples as they are.
    static func seeds(_ paths: [String]) -> [(name: String, bytes: [UInt8])] {
        var out: [(name: String, bytes: [UInt8])] = []
        for path in paths {
            let bytes = Seeds.read(path)
            guard path.hasSuffix(".csv") else {
                out.append((Seeds.name(path, "raw"), [0] + bytes))
                continue
            }
            let lines = String(decoding: Seeds.lines(bytes, 12), as: UTF8.self).split(whereSeparator: \.isNewline)
            var shared: [String] = [], sheet = "<worksheet><sheetData>"
            for (r, line) in lines.enumerated() {
                sheet += "<row r=\"\(r + 1)\">"
                for (c, field) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() where !field.isEmpty {
                    let ref = String(UnicodeScalar(UInt8(65 + c % 26))) + "\(r + 1)"
                    let text = field.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    if Double(field) != nil {
                        sheet += "<c r=\"\(ref)\"><v>\(field)</v></c>"
                    } else if (r + c) % 3 == 0 {
                        sheet += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
                    } else {
                        sheet += "<c r=\"\(ref)\" t=\"s\"><v>\(shared.count)</v></c>"
                        shared.append(text)
                    }
                }
                sheet += "</row>"
            }
            sheet += "</sheetData></worksheet>"
            let sst = "<sst>" + shared.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
            let parts = [Array(sheet.utf8), Array(sst.utf8)] + defaultParts[2...]
            let joined = Array(parts.joined(separator: [0x01]))
            out.append((Seeds.name(path, "parts"), [1] + joined))
            out.append((Seeds.name(path, "both"), [2] + joined))
            let named = Array(zip(partNames, parts))
            out.append((Seeds.name(path, "stored"), [0] + zip(named, deflated: false)))
            out.append((Seeds.name(path, "deflated"), [0] + zip(named, deflated: true)))
        }
        return out
    }
}

private let partNames = ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels"]
private let defaultParts = [
    #"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#,
    #"<sst><si><t>工号</t></si></sst>"#,
    #"<workbook xmlns:r="r"><sheets><sheet name="培训" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    #"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    #"<Relationships><Relationship Id="rId1" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
].map { Array($0.utf8) }

struct XLSXOutcome: Equatable {
    var hash = FuzzHash()
    var rows = 0
    var file: TableFile?
    var error: ReadError?
}

func readXLSX(_ bytes: UnsafeRawBufferPointer) -> XLSXOutcome {
    var o = XLSXOutcome()
    do {
        o.file = try TableReader.read(bytes: bytes, name: "fuzz.xlsx", sheetCandidates: ["培训"]) { row in
            o.rows += 1
            o.hash.add(row.line)
            o.hash.add(row.count)
            for i in 0..<row.count {
                o.hash.add(row.bytes(i))
                o.hash.add(Int(row.kind(i).rawValue))
            }
            _ = row.isBlank
            _ = row.cellReference(row.count)
        }
    } catch {
        o.error = error
        fuzzCheck(error.path == "fuzz.xlsx", "error names \(error.path)")
        for language in Language.allCases {
            let text = DiagnosticRenderer(language: language).render(error.diagnostic)
            fuzzCheck(text.count < 1000, "\(error.diagnostic.code) renders \(text.count) characters")
        }
    }
    return o
}

/// A zip of the parts, stored or deflated, with right sizes and CRCs.
func zip(_ parts: [(String, [UInt8])], deflated: Bool) -> [UInt8] {
    var out: [UInt8] = [], central: [UInt8] = []
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    for (name, data) in parts {
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        let body = deflated ? deflate(data) : data
        let nameBytes = Array(name.utf8)
        let offset = out.count
        func header(_ sig: UInt32, central: Bool) -> [UInt8] {
            var h = le32(sig)
            if central { h += le16(20) }
            h += le16(20) + le16(0) + le16(deflated ? 8 : 0) + le16(0) + le16(0x21)
            h += le32(crc) + le32(UInt32(body.count)) + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0)
            if central { h += le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) }
            return h + nameBytes
        }
        out += header(0x0403_4B50, central: false) + body
        central += header(0x0201_4B50, central: true)
    }
    let cdOffset = out.count
    out += central
    out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(parts.count) + le16(parts.count)
    out += le32(UInt32(central.count)) + le32(UInt32(cdOffset)) + le16(0)
    return out
}

func deflate(_ data: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    guard jifen_deflate_init_raw(&stream, 1) == Z_OK else { fatalError("deflateInit2") }
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 16)
    var input = data
    let produced = input.withUnsafeMutableBufferPointer { i in
        out.withUnsafeMutableBufferPointer { o -> Int in
            stream.next_in = i.baseAddress
            stream.avail_in = uInt(i.count)
            stream.next_out = o.baseAddress
            stream.avail_out = uInt(o.count)
            let status = CSupport.deflate(&stream, Z_FINISH)
            fuzzCheck(status == Z_STREAM_END, "deflate \(status)")
            return o.count - Int(stream.avail_out)
        }
    }
    return Array(out[..<produced])
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let mode = data[0] % 3
    if mode == 0 {
        _ = readXLSX(UnsafeRawBufferPointer(body))
        return 0
    }
    // Parts: present and empty means left out of the zip; absent means the default.
    let pieces = body.split(separator: 0x01, omittingEmptySubsequences: false)
    var parts: [(String, [UInt8])] = []
    for (i, name) in partNames.enumerated() {
        let bytes = i < pieces.count ? Array(pieces[i]) : defaultParts[i]
        if !bytes.isEmpty { parts.append((name, bytes)) }
    }
    let stored = zip(parts, deflated: false)
    let a = stored.withUnsafeBytes { readXLSX($0) }
    if mode == 2 {
        let deflated = zip(parts, deflated: true)
        let b = deflated.withUnsafeBytes { readXLSX($0) }
        var sameFile = a.file == nil && b.file == nil
        if let fa = a.file, let fb = b.file { sameFile = fa.format == fb.format && fa.rowCount == fb.rowCount }
        fuzzCheck(a.hash == b.hash && a.rows == b.rows && a.error == b.error && sameFile,
                  "stored and deflated read differently: \(a.rows) rows, \(String(describing: a.error)) vs \(b.rows) rows, \(String(describing: b.error))")
    }
    return 0
}
