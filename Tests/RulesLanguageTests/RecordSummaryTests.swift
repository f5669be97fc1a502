import Exact
@testable import Records
@testable import RulesLanguage
import Testing
import TestSupport

/// A record's summary text is made on UTF-8 bytes (`RecordSummary.text`) and once per
/// distinct combination of the values it shows (`SummaryKeys`): the texts must be those of
/// the `String`-based reference, byte for byte, whatever the values hold.
struct RecordSummaryTests {
    /// A source with every kind of part: values (text, enumeration, enumeration or score),
    /// a shift's time range, named numbers and a boolean; personal data, the date and the key
    /// left out.
    static let schema = SourceSchema(
        name: "值班", fileStems: ["duty"], role: .activity,
        fields: [
            FieldSpec("工号", .text),
            FieldSpec("日期", .date),
            FieldSpec("编号", .text, required: false),
            FieldSpec("班次", .enumeration(["白班", "夜班", "节假日班"])),
            FieldSpec("开始", .time),
            FieldSpec("结束", .time, required: false),
            FieldSpec("内容", .text, required: false),
            FieldSpec("评价", .enumerationOrScore(["满意", "基本满意"], maxScore: 10), required: false),
            FieldSpec("用时", .integer(min: nil, max: nil), required: false),
            FieldSpec("补贴", .money, required: false),
            FieldSpec("时长", .decimal(scale: 2, min: nil, max: nil), required: false),
            FieldSpec("加班", .boolean, required: false),
            FieldSpec("身份证号", .idNumber, required: false),
        ],
        dateField: "日期", keyField: "编号", shift: .init(start: "开始", end: "结束"))

    /// Texts that break a naive cut: CJK, emoji with modifiers and joiners, flags, combining
    /// marks, Hangul jamo, CR LF, full-width forms, right around the 24th character.
    static let pieces = [
        "a", "Z", " ", "0", "社区", "低保申请", "代办户口迁移", "，", "。", "【", "】", "ａ", "Ｂ", "😀", "👍🏽", "👨‍👩‍👧",
        "🇨🇳", "e\u{301}", "\u{301}", "ᄀ", "ᅡ", "ᆨ", "가", "\r\n", "\r", "\n", "\t", "〰\u{FE0F}", "\u{200D}", "é", "ß",
        "\u{0600}", "क्ष", "〆", "〪", "–",
    ]

    @Test func textsAreTheReferenceTextsByteForByte() {
        var rng = SeededRandom(seed: 15)
        let summary = RecordSummary(schema: Self.schema)
        var decoder = FieldDecoder(fields: Self.schema.fields)
        var compared = 0
        for _ in 0..<4_000 {
            var row = DecodedRow(payload: Array(repeating: 0, count: Self.schema.fields.count),
                                 present: Array(repeating: false, count: Self.schema.fields.count), cadre: 0, line: 2)
            func set(_ i: Int, _ text: String, _ kind: CellKind = .text) {
                let bytes = Array(text.utf8)
                if case .success(let v)? = bytes.withUnsafeBufferPointer({ decoder.decode(i, $0, kind: kind) }) {
                    row.payload[i] = v
                    row.present[i] = true
                }
            }
            var content = ""
            for _ in 0..<rng.below(60) { content += Self.pieces[rng.below(Self.pieces.count)] }
            if rng.below(5) > 0 { set(6, content) }
            set(3, ["白班", "夜班", "节假日班"][rng.below(3)])
            set(4, "0\(rng.below(10)):\(rng.below(6))0")
            if rng.below(4) > 0 { set(5, "1\(rng.below(10)):30") }
            if rng.below(3) > 0 { set(7, rng.below(2) == 0 ? ["满意", "基本满意"][rng.below(2)] : String(rng.below(11))) }
            if rng.below(3) > 0 { set(8, String(rng.below(500) - 100)) }
            if rng.below(3) > 0 { set(9, "\(rng.below(100)).\(rng.below(10))0") }
            if rng.below(3) > 0 { set(10, "\(rng.below(9)).\(rng.below(100))") }
            if rng.below(3) > 0 { set(11, rng.below(2) == 0 ? "是" : "否") }
            #expect(Array(summary.text(row, decoder).utf8) == Array(summary.referenceText(row, decoder).utf8), "content \(content.debugDescription)")
            compared += 1
        }
        #expect(compared == 4_000)
    }

