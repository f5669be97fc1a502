import Exact
import Foundation

/// Plays a county's days one after another and writes each month's activity files.
///
/// Rows come out in date order, community by community, straight into the month's
/// buffers; the only state kept is a few integers per cadre and per community, so memory
/// does not grow with the number of rows.
///
/// Validity is built in: a cadre is only given a shift that starts after the previous one
/// ends, only on days of employment (a night shift also needs the next morning), and only
/// cadres at work that day (not on leave, absent or resting after a night) log cases or
/// attend training.
final class ActivitySimulator {
    enum ShiftKind { case day, evening, night, holiday }
    enum Status { case present, absent, leave, substitute }
    enum Note { case none, nationalDay, newYearEve, leave(reason: Int, substitute: Int?), absence(Int), substituteFor(Int) }

    struct DutyRow {
        var cadre: Int
        var kind: ShiftKind
        var start: Int
        var end: Int
        var status: Status
        var note: Note
    }

    struct PlannedShift {
        var kind: ShiftKind
        var start: Int
        var end: Int
        var note: Note
    }

    struct Session {
        var day: Int32
        var course: Int
    }

    /// The open files of the month being played.
    struct MonthFiles {
        var duty: CSVOutput
        var service: CSVOutput
        var training: CSVOutput
        var adjustments: CSVOutput
    }

    private(set) var county: County
    let profile: ActivityProfile
    var rng: SeededGenerator

    private var hiredDay: [Int32]
    private var leftDay: [Int32]
    /// Absolute minute (days since epoch × 1440 + minute) at which the last shift ends.
    private var busyUntil: [Int]
    private var lastShiftDay: [Int32]
    /// The day after a night shift: no day shift, no cases.
    private var restDay: [Int32]
    /// A day of 请假 or 缺勤: nothing else that day.
    private var offDay: [Int32]
    private var nightCursor: [Int]
    private var dayCursor: [Int]
    private var serviceSequence: [Int]
    private var sessions: [[Session]]
    private var countyTrainingDay: Int32 = 0
    private var countyCourse = 0

    private var plan: [PlannedShift] = []
    private var rows: [DutyRow] = []
    private var available: [Int] = []
    private var dateBytes: [UInt8] = []
    /// The note of a holiday shift today (`国庆值班`, `春节值班`).
    private var holidayNote: [UInt8] = Array("国庆值班".utf8)
    /// Cadres made to miss shifts this month (a 缺勤 on each of their next `n` day shifts).
    private var scriptedAbsences: [Int: Int] = [:]
    /// Cadres whose next `n` cases this month end 不满意 with a complaint.
    private var scriptedComplaints: [Int: Int] = [:]
    private var monthBytes: [UInt8] = []

    init(county: County, profile: ActivityProfile, rng: SeededGenerator) {
        self.county = county
        self.profile = profile
        self.rng = rng
        let n = county.cadres.count
        hiredDay = county.cadres.map { $0.hired.daysSinceEpoch }
        leftDay = county.cadres.map { $0.left?.daysSinceEpoch ?? Int32.max }
        busyUntil = Array(repeating: Int.min, count: n)
        lastShiftDay = Array(repeating: Int32.min, count: n)
        restDay = Array(repeating: Int32.min, count: n)
        offDay = Array(repeating: Int32.min, count: n)
        nightCursor = Array(repeating: 0, count: county.communities.count)
        dayCursor = Array(repeating: 0, count: county.communities.count)
        serviceSequence = Array(repeating: 0, count: county.communities.count)
        sessions = Array(repeating: [], count: county.communities.count)
        for c in county.communities.indices {
            let size = county.communities[c].cadres.count
            nightCursor[c] = self.rng.uniform(size)
            dayCursor[c] = self.rng.uniform(size)
        }
    }

    // MARK: Staff changes

    /// Hires a cadre into community `c` on `hired` (the next 工号 of the community), from
    /// the next day played on.
    @discardableResult
    func hire(toCommunity c: Int, post: Post, hired: CivilDate, people: inout PersonFactory, _ rng: inout SeededGenerator) -> Int {
        let i = county.insertCadre(toCommunity: c, post: post, idWidth: 3, area: PersonFactory.rongjiang, hired: hired, people: &people, &rng)
        hiredDay.insert(hired.daysSinceEpoch, at: i)
        leftDay.insert(Int32.max, at: i)
        busyUntil.insert(Int.min, at: i)
        lastShiftDay.insert(Int32.min, at: i)
        restDay.insert(Int32.min, at: i)
        offDay.insert(Int32.min, at: i)
        // Cadres after the new one moved up by one.
        scriptedAbsences = Dictionary(uniqueKeysWithValues: scriptedAbsences.map { ($0.key >= i ? $0.key + 1 : $0.key, $0.value) })
        scriptedComplaints = Dictionary(uniqueKeysWithValues: scriptedComplaints.map { ($0.key >= i ? $0.key + 1 : $0.key, $0.value) })
        return i
    }

