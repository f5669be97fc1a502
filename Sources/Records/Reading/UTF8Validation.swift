/// Checks that bytes are well-formed UTF-8 (Unicode table 3-7), fast over ASCII runs.
enum UTF8Validation {
    enum Outcome: Equatable {
        /// Bytes `from..<upTo` are valid; `upTo < to` when the bytes end inside a sequence
        /// that more input may complete.
        case valid(upTo: Int)
        /// The sequence starting at `at` is not UTF-8.
        case invalid(at: Int, length: Int)
    }

    /// Validates `p[from..<to]`; when `isFinal` is false an incomplete sequence at the end is
    /// left for later instead of being an error.
    static func validate(_ p: UnsafePointer<UInt8>, from: Int, to: Int, isFinal: Bool) -> Outcome {
        var ignored = false
        return validate(p, from: from, to: to, isFinal: isFinal, sawNonASCII: &ignored)
    }

    /// `validate`, also setting `sawNonASCII` when a valid non-ASCII character was met.
    static func validate(_ p: UnsafePointer<UInt8>, from: Int, to: Int, isFinal: Bool, sawNonASCII: inout Bool) -> Outcome {
        var i = from
        while i < to {
            let b0 = p[i]
            if b0 < 0x80 {
                i &+= 1
                // Eight ASCII bytes at a time, then straight to the first non-ASCII byte.
                while i &+ 8 <= to {
                    let high = ByteWords.load(p + i) & 0x8080_8080_8080_8080
                    if high != 0 {
                        i &+= high.trailingZeroBitCount &>> 3
                        break
                    }
                    i &+= 8
                }
                continue
            }
            // Runs of three-byte characters, which is what Chinese text is made of, two at a
            // time: leads E1–EC and EE–EF with two bytes 80–BF each are always well-formed
            // (E0 and ED, whose second byte is narrower, take the path below).
            if b0 & 0xF0 == 0xE0 {
                var j = i
                while j &+ 8 <= to {
                    let w = ByteWords.load(p + j)
                    if w & 0x0000_C0C0_F0C0_C0F0 != 0x0000_8080_E080_80E0 { break }
                    let lead0 = UInt8(truncatingIfNeeded: w), lead1 = UInt8(truncatingIfNeeded: w &>> 24)
                    if lead0 == 0xE0 || lead0 == 0xED || lead1 == 0xE0 || lead1 == 0xED { break }
                    j &+= 6
                }
                if j > i {
                    sawNonASCII = true
                    i = j
                    continue
                }
            }
            // Fast path for one three-byte character.
            if b0 & 0xF0 == 0xE0 && i &+ 2 < to {
                let b1 = p[i &+ 1], b2 = p[i &+ 2]
                if b2 & 0xC0 == 0x80 {
                    let ok = b0 == 0xE0 ? (b1 >= 0xA0 && b1 <= 0xBF)
                        : b0 == 0xED ? (b1 >= 0x80 && b1 <= 0x9F) : (b1 & 0xC0 == 0x80)
                    if ok {
                        sawNonASCII = true
                        i &+= 3
                        continue
                    }
                }
            }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return .invalid(at: i, length: 1)
            }
            var k = 1
            while k <= need {
                if i &+ k >= to {
                    return isFinal ? .invalid(at: i, length: k) : .valid(upTo: i)
                }
                let b = p[i &+ k]
                let ok = k == 1 ? (b >= lo && b <= hi) : (b & 0xC0 == 0x80)
                if !ok { return .invalid(at: i, length: k + 1) }
                k &+= 1
            }
            sawNonASCII = true
            i &+= need &+ 1
        }
        return .valid(upTo: to)
    }

    /// Multibyte characters (lead bytes) in `p[from..<to]`, assumed valid UTF-8.
    static func multibyteCount(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0
        for i in from..<to where p[i] >= 0xC2 { n += 1 }
        return n
    }

    /// Physical line breaks in `p[from..<to]`: LF, CRLF and a lone CR each count once.
    static func lineBreaks(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0, i = from
        while i < to {
            let b = p[i]
            if b == 0x0A {
                n += 1
            } else if b == 0x0D && !(i + 1 < to && p[i + 1] == 0x0A) {
                n += 1
            }
            i += 1
        }
        return n
    }
}
