import Batch
import Exact
import Foundation
import Pay
import RulesLanguage
import TestSupport
import Testing

/// Pay lines are computed for chunks of cadres on every core once a month is large; the
/// results must be the very same as one thread's, to the 分 and the trace.
struct ParallelPayTests {
    @Test func chunkedPayEqualsSequential() throws {
        let loaded = try LoadedRules.load(directory: PackagePaths.path("rules"))
        #expect(!loaded.hasErrors)
        var evaluation = MonthEvaluation(rules: loaded.rules, month: YearMonth("2020-12")!)
        let folder = PackagePaths.path("samples/2020-12")
        // 48 cadres: one thread at the default chunk size.
        let sequential = try #require(evaluation.run(folder: folder).results)
        evaluation.tuning.chunks = CadreChunks(minimumChunk: 1)
        let chunked = try #require(evaluation.run(folder: folder).results)
        #expect(chunked == sequential)
        #expect(chunked.cadres.count == 48)
    }
}
