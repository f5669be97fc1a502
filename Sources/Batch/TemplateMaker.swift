import Diagnostics
import Exact
import Foundation
import Records
import Reports
import RulesLanguage

/// Makes a month's data-entry templates (`jifen template`): one workbook per source the
/// rules declare, with 工号 offered from the month's roster.
///
/// ```swift
/// let outcome = TemplateMaker(rules: loaded.rules, month: YearMonth("2021-01")!, dataRoot: "samples", community: "富民")
///     .make(to: "out/templates/2021-01")
/// // outcome.written: 花名册-富民.xlsx, 值班-富民.xlsx, …; outcome.roster: samples/2020-12/cadres.csv
/// ```
///
/// The roster is found as the batch finds it, in `<dataRoot>/<month>`; when that folder does
/// not exist yet or holds no roster (templates are made before the month), the latest earlier
/// month folder's roster is used, and a note says which.
public struct TemplateMaker {
    public var rules: CheckedRules
    public var month: YearMonth
    public var dataRoot: String
    public var community: String?
    /// Replace files of the same name in the folder (`--overwrite`); never a roster read.
    public var overwrite: Bool

    public init(rules: CheckedRules, month: YearMonth, dataRoot: String, community: String? = nil, overwrite: Bool = false) {
        self.rules = rules
        self.month = month
        self.dataRoot = dataRoot
        self.community = community.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        self.overwrite = overwrite
    }

    public struct Outcome: Sendable {
        /// The files written, in the rules' order of sources.
        public var written: [String] = []
        /// The roster files the 工号 lists came from, and their month.
        public var rosterPaths: [String] = []
        public var rosterMonth: YearMonth?
        /// How many cadres the 工号 dropdowns offer.
        public var cadreCount = 0
        public var diagnostics: [Diagnostic] = []
    }