    /// The cadre with 工号 `id` leaves on `day` (the last day in post).
    func leave(_ id: String, on day: CivilDate) {
        guard let i = county.cadres.firstIndex(where: { $0.id == id }) else { preconditionFailure("no cadre \(id)") }
        county.cadres[i].left = day
        leftDay[i] = day.daysSinceEpoch
    }

    /// This month, the cadre `id` is absent from their next `absences` day shifts and their
    /// next `complaints` cases end 不满意 with a complaint (the rules' vetoes).
    func script(_ id: String, absences: Int = 0, complaints: Int = 0) {
        guard let i = county.cadres.firstIndex(where: { $0.id == id }) else { preconditionFailure("no cadre \(id)") }
        if absences > 0 { scriptedAbsences[i] = absences }
        if complaints > 0 { scriptedComplaints[i] = complaints }
    }

    // MARK: Months

    /// Plays every day of `month`, writing into `files`.
    func play(_ month: YearMonth, into files: MonthFiles) {
        startMonth(month)
        for d in month.firstDay.daysSinceEpoch...month.lastDay.daysSinceEpoch {
            let day = CivilDate(daysSinceEpoch: d)
            let (y, m, dd) = day.components
            dateBytes = Array("\(y)-\(m < 10 ? "0" : "")\(m)-\(dd < 10 ? "0" : "")\(dd)".utf8)
            if let name = HolidayCalendar.holidayName(of: day) { holidayNote = Array((name + "值班").utf8) }
            for c in county.communities.indices {
                playDuty(community: c, day: day, out: files.duty)
                playService(community: c, day: day, out: files.service)
                playTraining(community: c, day: day, out: files.training)
            }
        }
        writeAdjustments(month, out: files.adjustments)
        scriptedAbsences.removeAll()
        scriptedComplaints.removeAll()
    }

    private func startMonth(_ month: YearMonth) {
        monthBytes = Array("-\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)-".utf8)
        for c in serviceSequence.indices { serviceSequence[c] = 0 }
        let workdays = (month.firstDay.daysSinceEpoch...month.lastDay.daysSinceEpoch).filter {
            HolidayCalendar.kind(of: CivilDate(daysSinceEpoch: $0)) == .workday
        }
        countyTrainingDay = workdays.isEmpty ? month.firstDay.daysSinceEpoch : rng.pick(workdays)
        countyCourse = (month.month - 1) % Vocabulary.countyCourses.count
        for c in county.communities.indices {
            sessions[c].removeAll(keepingCapacity: true)
            let k = rng.uniform(in: profile.communityTrainings)
            // One session a day at most, never on the county day, so no training row repeats.
            for _ in 0..<k where workdays.count > k {
                var day = rng.pick(workdays)
                while day == countyTrainingDay || sessions[c].contains(where: { $0.day == day }) {
                    day = rng.pick(workdays)
                }
                sessions[c].append(Session(day: day, course: rng.uniform(Vocabulary.communityCourses.count)))
            }
        }
    }

    // MARK: Duty

    private func staff(_ size: Int, share: Int, factor: Int) -> Int {
        max(1, (size * share * factor / 1000 + 500) / 1000)
    }

