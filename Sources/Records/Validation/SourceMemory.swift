import Exact

/// What the rows of one source remember of each other across its files: keys and whole
/// rows seen (for duplicates), each cadre's shifts (for overlaps), training hours per day.
///
/// A month folder may hold a source as one file per community (`值班-富民.xlsx`,
/// `值班-卧龙.xlsx`); `SourceValidator` checks them one after another against one memory, so
/// a row entered in two communities' files is still a duplicate. The tables hold lines; each
/// file's lines are offset by the lines of the files before it, so a line found again tells
/// its file.
final class SourceMemory {
    var keys: HashLineTable? = nil
    var rows: HashLineTable? = nil
    var shifts: [Int64: [SourceValidator.Interval]] = [:]
    var trainingHours: [Int64: Fixed] = [:]
    /// Files begun so far, with the offset of their lines.
    private var files: [(path: String, base: Int)] = []
    private var nextBase = 0

    /// Starts a file; returns the offset to add to its lines.
    func begin(_ path: String) -> Int {
        files.append((path, nextBase))
        return nextBase
    }

    /// Takes back the tables after a file, whose last line was `lastLine`.
    func end(keys: consuming HashLineTable, rows: consuming HashLineTable, shifts: [Int64: [SourceValidator.Interval]],
             trainingHours: [Int64: Fixed], lastLine: Int) {
        self.keys = consume keys
        self.rows = consume rows
        self.shifts = shifts
        self.trainingHours = trainingHours
        nextBase = (files.last?.base ?? 0) + lastLine + 1
    }

    /// The file and line of an offset line from the tables; `file` is nil for `current`.
    func origin(_ stored: Int, current: String) -> (line: Int, file: String?) {
        guard let f = files.last(where: { $0.base <= stored }) else { return (stored, nil) }
        return (stored - f.base, f.path == current ? nil : f.path)
    }
}
