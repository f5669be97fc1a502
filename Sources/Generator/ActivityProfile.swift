/// How busy a generated community is: staffing shares and event rates, in per-mille.
struct ActivityProfile: Sendable {
    /// Share of a community's cadres on the 白班 of a workday.
    var dayShiftShare: Int
    /// Share on the 晚班 of a workday.
    var eveningShiftShare: Int
    /// Weekend staffing relative to a workday.
    var weekendFactor: Int
    /// Chance that a second cadre joins the night duty.
    var secondNightChance: Int
    /// Service cases per available cadre per workday (per-mille: 700 = 0.7).
    var casesPerCadre: Int
    /// Weekend and holiday case load relative to a workday.
    var weekendCaseFactor: Int
    /// Chance that a planned shift becomes 请假 / 缺勤.
    var leaveChance: Int
    var absenceChance: Int
    /// Community training sessions a month.
    var communityTrainings: ClosedRange<Int>
    /// Adjustments per community a month.
    var adjustments: ClosedRange<Int>
    /// Whether 户号 starts with the community code (`FM-03-1204`) or not (`03-1204`).
    var prefixesHouseholds: Bool

    /// The committed samples: a dozen cadres a community, a readable month.
    static let samples = ActivityProfile(
        dayShiftShare: 170, eveningShiftShare: 100, weekendFactor: 600, secondNightChance: 300,
        casesPerCadre: 700, weekendCaseFactor: 400, leaveChance: 12, absenceChance: 5,
        communityTrainings: 1...2, adjustments: 0...3, prefixesHouseholds: true)

    /// Province-scale benchmarks: about 200 records per cadre a month.
    static let scale = ActivityProfile(
        dayShiftShare: 450, eveningShiftShare: 300, weekendFactor: 800, secondNightChance: 500,
        casesPerCadre: 7000, weekendCaseFactor: 600, leaveChance: 12, absenceChance: 5,
        communityTrainings: 2...3, adjustments: 0...2, prefixesHouseholds: false)
}
