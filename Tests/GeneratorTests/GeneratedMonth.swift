import Exact
import Foundation

/// A generated month folder read back, with the facts the tests check.
struct GeneratedMonth {
    struct Shift {
        var cadre: String
        var date: CivilDate
        var kind: String
        var status: String
        /// Absolute minutes since the epoch.
        var start: Int
        var end: Int
    }

    let folder: String
    let month: YearMonth
    let roster: CSVTable
    let duty: CSVTable
    let service: CSVTable
    let training: CSVTable
    let adjustments: CSVTable

    init(folder: String, month: YearMonth) throws {
        self.folder = folder
        self.month = month
        roster = try CSVTable(path: folder + "/cadres.csv")
        duty = try CSVTable(path: folder + "/duty.csv")
        service = try CSVTable(path: folder + "/service.csv")
        training = try CSVTable(path: folder + "/training.csv")
        adjustments = try CSVTable(path: folder + "/adjustments.csv")
    }

    /// 工号 → (hired, left) from the roster.
    var employment: [String: (CivilDate, CivilDate?)] {
        var map: [String: (CivilDate, CivilDate?)] = [:]
        for r in roster.records {
            let left = r["离职日期"]!.isEmpty ? nil : DateParser.parse(r["离职日期"]!)
            map[r["工号"]!] = (DateParser.parse(r["入职日期"]!)!, left)
        }
        return map
    }

    var shifts: [Shift] {
        duty.records.map { r in
            let date = DateParser.parse(r["日期"]!)!
            let s = GeneratedMonth.minutes(r["开始"]!), e = GeneratedMonth.minutes(r["结束"]!)
            let base = Int(date.daysSinceEpoch) * 1440
            return Shift(
                cadre: r["工号"]!, date: date, kind: r["班次"]!, status: r["状态"]!,
                start: base + s, end: base + e + (e <= s ? 1440 : 0))
        }
    }

    static func minutes(_ hhmm: String) -> Int {
        let parts = hhmm.split(separator: ":")
        return Int(parts[0])! * 60 + Int(parts[1])!
    }

    /// Every (file, 工号, date) of the month's dated activity files.
    var datedRecords: [(file: String, cadre: String, date: CivilDate)] {
        var out: [(String, String, CivilDate)] = []
        for (name, table) in [("duty.csv", duty), ("service.csv", service), ("training.csv", training)] {
            for r in table.records { out.append((name, r["工号"]!, DateParser.parse(r["日期"]!)!)) }
        }
        return out
    }
}
