import Exact
import Results

/// The run the reports come from, for titles, document properties and the 核对 sheet.
public struct ReportRun: Sendable, Hashable, Codable {
    /// One input file of the run and its content hash.
    public typealias Input = RunInput

    public var id: Int64
    public var month: YearMonth
    public var rulesVersion: String
    public var rulesHash: String
    public var engineVersion: String
    /// When the run happened, ISO 8601 (`2021-01-04T09:30:00+08:00`); also the files'
    /// creation time, so that the same run gives the same bytes.
    public var createdAt: String
    public var inputs: [Input]

    public init(
        id: Int64, month: YearMonth, rulesVersion: String, rulesHash: String, engineVersion: String, createdAt: String,
        inputs: [Input]
    ) {
        self.id = id
        self.month = month
        self.rulesVersion = rulesVersion
        self.rulesHash = rulesHash
        self.engineVersion = engineVersion
        self.createdAt = createdAt
        self.inputs = inputs
    }

    /// The run as its reports show it: the document time is the month's last day, not the
    /// moment it ran, so the same inputs give the same report bytes whenever they are written.
    public var reproducible: ReportRun {
        var run = self
        run.createdAt = "\(month.lastDay)T00:00:00Z"
        return run
    }

    /// `createdAt` as seconds since 1970 UTC; when it does not parse, the first day of the
    /// month after the run's month, so that the value is still fixed by the inputs.
    public var createdSeconds: Int {
        if let s = Self.parseISO8601(createdAt) { return s }
        let d = month.next.firstDay
        return Int(d.daysSinceEpoch) * 86_400
    }

    /// `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]`.
    static func parseISO8601(_ text: String) -> Int? {
        let b = Array(text.utf8)
        func num(_ i: Int, _ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
            let date = CivilDate(year: y, month: mo, day: d)
        else { return nil }
        var seconds = Int(date.daysSinceEpoch) * 86_400
        var i = 10
        if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") {
            guard let h = num(i + 1, 2), b.count > i + 3, b[i + 3] == 58, let mi = num(i + 4, 2) else { return nil }
            seconds += h * 3600 + mi * 60
            i += 6
            if i < b.count, b[i] == 58 {
                guard let s = num(i + 1, 2) else { return nil }
                seconds += s
                i += 3
            }
            if i < b.count, b[i] == 46 {
                i += 1
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            }
        }
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") { i += 1 } else if b[i] == 43 || b[i] == 45 {
                guard let oh = num(i + 1, 2), b.count >= i + 6, b[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
                let offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
                seconds -= offset
                i += 6
            }
        }
        return i == b.count ? seconds : nil
    }
}
