import Diagnostics
import Exact
import Foundation
import GRDB

/// What the store refuses or cannot do, as data; `diagnostic` words it for the clerk.
public enum StoreError: Error, Sendable, Hashable {
    case cannotOpen(path: String, reason: String)
    /// The store's file is damaged or is not a jifen store at all (SQLite's CORRUPT, NOTADB):
    /// `detail` is SQLite's own words, kept as a note.
    case damaged(path: String, detail: String)
    /// `--store` names a folder, not a file.
    case isFolder(path: String)
    /// SQLite may not write the store (READONLY): the file, or its folder (`folder`, where
    /// SQLite makes its journal), is read-only. Whatever was being written was rolled back.
    case readOnly(path: String, folder: String?)
    /// The disk is full (SQLite's FULL): the transaction was rolled back, nothing was saved.
    case diskFull(path: String)
    /// A command that reads runs was given a store file that does not exist (a mistyped
    /// `--store`): refused rather than creating an empty store that "has no runs".
    case noStore(path: String)
    /// Another batch holds the store.
    case busy(path: String, holder: String)
    case monthClosed(YearMonth, runID: Int64)
    case noRun(YearMonth)
    case runNotFound(Int64)
    case wrongState(YearMonth, state: RunState, action: String)
    /// Earlier months of the same year without a run: income tax cannot be withheld
    /// cumulatively over a gap.
    case missingEarlierMonths(YearMonth, missing: [YearMonth])
    /// The year's first run is after January, no earlier month of the year is stored and the
    /// month's folder has no opening file (期初): the months before would count as no income
    /// (S0007, like a gap), unless the clerk states there was none (`--no-earlier-income`).
    case missingOpening(YearMonth, missing: [YearMonth], folder: String)
    case reasonRequired
    /// Adjustments from accepted objections that the month's run does not include yet.
    case pendingAdjustments(YearMonth, count: Int)
    /// `batch correct` on a month that is not closed: a re-run corrects it.
    case notClosed(YearMonth, state: RunState)
    case database(String)
    /// The year has no year run (`jifen year run` first).
    case noYearRun(year: Int)
    /// The year's run is closed: it cannot be run again or changed.
    case yearClosed(year: Int, yearRunID: Int64)
    case yearWrongState(year: Int, state: YearRunState, action: String)
    /// A month the year read changed since the year was run; `jifen year run` again.
    case yearStale(year: Int, reason: String)
    /// A year run made with `--draft` read months that were not closed, or lacked months
    /// (from the first month it read through December): it is for looking at, never for 公示
    /// or paying.
    case yearDraftIncomplete(year: Int, open: [YearMonth], missing: [YearMonth])
    /// `batch close` of a month with objections not yet answered.
    case objectionsUnanswered(YearMonth, count: Int)
    /// `batch close` of a published month before its objection window ends, without `--early`.
    case objectionWindowOpen(YearMonth, until: String)
    /// The month's run was computed from an earlier month's results that a later run of that
    /// month replaced: publishing or closing it would withhold tax on a superseded year to date.
    case monthStale(YearMonth, runID: Int64, reason: String)

