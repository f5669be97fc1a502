import Diagnostics
import Exact
import Foundation
import Records

/// Guards a command's output files against its inputs: a file jifen writes must never
/// replace a file a clerk sent (`check-data --rejected 2021-01/值班-富民.xlsx`,
/// `template --out` the month's data folder).
///
/// ```swift
/// if let refusal = OutputGuard.rejectedFile("data/2021-01/值班-富民.xlsx", monthFolder: "data/2021-01", month: "2021-01", rulesFolder: "rules") {
///     print(DiagnosticRenderer().render([refusal]))  // B0080, nothing written
/// }
/// ```
public enum OutputGuard {
    /// `path` as the file system finds it: absolute, symbolic links and `..` resolved as far
    /// as it exists, so two spellings of one file compare equal.
    public static func canonical(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        var url = URL(fileURLWithPath: path.hasPrefix("/") ? path : cwd + "/" + path)
        var tail: [String] = []
        while true {
            if let resolved = realpath(url.path, nil) {
                let head = String(cString: resolved)
                free(resolved)
                let joined = ([head == "/" ? "" : head] + tail.reversed()).joined(separator: "/")
                return URL(fileURLWithPath: joined.isEmpty ? "/" : joined).standardizedFileURL.path
            }
            guard url.path != "/" && !url.path.isEmpty else { return URL(fileURLWithPath: path).standardizedFileURL.path }
            tail.append(url.lastPathComponent)
            url.deleteLastPathComponent()
        }
    }

    /// Whether `path` is `folder` or lies inside it.
    public static func isInside(_ path: String, _ folder: String) -> Bool {
        let p = canonical(path), f = canonical(folder)
        return p == f || p.hasPrefix(f == "/" ? "/" : f + "/")
    }

