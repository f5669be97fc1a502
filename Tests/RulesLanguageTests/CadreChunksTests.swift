import Foundation
import Testing
@testable import RulesLanguage

@Suite("cadre chunks")
struct CadreChunksTests {
    /// Every cadre is visited exactly once, in chunks that do not overlap, whether the
    /// work stays on one thread (small months) or is spread over every core.
    @Test(arguments: [0, 1, 2_047, 4_096, 50_001])
    func everyIndexOnce(count: Int) {
        let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, count))
        visits.initialize(repeating: 0)
        defer { visits.deallocate() }
        let box = UncheckedBox(visits)
        CadreChunks.run(count: count) { range in
            for i in range { box.value[i] += 1 }
        }
        #expect((0..<count).allSatisfy { visits[$0] == 1 })
    }
}
