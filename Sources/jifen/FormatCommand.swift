import ArgumentParser
import Diagnostics
import Foundation
import RulesLanguage

/// `jifen fmt [rules/]`: rewrites rules and test files in canonical layout.
struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "把规则文件整理成标准格式（保留注释）。 Rewrite rules files in canonical layout, keeping comments.",
        discussion: """
            退出码 Exit codes: 0 完成 done; 1 用 --check 时有文件需要整理 (with --check) a file is not in canonical layout;
            65 有文件写法有错误，未改动 a file has syntax errors and was left as it is.
            """)

    @Argument(help: "规则文件或文件夹（默认 jifen.json 的 rules，否则 rules）。 Rules files or folders (default: jifen.json's rules, else rules).")
    var paths: [String] = []

    @Flag(help: "只检查，不改写。 Only report files that are not in canonical layout.")
    var check = false

    @OptionGroup var configOption: ConfigOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let zh = output.language == .zh
        var files: [String] = []
        for path in paths.isEmpty ? [configOption.rulesFolder(nil)] : paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError(zh ? "找不到 \(path)" : "no such file or folder: \(path)")
            }
            if isDirectory.boolValue {
                let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files += found.filter { $0.hasSuffix(".jifen") || $0.hasSuffix(".jifen-test") }.sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var changed: [String] = [], broken = 0
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let source = SourceFile(path: file, bytes: [UInt8](data))
            let (ast, diagnostics) = RulesParser.parse(file: source)
            if diagnostics.hasErrors {
                print(DiagnosticRenderer(language: output.language, sources: [source]).render(diagnostics))
                broken += 1
                continue
            }
            let text = RulesFormatter.format(ast, source: source)
            guard Array(text.utf8) != source.bytes else { continue }
            changed.append(file)
            if !check { try text.write(toFile: file, atomically: true, encoding: .utf8) }
        }
        for file in changed { print(check ? (zh ? "需要整理：\(file)" : "not formatted: \(file)") : (zh ? "已整理：\(file)" : "formatted: \(file)")) }
        print(zh ? "共 \(files.count) 个文件，\(check ? "需要整理" : "已整理") \(changed.count) 个，有错误未改动 \(broken) 个"
                 : "\(files.count) file(s): \(changed.count) \(check ? "not formatted" : "formatted"), \(broken) left unchanged for syntax errors")
        if broken > 0 { throw ExitStatus.dataError.exit }
        if check && !changed.isEmpty { throw ExitStatus.checkFailed.exit }
    }
}
