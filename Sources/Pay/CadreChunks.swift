import Dispatch
import Foundation

/// Runs per-cadre work on every core in contiguous chunks: cadres are independent once a
/// line's pool shares are known, and at province scale the scores and pay of 50,000 cadres
/// are worth two cores.
///
/// A value, passed to the scorer and the payroll (never a global switch), so a test can
/// make every month "large" (`CadreChunks(minimumChunk: 1)`) without touching other suites.
///
/// `body(range)` must touch only the elements of `range` in whatever it mutates; it runs
/// on several threads at once, which the type system is told (`@unchecked Sendable`) rather
/// than shown, so keep the bodies small and obviously partitioned.
public struct CadreChunks: Sendable, Hashable {
    /// Cadres a thread must have at least before a second thread is worth starting.
    public var minimumChunk: Int

    public init(minimumChunk: Int = 2_048) {
        self.minimumChunk = max(1, minimumChunk)
    }

    public func run(count: Int, _ body: (Range<Int>) -> Void) {
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / minimumChunk))
        if threads == 1 {
            body(0..<count)
            return
        }
        // More chunks than threads, so a slow chunk does not leave a core idle.
        let chunks = threads * 4
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                let lo = count * i / chunks, hi = count * (i + 1) / chunks
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }
}

/// A value handed to other threads by a caller that guarantees they do not race on it.
public struct UncheckedBox<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
