import Diagnostics

/// One row of raw fields, lent to the `TableReader.read` callback and valid only during it.
///
/// A `RawRow` points into the reader's buffers, which are reused for the next row, so it is
/// non-copyable: a caller reads what it needs (`bytes(_:)`, `string(_:)`) and cannot keep
/// the row itself.
///
/// ```swift
/// let file = try TableReader.read(path: "duty.csv") { row in
///     guard !row.isBlank else { return }
///     print(row.line, row.string(0))
/// }
/// ```
public struct RawRow: ~Copyable {
    /// CSV: the 1-based physical line where the record starts (a quoted field holding
    /// newlines makes the next record start further down). xlsx: the 1-based sheet row number.
    public let line: Int
    /// Number of fields. xlsx: up to the last non-empty cell, with gaps filled by `.empty`.
    /// A CSV line with nothing on it has 0 fields.
    public let count: Int

    @usableFromInline let base: UnsafePointer<UInt8>
    /// `count` pairs of (start, end) byte offsets from `base`.
    @usableFromInline let spans: UnsafePointer<Int>
    /// Cell kinds for xlsx; `nil` for CSV, where every non-empty field is `.text`.
    @usableFromInline let kinds: UnsafePointer<CellKind>?
    /// xlsx: the workbook counts dates in the 1904 date system (`<workbookPr date1904="1"/>`,
    /// Mac Excel, some WPS files): a date serial is 1,462 days later than the same number in
    /// the 1900 system. Whoever turns a serial into a date must ask (`FieldDecoder.decode`).
    public let date1904: Bool

    init(line: Int, count: Int, base: UnsafePointer<UInt8>, spans: UnsafePointer<Int>, kinds: UnsafePointer<CellKind>?,
         date1904: Bool = false) {
        self.line = line
        self.count = count
        self.base = base
        self.spans = spans
        self.kinds = kinds
        self.date1904 = date1904
    }

    /// The UTF-8 bytes of field `i`, unquoted and unescaped; empty when `i >= count`.
    @inlinable
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i >= 0, i < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = spans[2 &* i], end = spans[2 &* i &+ 1]
        return UnsafeBufferPointer(start: base + start, count: end &- start)
    }

    /// The type of field `i`: `.text` or `.empty` for CSV, the cell type for xlsx.
    public func kind(_ i: Int) -> CellKind {
        guard i >= 0, i < count else { return .empty }
        if let kinds { return kinds[i] }
        return spans[2 &* i] == spans[2 &* i &+ 1] ? .empty : .text
    }

    /// Field `i` as a string; `""` when `i >= count`.
    public func string(_ i: Int) -> String {
        String(decoding: bytes(i), as: UTF8.self)
    }

    /// Every field as a string.
    public var strings: [String] {
        (0..<count).map { string($0) }
    }

    /// Every field's kind.
    public var cellKinds: [CellKind] {
        (0..<count).map { kind($0) }
    }

    /// True when every field is empty or holds only spaces (ASCII, no-break or ideographic),
    /// or is a formula never calculated (a template's prepared row with only its 姓名
    /// formula, saved by a program that drops cached values).
    public var isBlank: Bool {
        for i in 0..<count where !Self.isWhitespace(bytes(i)) && kind(i) != .uncalculated { return false }
        return true
    }

    /// The A1-style reference of field `i` (`"C14"`) for xlsx rows; `nil` for CSV.
    public func cellReference(_ i: Int) -> String? {
        guard kinds != nil, i >= 0 else { return nil }
        return CellReference.reference(row: line - 1, column: i)
    }

    static func isWhitespace(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            switch b[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            case 0xC2 where i + 1 < n && b[i + 1] == 0xA0: i += 2  // U+00A0
            case 0xE3 where i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0x80: i += 3  // U+3000
            default: return false
            }
        }
        return true
    }
}
