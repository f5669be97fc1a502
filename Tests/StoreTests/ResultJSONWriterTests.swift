import Exact
import Foundation
import Pay
import Results
import Testing

/// The raw-pointer JSON writer: exact number and date text, escapes, and slices.
struct ResultJSONWriterTests {
    static func sample(_ id: String, text: String = "张三") -> CadreResult {
        let records = [
            RecordRef(file: "service.csv", line: 12, date: CivilDate(year: 2020, month: 12, day: 9)!, summary: "全程代办 \(text)", points: Fixed(units: -5, scale: 3)),
            RecordRef(file: "duty.csv", line: 1_234_567, date: nil, summary: "", points: Fixed(units: 1_500, scale: 2)),
        ]
        let line = ScoreLine(
            kind: .item, name: "全程代办", citation: "第六条", raw: Fixed(units: -120, scale: 1), points: Fixed(units: 0, scale: 4),
            clips: [Clip(scope: .day(CivilDate(year: 2021, month: 1, day: 2)!), limit: Fixed(3), removed: Fixed(units: 7, scale: 1)),
                    Clip(scope: .month, limit: Fixed(15), removed: Fixed(units: Int64.max, scale: 18))],
            records: records, reason: "调\"整\"\\", approvedBy: nil)
        let step = PayStep(label: PayText(zh: "绩效", en: "performance"), formula: PayText(zh: "分 × 分值", en: "points × value"),
                           inputs: [PayInput(PayText(zh: "分值", en: "value"), .money(Money(fen: -1)))],
                           result: .number(Fixed(units: -99, scale: 2)), rounding: nil, notes: [.zeroWeight])
        return CadreResult(
            cadreID: id, name: text, community: "社区\u{1}\u{1F}\t\r\n", grid: "一网格", post: "书记", level: 18,
            score: ScoreCard(lines: [line], total: Fixed(units: -110_750, scale: 3)),
            standing: Standing(group: "社区", rank: 10, groupSize: 14, tier: "称职", reasons: [.withinQuota(tier: "优秀", share: Fixed(units: 20, scale: 2), places: 2, rank: 1)]),
            pay: PaySlip(lines: [PayLineResult(name: "绩效工资", kind: .earning, amount: Money(fen: Int64.min + 1), trace: PayTrace(steps: [step]))]),
            yearToDate: YearToDate(totals: ["收入": Money(fen: 0)], months: 12))
    }

    @Test func numbersAndDatesAreWrittenExactlyAsTheirDescriptions() throws {
        let r = Self.sample("SQ0001-01")
        let text = String(decoding: ResultJSON.encode(r), as: UTF8.self)
        for expected in [
            "\"raw\":\"-12.0\"", "\"points\":\"0.0000\"", "\"points\":\"-0.005\"", "\"points\":\"15.00\"",
            "\"_0\":\"2021-01-02\"", "\"date\":\"2020-12-09\"", "\"removed\":\"9.223372036854775807\"",
            "\"total\":\"-110.750\"", "\"line\":1234567", "\"fen\":-9223372036854775807", "\"value\":\"-0.99\"",
            "\"value\":\"-0.01\"", "\"share\":\"0.20\"", "\"summary\":\"\"",
            "\"community\":\"社区\\u0001\\u001f\\t\\r\\n\"", "\"reason\":\"调\\\"整\\\"\\\\\"",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(try JSONDecoder().decode(CadreResult.self, from: Data(text.utf8)) == r)
    }

    @Test func aSliceHoldsEachResultAsEncodedAlone() throws {
        // Long enough to make the writer grow its buffer past the first guess.
        let cadres = (0..<40).map { Self.sample("C\($0)", text: String(repeating: "长", count: $0 * 1000)) }
        let slice = ResultJSON.encode(cadres[3..<40])
        #expect(slice.count == 37)
        for i in 0..<slice.count {
            let bytes = slice.withResult(i) { Array($0) }
            #expect(bytes == ResultJSON.encode(cadres[3 + i]), "cadre \(3 + i)")
        }
        #expect(ResultJSON.encode(cadres[0..<0]).count == 0)
    }
}

extension ResultJSONWriterTests {
    @Test func yearToDateTotalsAreWrittenInStringOrder() throws {
        // CJK and ASCII keys take the byte-order shortcut; a decomposed accent does not.
        let keySets: [[String]] = [
            ["养老保险", "医疗保险", "收入", "Zeta", "alpha", "专项附加", "（调整）", "个人所得税"],
            ["é", "e\u{301}x", "f", "E", "收入"],
        ]
        for keys in keySets {
            var r = Self.sample("SQ1")
            r.yearToDate = YearToDate(totals: Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Money(fen: Int64($0))) }), months: 2)
            let text = String(decoding: ResultJSON.encode(r), as: UTF8.self)
            let ytd = try #require(text.range(of: "\"yearToDate\""))
            let positions = keys.sorted().map { text.range(of: "\"\($0)\":{", range: ytd.upperBound..<text.endIndex)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "\(keys)")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(keys)")
            #expect(try JSONDecoder().decode(CadreResult.self, from: Data(text.utf8)) == r)
        }
    }
}
