import Exact
import Foundation
import Testing
@testable import Records

/// The word-at-a-time paths of reading (issue 15 item 2) against the straightforward
/// byte-at-a-time rules they replace: UTF-8 validation with its runs of three-byte
/// characters, the CSV field scan eight bytes at a time, short byte strings as words, and
/// enumeration words found by (length, first sixteen bytes).
@Suite("Reading fast paths against plain implementations")
struct FastPathTests {
    // MARK: - UTF-8

    /// Unicode table 3-7, one byte at a time: the outcome (where and how long the first bad
    /// sequence is) and whether a valid non-ASCII character came before the end or the error.
    static func referenceUTF8(_ b: [UInt8], from: Int = 0, isFinal: Bool) -> (UTF8Validation.Outcome, Bool) {
        var i = from, saw = false
        while i < b.count {
            let b0 = b[i]
            if b0 < 0x80 { i += 1; continue }
            let need: Int, lo: UInt8, hi: UInt8
            switch b0 {
            case 0xC2...0xDF: (need, lo, hi) = (1, 0x80, 0xBF)
            case 0xE0: (need, lo, hi) = (2, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (need, lo, hi) = (2, 0x80, 0xBF)
            case 0xED: (need, lo, hi) = (2, 0x80, 0x9F)
            case 0xF0: (need, lo, hi) = (3, 0x90, 0xBF)
            case 0xF1...0xF3: (need, lo, hi) = (3, 0x80, 0xBF)
            case 0xF4: (need, lo, hi) = (3, 0x80, 0x8F)
            default: return (.invalid(at: i, length: 1), saw)
            }
            for k in 1...need {
                if i + k >= b.count { return (isFinal ? .invalid(at: i, length: k) : .valid(upTo: i), saw) }
                let c = b[i + k]
                let ok = k == 1 ? (c >= lo && c <= hi) : (c & 0xC0 == 0x80)
                if !ok { return (.invalid(at: i, length: k + 1), saw) }
            }
            saw = true
            i += need + 1
        }
        return (.valid(upTo: b.count), saw)
    }

    static func fast(_ b: [UInt8], from: Int = 0, isFinal: Bool) -> (UTF8Validation.Outcome, Bool) {
        var saw = false
        let outcome = b.withUnsafeBufferPointer {
            UTF8Validation.validate($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: from, to: b.count, isFinal: isFinal, sawNonASCII: &saw)
        }
        return (outcome, saw)
    }

    static func expectSameUTF8(_ b: [UInt8], from: Int = 0) {
        for isFinal in [true, false] {
            let (want, wantSaw) = referenceUTF8(b, from: from, isFinal: isFinal)
            let (got, gotSaw) = fast(b, from: from, isFinal: isFinal)
            #expect(got == want, "\(b) from \(from), final \(isFinal)")
            // Whether non-ASCII was seen matters only when the bytes are valid so far.
            if case .valid = want { #expect(gotSaw == wantSaw, "\(b) sawNonASCII") }
        }
    }

    /// Bytes that make or break a sequence, or end a run of three-byte characters.
    static let interesting: [UInt8] = [0x00, 0x0A, 0x2C, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                       0xE0, 0xE1, 0xE4, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]

    @Test func invalidAtEveryPositionOfAWord() {
        // Runs of three-byte characters (E0, ED and the common leads), ASCII between them,
        // and two- and four-byte characters, so that every byte of the 8-byte windows is hit.
        let words = ["榕江县富民社区网格员值班", "a务\u{800}\u{D7FF}\u{E000}\u{FFFF}中,b", "é𠮷张三李四王五赵六钱七孙八"]
        for word in words {
            let base = Array(word.utf8)
            Self.expectSameUTF8(base)
            for at in base.indices {
                for replacement in Self.interesting {
                    var b = base
                    b[at] = replacement
                    Self.expectSameUTF8(b)
                }
                // Cut short at every length: incomplete (not final) or invalid (final).
                Self.expectSameUTF8(Array(base[..<at]))
                Self.expectSameUTF8(base, from: at)
            }
        }
    }

    @Test func randomCharactersWithDamage() {
        var rng = SystemRandomNumberGenerator()
        let characters: [[UInt8]] = ["a", ",", "\n", "é", "张", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFF}", "𠮷", "\u{10FFFF}"].map { Array($0.utf8) }
        for _ in 0..<5_000 {
            var b: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) { b += characters.randomElement(using: &rng)! }
            if !b.isEmpty, Bool.random(using: &rng) { b[Int.random(in: b.indices, using: &rng)] = Self.interesting.randomElement(using: &rng)! }
            Self.expectSameUTF8(b)
        }
    }

    // MARK: - CSV

    /// Fields of every length from 0 to 20 bytes, among them Chinese, spaces, tabs, quotes and
    /// the bytes just below and above the stops, so that a stop falls at every offset of the
    /// eight-byte windows and of the chunks.
    @Test func csvWithLongFieldsAgainstTheReference() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [[0x61], [0x39], [0x2B], [0x2D], [0x21], [0x20], [0x09], [0x22], [0x2C], [0x2C], [0x2C], [0x0A], [0x0D], [0x0D, 0x0A],
                                 Array("张".utf8), Array("é".utf8), Array("𠮷".utf8), Array("社区网格".utf8), Array("2020-12-01".utf8)]
        let dir = ReadingFixtures.directory()
        for k in 0..<300 {
            let bom = k % 5 == 0
            var body = Array("编号,工号姓名\n".utf8)  // a UTF-8 start, so the encoding is settled
            for _ in 0..<Int.random(in: 0...80, using: &rng) { body += pieces.randomElement(using: &rng)! }
            let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + body
            let path = ReadingFixtures.write(bytes, name: "f\(k).csv", in: dir)
            let expected = CSVDifferentialTests.reference(body)
            for size in [4, 7, 8, 9, 16, 17, 33, CSVReader.defaultChunkSize] {
                let got: CSVDifferentialTests.Outcome
                do {
                    got = .rows(try ReadingFixtures.rows(path, chunkSize: size).1)
                } catch {
                    guard case .unterminatedQuote(_, let line) = error else {
                        Issue.record("\(error) for \(bytes)")
                        continue
                    }
                    got = .unterminated(line: line)
                }
                #expect(got == expected, "\(bytes) at chunk size \(size)")
            }
        }
    }