    public var diagnostic: Diagnostic {
        func d(_ code: String, _ zh: String, _ en: String, help: Localized? = nil) -> Diagnostic {
            Diagnostic(.error, code: code, at: .file(path: ""), summary: Localized(zh: zh, en: en), help: help)
        }
        switch self {
        case .cannotOpen(let path, let reason):
            return d("S0001", "无法打开数据库 \(path)：\(reason)", "cannot open the store \(path): \(reason)",
                     help: Localized(zh: "检查 --store 的路径和权限；数据库文件不存在时 jifen batch run 会自动创建。", en: "Check --store's path and permissions; jifen batch run creates the file when missing."))
        case .damaged(let path, let detail):
            return Diagnostic(.error, code: "S0018", at: .file(path: ""),
                              summary: Localized(zh: "数据库文件 \(path) 已损坏，或不是 jifen 的数据库", en: "the store \(path) is damaged, or is not a jifen store"),
                              notes: [Localized(zh: "技术信息：\(detail)", en: "detail: \(detail)")],
                              help: Localized(zh: "从备份恢复这个文件（先把损坏的文件另存一份，不要删除）；再确认 --store（或 jifen.json 的 store）指向的是 jifen 的数据库文件，如 store/jifen.sqlite。",
                                              en: "Restore the file from a backup (keep a copy of the damaged one); check that --store (or jifen.json's store) names jifen's store file, such as store/jifen.sqlite."))
        case .isFolder(let path):
            return d("S0019", "\(path) 是一个文件夹，不是数据库文件", "\(path) is a folder, not a store file",
                     help: Localized(zh: "--store（或 jifen.json 的 store）要写数据库文件的路径，如 \(path.hasSuffix("/") ? path : path + "/")jifen.sqlite。",
                                     en: "--store (or jifen.json's store) names the store file, such as \(path.hasSuffix("/") ? path : path + "/")jifen.sqlite."))
        case .readOnly(let path, let folder?):
            return d("S0020", "数据库 \(path) 所在的文件夹 \(folder) 是只读的，不能保存；本次没有保存任何内容", "the folder \(folder) of the store \(path) is read-only; nothing was saved",
                     help: Localized(zh: "让这个文件夹可以写入（数据库保存时要在旁边建立临时日志文件），或用 --store 指定可以写入的位置，然后重新运行。",
                                     en: "Make the folder writable (saving makes a journal file beside the store), or point --store at a writable place, and run again."))
        case .readOnly(let path, nil):
            return d("S0020", "数据库文件 \(path) 是只读的，不能保存；本次没有保存任何内容", "the store \(path) is read-only; nothing was saved",
                     help: Localized(zh: "让这个文件（和它所在的文件夹）可以写入，或用 --store 指定可以写入的位置，然后重新运行。",
                                     en: "Make the file (and its folder) writable, or point --store at a writable place, and run again."))
        case .diskFull(let path):
            return d("S0021", "磁盘已满，数据库 \(path) 未能保存；本次没有保存任何内容", "the disk is full: the store \(path) could not save; nothing was saved",
                     help: Localized(zh: "数据库仍是本次运行之前的样子。清理磁盘空间（或把数据库移到空间足够的磁盘）后重新运行。",
                                     en: "The store is as it was before this run. Free disk space (or move the store to a disk with room) and run again."))
        case .noStore(let path):
            return d("S0017", "数据库 \(path) 不存在", "the store \(path) does not exist",
                     help: Localized(zh: "检查 --store（或 jifen.json 的 store）写的路径；数据库在第一次 jifen batch run 时建立。",
                                     en: "Check the path given with --store (or jifen.json's store); the store is created by the first jifen batch run."))
        case .busy(let path, let holder):
            return d("S0002", "另一个批处理正在使用数据库 \(path)（\(holder)）", "another batch is using the store \(path) (\(holder))",
                     help: Localized(zh: "等它结束后再运行，或加上 --wait 让本次排队等待。", en: "Run again when it ends, or pass --wait to queue."))
        case .monthClosed(let m, let id):
            return d("S0003", "\(m.chineseDescription)已关账（运行 #\(id)），不能重新计算或修改", "\(m) is closed (run #\(id)); it cannot be re-run or changed",
                     help: Localized(zh: "关账后发现的差错用 jifen batch correct --month \(m) --data 补报文件夹 --reason \"原因\" 更正，差额在下一个未关账月份补发或补扣（docs/corrections.md）。", en: "Correct a closed month with jifen batch correct --month \(m) --data FOLDER --reason \"…\": the difference is paid or recovered in the next open month (docs/corrections.md)."))
        case .noRun(let m):
            return d("S0004", "\(m.chineseDescription)还没有运行记录", "\(m) has no run yet",
                     help: Localized(zh: "先运行 jifen batch run --month \(m)。", en: "Run jifen batch run --month \(m) first."))
        case .runNotFound(let id):
            return d("S0005", "没有编号为 #\(id) 的运行", "there is no run #\(id)",
                     help: Localized(zh: "用 jifen batch list 查看所有运行。", en: "See jifen batch list for the runs."))
        case .wrongState(let m, let state, let action):
            return d("S0006", "\(m.chineseDescription)当前状态为“\(state.chineseName)”，不能\(action)", "\(m) is \(state.rawValue); cannot \(action)")
        case .missingEarlierMonths(let m, let missing):
            let list = missing.map(\.description).joined(separator: "、")
            return d("S0007", "\(m.chineseDescription)之前同年的月份没有运行：\(list)", "earlier months of the year have no run: \(list)",
                     help: Localized(zh: "个税按累计预扣法计算，需要先按顺序运行这些月份；若本县从年中开始使用 jifen，请在第一个月提供期初文件 opening.csv。", en: "Cumulative withholding needs those months run first, in order; a county starting mid-year supplies opening.csv in its first month."))
        case .missingOpening(let m, let missing, let folder):
            let list = missing.map(\.description).joined(separator: "、")
            return d("S0007", "\(m.chineseDescription)是本年第一个运行的月份，但本年此前的月份（\(list)）没有运行，\(folder) 中也没有期初余额文件",
                     "\(m) is the year's first run, but the earlier months of the year (\(list)) have no run and \(folder) has no opening-balance file",
                     help: Localized(zh: "个税按累计预扣法计算，要用本年此前各月的收入、社保、专项附加和已预扣税额；缺了它们，这些月份按没有收入算，却照样扣除每月 5000 元减除费用，个税算少。"
                                         + "从年中开始使用 jifen 的，在 \(folder) 中放期初余额文件（期初.csv 或 opening.csv：工号、累计收入、累计社保、累计专项附加、累计已预扣税额、累计月数，见 docs/pay.md），并在规则中声明“数据源 期初”；"
                                         + "本年此前的月份已用 jifen 计算的，先按顺序运行那些月份。若干部本年此前确实没有从本单位取得收入，加 --no-earlier-income 明确说明后再运行。",
                                     en: "Cumulative withholding needs the year's earlier income, contributions, deductions and tax withheld: supply an opening-balance file (期初.csv / opening.csv, docs/pay.md) declared by the rules' 数据源 期初, run the earlier months first, or pass --no-earlier-income when the cadres had no income earlier this year."))
        case .reasonRequired:
            return d("S0008", "重新打开已关账月份必须写明原因", "reopening a closed month needs a reason",
                     help: Localized(zh: "加上 --reason \"原因\"。", en: "Pass --reason \"…\"."))
        case .pendingAdjustments(let m, let n):
            return d("S0010", "\(m.chineseDescription)有 \(n) 条采纳申诉的调整尚未计入运行，不能关账", "\(m) has \(n) adjustment(s) from accepted objections its run does not include yet; it cannot be closed",
                     help: Localized(zh: "先重新计算本月（jifen batch run --month \(m)，或门户运行页面的“重新计算”），再关账。", en: "Re-run the month first (jifen batch run --month \(m), or 重新计算 in the portal), then close it."))
        case .notClosed(let m, let state):
            return d("S0011", "\(m.chineseDescription)尚未关账（\(state.chineseName)），不需要更正", "\(m) is not closed (\(state.rawValue)); there is nothing to correct",
                     help: Localized(zh: "未关账的月份直接改数据后重新运行：jifen batch run --month \(m)。更正只用于已关账（已发放）的月份。",
                                     en: "Fix the data and re-run an open month: jifen batch run --month \(m). Corrections are for closed (paid) months."))
        case .database(let message):
            return d("S0009", "数据库错误：\(message)", "database error: \(message)")
        case .noYearRun(let year):
            return d("S0012", "\(year) 年还没有年度考核运行", "\(year) has no year run yet",
                     help: Localized(zh: "先运行 jifen year run --year \(year)。", en: "Run jifen year run --year \(year) first."))
        case .yearClosed(let year, let id):
            return d("S0013", "\(year) 年度考核已关账（年度运行 #\(id)），不能重新计算或修改", "the year \(year) is closed (year run #\(id)); it cannot be run again or changed")
        case .yearWrongState(let year, let state, let action):
            return d("S0014", "\(year) 年度考核当前状态为“\(state.chineseName)”，不能\(action)", "the year \(year) is \(state.rawValue); cannot \(action)")
        case .yearStale(let year, let reason):
            return d("S0015", "\(year) 年度考核结果已过期：\(reason)", "the year \(year)'s result is stale: \(reason)",
                     help: Localized(zh: "年度结果读取的月份在年度运行之后有变化；重新运行 jifen year run --year \(year)，再发布和关账。",
                                     en: "A month the year read changed after the year was run; run jifen year run --year \(year) again, then publish and close."))
        case .yearDraftIncomplete(let year, let open, let missing):
            var zh: [String] = [], en: [String] = []
            if !open.isEmpty {
                zh.append("读取了未关账的月份：" + open.map(\.description).joined(separator: "、"))
                en.append("read months not closed: " + open.map(\.description).joined(separator: ", "))
            }
            if !missing.isEmpty {
                zh.append("缺少月份：" + missing.map(\.description).joined(separator: "、"))
                en.append("lacked months: " + missing.map(\.description).joined(separator: ", "))
            }
            return d("S0016", "\(year) 年度考核是草稿（--draft），" + zh.joined(separator: "；"), "the year \(year) is a draft (--draft) that " + en.joined(separator: "; "),
                     help: Localized(zh: "运行并关账这些月份后重新运行 jifen year run --year \(year)，再发布和关账。",
                                     en: "Run and close those months, run jifen year run --year \(year) again, then publish and close."))
        case .objectionsUnanswered(let m, let n):
            return d("S0022", "\(m.chineseDescription)还有 \(n) 条申诉未答复，不能关账", "\(m) has \(n) objection(s) not answered; it cannot be closed",
                     help: Localized(zh: "关账后申诉只能被驳回：先在门户“申诉处理”中答复这些申诉，再关账。",
                                     en: "After closing an objection can only be rejected: answer them in the portal first."))
        case .objectionWindowOpen(let m, let until):
            return d("S0023", "\(m.chineseDescription)的申诉期到 \(until) 才结束，干部仍可提出申诉", "\(m)'s objection window runs until \(until)",
                     help: Localized(zh: "申诉期结束后再关账；确需提前关账，加 --early（记入审计日志）。",
                                     en: "Close after the window ends, or pass --early (audited)."))
        case .monthStale(let m, let id, let reason):
            return d("S0024", "\(m.chineseDescription)的运行 #\(id) 已过期：\(reason)", "\(m)'s run #\(id) is out of date: \(reason)",
                     help: Localized(zh: "本月的个税按累计预扣法计算，要用前面月份的最新结果。先重新运行本月：jifen batch run --month \(m)（门户可用“重新计算”），核对后再公示或关账；之后的月份也要依次重新运行。",
                                     en: "Cumulative withholding must carry the earlier months' current results: run the month again (jifen batch run --month \(m), or 重新计算 in the portal), then publish or close it; run the later months again in order."))
        }
    }
}

