import Foundation
import ZIPFoundation

/// Reads one sheet of an xlsx workbook as rows of raw fields, streaming the sheet part through
/// `XMLTokenizer` as ZIPFoundation inflates it.
///
/// Parts are found as a consumer of Office files should: `_rels/.rels` names the workbook,
/// the workbook's relationships name the sheets and the shared strings. Shared strings are
/// held in one byte arena (cells refer to them at random); the sheet itself never is.
struct XLSXReader {
    let path: String
    static let extractBufferSize = 1 << 18

    init(path: String) {
        self.path = path
    }

    func read(sheetCandidates: [String], _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        let input = try FileInput(path: path)
        try checkMagic(input)
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .notZip(path: path)
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            entries[entry.path.lowercased()] = entry
        }
        func entry(_ part: String) -> Entry? { entries[part.lowercased()] }

        // The package relationships name the workbook part.
        var workbookPart = "xl/workbook.xml"
        if let rels = entry("_rels/.rels") {
            var h = RelationshipsHandler()
            try stream("_rels/.rels", rels, archive, &h)
            if let target = h.relationships.first(where: { $0.type.hasSuffix("/officeDocument") })?.target {
                workbookPart = Self.resolve(target, relativeTo: "")
            }
        }
        guard let workbookEntry = entry(workbookPart) else {
            throw .missingPart(path: path, part: workbookPart)
        }
        var workbook = WorkbookHandler()
        try stream(workbookPart, workbookEntry, archive, &workbook)
        guard !workbook.sheets.isEmpty else { throw .noSheets(path: path) }

        let workbookDir = Self.directory(of: workbookPart)
        let relsPart = workbookDir + "_rels/" + String(workbookPart.dropFirst(workbookDir.count)) + ".rels"
        guard let relsEntry = entry(relsPart) else { throw .missingPart(path: path, part: relsPart) }
        var rels = RelationshipsHandler()
        try stream(relsPart, relsEntry, archive, &rels)

        let sheet = Self.choose(workbook.sheets, candidates: sheetCandidates)
        guard let sheetRel = rels.relationships.first(where: { $0.id == sheet.relationshipID }) else {
            throw .missingPart(path: path, part: "\(relsPart)#\(sheet.relationshipID)")
        }
        let sheetPart = Self.resolve(sheetRel.target, relativeTo: workbookDir)
        guard let sheetEntry = entry(sheetPart) else { throw .missingPart(path: path, part: sheetPart) }

        var shared = SharedStringsHandler()
        let sharedPart = rels.relationships.first(where: { $0.type.hasSuffix("/sharedStrings") })
            .map { Self.resolve($0.target, relativeTo: workbookDir) } ?? workbookDir + "sharedStrings.xml"
        if let sharedEntry = entry(sharedPart) {
            try stream(sharedPart, sharedEntry, archive, &shared)
        }

