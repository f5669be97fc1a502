/// Normalises what a clerk types on a Chinese input method: full-width digits, letters and
/// punctuation become ASCII, the ideographic space a space.
public enum TextNormalizer {
    public static func normalize(_ s: String) -> String {
        // Fast path: nothing to do for ASCII text.
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(normalize(u)) }
        return String(out)
    }

    public static func normalize(_ u: Unicode.Scalar) -> Unicode.Scalar {
        switch u.value {
        case 0xFF01...0xFF5E: Unicode.Scalar(u.value - 0xFEE0)!
        case 0x3000: " "
        case 0x3002: "."  // 。 in a number is a slip for a point
        case 0x2212, 0x2013, 0x2014: "-"  // minus sign and dashes
        default: u
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and ideographic spaces.
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        var lo = scalars.startIndex, hi = scalars.endIndex
        func isSpace(_ u: Unicode.Scalar) -> Bool {
            u == " " || u == "\t" || u == "\u{3000}" || u == "\u{A0}" || u == "\r" || u == "\n" || u == "\u{FEFF}"
        }
        while lo < hi, isSpace(scalars[lo]) { lo = scalars.index(after: lo) }
        while hi > lo, isSpace(scalars[scalars.index(before: hi)]) { hi = scalars.index(before: hi) }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[lo..<hi])
        return String(out)
    }
}