extension StoreError {
    /// What a failure under the store comes to for the clerk: the one place SQLite's result
    /// codes (through GRDB's `DatabaseError`) are read. A damaged file or one that is not a
    /// database (CORRUPT, NOTADB), a read-only file or folder (READONLY), a full disk (FULL),
    /// a folder given as the store (CANTOPEN on a folder) each have their own case; anything
    /// else is `otherwise` (S0009 unless given), worded by SQLite's code and message only:
    /// the SQL statement, with its arguments, never reaches the clerk.
    public static func from(_ error: any Error, path: String, otherwise: ((String) -> StoreError)? = nil) -> StoreError {
        if let e = error as? StoreError { return e }
        guard let db = error as? DatabaseError else {
            return otherwise?(String(describing: error)) ?? .database(String(describing: error))
        }
        let code = db.resultCode.primaryResultCode
        let detail = "SQLite error \(code.rawValue): \(db.message ?? "")"
        switch code {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .damaged(path: path, detail: detail)
        case .SQLITE_READONLY:
            return .readOnly(path: path, folder: readOnlyFolder(of: path, directoryCode: db.extendedResultCode.rawValue == 1544))
        case .SQLITE_FULL:
            return .diskFull(path: path)
        default:
            if isFolder(path) { return .isFolder(path: path) }
            return otherwise?(detail) ?? .database(detail)
        }
    }

