import Exact
@testable import Pay
import Testing

/// Identical pay traces are shared between cadres; traces that would read differently in an
/// explanation never are, even where `==` calls them equal.
struct TraceSharingTests {
    func trace(_ value: Fixed, name: String = "月工资", note: PayNote? = nil, label: String = "日工资") -> PayTrace {
        PayTrace(steps: [PayStep(
            label: PayText(zh: label, en: "day rate"), formula: PayText(zh: "月工资 ÷ 月计薪天数", en: "monthly pay ÷ pay days"),
            inputs: [PayInput(PayText(zh: name, en: "monthly pay"), .money(Money(yuan: 3000))), PayInput(PayText(zh: "天数", en: "days"), .number(value))],
            result: .number(Fixed("137.93")!),
            rounding: AppliedRounding(spec: RoundingSpec(.halfUp, scale: 2), exact: Fixed("137.931")!, rounded: Fixed("137.93")!, isExact: false),
            notes: note.map { [$0] } ?? [])])
    }

    @Test func identicalTracesAreSharedAndOthersKept() {
        var sharing = TraceSharing()
        let a = sharing.share(trace(Fixed("21.75")!))
        #expect(sharing.share(trace(Fixed("21.75")!)) == a)
        // Numerically equal, written with another scale: `==` says equal, an explanation
        // shows 21.750: kept apart.
        let scaled = trace(Fixed(units: 21750, scale: 3))
        #expect(scaled == a)
        #expect(!TraceSharing.isIdentical(scaled, a))
        #expect(TraceSharing.isIdentical(sharing.share(scaled), scaled))
        // Another input name, label, or a note differing only in its exact share's scale.
        for other in [trace(Fixed("21.75")!, name: "基本工资"), trace(Fixed("21.75")!, label: "时薪"),
                      trace(Fixed("21.75")!, note: .proportionalShare(exact: Fixed("1.5")!, isExact: true, roundedDown: Money(fen: 1), rank: 2, receivedFen: true))] {
            #expect(!TraceSharing.isIdentical(other, a))
            #expect(TraceSharing.isIdentical(sharing.share(other), other))
        }
        let share15 = trace(Fixed("21.75")!, note: .proportionalShare(exact: Fixed("1.5")!, isExact: true, roundedDown: Money(fen: 1), rank: 2, receivedFen: true))
        let share150 = trace(Fixed("21.75")!, note: .proportionalShare(exact: Fixed(units: 150, scale: 2), isExact: true, roundedDown: Money(fen: 1), rank: 2, receivedFen: true))
        #expect(share15 == share150)
        #expect(!TraceSharing.isIdentical(share15, share150))
    }

    /// Many traces alike in value but apart in their inputs' names (a pool's groups) are
    /// told apart by the hash, not by comparing each with all the others.
    @Test func traceHashesTellNamesApart() {
        let hashes = Set((0..<3_000).map { TraceSharing.identityHash(trace(Fixed("21.75")!, name: "社区\($0)")) })
        #expect(hashes.count == 3_000)
    }

    /// Chunks of cadres share their traces apart; `merge` then makes identical traces of
    /// different chunks one, the first chunk's, and leaves the rest as they were.
    @Test func chunksSharingsMergeIntoOneCopyOfEach() {
        func storage(_ t: PayTrace) -> UnsafeRawPointer? { t.steps.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        // Nine cadres in three chunks; values 1, 2, 3 repeat across chunks, 4 only in the last.
        let values = ["1", "2", "1", "2", "3", "1", "3", "4", "4"]
        var held = values.map { trace(Fixed($0)!) }
        var sharings: [TraceSharing] = []
        for chunk in stride(from: 0, to: 9, by: 3) {
            var s = TraceSharing()
            for k in chunk..<(chunk + 3) { held[k] = s.share(held[k], holder: k) }
            sharings.append(s)
        }
        #expect(Set(held.map { storage($0) }).count == 7)
        TraceSharing.merge(sharings) { k, t in held[k] = t }
        // One copy of each distinct trace, each where it was first held, and every trace reads as before.
        #expect(Set(held.map { storage($0) }).count == 4)
        for (k, v) in values.enumerated() {
            #expect(TraceSharing.isIdentical(held[k], trace(Fixed(v)!)))
            #expect(storage(held[k]) == storage(held[values.firstIndex(of: v)!]))
        }
    }
}
