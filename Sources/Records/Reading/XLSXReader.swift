import Foundation

/// Reads one sheet of an xlsx workbook as rows of raw fields, streaming the sheet part through
/// `XMLTokenizer` as `ZipArchive` inflates it.
///
/// Parts are found as a consumer of Office files should: `_rels/.rels` names the workbook,
/// the workbook's relationships name the sheets and the shared strings. Shared strings are
/// held in one byte arena (cells refer to them at random); the sheet itself never is.
/// Everything is read within `ReadLimits`.
struct XLSXReader {
    let path: String
    private let bytes: UnsafeRawBufferPointer?

    init(path: String) {
        self.path = path
        self.bytes = nil
    }

    /// A workbook held in memory; `path` names it in errors. The bytes must outlive `read`.
    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    func read(sheetCandidates: [String], sheetHeader: SheetHeaderTest? = nil,
              _ body: (borrowing RawRow) -> Void) throws(ReadError) -> TableFile {
        let input: FileInput
        if let bytes { input = FileInput(path: path, bytes: bytes) } else { input = try FileInput(path: path) }
        try checkMagic(input)
        let archive = try ZipArchive(input)
        var entries: [String: ZipEntry] = [:]
        for entry in archive.entries {
            entries[entry.name.lowercased()] = entry
        }
        func entry(_ part: String) -> ZipEntry? { entries[part.lowercased()] }

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
            throw .missingPart(path: path, part: Excerpt.of(workbookPart))
        }
        var workbook = WorkbookHandler()
        try stream(workbookPart, workbookEntry, archive, &workbook)
        guard !workbook.sheets.isEmpty else { throw .noSheets(path: path) }

        let workbookDir = Self.directory(of: workbookPart)
        let relsPart = workbookDir + "_rels/" + String(workbookPart.dropFirst(workbookDir.count)) + ".rels"
        guard let relsEntry = entry(relsPart) else { throw .missingPart(path: path, part: Excerpt.of(relsPart)) }
        var rels = RelationshipsHandler()
        try stream(relsPart, relsEntry, archive, &rels)

        let sharedPart = rels.relationships.first(where: { $0.type.hasSuffix("/sharedStrings") })
            .map { Self.resolve($0.target, relativeTo: workbookDir) } ?? workbookDir + "sharedStrings.xml"
        var shared = SharedStringsHandler(path: path, part: Excerpt.of(sharedPart))
        let sharedEntry = entry(sharedPart)
        if let sharedEntry {
            shared.reserve(forPartBytes: sharedEntry.uncompressedSize)
            try stream(sharedPart, sharedEntry, archive, &shared)
        }

        func part(of sheet: WorkbookHandler.Sheet) throws(ReadError) -> (String, ZipEntry) {
            guard let sheetRel = rels.relationships.first(where: { $0.id == sheet.relationshipID }) else {
                throw .missingPart(path: path, part: Excerpt.of("\(relsPart)#\(sheet.relationshipID)"))
            }
            let sheetPart = Self.resolve(sheetRel.target, relativeTo: workbookDir)
            guard let sheetEntry = entry(sheetPart) else { throw .missingPart(path: path, part: Excerpt.of(sheetPart)) }
            return (sheetPart, sheetEntry)
        }
        let sheet = Self.choose(workbook.sheets, candidates: sheetCandidates) { (candidate) -> Bool in
            guard let sheetHeader, let (p, e) = try? part(of: candidate) else { return false }
            return probe(candidate, p, e, archive, shared, sheetHeader)
        }
        let (sheetPart, sheetEntry) = try part(of: sheet)
        let compressed = sheetEntry.compressedSize + (sharedEntry?.compressedSize ?? 0)

