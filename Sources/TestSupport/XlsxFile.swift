import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A test-only xlsx reader: enough of SpreadsheetML to turn a report or a template into a
/// text dump of sheets, cells, types, number formats, formulas with cached values, column
/// formats, sheet states and protection, and data validations. Written apart from the
/// project's own reader (`Records/Reading`), so a test compares two readings.
public struct XlsxFile {
    public struct Cell {
        public var ref: String
        public var row: Int
        public var col: Int
        /// `s` shared string, `inlineStr`, `str` formula text, `n` number, `b`, `e`.
        public var type: String
        /// Text for strings; the stored text of `<v>` for numbers (exactly as in the file).
        public var value: String
        public var formula: String?
        public var numberFormat: String
    }

    /// A data validation (`<dataValidation>`): what the cells of `range` accept.
    public struct Validation {
        public var range: String
        /// `list`, `date`, `time`, `whole`, `decimal`, `textLength`, `custom`, or `` for any.
        public var type: String
        public var formula1: String?
        public var formula2: String?
        public var promptTitle: String
        public var prompt: String
        public var errorStyle: String
        /// The first column of the range, 0-based.
        public var column: Int { XlsxFile.position(String(range.prefix { $0 != ":" })).1 }
    }

    /// A `<col>` range's default format.
    public struct ColumnFormat {
        public var first: Int
        public var last: Int
        public var numberFormat: String
        public var isLocked: Bool
    }

    public struct Sheet {
        public var name: String
        public var cells: [Cell]
        public var settings: [String]
        public var isHidden = false
        public var isProtected = false
        public var validations: [Validation] = []
        public var columns: [ColumnFormat] = []
        public func validation(column: Int) -> Validation? { validations.first { $0.column == column } }
        public func cell(_ ref: String) -> Cell? { cells.first { $0.ref == ref } }
        /// Cells by row, 0-based, as text values.
        public var rows: [[Cell]] {
            var out: [[Cell]] = []
            for c in cells {
                while out.count <= c.row { out.append([]) }
                out[c.row].append(c)
            }
            return out
        }
    }

    public var sheets: [Sheet]
    public var properties: [String]
    public var charts: [String]
    public var definedNames: [String]

    public func sheet(_ name: String) -> Sheet? { sheets.first { $0.name == name } }

