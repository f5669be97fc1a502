import Foundation

/// Writes the sheets of one constant-memory workbook on several threads.
///
/// Safe because in constant-memory mode a libxlsxwriter worksheet keeps its cells in its own
/// structures and streams its rows to its own temporary file; the only workbook state a cell
/// write touches is a format's number in the file, which the caller fixes beforehand
/// (`XlsxFormat.number()`, in a fixed order). Sheets are added before, and the workbook is
/// closed after, on the calling thread. Each sheet's XML depends only on its own cells, so
/// the bytes are the same whichever thread writes which sheet, and in whatever order.
enum ParallelSheets {
    /// Threads writing sheets at once (the calling one included).
    static let threads = 2

    /// Calls `write(k)` for every `k` in `0..<count`, on `threads` threads when `parallel`
    /// (and the machine has more than one core), else in order on this one. After a failure
    /// no further sheet is started; the error of the first failing sheet (in sheet order)
    /// is thrown.
    static func write(count: Int, parallel: Bool, _ write: @escaping @Sendable (Int) throws(ReportError) -> Void) throws(ReportError) {
        guard parallel, count > 1, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            for k in 0..<count { try write(k) }
            return
        }
        let queue = SheetQueue(count: count)
        let work: @Sendable () -> Void = {
            while let k = queue.next() {
                do throws(ReportError) { try write(k) } catch { queue.fail(k, error) }
            }
        }
        let helpers = (1..<threads).map { _ in
            let done = DispatchSemaphore(value: 0)
            let thread = Thread { work(); done.signal() }
            thread.stackSize = 1 << 20
            thread.start()
            return done
        }
        work()
        for done in helpers { done.wait() }
        if let error = queue.firstError { throw error }
    }
}

/// A workbook's sheets handed to the writing threads: `@unchecked Sendable` because a sheet
/// holds libxlsxwriter pointers; `ParallelSheets` gives each sheet number to one thread only.
final class SheetList: @unchecked Sendable {
    let sheets: [XlsxSheet]
    init(_ sheets: [XlsxSheet]) { self.sheets = sheets }
}

/// Hands out sheet numbers to the writing threads and keeps their errors.
private final class SheetQueue: @unchecked Sendable {
    private let count: Int
    private let lock = NSLock()
    private var nextIndex = 0
    private var errors: [Int: ReportError] = [:]

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func fail(_ k: Int, _ error: ReportError) {
        lock.lock()
        errors[k] = error
        // Stop handing out sheets: the workbook will not be written.
        nextIndex = count
        lock.unlock()
    }

    /// The error of the first sheet that failed, in sheet order.
    var firstError: ReportError? {
        lock.lock()
        defer { lock.unlock() }
        return errors.keys.min().map { errors[$0]! }
    }
}
