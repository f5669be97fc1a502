import Dispatch
import Foundation
import Results

/// One of the eight reports and its fixed file name (the bank file may be one file per bank:
/// `ReportSettings.banks`).
public enum ReportKind: String, Sendable, Hashable, CaseIterable, Codable {
    case payroll, bankTransfer, scoreBreakdown, communitySummary, publicNotice, paySlips, reconciliation, taxFiling

    /// Rank by the work of writing it at scale (积分明细 has a row per score line, 工资条
    /// three rows per cadre), largest first: the order workbooks are started in.
    var writingOrder: Int {
        switch self {
        case .scoreBreakdown: 0
        case .paySlips: 1
        case .payroll: 2
        case .bankTransfer: 3
        case .publicNotice: 4
        case .communitySummary: 5
        case .reconciliation: 6
        case .taxFiling: 7
        }
    }

    public var fileName: String {
        switch self {
        case .payroll: "工资表.xlsx"
        case .bankTransfer: "银行代发.xlsx"
        case .scoreBreakdown: "积分明细.xlsx"
        case .communitySummary: "社区汇总.xlsx"
        case .publicNotice: "公示表.xlsx"
        case .paySlips: "工资条.xlsx"
        case .reconciliation: "核对.xlsx"
        case .taxFiling: "个人所得税扣缴申报.xlsx"
        }
    }

    /// The files this report is written as: one, except the bank file with one file per bank.
    public func fileNames(_ settings: ReportSettings) -> [String] {
        self == .bankTransfer ? BankTransferWorkbook.fileNames(settings) : [fileName]
    }
}

/// Writes a month's reports into a folder.
///
/// ```swift
/// let written = try ReportSet.write(
///     results: results, summary: summary, run: run, rejected: rejected,
///     payees: payees, settings: ReportSettings(), to: "out/2020-12")
/// // written[.payroll] == "out/2020-12/工资表.xlsx"
/// ```
///
/// With one bank file per bank (`settings.banks`), `written[.bankTransfer]` is the first
/// bank's file; `ReportKind.fileNames(_:)` names them all.
///
/// The same inputs give the same bytes: every workbook's creation time is the run's time,
/// rows and sheets follow roster order, and nothing reads the clock. The workbooks are
/// independent, so with `settings.writesInParallel` they are written on several threads
/// (each libxlsxwriter workbook is its own object). One caveat: libxlsxwriter 1.1.4 formats
/// the creation time with the non-reentrant `gmtime` when a workbook closes. Within one
/// call every workbook passes the same time, so the shared buffer only ever holds that
/// value; two calls for different runs at the same moment in one process could in theory
/// mix their timestamps, so callers that do that should turn parallel writing off.
public enum ReportSet {
    @discardableResult
    public static func write(
        results: MonthResults, summary: RunSummary, run: ReportRun, rejected: [StoredRejectedRow],
        payees: [Payee], settings: ReportSettings, to folder: String, only: Set<ReportKind>? = nil,
        corrections: CorrectionReport? = nil
    ) throws(ReportError) -> [ReportKind: String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateFolder(path: folder, reason: FileFailure.reason(error))
        }
        var byID: [String: Payee] = [:]
        for p in payees { byID[p.cadreID] = p }
        var prepared = ReportInput(results: results, summary: summary, run: run, rejected: rejected, settings: settings, payees: byID)
        for n in corrections?.notes ?? [] { prepared.corrections[n.cadreID, default: []].append(n) }
        let input = prepared
        // Cadres no longer on the roster: their corrections go on the 补发名单.
        if let leavers = corrections?.leavers, !leavers.isEmpty {
            try LeaversWorkbook(input: input, leavers: leavers, leaverPayees: corrections?.leaverPayees ?? [:]).write(to: (folder as NSString).appendingPathComponent(CorrectionReport.leaversFileName))
        }
        // A temporary file per worksheet stays open until its workbook closes (积分明细 has
        // one sheet per community): the CLI raises the open-file limit at start
        // (`OpenFileLimit.raiseToHardLimit`) for counties with thousands of communities.
        let kinds = ReportKind.allCases.filter { only?.contains($0) ?? true }
        let paths = kinds.map { (folder as NSString).appendingPathComponent($0.fileNames(settings)[0]) }

        let outcomes = Outcomes(count: kinds.count)
        // Biggest first, so that the last workbook to finish is a small one.
        let order = kinds.indices.sorted { kinds[$0].writingOrder < kinds[$1].writingOrder }
        let work: @Sendable (Int) -> Void = { n in
            let i = order[n]
            do throws(ReportError) {
                try write(kinds[i], input: input, folder: folder)
            } catch {
                outcomes.set(i, error)
            }
        }
        if settings.writesInParallel && kinds.count > 1 {
            DispatchQueue.concurrentPerform(iterations: kinds.count, execute: work)
        } else {
            for i in kinds.indices { work(i) }
        }
        // Report the first failure in the fixed report order, whatever finished first.
        if let error = outcomes.firstError { throw error }
        return Dictionary(uniqueKeysWithValues: zip(kinds, paths))
    }

    static func write(_ kind: ReportKind, input: ReportInput, folder: String) throws(ReportError) {
        let path = (folder as NSString).appendingPathComponent(kind.fileName)
        var paths = [path]
        switch kind {
        case .payroll: try PayrollWorkbook(input: input).write(to: path)
        case .bankTransfer: paths = try BankTransferWorkbook(input: input).write(into: folder)
        case .scoreBreakdown: try ScoreBreakdownWorkbook(input: input).write(to: path)
        case .communitySummary: try CommunitySummaryWorkbook(input: input).write(to: path)
        case .publicNotice: try PublicNoticeWorkbook(input: input).write(to: path)
        case .paySlips: try PaySlipsWorkbook(input: input).write(to: path)
        case .reconciliation: try ReconciliationWorkbook(input: input).write(to: path)
        case .taxFiling: try TaxFilingWorkbook(input: input).write(to: path)
        }
        // Every number in every report is stored in its shortest exact text (94.4, never
        // 94.40000000000001): printed so by CShortestNumber when its interposition is live,
        // otherwise rewritten after the fact.
        if !ShortestNumbers.printedShortest {
            for p in paths {
                try ShortestNumbers.rewrite(path: p, modified: Date(timeIntervalSince1970: TimeInterval(input.run.createdSeconds)))
            }
        }
    }
}

/// Errors of the workbooks written in parallel, by report index.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [ReportError?]

    init(count: Int) { errors = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ e: ReportError) {
        lock.lock()
        errors[i] = e
        lock.unlock()
    }

    var firstError: ReportError? {
        lock.lock()
        defer { lock.unlock() }
        return errors.compactMap { $0 }.first
    }
}