    private func playDuty(community c: Int, day: CivilDate, out: CSVOutput) {
        let slice = county.communities[c].cadres
        guard !slice.isEmpty else { return }
        let size = slice.count
        let d = day.daysSinceEpoch
        let kind = HolidayCalendar.kind(of: day)
        plan.removeAll(keepingCapacity: true)
        if kind == .nationalHoliday {
            // The hall stays open 08:00–20:00 in two holiday shifts.
            let n = staff(size, share: profile.dayShiftShare, factor: profile.weekendFactor)
            for _ in 0..<n { plan.append(PlannedShift(kind: .holiday, start: 480, end: 840, note: .nationalDay)) }
            for _ in 0..<n { plan.append(PlannedShift(kind: .holiday, start: 840, end: 1200, note: .nationalDay)) }
        } else {
            // Staggered shifts keep the hall open 08:00–22:00.
            let factor = kind == .weekend ? profile.weekendFactor : 1000
            let w = staff(size, share: profile.dayShiftShare, factor: factor)
            let e = staff(size, share: profile.eveningShiftShare, factor: factor)
            for i in 0..<w {
                let start = i == 0 ? 480 : 480 + 30 * rng.uniform(3)
                plan.append(PlannedShift(kind: .day, start: start, end: start + 480, note: .none))
            }
            for i in 0..<e {
                let start = i == 0 ? 840 : 810 + 30 * rng.uniform(2)
                plan.append(PlannedShift(kind: .evening, start: start, end: start + 480, note: .none))
            }
            if HolidayCalendar.isNewYearEve(day) {
                for _ in 0..<(1 + rng.uniform(2)) {
                    plan.append(PlannedShift(kind: .holiday, start: 1080, end: 1320, note: .newYearEve))
                }
            }
        }
        let nights = rng.chance(perMille: profile.secondNightChance) ? 2 : 1
        for _ in 0..<nights { plan.append(PlannedShift(kind: .night, start: 1200, end: 480, note: .none)) }
        // Assigning in order of start time lets `busyUntil` alone rule out overlaps.
        plan.sort { $0.start < $1.start }

        rows.removeAll(keepingCapacity: true)
        for shift in plan {
            let startAbs = Int(d) * 1440 + shift.start
            let endAbs = Int(d) * 1440 + shift.end + (shift.end <= shift.start ? 1440 : 0)
            let night = shift.kind == .night
            let picked = night
                ? pick(slice, cursor: &nightCursor[c], day: d, night: true, start: startAbs)
                : pick(slice, cursor: &dayCursor[c], day: d, night: false, start: startAbs)
            guard let cadre = picked else { continue }
            occupy(cadre, day: d, end: endAbs, night: night)
            var roll = rng.uniform(1000)
            if !night, let n = scriptedAbsences[cadre], n > 0 {
                scriptedAbsences[cadre] = n - 1
                roll = profile.leaveChance
            }
            if roll < profile.leaveChance {
                offDay[cadre] = d
                var sub: Int? = nil
                // A night never goes uncovered: night leave always finds a substitute if anyone is free.
                if night || rng.chance(perMille: 800) {
                    var cursor = rng.uniform(size)
                    sub = pick(slice, cursor: &cursor, day: d, night: night, start: startAbs)
                }
                rows.append(DutyRow(cadre: cadre, kind: shift.kind, start: shift.start, end: shift.end, status: .leave,
                                    note: .leave(reason: rng.uniform(Vocabulary.leaveReasons.count), substitute: sub)))
                if let sub {
                    occupy(sub, day: d, end: endAbs, night: night)
                    rows.append(DutyRow(cadre: sub, kind: shift.kind, start: shift.start, end: shift.end,
                                        status: .substitute, note: .substituteFor(cadre)))
                }
            } else if roll < profile.leaveChance + profile.absenceChance && !(night && nights == 1) {
                offDay[cadre] = d
                rows.append(DutyRow(cadre: cadre, kind: shift.kind, start: shift.start, end: shift.end, status: .absent,
                                    note: .absence(rng.uniform(Vocabulary.absenceNotes.count))))
            } else {
                rows.append(DutyRow(cadre: cadre, kind: shift.kind, start: shift.start, end: shift.end, status: .present,
                                    note: shift.note))
            }
        }
        for row in rows { writeDuty(row, out: out) }
    }

    /// The next cadre on the rota who can take a shift starting at `start`: first among those
    /// with no shift yet today, then anyone free by then (never someone resting after a night
    /// for a day shift).
    private func pick(_ slice: Range<Int>, cursor: inout Int, day d: Int32, night: Bool, start: Int) -> Int? {
        let size = slice.count
        for pass in 0..<2 {
            for i in 0..<size {
                let k = (cursor + i) % size
                let cadre = slice.lowerBound + k
                guard hiredDay[cadre] <= d, leftDay[cadre] >= (night ? d + 1 : d), offDay[cadre] != d,
                    busyUntil[cadre] <= start
                else { continue }
                if pass == 0 {
                    guard lastShiftDay[cadre] != d, restDay[cadre] != d else { continue }
                } else if !night {
                    guard restDay[cadre] != d else { continue }
                }
                cursor = (k + 1) % size
                return cadre
            }
        }
        return nil
    }

    private func occupy(_ cadre: Int, day d: Int32, end: Int, night: Bool) {
        busyUntil[cadre] = end
        lastShiftDay[cadre] = d
        if night { restDay[cadre] = d + 1 }
    }

