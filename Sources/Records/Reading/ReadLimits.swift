/// The bounds every table file is read within, in one place.
///
/// The aim is that reading takes time and memory in proportion to the file on disk, whatever
/// the file claims: a 50 KB workbook must not inflate to gigabytes, and no single value may
/// grow without bound or end up printed whole in a diagnostic. Legitimate province-scale
/// files stay well inside: a 50,000-cadre month is about 750 MB of CSV, and an xlsx sheet
/// part can be hundreds of megabytes of XML, so the size limits are generous and the ratio and
/// cell limits are what stop a bomb early.
public enum ReadLimits {
    /// Excel's own limit on the text in one cell (characters). No workbook Excel writes, and
    /// no CSV it saves, holds a longer value; applied to xlsx cells, shared strings and CSV
    /// fields alike (D0030, D0031).
    public static let maxCellCharacters = 32_767

    /// The most bytes a value within `maxCellCharacters` can take in UTF-8 (four per
    /// character). Past this a value is too long whatever it holds, so readers stop there
    /// instead of collecting the rest.
    public static let maxCellBytes = 4 * maxCellCharacters

    /// The largest uncompressed part of a workbook (D0028), declared or inflated: a sheet of
    /// a million rows is about 600 MB of XML, so 2 GiB leaves room while capping what a part
    /// can cost.
    public static let maxPartBytes = 2 << 30

    /// A part may inflate to at most this many times its compressed size (D0029). Sheet XML
    /// saved by Excel or libxlsxwriter compresses about 5–20 : 1 (very repetitive sheets up
    /// to about 50 : 1); deflate bombs run near its maximum of 1032 : 1.
    public static let maxCompressionRatio = 100

    /// Parts smaller than this inflate without a ratio check: small parts (a workbook of a
    /// few rows, a styles part) can legitimately compress extremely well, and 8 MiB costs
    /// nothing to read.
    public static let ratioFreeBytes = 8 << 20

    /// Sheet rows may carry at most `maxCompressionRatio` times the compressed size of the
    /// sheet and shared-strings parts (past `ratioFreeBytes`; D0032). Shared strings are
    /// stored once and referenced by index, so without this a tiny sheet could repeat one
    /// 32,767-character string in millions of cells.
    public static let maxExpansionRatio = maxCompressionRatio

    /// The longest XML tag, declaration or processing instruction the tokenizer holds whole
    /// (D0016). Spreadsheet tags are at most a few kilobytes (a root element with its
    /// namespaces); text, comments and CDATA stream through and are not bounded by this.
    public static let maxTagBytes = 1 << 20

    /// The deepest element nesting in a part (D0016). Spreadsheet XML nests about six deep.
    public static let maxXMLDepth = 256

    /// The longest CSV record in bytes (D0011); a stray quote is caught sooner, by the field
    /// limit, once a quoted field passes `maxCellBytes`.
    public static let maxCSVRecordBytes = 64 << 20

    /// How much of a value a diagnostic shows.
    public static let excerptCharacters = 40
}

/// A value as diagnostics show it: whole when short, otherwise its first 40 characters and
/// its length, so that no value from a file, however long, is ever printed whole.
///
/// ```swift
/// Excerpt.of("工号")                       // 工号
/// Excerpt.of(String(repeating: "好", count: 50_000))
/// // 好好…好（共 50000 字）  — 40 characters, then the count
/// ```
public enum Excerpt {
    public static func of(_ s: String, limit: Int = ReadLimits.excerptCharacters) -> String {
        var shown = String.UnicodeScalarView()
        var n = 0
        var hasControl = false
        for scalar in s.unicodeScalars {
            if n == limit { return visible(String(shown)) + "…（共 \(s.unicodeScalars.count) 字）" }
            shown.append(scalar)
            hasControl = hasControl || scalar.value < 0x20 || isInvisible(scalar)
            n += 1
        }
        return hasControl ? visible(s) : s
    }

    /// Line breaks and tabs written out (`\n`), so that an excerpt stays on its line of a
    /// diagnostic; other control and invisible characters as their code point in angle
    /// brackets (`到〈U+0000〉岗`), which a clerk can see and a diagnostic explains
    /// (`hasInvisible`).
    static func visible(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || isInvisible(scalar): out += codePoint(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `〈U+001A〉`.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "〈U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "〉"
    }

    /// Characters that show as nothing: DEL and the C1 controls, the zero-width space,
    /// direction marks and embeddings, line and paragraph separators, the word joiner family,
    /// a BOM inside text. (C0 controls are tested apart, as they include line breaks and
    /// tabs; the zero-width joiners are left alone, as emoji sequences are made with them.)
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x200B, 0x200E, 0x200F, 0x2028...0x202E, 0x2060...0x2064, 0xFEFF: true
        default: false
        }
    }

    /// Whether a value holds a control or invisible character other than a line break or tab,
    /// which an excerpt shows as `〈U+…〉`.
    public static func hasInvisible(_ s: String) -> Bool {
        s.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t") || isInvisible($0) }
    }

    /// The excerpt of UTF-8 bytes; `exceeding` is a length the value is known to pass when
    /// it was cut short while reading (shown as "超过 N 字" instead of the count).
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, exceeding: Int? = nil,
                   limit: Int = ReadLimits.excerptCharacters) -> String {
        // Decode only a prefix: at most four bytes a character, and a cut character is
        // dropped by decoding up to the last boundary.
        var end = min(bytes.count, 4 * limit + 4)
        while end < bytes.count && end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        let head = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        var shown = ""
        var n = 0
        for scalar in head.unicodeScalars {
            if n == limit { break }
            shown.unicodeScalars.append(scalar)
            n += 1
        }
        if let exceeding { return visible(shown) + "…（超过 \(exceeding) 字）" }
        let count = UTF8Count.characters(bytes)
        return n == count ? visible(shown) : visible(shown) + "…（共 \(count) 字）"
    }

    /// A list of values as diagnostics show it: each an excerpt, and at most `maxItems` of
    /// them followed by how many there were.
    public static func list(_ items: [String], separator: String, maxItems: Int = 20) -> String {
        let shown = items.prefix(maxItems).map { of($0) }.joined(separator: separator)
        return items.count > maxItems ? shown + separator + "…（共 \(items.count) 项）" : shown
    }
}

/// Counts characters (Unicode scalars) of UTF-8 bytes: every byte that does not continue a
/// sequence starts one.
enum UTF8Count {
    static func characters(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for byte in b where byte & 0xC0 != 0x80 { n &+= 1 }
        return n
    }

    /// Whether the value is longer than `ReadLimits.maxCellCharacters`, deciding from the
    /// byte count when it can.
    @inline(__always)
    static func exceedsCellLimit(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if b.count <= ReadLimits.maxCellCharacters { return false }
        if b.count > ReadLimits.maxCellBytes { return true }
        return characters(b) > ReadLimits.maxCellCharacters
    }
}
