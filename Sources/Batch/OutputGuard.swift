import Diagnostics
import Foundation

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
    /// (B0080); a path whose folder does not exist (B0082).
    public static func rejectedFile(_ path: String, monthFolder: String, month: String, rulesFolder: String?) -> Diagnostic? {
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

    /// Which of `paths` already exist (a dangling symbolic link counts: writing follows it).
    public static func existing(_ paths: [String]) -> [String] {
        paths.filter { FileManager.default.fileExists(atPath: $0) || (try? FileManager.default.destinationOfSymbolicLink(atPath: $0)) != nil }
    }

    static func joined(_ folder: String, _ name: String) -> String {
        folder.isEmpty || folder == "." ? name : (folder.hasSuffix("/") ? folder + name : folder + "/" + name)
    }
}