        // The handler holds the callback only while the sheet streams through it.
        let result = withoutActuallyEscaping(body) { emit -> Result<TableFile, ReadError> in
            var handler = SheetHandler(path: path, sheet: sheet.name, shared: shared, compressedBytes: compressed,
                                       date1904: workbook.date1904, emit: emit)
            do throws(ReadError) {
                try stream(sheetPart, sheetEntry, archive, &handler)
            } catch {
                return .failure(error)
            }
            var file = TableFile(path: path, format: .xlsx(sheet: sheet.name), rowCount: handler.rowCount,
                                 byteCount: input.size, delimiter: nil)
            file.date1904 = workbook.date1904
            file.hiddenRows = handler.hiddenRows
            file.mergedRanges = handler.mergedRanges
            file.hiddenColumns = handler.hiddenColumns
            return .success(file)
        }
        var file = try result.get()
        // Rows on another visible sheet with the same kind of header would vanish unread:
        // they are counted, for the validator to refuse the file (D0034).
        if let sheetHeader {
            for other in workbook.sheets where !other.isHidden && other.name != sheet.name {
                guard let (p, e) = try? part(of: other) else { continue }
                let rows = dataRows(other, p, e, archive, shared, sheetHeader)
                if rows > 0 { file.unreadSheets.append(TableFile.UnreadSheet(name: other.name, rows: rows)) }
            }
        }
        return file
    }

    /// The non-blank rows below a sheet's header, when one of its first non-blank rows is a
    /// header `isHeader` accepts; 0 otherwise or when the sheet cannot be read.
    private func dataRows(_ sheet: WorkbookHandler.Sheet, _ part: String, _ entry: ZipEntry, _ archive: ZipArchive,
                          _ shared: SharedStringsHandler, _ isHeader: @escaping SheetHeaderTest) -> Int {
        final class Count {
            var header = false
            var probed = 0
            var rows = 0
        }
        let count = Count()
        var handler = SheetHandler(path: path, sheet: sheet.name, shared: shared) { row in
            guard !row.isBlank else { return }
            if count.header {
                count.rows += 1
            } else if count.probed < Self.headerProbeRows {
                count.probed += 1
                if isHeader(row.strings) { count.header = true }
            }
        }
        let tokenizer = XMLTokenizer(path: path, part: Excerpt.of(part), capacity: max(64, min(1 << 18, entry.uncompressedSize + 1)))
        do throws(ReadError) {
            try archive.extract(entry, part: Excerpt.of(part)) { (chunk) throws(ReadError) in
                try tokenizer.feed(chunk, &handler)
            }
            try tokenizer.finish(&handler)
        } catch {
            return 0
        }
        return count.header ? count.rows : 0
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

    /// Streams one part through a handler; the archive checks sizes, ratio and CRC.
    private func stream<H: XMLHandler>(_ part: String, _ entry: ZipEntry, _ archive: ZipArchive, _ handler: inout H) throws(ReadError) {
        // Part names come from the workbook's relationships and may be as long as a tag:
        // errors name them by an excerpt.
        let shown = Excerpt.of(part)
        let tokenizer = XMLTokenizer(path: path, part: shown, capacity: max(64, min(1 << 18, entry.uncompressedSize + 1)))
        try archive.extract(entry, part: shown) { (chunk) throws(ReadError) in
            try tokenizer.feed(chunk, &handler)
        }
        try tokenizer.finish(&handler)
    }

    /// The sheet to read, never a hidden one (unless all are): the first named as a candidate
    /// (exactly, then ignoring case and surrounding spaces), else the first that `hasHeader`,
    /// else the first. `hasHeader` is asked only when there is more than one sheet to choose
    /// from, in workbook order.
    static func choose(_ sheets: [WorkbookHandler.Sheet], candidates: [String],
                       hasHeader: (WorkbookHandler.Sheet) -> Bool = { _ in false }) -> WorkbookHandler.Sheet {
        let visible = sheets.filter { !$0.isHidden }
        let shown = visible.isEmpty ? sheets : visible
        for c in candidates {
            if let s = shown.first(where: { $0.name == c }) { return s }
            let key = c.trimmingCharacters(in: .whitespaces).lowercased()
            if let s = shown.first(where: { $0.name.trimmingCharacters(in: .whitespaces).lowercased() == key }) { return s }
        }
        if shown.count > 1, let s = shown.first(where: hasHeader) { return s }
        return shown[0]
    }

    /// The rows a header is looked for in, as the validator looks (blank rows not counted).
    static let headerProbeRows = 10

    /// Whether one of a sheet's first non-blank rows is a header `isHeader` accepts. Reads
    /// only as far as it must: once decided, the rest of the part is inflated (to finish the
    /// zip stream) but not parsed. A sheet that cannot be read is no match.
    private func probe(_ sheet: WorkbookHandler.Sheet, _ part: String, _ entry: ZipEntry, _ archive: ZipArchive,
                       _ shared: SharedStringsHandler, _ isHeader: @escaping SheetHeaderTest) -> Bool {
        final class Verdict {
            var decided = false
            var found = false
            var rows = 0
        }
        let verdict = Verdict()
        var handler = SheetHandler(path: path, sheet: sheet.name, shared: shared) { row in
            guard !verdict.decided, !row.isBlank else { return }
            verdict.rows += 1
            if isHeader(row.strings) {
                verdict.found = true
                verdict.decided = true
            } else if verdict.rows >= Self.headerProbeRows {
                verdict.decided = true
            }
        }
        let tokenizer = XMLTokenizer(path: path, part: Excerpt.of(part), capacity: max(64, min(1 << 18, entry.uncompressedSize + 1)))
        do throws(ReadError) {
            try archive.extract(entry, part: Excerpt.of(part)) { (chunk) throws(ReadError) in
                if !verdict.decided { try tokenizer.feed(chunk, &handler) }
            }
        } catch {
            return false
        }
        return verdict.found
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
        /// `state="hidden"` or `"veryHidden"`: a sheet the workbook keeps out of sight (a
        /// template's list sheet).
        var isHidden = false
    }
    var sheets: [Sheet] = []
    /// `<workbookPr date1904="1"/>` (or `"true"`): date serials count from 1904-01-01.
    var date1904 = false

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        if name.equals("workbookPr") {
            if let v = a.value("date1904") { date1904 = v.equals("1") || v.equals("true") }
            return
        }
        guard name.equals("sheet") else { return }
        guard let sheetName = a.value("name"), let rid = a.value(prefixedLocal: "id") else {
            throw .malformed("a sheet without name or r:id")
        }
        // Excel's sheet names are at most 31 characters; a longer one (not from Excel) is kept
        // as an excerpt, since it is shown in every diagnostic about the sheet.
        let state = try a.value("state").map { (v) throws(XMLFault) in try XMLText.string(v) }
        sheets.append(Sheet(name: Excerpt.of(try XMLText.string(sheetName)), relationshipID: try XMLText.string(rid),
                            isHidden: state == "hidden" || state == "veryHidden"))
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {}
    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault) {}
}