    public init(path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        func read(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return data
        }
        let workbook = try XML.parse(read("xl/workbook.xml")!)
        let rels = try XML.parse(read("xl/_rels/workbook.xml.rels")!)
        var targets: [String: String] = [:]
        for r in rels.all("Relationship") { targets[r.attributes["Id"] ?? ""] = r.attributes["Target"] }

        var shared: [String] = []
        if let sst = try read("xl/sharedStrings.xml") {
            shared = try XML.parse(sst).all("si").map { $0.all("t").map(\.text).joined() }
        }
        let styles = try XML.parse(read("xl/styles.xml")!)
        var custom: [String: String] = [:]
        for f in styles.all("numFmt") { custom[f.attributes["numFmtId"] ?? ""] = f.attributes["formatCode"] }
        let builtin = ["0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00", "9": "0%", "10": "0.00%", "14": "m/d/yy", "49": "@"]
        let xfs = styles.first("cellXfs")?.children.filter { $0.name == "xf" } ?? []
        let formats = xfs.map { xf -> String in
            let id = xf.attributes["numFmtId"] ?? "0"
            return custom[id] ?? builtin[id] ?? "numFmt#\(id)"
        }
        let locked = xfs.map { xf in xf.first("protection")?.attributes["locked"] != "0" }

        definedNames = workbook.all("definedName").map { "\($0.attributes["name"] ?? "") \($0.attributes["localSheetId"].map { "[\($0)]" } ?? "")= \($0.text)" }
        sheets = try workbook.all("sheet").map { s in
            let target = targets[s.attributes["r:id"] ?? ""] ?? ""
            let xml = try XML.parse(read("xl/" + target)!)
            var cells: [Cell] = []
            for c in xml.all("c") {
                let ref = c.attributes["r"] ?? ""
                let (row, col) = XlsxFile.position(ref)
                let type = c.attributes["t"] ?? "n"
                let v = c.first("v")?.text ?? ""
                let value: String
                switch type {
                case "s": value = shared[Int(v) ?? 0]
                case "inlineStr": value = c.all("t").map(\.text).joined()
                default: value = v
                }
                let style = Int(c.attributes["s"] ?? "0") ?? 0
                cells.append(Cell(ref: ref, row: row, col: col, type: type, value: value, formula: c.first("f")?.text, numberFormat: style < formats.count ? formats[style] : "General"))
            }
            var settings: [String] = []
            if let pane = xml.first("pane") { settings.append("freeze \(pane.attributes["topLeftCell"] ?? "")") }
            if let af = xml.first("autoFilter") { settings.append("autofilter \(af.attributes["ref"] ?? "")") }
            if let ps = xml.first("pageSetup") {
                settings.append("page " + ["orientation", "paperSize", "fitToWidth", "fitToHeight"].compactMap { k in ps.attributes[k].map { "\(k)=\($0)" } }.joined(separator: " "))
            }
            if let fit = xml.first("pageSetUpPr") { settings.append("fitToPage \(fit.attributes["fitToPage"] ?? "")") }
            if let h = xml.first("oddHeader") { settings.append("header \(h.text)") }
            if let f = xml.first("oddFooter") { settings.append("footer \(f.text)") }
            if let b = xml.first("rowBreaks") { settings.append("rowBreaks " + b.all("brk").compactMap { $0.attributes["id"] }.joined(separator: ",")) }
            if xml.first("drawing") != nil { settings.append("drawing") }
            let merges = xml.all("mergeCell").compactMap { $0.attributes["ref"] }
            if !merges.isEmpty { settings.append("merged " + merges.joined(separator: ",")) }
            var sheet = Sheet(name: s.attributes["name"] ?? "", cells: cells, settings: settings)
            sheet.isHidden = s.attributes["state"] == "hidden" || s.attributes["state"] == "veryHidden"
            sheet.isProtected = xml.first("sheetProtection")?.attributes["sheet"] == "1"
            sheet.validations = xml.all("dataValidation").map { v in
                Validation(range: v.attributes["sqref"] ?? "", type: v.attributes["type"] ?? "", formula1: v.first("formula1")?.text,
                           formula2: v.first("formula2")?.text, promptTitle: v.attributes["promptTitle"] ?? "",
                           prompt: v.attributes["prompt"] ?? "", errorStyle: v.attributes["errorStyle"] ?? "stop")
            }
            sheet.columns = xml.all("col").map { c in
                let style = Int(c.attributes["style"] ?? "0") ?? 0
                return ColumnFormat(first: (Int(c.attributes["min"] ?? "1") ?? 1) - 1, last: (Int(c.attributes["max"] ?? "1") ?? 1) - 1,
                                    numberFormat: style < formats.count ? formats[style] : "General",
                                    isLocked: style < locked.count ? locked[style] : true)
            }
            return sheet
        }

        properties = []
        if let core = try read("docProps/core.xml") {
            let x = try XML.parse(core)
            for k in ["dc:title", "dc:subject", "dc:creator", "cp:keywords", "dc:description", "cp:category", "dcterms:created"] {
                if let e = x.first(k) { properties.append("\(k)=\(e.text)") }
            }
        }
        charts = []
        var n = 1
        while let data = try read("xl/charts/chart\(n).xml") {
            let x = try XML.parse(data)
            let kind = ["c:barChart", "c:lineChart", "c:pieChart"].first { x.first($0) != nil } ?? "?"
            let grouping = x.first("c:grouping")?.attributes["val"] ?? ""
            let dir = x.first("c:barDir")?.attributes["val"] ?? ""
            let title = x.first("c:title")?.all("a:t").map(\.text).joined() ?? ""
            var line = "chart\(n) \(kind) \(dir) \(grouping) title=\(title)"
            for s in x.all("c:ser") {
                let name = s.first("c:tx")?.first("c:v")?.text ?? s.first("c:tx")?.first("c:f")?.text ?? ""
                line += "\n  series \(name) cat=\(s.first("c:cat")?.first("c:f")?.text ?? "") val=\(s.first("c:val")?.first("c:f")?.text ?? "")"
            }
            charts.append(line)
            n += 1
        }
    }