    @Test func tabDelimitedFieldsKeepTheirCommas() throws {
        let dir = ReadingFixtures.directory()
        var text = "工号\t姓名\t备注\n"
        var expected = [ReadingFixtures.Row(1, ["工号", "姓名", "备注"])]
        for n in 0..<20 {
            let note = String(repeating: "x", count: n) + "," + String(repeating: "张", count: n % 4) + " ,"
            text += "FM-\(n)\t\"a\tb\"\t\(note)\r\n"
            expected.append(ReadingFixtures.Row(n + 2, ["FM-\(n)", "a\tb", note]))
        }
        let path = ReadingFixtures.write(Array(text.utf8), name: "t.csv", in: dir)
        for size in [4, 5, 8, 9, 64, CSVReader.defaultChunkSize] {
            let (file, rows) = try ReadingFixtures.rows(path, chunkSize: size)
            #expect(file.delimiter == "\t")
            #expect(rows == expected, "chunk size \(size)")
        }
    }

    /// A broken byte anywhere in a UTF-8 file is reported where a byte-at-a-time validation of
    /// the whole file finds it, whatever the chunk size (multibyte characters split across
    /// refills are not broken).
    @Test func invalidUTF8InAFileAtEveryPosition() throws {
        let dir = ReadingFixtures.directory()
        let header = Array("工号,姓名,社区\n".utf8)
        let row = Array("FM-001,张三丰,富民社区网格\r\nFM-002,\"李,四\",卧龙\n".utf8)
        for bom in [false, true] {
            let start = bom ? [0xEF, 0xBB, 0xBF] as [UInt8] : []
            for at in row.indices {
                for bad: UInt8 in [0xFF, 0x80, 0xC2, 0xE4, 0xED] {
                    var body = header + row
                    body[header.count + at] = bad
                    let bytes = start + body
                    let (want, _) = Self.referenceUTF8(bytes, from: start.count, isFinal: true)
                    let path = ReadingFixtures.write(bytes, name: "u\(at)-\(bad).csv", in: dir)
                    for size in [4, 5, 8, 13, CSVReader.defaultChunkSize] {
                        do {
                            _ = try ReadingFixtures.rows(path, chunkSize: size)
                            #expect(want == .valid(upTo: bytes.count), "\(bytes) read at chunk size \(size)")
                        } catch {
                            guard case .invalid(let wantAt, let length) = want,
                                  case .invalidUTF8(_, let line, let offset, let got) = error else {
                                Issue.record("\(error) for \(bytes) at chunk size \(size), expected \(want)")
                                continue
                            }
                            let wantLine = 1 + UTF8Validation.lineBreaks(bytes, from: start.count, to: wantAt)
                            #expect(offset == wantAt && line == wantLine && got == Array(bytes[wantAt..<min(bytes.count, wantAt + length)]),
                                    "\(bytes) at chunk size \(size)")
                        }
                    }
                }
            }
        }
    }

    @Test func below2DMarksExactlyTheLowBytes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var expected: UInt64 = 0
            for (k, b) in bytes.enumerated() where b < 0x2D { expected |= 0x80 << UInt64(8 * k) }
            let w = bytes.withUnsafeBufferPointer { ByteWords.load($0.baseAddress!) }
            #expect(CSVReader.below2D(w) == expected, "\(bytes)")
        }
    }

    // MARK: - Words, fingerprints and enumerations

    @Test func wordsAreTheZeroPaddedBytes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let n = Int.random(in: 0...24, using: &rng)
            let offset = Int.random(in: 0...7, using: &rng)
            let buffer = (0..<(offset + n)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let bytes = Array(buffer[offset...])
            func plain(_ from: Int, _ count: Int) -> UInt64 {
                var w: UInt64 = 0
                for k in 0..<count where from + k < bytes.count { w |= UInt64(bytes[from + k]) << UInt64(8 * k) }
                return w
            }
            buffer.withUnsafeBufferPointer { all in
                let b = UnsafeBufferPointer(rebasing: all[offset...])
                if n <= 8, let p = b.baseAddress { #expect(ByteWords.word(p, count: n) == plain(0, n)) }
                let (w0, w1) = ByteWords.words16(b)
                #expect(w0 == plain(0, 8) && w1 == plain(8, 8), "\(bytes)")
                // The same bytes hash the same wherever they lie.
                #expect(ByteWords.hash(b) == bytes.withUnsafeBufferPointer { ByteWords.hash($0) })
            }
        }
    }

    @Test func fingerprintsKeepFieldsApart() {
        func row(_ fields: [String]) -> UInt64 {
            var h = ByteWords.seed
            for f in fields {
                var f = f
                h = f.withUTF8 { ByteWords.mix(h, $0) }
            }
            return ByteWords.finish(h)
        }
        #expect(row(["ab", "c"]) != row(["a", "bc"]))
        #expect(row(["abcdefgh", ""]) != row(["abcdefg", "h"]))
        #expect(row(["", ""]) != row([""]))
        #expect(row(["a\u{0}"]) != row(["a"]))
        #expect(row(["富民", "2020-12-01"]) == row(["富民", "2020-12-01"]))
        // Many similar rows, no two alike.
        var seen = Set<UInt64>()
        for i in 0..<100_000 { seen.insert(row(["SQ\(i % 97)", "2020-12-\(i % 31)", "\(i)"])) }
        #expect(seen.count == 100_000)
    }

    @Test func enumerationWordsSharingPrefixes() {
        let words = ["班", "班次", "白班", "白班加班", "A", "AB", "ABCDEFG", "ABCDEFGH", "ABCDEFGHI", "ABCDEFGHIJKLMNOP",
                     "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPR", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYz",
                     "中华人民共和国民政部", "中华人民共和国民政局", "中华人民共和国", "AB"]
        var decoder = FieldDecoder(fields: [FieldSpec("类别", .enumeration(words)),
                                            FieldSpec("考核", .enumerationOrScore(words, maxScore: 100))])
        var probes = words
        for w in words {
            probes.append(String(w.dropLast()))
            probes.append(w + "A")
            probes.append("A" + w)
            probes.append(String(w.unicodeScalars.reversed().map(Character.init)))
        }
        probes += ["ＡＢ", "白 班", "0", "100", "101"]
        for probe in probes {
            // The plain rule: the first word equal to the text, after the slow path's
            // normalisation (full-width letters, inner spaces) for non-ASCII text.
            let plain = words.firstIndex(of: probe)
                ?? (probe.utf8.contains { $0 >= 0x80 } ? words.firstIndex(of: TextNormalizer.normalize(probe).trimmingSpaces) : nil)
            var p = probe
            let got = p.withUTF8 { decoder.decode(0, $0, kind: .text) }
            if probe.isEmpty {
                #expect(got == nil)
            } else {
                #expect(got == (plain.map { .success(Int64($0)) } ?? .failure(.notInEnumeration)), "\(probe)")
            }
            if let plain {
                let orScore = p.withUTF8 { decoder.decode(1, $0, kind: .text) }
                #expect(orScore == .success(Int64(plain)), "\(probe)")
            }
        }
        #expect(words.firstIndex(of: "AB") == 5)
    }
}