        // The handler holds the callback only while the sheet streams through it.
        let result = withoutActuallyEscaping(body) { emit -> Result<TableFile, ReadError> in
            var handler = SheetHandler(path: path, sheet: sheet.name, shared: shared, emit: emit)
            do throws(ReadError) {
                try stream(sheetPart, sheetEntry, archive, &handler)
            } catch {
                return .failure(error)
            }
            return .success(TableFile(path: path, format: .xlsx(sheet: sheet.name), rowCount: handler.rowCount,
                                      byteCount: input.size, delimiter: nil))
        }
        return try result.get()
    }

    /// Tells a zip from an OLE compound file (old .xls, or a password-protected workbook).
    private func checkMagic(_ input: FileInput) throws(ReadError) {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 8)
        defer { p.deallocate() }
        let n = try input.peek(into: p, count: 8)
        let head = Array(UnsafeBufferPointer(start: p, count: n))
        if head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            throw .protectedWorkbook(path: path)
        }
        guard n >= 4, head[0] == 0x50, head[1] == 0x4B else { throw .notZip(path: path) }
    }

    /// Streams one part through a handler, checking its CRC.
    private func stream<H: XMLHandler>(_ part: String, _ entry: Entry, _ archive: Archive, _ handler: inout H) throws(ReadError) {
        let tokenizer = XMLTokenizer(path: path, part: part)
        do {
            var checksum: UInt32 = 0
            _ = try archive.extract(entry, bufferSize: Self.extractBufferSize, skipCRC32: true) { data in
                try data.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { checksum = CRC32.update(checksum, base, raw.count) }
                    try tokenizer.feed(raw, &handler)
                }
            }
            if checksum != entry.checksum {
                throw ReadError.corruptPart(path: path, part: part, reason: "CRC-32 mismatch")
            }
        } catch let error as ReadError {
            throw error
        } catch {
            throw .corruptPart(path: path, part: part, reason: String(describing: error))
        }
        try tokenizer.finish(&handler)
    }

    /// The first candidate the workbook has (exactly, then ignoring case and surrounding
    /// spaces), else the first sheet.
    static func choose(_ sheets: [WorkbookHandler.Sheet], candidates: [String]) -> WorkbookHandler.Sheet {
        for c in candidates {
            if let s = sheets.first(where: { $0.name == c }) { return s }
            let key = c.trimmingCharacters(in: .whitespaces).lowercased()
            if let s = sheets.first(where: { $0.name.trimmingCharacters(in: .whitespaces).lowercased() == key }) { return s }
        }
        return sheets[0]
    }

    /// `xl/` for `xl/workbook.xml`; `""` for a part at the root.
    static func directory(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    /// Resolves a relationship target: absolute (`/xl/worksheets/sheet1.xml`) or relative to
    /// the source part's folder, with `..` segments.
    static func resolve(_ target: String, relativeTo dir: String) -> String {
        let full = target.hasPrefix("/") ? String(target.dropFirst()) : dir + target
        var parts: [Substring] = []
        for seg in full.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." { _ = parts.popLast(); continue }
            parts.append(seg)
        }
        return parts.joined(separator: "/")
    }
}

// MARK: - Part handlers

/// Collects `<Relationship Id Target Type>` from a `.rels` part.
struct RelationshipsHandler: XMLHandler {
    struct Relationship {
        var id: String
        var target: String
        var type: String
    }
    var relationships: [Relationship] = []

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        guard name.equals("Relationship") else { return }
        if let mode = a.value("TargetMode"), mode.equals("External") { return }
        guard let id = a.value("Id"), let target = a.value("Target") else {
            throw .malformed("a relationship without Id or Target")
        }
        relationships.append(Relationship(
            id: try XMLText.string(id), target: try XMLText.string(target),
            type: try a.value("Type").map { (v) throws(XMLFault) in try XMLText.string(v) } ?? ""))
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {}
    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault) {}
}

/// Collects the sheets of `xl/workbook.xml` in workbook order.
struct WorkbookHandler: XMLHandler {
    struct Sheet {
        var name: String
        var relationshipID: String
    }
    var sheets: [Sheet] = []

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        guard name.equals("sheet") else { return }
        guard let sheetName = a.value("name"), let rid = a.value(prefixedLocal: "id") else {
            throw .malformed("a sheet without name or r:id")
        }
        sheets.append(Sheet(name: try XMLText.string(sheetName), relationshipID: try XMLText.string(rid)))
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {}
    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault) {}
}

/// Reads `xl/sharedStrings.xml` into one byte arena: `<si><t>` or rich-text runs
/// `<si><r><t>`, concatenated; phonetic hints `<rPh>` are skipped.
struct SharedStringsHandler: XMLHandler {
    let arena = ByteBuffer(capacity: 1 << 12)
    /// Start offset of each string in `arena`, plus the end of the last.
    private(set) var starts: [Int] = [0]
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    var count: Int { starts.count - 1 }

    func string(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        guard i >= 0, i < count else { return nil }
        return UnsafeBufferPointer(start: arena.base + starts[i], count: starts[i + 1] - starts[i])
    }

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        if name.equals("si") {
            inItem = true
            if isEmpty { endItem() }
        } else if name.equals("rPh") {
            if !isEmpty { phoneticDepth += 1 }
        } else if name.equals("t") {
            inText = inItem && phoneticDepth == 0 && !isEmpty
        } else if name.equals("sst"), let unique = a.value("uniqueCount") {
            let n = Int(unique.string) ?? 0
            starts.reserveCapacity(min(n, 1 << 22) + 1)
        }
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {
        if name.equals("t") {
            inText = false
        } else if name.equals("rPh") {
            phoneticDepth -= 1
        } else if name.equals("si") {
            endItem()
        }
    }

    private mutating func endItem() {
        inItem = false
        inText = false
        starts.append(arena.count)
    }

    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault) {
        if inText { try XMLText.append(text, isRaw: isRaw, to: arena) }
    }
}
