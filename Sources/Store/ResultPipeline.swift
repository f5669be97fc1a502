import Dispatch
import Results

/// Encodes the cadres' JSON on other threads a few slices ahead of the inserts, so that both
/// cores work while the store copies the inputs and inserts the rows, and memory holds a few
/// slices of JSON, never the whole month's.
final class ResultPipeline {
    /// Cadres per slice: about 8 MB of JSON, 20 MB with every record's reference.
    static let sliceSize = 512

    private let cadres: [CadreResult]
    private let ahead: Int
    private var scheduled = 0
    private var inFlight: [Slice] = []

    /// Starts encoding the first `ahead` slices at once.
    init(_ cadres: [CadreResult], ahead: Int = 2) {
        self.cadres = cadres
        self.ahead = max(1, ahead)
        while inFlight.count < self.ahead, scheduleNext() {}
    }

    @discardableResult
    private func scheduleNext() -> Bool {
        guard scheduled < cadres.count else { return false }
        let range = scheduled..<min(cadres.count, scheduled + Self.sliceSize)
        inFlight.append(Slice(cadres, range))
        scheduled = range.upperBound
        return true
    }

    /// The next slice's JSON in roster order, as parts each with the index of its first
    /// cadre; nil after the last.
    func next() -> [(first: Int, json: ResultJSON.Slice)]? {
        guard !inFlight.isEmpty else { return nil }
        let slice = inFlight.removeFirst()
        scheduleNext()
        return slice.wait()
    }

    /// One slice, encoded in two halves on the global queue.
    private final class Slice: Sendable {
        private let parts: ConcurrentSlots<(first: Int, json: ResultJSON.Slice)>
        private let group = DispatchGroup()

        init(_ cadres: [CadreResult], _ range: Range<Int>) {
            let count = range.count >= 128 ? 2 : 1
            let parts = ConcurrentSlots<(first: Int, json: ResultJSON.Slice)>(count: count)
            self.parts = parts
            for p in 0..<count {
                let lo = range.lowerBound + range.count * p / count, hi = range.lowerBound + range.count * (p + 1) / count
                DispatchQueue.global().async(group: group) {
                    parts.set(p, (lo, ResultJSON.encode(cadres[lo..<hi])))
                }
            }
        }

        func wait() -> [(first: Int, json: ResultJSON.Slice)] {
            group.wait()
            return parts.values.map { $0! }
        }
    }
}