    private func writeDuty(_ row: DutyRow, out: CSVOutput) {
        out.raw(county.cadres[row.cadre].idBytes); out.comma()
        out.raw(dateBytes); out.comma()
        switch row.kind {
        case .day: out.raw("白班")
        case .evening: out.raw("晚班")
        case .night: out.raw("夜班")
        case .holiday: out.raw("节假日")
        }
        out.comma()
        out.time(minutes: row.start); out.comma()
        out.time(minutes: row.end); out.comma()
        switch row.status {
        case .present: out.raw("到岗")
        case .absent: out.raw("缺勤")
        case .leave: out.raw("请假")
        case .substitute: out.raw("替班")
        }
        out.comma()
        switch row.note {
        case .none: break
        case .nationalDay: out.raw(holidayNote)
        case .newYearEve: out.raw("元旦前夕值守")
        case .leave(let reason, let sub):
            out.raw(Vocabulary.leaveReasons[reason])
            if let sub {
                out.raw("，由")
                out.raw(county.cadres[sub].idBytes)
                out.raw("替班")
            }
        case .absence(let i): out.raw(Vocabulary.absenceNotes[i])
        case .substituteFor(let cadre):
            out.raw("替")
            out.raw(county.cadres[cadre].idBytes)
        }
        out.newline()
    }

    // MARK: Service

    /// Cadres at work on `d`: employed, not on leave or absent, not resting after a night.
    private func collectAvailable(_ slice: Range<Int>, day d: Int32) {
        available.removeAll(keepingCapacity: true)
        for cadre in slice
        where hiredDay[cadre] <= d && leftDay[cadre] >= d && offDay[cadre] != d && restDay[cadre] != d {
            available.append(cadre)
        }
    }

    private func playService(community c: Int, day: CivilDate, out: CSVOutput) {
        let community = county.communities[c]
        let d = day.daysSinceEpoch
        collectAvailable(community.cadres, day: d)
        guard !available.isEmpty else { return }
        let kind = HolidayCalendar.kind(of: day)
        let factor = kind == .workday ? 1000 : profile.weekendCaseFactor
        let meanMille = available.count * profile.casesPerCadre * factor / 1000
        let cases = (meanMille * rng.uniform(in: 700...1300) / 1000 + rng.uniform(1000)) / 1000
        let lateInMonth = day.day > CivilDate.daysIn(year: day.year, month: day.month) - 5
        for _ in 0..<cases {
            let cadre = available[rng.uniform(available.count)]
            let weights = county.cadres[cadre].post == .gridWorker
                ? Vocabulary.gridWorkerKindWeights : Vocabulary.hallKindWeights
            let kind = Vocabulary.ServiceKind(rawValue: rng.weightedIndex(weights))!
            writeCase(community: c, cadre: cadre, kind: kind, lateInMonth: lateInMonth, out: out)
        }
        // The 四点半课堂 meets on school days 16:30–18:00. The community's first 委员 runs it
        // when at work (as a designated coordinator would); otherwise a cadre on the late
        // shift logs it.
        if HolidayCalendar.isSchoolDay(day) {
            var logger: Int? = available.first { county.cadres[$0].post == .member }
            for row in rows where logger == nil && row.kind == .evening && (row.status == .present || row.status == .substitute) {
                logger = row.cadre
            }
            let cadre = logger ?? available[rng.uniform(available.count)]
            startServiceRow(community: c, cadre: cadre, out: out)
            out.raw("四点半课堂,,16:30-18:00作业辅导（志愿者")
            out.int(rng.uniform(in: 2...5))
            out.raw("人，学生")
            out.int(rng.uniform(in: 18...45))
            out.raw("人）,办结,,否,90")
            out.newline()
        }
    }

    private func startServiceRow(community c: Int, cadre: Int, out: CSVOutput) {
        serviceSequence[c] += 1
        out.raw(county.communities[c].codeBytes)
        out.raw(monthBytes)
        out.padded(serviceSequence[c], width: 5)
        out.comma()
        out.raw(county.cadres[cadre].idBytes); out.comma()
        out.raw(dateBytes); out.comma()
    }

