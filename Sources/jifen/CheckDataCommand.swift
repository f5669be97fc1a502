import ArgumentParser
import Diagnostics
import Exact
import Foundation
import Batch
import Records
import RulesLanguage
import Reports

/// `jifen check-data MONTH_DIR`: validates a month's records and accounts for every row.
struct CheckDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-data",
        abstract: "校验一个月的数据文件，报告全部问题并核对每一行。 Validate a month's record files.",
        discussion: """
            退出码 Exit codes: 0 无错误 no errors, 65 数据有错误 data errors, 64 用法错误 usage \
            (--rejected 指向文件夹、月份文件夹或规则文件夹中的文件、不存在的文件夹时不核对也不写出：B0080–B0082 \
            a --rejected path that is a folder, inside the month or rules folder, or in a missing folder; \
            B0085 在另一个月份文件夹中，或文件名会被当作数据文件 inside another month's folder, or named like a source's file), \
            73 被拒绝的行未能写出 the rejected rows could not be written.
            """)

    @Argument(help: "月份数据文件夹，如 samples/2020-12。 The month folder.")
    var folder: String

    @OptionGroup var month: MonthOption
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("rules"), help: "按此规则文件夹中声明的数据来源校验（默认 jifen.json 的 rules，否则 rules，如存在）。 Validate against the sources the rules declare (default: jifen.json's rules, else rules when it exists).")
    var rulesFlag: String?

    @OptionGroup var configOption: ConfigOption

    @Option(name: .customLong("rejected"), help: "把被拒绝的行及原因写入此文件：.xlsx 为每个输入文件一张表（问题列在前，改正后可交回），否则为 CSV。 Write rejected rows with reasons to this file: an .xlsx (a sheet per input file, to fix and send back) or CSV.")
    var rejectedPath: String?

    func run() throws {
        // The rules folder as `batch run` finds it: --rules, else jifen.json's, else `rules`.
        // One that was named (by the flag or jifen.json) must be there; only the default may
        // be missing, and then the standard sources are used.
        let named = rulesFlag ?? configOption.project.rules
        let rulesPath = named ?? "rules"
        let month = try self.month.resolve(folder: folder)
        guard FileManager.default.fileExists(atPath: folder) else {
            throw ValidationError(output.language == .zh ? "找不到文件夹 \(folder)" : "no such folder: \(folder)")
        }
        let renderer = DiagnosticRenderer(language: output.language)
        // The county's rules declare its sources (a new column, a new activity file); without
        // rules the standard sources of a month are used.
        var schemas = StandardSchemas.all
        var isDirectory: ObjCBool = false
        var monthRules: MonthRules? = nil
        if named != nil || FileManager.default.fileExists(atPath: rulesPath, isDirectory: &isDirectory) && isDirectory.boolValue {
            let loaded = try RulesOption.load(path: rulesPath, language: output.language)
            schemas = MonthEvaluation(rules: loaded.rules, month: month).schemas
            monthRules = MonthRules(loaded.rules, month: month)
        }
        // Refused before any data is read: the rejected rows must never replace a clerk's file
        // nor be read as one (a source's file name, another month's folder).
        if let rejectedPath, let refusal = OutputGuard.rejectedFile(rejectedPath, monthFolder: folder, month: month.description, rulesFolder: rulesPath,
                                                                     schemas: schemas) {
            print(renderer.render([refusal]), terminator: "")
            throw ExitStatus.usage.exit
        }
        var check = MonthValidator(month: month, schemas: schemas).validate(folder: folder)
        var extra: [Diagnostic] = []
        if let monthRules {
            check.folderProblems += MonthEvaluation.tableRowProblems(monthRules, check: check)
            extra += MonthEvaluation.undeclaredOpening(monthRules.checked, check: check)
        }
        if let none = Self.noSourceFile(check, schemas: schemas, rulesFolder: monthRules == nil ? nil : rulesPath) { extra.append(none) }
        let diagnostics = (check.diagnostics + extra).sortedByLocation()
        if !diagnostics.isEmpty {
            print(renderer.render(diagnostics, limitPerCode: output.limit), terminator: "")
            print()
        }
        print(ReconciliationTable.render(check, language: output.language), terminator: "")
        if let rejectedPath {
            if rejectedPath.lowercased().hasSuffix(".xlsx") {
                do { try RejectedRowsWorkbook.write(check, schemas: schemas, to: rejectedPath) } catch {
                    print(output.language == .zh ? "无法写出 \(rejectedPath)：\(error.summary.zh)" : "cannot write \(rejectedPath): \(error.summary.en)")
                    throw ExitStatus.cannotWrite.exit
                }
            } else {
                do { try ReconciliationTable.rejectedCSV(check.rejectedRows).write(toFile: rejectedPath, atomically: true, encoding: .utf8) } catch {
                    print(output.language == .zh ? "无法写出 \(rejectedPath)：请检查能否在该文件夹中写入文件" : "cannot write \(rejectedPath): check that files can be written in its folder")
                    throw ExitStatus.cannotWrite.exit
                }
            }
            print(output.language == .zh ? "被拒绝的 \(check.rejectedRows.count) 行已写入 \(rejectedPath)" : "\(check.rejectedRows.count) rejected rows written to \(rejectedPath)")
        }
        print(renderer.tally(diagnostics))
        if let status = ExitStatus.of(diagnostics) { throw status }
    }

    /// B0086 when the folder has files but not one of them belongs to any activity source of
    /// the rules (every one unrecognised, D0020): the month was checked against nothing, most
    /// likely with the wrong rules, and "0 errors" would say it was fine.
    static func noSourceFile(_ check: MonthCheck, schemas: [SourceSchema], rulesFolder: String?) -> Diagnostic? {
        let activity = schemas.filter { $0.role == .activity }
        guard !activity.isEmpty else { return nil }
        let names = Set(activity.map(\.name))
        guard !check.files.contains(where: { names.contains($0.source) }) else { return nil }
        let unrecognised = check.problems.map(\.diagnostic).filter { $0.code == "D0020" }
        guard !unrecognised.isEmpty else { return nil }
        let expected = activity.map { s in "“\(s.name)”（\(s.fileStems.map { "\($0).csv" }.joined(separator: "、"))）" }.joined(separator: "、")
        let rules = rulesFolder.map { "规则文件夹 \($0)" } ?? "内置的标准数据源（没有规则文件夹）"
        return Diagnostic(
            .error, code: "B0086", at: .file(path: check.folder),
            summary: Localized(zh: "没有一个文件属于\(rules)中的台账：\(unrecognised.count) 个文件都未识别，本月的数据实际上没有核对",
                               en: "not one file belongs to a ledger of \(rulesFolder ?? "the standard sources"): \(unrecognised.count) file(s) unrecognised, nothing was checked"),
            notes: [Localized(zh: "规则中的台账：\(expected)", en: "the rules' ledgers: \(expected)")],
            help: Localized(zh: "核对用的是不是本县的规则：用 --rules 指定规则文件夹，或在 jifen.json 中写明 \"rules\"；规则没错时，按台账的文件名给文件改名。",
                            en: "Check that these are the county's rules (--rules, or \"rules\" in jifen.json); if they are, name the files as the ledgers expect."))
    }
}