    /// `AB12` → (11, 27).
    public static func position(_ ref: String) -> (Int, Int) {
        var col = 0, row = 0
        for ch in ref.unicodeScalars {
            if ch.value >= 65 && ch.value <= 90 { col = col * 26 + Int(ch.value - 64) } else if ch.value >= 48 && ch.value <= 57 { row = row * 10 + Int(ch.value - 48) }
        }
        return (row - 1, col - 1)
    }

    /// `0` → `A`, `27` → `AB`.
    public static func columnName(_ col: Int) -> String {
        var n = col + 1, s = ""
        while n > 0 {
            let m = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + m))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// The text dump compared against golden files.
    public var dump: String {
        var out: [String] = []
        out.append("properties:")
        out += properties.map { "  \($0)" }
        if !definedNames.isEmpty {
            out.append("defined names:")
            out += definedNames.map { "  \($0)" }
        }
        for s in sheets {
            out.append("sheet \(s.name)" + (s.isHidden ? " (hidden)" : "") + (s.isProtected ? " (protected)" : ""))
            out += s.settings.map { "  # \($0)" }
            for c in s.columns where !c.isLocked || c.numberFormat != "General" {
                out.append("  # column \(XlsxFile.columnName(c.first))\(c.last > c.first ? "–" + XlsxFile.columnName(c.last) : "") [\(c.numberFormat)]\(c.isLocked ? "" : " unlocked")")
            }
            for v in s.validations {
                var line = "  # validation \(v.range) \(v.type.isEmpty ? "any" : v.type)"
                if let f = v.formula1 { line += " \(f)" }
                if let f = v.formula2 { line += " … \(f)" }
                if v.errorStyle != "stop" { line += " (\(v.errorStyle))" }
                line += " 「\(v.promptTitle)」\(v.prompt)"
                out.append(line)
            }
            // Blank cells carry only borders: left out of the dump.
            for c in s.cells where !(c.value.isEmpty && c.formula == nil) {
                var line = "  \(c.ref) \(c.type)"
                if let f = c.formula { line += " ={\(f)}" }
                line += c.type == "n" || c.formula != nil ? " \(c.value)" : " \"\(c.value)\""
                if c.numberFormat != "General" { line += " [\(c.numberFormat)]" }
                out.append(line)
            }
        }
        if !charts.isEmpty {
            out.append("charts:")
            out += charts.map { "  \($0)" }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// A minimal DOM: elements with attributes, children and text.
public final class XML: NSObject, XMLParserDelegate {
    public final class Element {
        public let name: String
        public let attributes: [String: String]
        public var children: [Element] = []
        public var text = ""
        public init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }
        public func all(_ n: String) -> [Element] { children.flatMap { ($0.name == n ? [$0] : []) + $0.all(n) } }
        public func first(_ n: String) -> Element? {
            for c in children {
                if c.name == n { return c }
                if let f = c.first(n) { return f }
            }
            return nil
        }
    }

    private var stack: [Element] = [Element(name: "#document", attributes: [:])]

    public static func parse(_ data: Data) throws -> Element {
        let x = XML()
        let p = XMLParser(data: data)
        p.delegate = x
        guard p.parse() else { throw p.parserError ?? CocoaError(.fileReadCorruptFile) }
        return x.stack[0]
    }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        stack.append(Element(name: qualifiedName ?? name, attributes: attributes))
    }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let e = stack.removeLast()
        stack[stack.count - 1].children.append(e)
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack[stack.count - 1].text += string
    }
}