    private func writeCase(community c: Int, cadre: Int, kind: Vocabulary.ServiceKind, lateInMonth: Bool, out: CSVOutput) {
        var forced = false
        if let n = scriptedComplaints[cadre], n > 0 {
            scriptedComplaints[cadre] = n - 1
            forced = true
        }
        startServiceRow(community: c, cadre: cadre, out: out)
        out.raw(kind.label); out.comma()
        // 户号: building-floor-room, prefixed with the community where its code is short.
        if profile.prefixesHouseholds {
            out.raw(county.communities[c].codeBytes)
            out.byte(0x2D)
        }
        out.padded(1 + rng.uniform(county.communities[c].buildings), width: 2)
        out.byte(0x2D)
        out.padded(1 + rng.uniform(18), width: 2)
        out.padded(1 + rng.uniform(4), width: 2)
        out.comma()
        out.raw(rng.pick(kind.matters)); out.comma()
        let s = rng.uniform(1000)
        let pending = !forced && s < (lateInMonth ? 250 : 50)
        let returned = !forced && !pending && s >= 975
        out.raw(pending ? "办理中" : (returned ? "退回" : "办结")); out.comma()
        var unhappy = false
        if !pending {
            let r = rng.uniform(1000)
            if forced {
                out.raw("不满意")
                unhappy = true
            } else if returned {
                unhappy = r < 300
                out.raw(r < 300 ? "不满意" : "基本满意")
            } else if r < 850 {
                out.raw("满意")
            } else if r < 960 {
                out.raw("基本满意")
            } else if r < 980 {
                out.raw("不满意")
                unhappy = true
            }
        }
        out.comma()
        let complaint = (unhappy ? rng.chance(perMille: 350) : rng.chance(perMille: 2)) || forced
        out.raw(complaint ? "是" : "否"); out.comma()
        if !rng.chance(perMille: 80) { out.int(rng.uniform(in: kind.minutes)) }
        out.newline()
    }

    // MARK: Training

    private func playTraining(community c: Int, day: CivilDate, out: CSVOutput) {
        let d = day.daysSinceEpoch
        if d == countyTrainingDay {
            let course = Vocabulary.countyCourses[countyCourse]
            collectAvailable(county.communities[c].cadres, day: d)
            for cadre in available where rng.chance(perMille: 970) {
                // County sessions end with a scored test; a few fail it.
                let score = rng.chance(perMille: 20) ? rng.uniform(in: 45...59) : rng.uniform(in: 62...99)
                startTraining(cadre: cadre, course: course, out: out)
                out.int(score)
                out.newline()
            }
        }
        for session in sessions[c] where session.day == d {
            let course = Vocabulary.communityCourses[session.course]
            collectAvailable(county.communities[c].cadres, day: d)
            for cadre in available where rng.chance(perMille: 900) {
                if course.gridWorkersOnly && county.cadres[cadre].post != .gridWorker { continue }
                startTraining(cadre: cadre, course: course, out: out)
                out.raw(rng.chance(perMille: 980) ? "合格" : "不合格")
                out.newline()
            }
        }
    }

    private func startTraining(cadre: Int, course: Vocabulary.Course, out: CSVOutput) {
        out.raw(county.cadres[cadre].idBytes); out.comma()
        out.raw(dateBytes); out.comma()
        out.text(course.title); out.comma()
        out.text(course.kind); out.comma()
        out.tenths(course.hours); out.comma()
    }

    // MARK: Adjustments

    /// A few manual corrections per community, each with a reason and the approving leader.
    private func writeAdjustments(_ month: YearMonth, out: CSVOutput) {
        let first = month.firstDay.daysSinceEpoch, last = month.lastDay.daysSinceEpoch
        for community in county.communities where !community.cadres.isEmpty {
            let n = rng.uniform(in: profile.adjustments)
            var used: [(Int, Int)] = []
            for _ in 0..<n {
                let cadre = community.cadres.lowerBound + rng.uniform(community.cadres.count)
                let from = max(first, hiredDay[cadre]), to = min(last, leftDay[cadre])
                let t = rng.uniform(Vocabulary.adjustments.count)
                // The same correction twice for one cadre would read as a duplicated row.
                guard from <= to, !used.contains(where: { $0 == (cadre, t) }) else { continue }
                used.append((cadre, t))
                let template = Vocabulary.adjustments[t]
                let day = CivilDate(daysSinceEpoch: from + Int32(rng.uniform(Int(to - from) + 1)))
                // The secretary approves, or the director when the secretary is the one adjusted.
                let approver = community.cadres.first {
                    $0 != cadre && (county.cadres[$0].post == .secretary || county.cadres[$0].post == .director)
                } ?? community.cadres.lowerBound
                out.raw(county.cadres[cadre].idBytes); out.comma()
                out.text(template.item); out.comma()
                if let p = template.points { out.tenths(p) }
                out.comma()
                if let f = template.fen { out.money(fen: f) }
                out.comma()
                out.text(template.reason.replacingOccurrences(of: "{日}", with: "\(day.month)月\(day.day)日"))
                out.comma()
                out.text(county.cadres[approver].name)
                out.newline()
            }
        }
    }
}
