import Exact
import Foundation
import Pay
import Testing

@Suite("PayTrace rendering")
struct PayTraceRenderingTests {
    @Test("rates read as percentages, exactly", arguments: [
        ("0.08", "8%"), ("0.005", "0.5%"), ("3", "300%"), ("0.10", "10%"), ("1", "100%"), ("0.45", "45%"), ("0.12345", "12.345%"),
    ])
    func percent(_ rate: String, _ text: String) {
        #expect(PayQuantity.rate(Fixtures.fixed(rate)).text == text)
    }

    @Test("roundings name the rule and the unit", arguments: [
        (RoundingSpec.fen, "四舍五入到分", "half up to the fen"),
        (RoundingSpec.yuan, "四舍五入到元", "half up to the yuan"),
        (RoundingSpec(.halfEven, scale: 1), "银行家舍入到角", "half even to the jiao"),
        (RoundingSpec(.down, scale: 4), "舍去保留 4 位小数", "toward zero to 4 places"),
    ])
    func roundingText(_ spec: RoundingSpec, _ zh: String, _ en: String) {
        #expect(spec.text(.zh) == zh)
        #expect(spec.text(.en) == en)
    }

    // The table in docs/pay.md, so that the page cannot drift from the code.
    @Test("the rounding table of docs/pay.md", arguments: [
        (Rounding.halfUp, "2.35", "-2.35"), (.halfEven, "2.34", "-2.34"), (.down, "2.34", "-2.34"),
        (.up, "2.35", "-2.35"), (.floor, "2.34", "-2.35"), (.ceiling, "2.35", "-2.34"),
    ])
    func documentedRoundings(_ rule: Rounding, _ positive: String, _ negative: String) throws {
        let spec = RoundingSpec(rule, scale: 2)
        #expect(try spec.money(Fixtures.fixed("2.345")).0 == Fixtures.yuan(positive))
        #expect(try spec.money(Fixtures.fixed("-2.345")).0 == Fixtures.yuan(negative))
    }

    @Test("a pool allocation trace, whole")
    func poolSnapshot() throws {
        let result = try PoolAllocation(pool: Fixtures.yuan("1000"), entries: [
            .init(key: "RJ-003", weight: Fixtures.fixed("92.5")),
            .init(key: "RJ-001", weight: Fixtures.fixed("88")),
            .init(key: "RJ-002", weight: Fixtures.fixed("0")),
            .init(key: "RJ-004", weight: Fixtures.fixed("92.5")),
        ]).allocate()
        try expectSnapshot(result.trace.rendered(.zh) + "\n" + result.trace.rendered(.en), named: "pool-allocation.txt")
    }

    @Test("contributions with a clamp, a switched-off item and a housing fund to the yuan, whole")
    func contributionSnapshot() throws {
        let fund = ContributionItem(key: "公积金", name: PayText(zh: "住房公积金", en: "housing fund"), rate: Fixtures.fixed("0.12"), rounding: .yuan)
        let insurance = SocialInsurance(items: Fixtures.socialInsurance.items + [fund])
        let result = try insurance.contributions(
            base: Fixtures.yuan("2876.40"),
            switchedOff: ["失业": PayText(zh: "公益性岗位", en: "public-welfare post")])
        try expectSnapshot(result.trace.rendered(.zh) + "\n" + result.trace.rendered(.en), named: "contributions.txt")
    }
}


@Suite("PayTrace data")
struct PayTraceDataTests {
    @Test("notes are facts, not sentences")
    func notesAreData() throws {
        var months = Array(CumulativeWithholdingTests.example2.prefix(3))
        months[2].income = Fixtures.yuan("3000")
        let march = try #require(try runMonths(months).last)
        #expect(march.trace.step("本期应预扣预缴税额")?.notes == [.notRefunded(difference: Fixtures.yuan("-325"))])
        #expect(march.trace.step("累计应纳税额")?.notes == [
            .bracket(table: Fixtures.annualTaxTable.name, row: 0, lowerBound: .zero, upperBound: Fixtures.yuan("36000")),
        ])
    }

    @Test("a trace survives JSON and reads plainly there")
    func jsonRoundTrip() throws {
        let trace = try Fixtures.socialInsurance.contributions(
            base: Fixtures.yuan("2000"), switchedOff: ["失业": PayText(zh: "公益性岗位", en: "public-welfare post")]).trace
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(trace)
        #expect(try JSONDecoder().decode(PayTrace.self, from: data) == trace)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains(#"{"kind":"rate","value":"0.08"}"#))
        #expect(text.contains(#"{"kind":"money","value":"240.00"}"#))
    }
}
