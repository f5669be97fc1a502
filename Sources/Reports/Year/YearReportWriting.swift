import Dispatch
import Foundation
import Results

/// Writes a year's reports (the year-end assessment and the year-end payment run) into a
/// folder, `out/<year>-年度/`.
///
/// ```swift
/// let written = try YearReportWriting.write(
///     results: yearResults, run: YearReportRun(id: 3, year: 2021, state: .draft, rulesHash: hash, createdAt: at),
///     roster: payees, settings: settings, to: "out/2021-年度")
/// // written.files[.bonusPayroll] == ["out/2021-年度/年终奖发放表.xlsx"]
/// // written.warnings: cadres paid 0.00 (no bank row), bonuses taxed with wages
/// ```
///
/// `roster` is the year roster's personal data by 工号 (`Payee`, as for a month's reports):
/// only 年终奖发放表, the bank file(s) and 全年一次性奖金收入 write ID numbers and accounts whole;
/// 年度公示表 at most a masked ID number. The same inputs give the same bytes: every
/// workbook's creation time is the run's `createdAt`, rows follow the results' roster order.
/// Workbooks are written on several threads when `settings.writesInParallel`.
public enum YearReportWriting {
    @discardableResult
    public static func write(
        results: YearResults, run: YearReportRun, roster: [Payee], settings: ReportSettings, to folder: String,
        only: Set<YearReportKind>? = nil
    ) throws(ReportError) -> YearReportsWritten {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateFolder(path: folder, reason: FileFailure.reason(error))
        }
        var byID: [String: Payee] = [:]
        for p in roster { byID[p.cadreID] = p }
        let input = YearReportInput(results: results, run: run, settings: settings, payees: byID)
        // A bonus paid through a month's payroll (发放 随 次年1月工资) is paid by that month's bank
        // file: the year writes none of its own.
        let kinds = YearReportKind.allCases.filter { (only?.contains($0) ?? true) && !($0 == .bonusBank && results.paidWithPayroll != nil) }
        let order = kinds.indices.sorted { kinds[$0].writingOrder < kinds[$1].writingOrder }
        let outcomes = YearOutcomes(count: kinds.count)
        let work: @Sendable (Int) -> Void = { n in
            let i = order[n]
            do throws(ReportError) {
                outcomes.set(i, .success(try write(kinds[i], input: input, folder: folder)))
            } catch {
                outcomes.set(i, .failure(error))
            }
        }
        if settings.writesInParallel && kinds.count > 1, let detail = kinds.firstIndex(of: .taxDetail) {
            // 年度个税明细 is most of the work: its community sheets on two threads first, then
            // its zipping (one thread's work) while this thread writes the other workbooks.
            let sheetsWritten = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
            let thread = Thread {
                var signalled = false
                do throws(ReportError) {
                    let path = (folder as NSString).appendingPathComponent(YearReportKind.taxDetail.fileName)
                    try YearTaxDetailWorkbook(input: input).write(to: path, sheetsWritten: {
                        signalled = true
                        sheetsWritten.signal()
                    })
                    outcomes.set(detail, .success(try rewritten([path], input: input)))
                } catch {
                    outcomes.set(detail, .failure(error))
                }
                // A workbook that failed before its sheets were written releases the others too.
                if !signalled { sheetsWritten.signal() }
                finished.signal()
            }
            thread.start()
            sheetsWritten.wait()
            for n in order.indices where order[n] != detail { work(n) }
            finished.wait()
        } else if settings.writesInParallel && kinds.count > 1 {
            DispatchQueue.concurrentPerform(iterations: kinds.count, execute: work)
        } else {
            for i in kinds.indices { work(i) }
        }
        var files: [YearReportKind: [String]] = [:]
        var warnings: [YearReportWarning] = []
        // The first failure in the fixed report order, whatever finished first.
        for (i, kind) in kinds.enumerated() {
            switch outcomes.results[i] {
            case .failure(let e): throw e
            case .success(let paths): files[kind] = paths
            case nil: break
            }
        }
        if kinds.contains(.bonusBank) {
            warnings += results.cadres.filter { $0.pay.net == .zero }.map { .zeroNetPay(cadreID: $0.cadreID) }
        }
        if kinds.contains(.bonusTaxFiling) {
            warnings += YearBonusTaxFilingWorkbook.split(results).merged.map {
                .mergedBonus(cadreID: results.cadres[$0.cadre].cadreID, line: $0.choice.line, bonus: $0.choice.bonus)
            }
        }
        return YearReportsWritten(files: files, warnings: warnings)
    }

    static func write(_ kind: YearReportKind, input: YearReportInput, folder: String) throws(ReportError) -> [String] {
        let path = (folder as NSString).appendingPathComponent(kind.fileName)
        var paths = [path]
        switch kind {
        case .assessment: try YearAssessmentWorkbook(input: input).write(to: path)
        case .notice: try YearNoticeWorkbook(input: input).write(to: path)
        case .bonusPayroll: try YearBonusPayrollWorkbook(input: input).write(to: path)
        case .bonusBank: paths = try YearBonusBankWorkbook(input: input).write(into: folder).paths
        case .bonusTaxFiling: try YearBonusTaxFilingWorkbook(input: input).write(to: path)
        case .taxDetail: try YearTaxDetailWorkbook(input: input).write(to: path)
        case .tierChart: try YearTierChartWorkbook(input: input).write(to: path)
        }
        return try rewritten(paths, input: input)
    }

    /// Every number stored in its shortest exact text, as in a month's reports.
    static func rewritten(_ paths: [String], input: YearReportInput) throws(ReportError) -> [String] {
        if !ShortestNumbers.printedShortest {
            for p in paths {
                try ShortestNumbers.rewrite(path: p, modified: Date(timeIntervalSince1970: TimeInterval(input.run.createdSeconds)))
            }
        }
        return paths
    }
}

/// Outcomes of the workbooks written in parallel, by report index.
private final class YearOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Result<[String], ReportError>?]

    init(count: Int) { stored = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<[String], ReportError>) {
        lock.lock()
        stored[i] = r
        lock.unlock()
    }

    var results: [Result<[String], ReportError>?] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