/// Reads `xl/sharedStrings.xml` into one byte arena: `<si><t>` or rich-text runs
/// `<si><r><t>`, concatenated; phonetic hints `<rPh>` are skipped.
struct SharedStringsHandler: XMLHandler {
    let path: String
    let part: String
    let arena = ByteBuffer(capacity: 1 << 12)
    /// Start offset of each string in `arena`, plus the end of the last.
    private(set) var starts: [Int] = [0]
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    /// The most strings worth reserving room for: `uniqueCount` is only a hint, and each
    /// `<si/>` takes at least 5 bytes of the part.
    private var reserveLimit = 1 << 16

    init(path: String = "", part: String = "") {
        self.path = path
        self.part = part
    }

    var count: Int { starts.count - 1 }

    mutating func reserve(forPartBytes n: Int) {
        reserveLimit = min(1 << 22, n / 5)
    }

    func string(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        guard i >= 0, i < count else { return nil }
        return UnsafeBufferPointer(start: arena.base + starts[i], count: starts[i + 1] - starts[i])
    }

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes, isEmpty: Bool) throws(XMLFault) {
        if name.equals("si") {
            inItem = true
            if isEmpty { try endItem() }
        } else if name.equals("rPh") {
            if !isEmpty { phoneticDepth += 1 }
        } else if name.equals("t") {
            inText = inItem && phoneticDepth == 0 && !isEmpty
        } else if name.equals("sst"), let unique = a.value("uniqueCount") {
            let n = Int(unique.string) ?? 0
            starts.reserveCapacity(min(n, reserveLimit) + 1)
        }
    }

    mutating func endElement(_ name: XMLBytes) throws(XMLFault) {
        if name.equals("t") {
            inText = false
        } else if name.equals("rPh") {
            phoneticDepth -= 1
        } else if name.equals("si") {
            try endItem()
        }
    }

    private mutating func endItem() throws(XMLFault) {
        inItem = false
        inText = false
        let item = UnsafeBufferPointer(start: arena.base + starts[starts.count - 1], count: arena.count - starts[starts.count - 1])
        if UTF8Count.exceedsCellLimit(item) { throw tooLong(item, cut: false) }
        starts.append(arena.count)
    }

    mutating func text(_ text: XMLBytes, isRaw: Bool) throws(XMLFault) {
        guard inText else { return }
        try XMLText.append(text, isRaw: isRaw, to: arena)
        let length = arena.count - starts[starts.count - 1]
        if length > ReadLimits.maxCellBytes {
            throw tooLong(UnsafeBufferPointer(start: arena.base + starts[starts.count - 1], count: length), cut: true)
        }
    }

    private func tooLong(_ item: UnsafeBufferPointer<UInt8>, cut: Bool) -> XMLFault {
        .failed(.cellTooLong(path: path, place: .sharedString(part: part, index: count),
                             excerpt: Excerpt.of(item, exceeding: cut ? ReadLimits.maxCellCharacters : nil)))
    }
}