    /// `from` for a file-system error number met opening the store's files (its lock).
    public static func from(errno code: Int32, path: String, storePath: String) -> StoreError {
        switch code {
        case EACCES, EPERM, EROFS: return .readOnly(path: storePath, folder: (storePath as NSString).deletingLastPathComponent.nonEmpty ?? ".")
        case ENOSPC, EDQUOT: return .diskFull(path: storePath)
        default: return .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The store's folder when it is the read-only part (SQLite makes its journal there), nil
    /// when the file is, or when neither can be told apart (a read-only file system).
    static func readOnlyFolder(of path: String, directoryCode: Bool) -> String? {
        let folder = (path as NSString).deletingLastPathComponent.nonEmpty ?? "."
        if directoryCode { return folder }
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0, errno != EROFS { return nil }
        return access(folder, W_OK) != 0 ? folder : nil
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

/// The life of a month's run: a draft until published for 公示, then closed. A draft or
/// published run replaced by a re-run is superseded (kept as history). A correction run
/// recomputes a closed month with corrected inputs (`jifen batch correct`): it never becomes
/// the month's run, and the closed run stays as paid.
public enum RunState: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, published, closed, superseded, correction

    /// A run that is, or was, the month's run (not a correction run).
    public var isMonthRun: Bool { self != .correction }

    public var chineseName: String {
        switch self {
        case .draft: "草稿"
        case .published: "公示中"
        case .closed: "已关账"
        case .superseded: "已被替代"
        case .correction: "更正"
        }
    }
}