    /// Why the rejected-rows file of `check-data` may not be written to `path`, or nil.
    /// Refused: a folder (B0081); a path inside the month folder being checked, or inside the
    /// rules folder, where it would replace a clerk's file or be read as one next time
    /// (B0080); a path inside another month's folder of the data root (the month folder's
    /// parent: `data/2020-11/…` while checking `data/2020-12`, or a corrections folder
    /// `data/2020-11-补报/…`), or a file name the month folder would take for one of
    /// `schemas`' files (`值班-rejected.csv`, wherever it is written: a clerk moves files
    /// into month folders, and `batch correct --data` reads any folder) (B0085); a path whose
    /// folder does not exist (B0082).
    public static func rejectedFile(_ path: String, monthFolder: String, month: String, rulesFolder: String?,
                                    schemas: [SourceSchema] = StandardSchemas.all) -> Diagnostic? {
        let fm = FileManager.default
        func isFolder(_ p: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: p, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if path.hasSuffix("/") || isFolder(path) {
            return Diagnostic(
                .error, code: "B0081", at: .file(path: path),
                summary: Localized(zh: "--rejected 指定的“\(path)”是一个文件夹，不是文件", en: "--rejected names '\(path)', which is a folder, not a file"),
                expected: Localized(zh: "一个 .xlsx 或 .csv 文件的路径", en: "the path of an .xlsx or .csv file"),
                help: Localized(zh: "在文件夹后面写上文件名，如 \(joined(path, "拒收.xlsx"))。", en: "Add a file name after the folder, e.g. \(joined(path, "拒收.xlsx"))."))
        }
        let trimmed = monthFolder.count > 1 && monthFolder.hasSuffix("/") ? String(monthFolder.dropLast()) : monthFolder
        let above = (trimmed as NSString).lastPathComponent == ".." || trimmed == "." ? trimmed + "/.." : (trimmed as NSString).deletingLastPathComponent
        let elsewhere = joined(above, "拒收-\(month).xlsx")
        if isInside(path, monthFolder) {
            let replaces = fm.fileExists(atPath: path)
            return Diagnostic(
                .error, code: "B0080", at: .file(path: path),
                summary: replaces
                    ? Localized(zh: "--rejected 指定的“\((path as NSString).lastPathComponent)”是正在核对的月份文件夹中的数据文件，写入会覆盖它；未写出任何文件",
                                en: "--rejected names '\((path as NSString).lastPathComponent)', a data file of the month folder being checked; writing would replace it. Nothing was written")
                    : Localized(zh: "--rejected 指定的文件在正在核对的月份文件夹 \(monthFolder) 中，下次核对时会被当作数据读取；未写出任何文件",
                                en: "--rejected names a file inside the month folder being checked, \(monthFolder), where it would be read as data next time. Nothing was written"),
                help: Localized(zh: "把被拒绝的行写到月份文件夹以外，如 --rejected \(elsewhere)。", en: "Write the rejected rows outside the month folder, e.g. --rejected \(elsewhere)."))
        }
        if let rulesFolder, fm.fileExists(atPath: rulesFolder), isInside(path, rulesFolder) {
            return Diagnostic(
                .error, code: "B0080", at: .file(path: path),
                summary: Localized(zh: "--rejected 指定的文件在规则文件夹 \(rulesFolder) 中；未写出任何文件", en: "--rejected names a file inside the rules folder \(rulesFolder). Nothing was written"),
                help: Localized(zh: "把被拒绝的行写到别的文件夹，如 --rejected \(elsewhere)。", en: "Write the rejected rows elsewhere, e.g. --rejected \(elsewhere)."))
        }
        let name = (path as NSString).lastPathComponent
        if let source = MonthValidator.source(takingFileName: name, schemas) {
            return Diagnostic(
                .error, code: "B0085", at: .file(path: path),
                summary: Localized(zh: "--rejected 指定的文件名“\(name)”会被当作“\(source)”的数据文件读取；未写出任何文件",
                                   en: "--rejected names '\(name)', a name a month folder would read as source '\(source)''s file. Nothing was written"),
                expected: Localized(zh: "不以数据源名称开头的文件名，如 拒收-\(month).xlsx", en: "a name that does not start with a source's name, e.g. 拒收-\(month).xlsx"),
                notes: [Localized(zh: "被拒绝的行一旦放进月份文件夹（或 batch correct 的更正文件夹），下次批处理会把它当作“\(source)”的记录读取。",
                                  en: "Once put in a month folder (or a batch correct folder), the next batch would read the rejected rows as '\(source)' records.")],
                help: Localized(zh: "换一个文件名，如 --rejected \(elsewhere)。", en: "Use another name, e.g. --rejected \(elsewhere)."))
        }
        if let other = otherMonthFolder(path, monthFolder: monthFolder) {
            return Diagnostic(
                .error, code: "B0085", at: .file(path: path),
                summary: Localized(zh: "--rejected 指定的文件在另一个月份的数据文件夹 \(other) 中，该月下次核对或批处理时会被当作数据读取；未写出任何文件",
                                   en: "--rejected names a file inside another month's data folder, \(other), where that month's next check or batch would read it as data. Nothing was written"),
                expected: Localized(zh: "月份文件夹以外的路径", en: "a path outside every month folder"),
                help: Localized(zh: "把被拒绝的行写到月份文件夹以外，如 --rejected \(elsewhere)。", en: "Write the rejected rows outside the month folders, e.g. --rejected \(elsewhere)."))
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && !isFolder(parent) {
            let exists = fm.fileExists(atPath: parent)
            return Diagnostic(
                .error, code: "B0082", at: .file(path: path),
                summary: exists
                    ? Localized(zh: "无法写出“\(path)”：“\(parent)”不是文件夹", en: "cannot write '\(path)': '\(parent)' is not a folder")
                    : Localized(zh: "无法写出“\(path)”：文件夹“\(parent)”不存在", en: "cannot write '\(path)': the folder '\(parent)' does not exist"),
                help: Localized(zh: "先建好这个文件夹（或改正路径中的错字），再运行一次。", en: "Create the folder (or correct the path) and run again."))
        }
        return nil
    }

    /// The folder of the data root (the parent of `monthFolder`) named after a month
    /// (`2020-11`, `2020-11-补报`) that `path` lies in, as written under the root; nil for none.
    static func otherMonthFolder(_ path: String, monthFolder: String) -> String? {
        let root = (canonical(monthFolder) as NSString).deletingLastPathComponent
        let p = canonical(path)
        guard !root.isEmpty, p.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        let parts = p.dropFirst(root == "/" ? 1 : root.count + 1).split(separator: "/", omittingEmptySubsequences: true)
        // Only a folder: a file beside the month folders (`data/拒收-2020-12.xlsx`) is read by no month.
        guard parts.count > 1, let first = parts.first, isMonthFolderName(String(first)) else { return nil }
        return joined((monthFolder as NSString).deletingLastPathComponent, String(first))
    }

    /// `2020-11`, or a month and more (`2020-11-补报`): the folders a batch reads.
    static func isMonthFolderName(_ name: String) -> Bool {
        let head = Array(name.prefix(7))
        guard head.count == 7, head[4] == "-", head.enumerated().allSatisfy({ $0.offset == 4 || $0.element.isASCII && $0.element.isNumber }),
              YearMonth(String(head)) != nil else { return false }
        guard let next = name.dropFirst(7).first else { return true }
        return !next.isNumber
    }

    /// Which of `paths` already exist (a dangling symbolic link counts: writing follows it).
    public static func existing(_ paths: [String]) -> [String] {
        paths.filter { FileManager.default.fileExists(atPath: $0) || (try? FileManager.default.destinationOfSymbolicLink(atPath: $0)) != nil }
    }

    static func joined(_ folder: String, _ name: String) -> String {
        folder.isEmpty || folder == "." ? name : (folder.hasSuffix("/") ? folder + name : folder + "/" + name)
    }
}
