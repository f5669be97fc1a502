import Foundation
import Pay
import Testing

@Suite("cadre chunks")
struct CadreChunksTests {
    /// Every cadre is visited exactly once, in chunks that do not overlap, whether the
    /// work stays on one thread (small months) or is spread over every core.
    @Test(arguments: [(0, 2_048), (1, 2_048), (2_047, 2_048), (4_096, 2_048), (50_001, 2_048), (7, 1), (1_000, 3)])
    func everyIndexOnce(count: Int, minimumChunk: Int) {
        let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, count))
        visits.initialize(repeating: 0)
        defer { visits.deallocate() }
        let box = UncheckedBox(visits)
        CadreChunks(minimumChunk: minimumChunk).run(count: count) { range in
            for i in range { box.value[i] += 1 }
        }
        #expect((0..<count).allSatisfy { visits[$0] == 1 })
    }
}