    /// Times and integers are written as digits without a `String`: the same text as
    /// `FieldDecoder.text` for every payload, at the ends of their ranges too.
    @Test func timesAndIntegersAtTheirEndsReadAsTheReference() {
        let summary = RecordSummary(schema: Self.schema)
        let decoder = FieldDecoder(fields: Self.schema.fields)
        let integers: [Int64] = [0, -1, 1, 9, 10, -10, 99, 100, 12_345, -98_765, .max, .min, .min + 1]
        let times: [Int64] = [0, 1, 59, 60, 599, 600, 1_439, 1_440, 5_999, 6_000, 32_767, -1]
        for (k, n) in integers.enumerated() {
            var row = DecodedRow(payload: Array(repeating: 0, count: Self.schema.fields.count),
                                 present: Array(repeating: false, count: Self.schema.fields.count), cadre: 0, line: 2)
            row.payload[8] = n
            row.present[8] = true
            row.payload[4] = times[k % times.count]
            row.present[4] = true
            row.payload[5] = times[(k + 3) % times.count]
            row.present[5] = k % 2 == 0
            #expect(summary.text(row, decoder) == summary.referenceText(row, decoder), "integer \(n), time \(times[k % times.count])")
        }
    }

    @Test func cutStopsAtTheTwentyFourthCharacterOrAsksString() {
        func cut(_ s: String) -> Int? {
            var s = s
            return s.withUTF8 { RecordSummary.cut($0, 24) }
        }
        let cjk = String(repeating: "社区", count: 20)
        #expect(cut(cjk) == 24 * 3)
        #expect(cut("短") == 3)
        #expect(cut(String(repeating: "a", count: 24)) == 24)
        #expect(cut(String(repeating: "a", count: 30)) == 24)
        // An accent after the 24th letter belongs to it: String decides.
        #expect(cut(String(repeating: "a", count: 24) + "\u{301}") == nil)
        #expect(cut(String(repeating: "😀", count: 30)) == nil)
        // Up to 24 scalars is the whole text whatever they are.
        #expect(cut("👨‍👩‍👧") == "👨‍👩‍👧".utf8.count)
    }

    /// The same values give the same summary number; other values, presence or decoder
    /// another.
    @Test func summaryKeysNumberEachCombinationOnce() {
        var keys = SummaryKeys(fields: [3, 5, 6])
        var next: UInt32 = 0
        func number(_ payload: [Int64], _ present: [Bool], _ identity: UInt64) -> UInt32 {
            payload.withUnsafeBufferPointer { p in
                present.withUnsafeBufferPointer { q in
                    let found = keys.find(p, q, identity: identity)
                    if found.number >= 0 { return UInt32(found.number) }
                    keys.insert(found.key, number: next)
                    next += 1
                    return next - 1
                }
            }
        }
        var seen: [String: UInt32] = [:]
        var rng = SeededRandom(seed: 3)
        for _ in 0..<20_000 {
            var payload = (0..<8).map { _ in Int64(rng.below(5)) }
            var present = (0..<8).map { _ in rng.below(4) > 0 }
            let identity = UInt64(rng.below(2))
            // Fields the summary does not read change nothing.
            payload[0] = Int64(rng.below(1000))
            present[1] = rng.below(2) == 0
            let n = number(payload, present, identity)
            let key = "\(identity) " + [3, 5, 6].map { present[$0] ? "\(payload[$0])" : "-" }.joined(separator: " ")
            if let k = seen[key] { #expect(n == k, "\(key)") } else { seen[key] = n }
        }
        #expect(Set(seen.values).count == seen.count)
        #expect(Int(next) == seen.count)
        #expect(seen.count == 2 * 6 * 6 * 6)
    }

    /// Keys kept as fingerprints still tell a province's millions of distinct summaries
    /// apart: 600,000 keys that differ in one field by one, or only in presence, or only in
    /// decoder, each get a number of their own and find it again.
    @Test func manyKeysDifferingByLittleStayApart() {
        var keys = SummaryKeys(fields: [0, 1, 2])
        var next: UInt32 = 0
        let count = 200_000
        for pass in 0..<2 {
            for i in 0..<count {
                for variant in 0..<3 {
                    let payload: [Int64] = [Int64(i), variant == 1 ? 0 : Int64(i &* 7), -1]
                    let present = [true, variant != 1, true]
                    let identity: UInt64 = variant == 2 ? 9 : 8
                    let expected = UInt32(i * 3 + variant)
                    payload.withUnsafeBufferPointer { p in
                        present.withUnsafeBufferPointer { q in
                            let found = keys.find(p, q, identity: identity)
                            if pass == 0 {
                                #expect(found.number == -1)
                                keys.insert(found.key, number: next)
                                next += 1
                            } else if found.number != Int(expected) {
                                Issue.record("key \(i) variant \(variant): \(found.number), not \(expected)")
                            }
                        }
                    }
                }
            }
        }
        #expect(Int(next) == count * 3)
    }
}

extension SeededRandom {
    fileprivate mutating func below(_ n: Int) -> Int { int(0...(n - 1)) }
}