    public func make(to folder: String) -> Outcome {
        var out = Outcome()
        // The rules' sources as check-data validates them in this month (`MonthEvaluation.schemas`:
        // the adjustments within 调整分值上限 and 调整金额上限), so a template accepts what the
        // check accepts. The batch writes 补发补扣, never a clerk: no template.
        // By the schema's name: a roster declared as 人员名单 is validated as the standard 花名册.
        let declared = Set(rules.sources.map(\.schema.name))
        let sources = MonthEvaluation(rules: rules, month: month).schemas.filter { declared.contains($0.name) && $0.role != .corrections }
        var settings = TemplateSettings(month: month, community: community)
        let schema = sources.first { $0.role == .roster } ?? StandardSchemas.roster
        if let (rosterMonth, paths) = rosterFiles() {
            out.rosterPaths = paths
            out.rosterMonth = rosterMonth
            let (roster, rejected) = readRoster(paths, schema: schema)
            let employed = roster.cadres.filter { $0.isEmployed(in: month) }
            var communities: [String] = []
            for c in employed where !communities.contains(c.community) { communities.append(c.community) }
            let offered = employed.filter { c in community.map { c.community == $0 } ?? true }
            if let community, offered.isEmpty {
                out.diagnostics.append(Diagnostic(
                    .error, code: "B0030", at: .file(path: paths[0]),
                    summary: Localized(zh: "花名册中没有“\(community)”社区在\(month.chineseDescription)在职的人员", en: "the roster has no cadre of community '\(community)' employed in \(month)"),
                    found: communities.joined(separator: "、"),
                    help: Localized(zh: "核对社区名称，写成花名册“社区”列中的样子。", en: "Check the community's name; write it as the roster's 社区 column does.")))
                return out
            }
            if rosterMonth != month {
                out.diagnostics.append(Diagnostic(
                    .note, code: "B0031", at: .file(path: paths[0]),
                    summary: Localized(zh: "\(month) 的文件夹中还没有花名册，工号名单取自 \(rosterMonth) 的花名册",
                                       en: "no roster for \(month) yet; the 工号 lists come from \(rosterMonth)'s roster"),
                    help: Localized(zh: "人员有变动时，先把本月花名册放进 \(dataRoot)/\(month)/ 再重新生成模板。",
                                    en: "If the roster changes, put this month's roster into \(dataRoot)/\(month)/ and make the templates again.")))
            }
            if rejected > 0 {
                out.diagnostics.append(Diagnostic(
                    .warning, code: "B0032", at: .file(path: paths[0]),
                    summary: Localized(zh: "花名册有 \(rejected) 行有错误，这些人不在工号下拉列表中", en: "\(rejected) roster rows have errors; those cadres are not in the 工号 lists"),
                    help: Localized(zh: "用 jifen check-data 查看并改正花名册。", en: "Run jifen check-data on the roster's folder and fix it.")))
            }
            settings = TemplateSettings(
                month: month, community: community,
                cadres: offered.map { TemplateCadre(id: $0.id, name: $0.name, community: $0.community) },
                communities: communities, rosterNote: paths.joined(separator: "、"))
            out.cadreCount = offered.count
        } else {
            out.diagnostics.append(Diagnostic(
                .warning, code: "B0033", at: .file(path: dataRoot),
                summary: Localized(zh: "没有找到 \(month) 或更早月份的花名册，工号没有下拉列表", en: "no roster for \(month) or an earlier month; 工号 has no dropdown"),
                help: Localized(zh: "把花名册放进 \(dataRoot)/\(month)/（或用 --data 指定数据根文件夹）后重新生成。",
                                en: "Put the roster into \(dataRoot)/\(month)/ (or point --data at the data root) and make the templates again.")))
            if let community {
                settings = TemplateSettings(month: month, community: community, communities: [community])
            }
        }
        // A blank template never replaces a file: the folder may be the month's data folder,
        // holding the clerks' filled files and the very roster just read.
        let targets = sources.map { (folder as NSString).appendingPathComponent(TemplateSet.fileName($0, community: settings.community)) }
        let existing = OutputGuard.existing(targets)
        let read = Set(out.rosterPaths.map(OutputGuard.canonical))
        let inputs = existing.filter { read.contains(OutputGuard.canonical($0)) }
        let names = { (paths: [String]) in paths.map { ($0 as NSString).lastPathComponent }.joined(separator: "、") }
        if !existing.isEmpty && !overwrite {
            out.diagnostics.append(Diagnostic(
                .error, code: "B0083", at: .file(path: folder),
                summary: Localized(zh: "文件夹中已有同名文件，模板不会覆盖它们；未写出任何模板", en: "the folder already holds files of the templates' names; they are not replaced and no template was written"),
                found: names(existing),
                help: Localized(zh: "把模板写到一个新的空文件夹（如 out/templates/\(month)），不要写进月份数据文件夹；确实要用空白模板替换这些文件时加 --overwrite。",
                                en: "Write the templates into a new, empty folder (e.g. out/templates/\(month)), never the month's data folder; add --overwrite only to replace these files with blank templates.")))
            return out
        }
        if !inputs.isEmpty {
            out.diagnostics.append(Diagnostic(
                .error, code: "B0084", at: .file(path: inputs[0]),
                summary: Localized(zh: "模板会覆盖刚读取的花名册，即使加了 --overwrite 也不覆盖；未写出任何模板", en: "a template would replace the roster just read; even with --overwrite it is not replaced, and no template was written"),
                found: names(inputs),
                help: Localized(zh: "把模板写到另一个文件夹（如 out/templates/\(month)）。", en: "Write the templates into another folder (e.g. out/templates/\(month)).")))
            return out
        }
        do {
            out.written = try TemplateSet.write(sources: sources, settings: settings, to: folder)
        } catch {
            out.diagnostics.append(Diagnostic(
                .error, code: "B0034", at: .file(path: folder),
                summary: Localized(zh: "模板未能写出：\(error.summary.zh)", en: "templates not written: \(error.summary.en)"),
                help: Localized(zh: "检查 --out 文件夹能否写入。", en: "Check that the --out folder can be written.")))
        }
        return out
    }

    /// The month whose roster the templates offer, and its roster files: this month's when
    /// its folder has one, else the latest earlier month folder's.
    public func rosterFiles() -> (YearMonth, [String])? {
        let schemas = rules.sources.map(\.schema)
        guard let roster = schemas.first(where: { $0.role == .roster }) else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataRoot)) ?? []
        let months = names.compactMap(YearMonth.init).filter { $0 <= month }.sorted(by: >)
        for m in months {
            let folder = (dataRoot as NSString).appendingPathComponent(m.description)
            let files = MonthValidator(month: m, schemas: schemas).locate(folder: folder).files
            if let paths = files[roster.name] { return (m, paths) }
        }
        return nil
    }

    /// The roster's cadres, and how many rows were rejected.
    private func readRoster(_ paths: [String], schema: SourceSchema) -> (Roster, Int) {
        let (roster, reports) = RosterReader(schema: schema, month: month).read(paths: paths)
        return (roster, reports.map(\.rejected).reduce(0, +))
    }
}
