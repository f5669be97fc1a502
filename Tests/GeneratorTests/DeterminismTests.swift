import Exact
import Foundation
import Testing
@testable import Generator

@Suite struct DeterminismTests {
    @Test func samplesAreByteIdenticalAcrossRuns() throws {
        let (a, _) = try Fixtures.samples()
        let (b, _) = try Fixtures.samples()
        let ca = try Fixtures.contents(of: a), cb = try Fixtures.contents(of: b)
        #expect(ca.map(\.0) == cb.map(\.0))
        #expect(ca.map(\.1) == cb.map(\.1))
        #expect(ca.count == 76)  // 5 files a month for 15 months, plus opening.csv in 2020-10
        #expect(ca.contains { $0.0 == "2021-12/duty.csv" })
    }

    @Test func scaleMonthIsByteIdenticalForTheSameSeed() throws {
        let (a, _, _) = try Fixtures.scale(cadres: 120, seed: 42)
        let (b, _, _) = try Fixtures.scale(cadres: 120, seed: 42)
        #expect(try Fixtures.contents(of: a).map(\.1) == Fixtures.contents(of: b).map(\.1))
    }

    @Test func anotherSeedGivesAnotherMonth() throws {
        let (a, _, _) = try Fixtures.scale(cadres: 60, seed: 1)
        let (b, _, _) = try Fixtures.scale(cadres: 60, seed: 2)
        #expect(try Fixtures.contents(of: a).map(\.1) != Fixtures.contents(of: b).map(\.1))
    }

    /// The committed `samples/` must be exactly what `jifen gen --samples` writes today;
    /// regenerate them with `swift run jifen gen --samples samples/` after changing the generator.
    @Test func committedSamplesEqualAFreshGeneration() throws {
        let (fresh, _) = try Fixtures.samples()
        let committed = try Fixtures.contents(of: Fixtures.committedSamples)
            .filter { rel, _ in DataGenerator.sampleMonths.contains { rel.hasPrefix($0.description + "/") } }
        let generated = try Fixtures.contents(of: fresh)
        #expect(committed.map(\.0) == generated.map(\.0))
        for ((name, c), (_, g)) in zip(committed, generated) {
            #expect(c == g, "samples/\(name) differs from the generator's output")
        }
    }

    @Test func boundedDrawsStayInRangeAndCoverIt() {
        var rng = SeededGenerator(seed: 99)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let v = rng.uniform(in: 3...9)
            #expect((3...9).contains(v))
            seen.insert(v)
        }
        #expect(seen == Set(3...9))
    }

    @Test func theSameSeedGivesTheSameStream() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let xa = (0..<8).map { _ in a.next() }
        #expect(xa == (0..<8).map { _ in b.next() })
        #expect(xa != (0..<8).map { _ in c.next() })
    }
}
