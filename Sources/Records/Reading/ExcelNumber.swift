/// Renders the number text of an xlsx `<v>` as exact plain decimal text, never through Double.
///
/// `44166` → `44166`, `0.375` → `0.375`, `1.5E-2` → `0.015`, `5.22632199001011E+17` →
/// `522632199001011000` (the digits Excel kept; the typed layer tells that an ID number stored
/// as a number lost its last digits). Trailing fraction zeros are dropped (`2.50` → `2.5`) and
/// `-0` is `0`.
enum ExcelNumber {
    /// Exponents beyond this are not numbers Excel writes; such text is left as it is.
    static let maxExponent = 400

    /// Appends the rendering to `out` and returns true, or returns false (appending nothing)
    /// when `s` is not a decimal number.
    static func render(_ s: UnsafeBufferPointer<UInt8>, into out: ByteBuffer) -> Bool {
        let n = s.count
        var i = 0
        // Skip surrounding whitespace some writers leave.
        var e = n
        while i < e && (s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0A || s[i] == 0x0D) { i += 1 }
        while e > i && (s[e - 1] == 0x20 || s[e - 1] == 0x09 || s[e - 1] == 0x0A || s[e - 1] == 0x0D) { e -= 1 }
        guard i < e else { return false }
        var negative = false
        if s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        // Significant digits go to the end of `out` directly; `scale` is the power of ten.
        let mark = out.count
        out.append(0x2D)  // a provisional minus sign, dropped if not needed
        let digitsStart = out.count
        var scale = 0
        var sawDigit = false, sawPoint = false
        while i < e {
            let b = s[i]
            if b >= 0x30 && b <= 0x39 {
                sawDigit = true
                if out.count > digitsStart || b != 0x30 { out.append(b) }
                if sawPoint { scale -= 1 }
            } else if b == 0x2E && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { out.count = mark; return false }
        if i < e {
            guard s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") else { out.count = mark; return false }
            i += 1
            var expNegative = false
            if i < e && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
                expNegative = s[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < e else { out.count = mark; return false }
            var exp = 0
            while i < e {
                let b = s[i]
                guard b >= 0x30 && b <= 0x39 else { out.count = mark; return false }
                exp = exp * 10 + Int(b - 0x30)
                guard exp <= maxExponent * 2 else { out.count = mark; return false }
                i += 1
            }
            scale += expNegative ? -exp : exp
        }
        var digitCount = out.count - digitsStart
        if digitCount == 0 {
            out.count = mark
            out.append(0x30)
            return true
        }
        while digitCount > 1 && out.base[digitsStart + digitCount - 1] == 0x30 {
            digitCount -= 1
            scale += 1
        }
        out.count = digitsStart + digitCount
        guard abs(scale) <= maxExponent else { out.count = mark; return false }
        if !negative {
            // Drop the provisional sign by shifting the digits left one byte.
            (out.base + mark).update(from: out.base + digitsStart, count: digitCount)
            out.count = mark + digitCount
        }
        let first = out.count - digitCount
        if scale >= 0 {
            for _ in 0..<scale { out.append(0x30) }
        } else {
            let point = digitCount + scale
            if point > 0 {
                // Insert a point after `point` digits.
                out.append(0)
                let p = out.base + first
                var k = digitCount
                while k > point { p[k] = p[k - 1]; k -= 1 }
                p[point] = 0x2E
            } else {
                // 0.000ddd: make room for "0." and the zeros in front of the digits.
                let pad = 2 - point
                out.reserve(pad)
                let p = out.base + first
                var k = digitCount - 1
                while k >= 0 { p[k + pad] = p[k]; k -= 1 }
                p[0] = 0x30
                p[1] = 0x2E
                for z in 0..<(-point) { p[2 + z] = 0x30 }
                out.count += pad
            }
        }
        return true
    }
}
