import Foundation
import Records

/// Writes the data-entry templates of a month: one workbook per source, made from the
/// sources' schemas (what the rules declare), never from a fixed list.
///
/// ```swift
/// let paths = try TemplateSet.write(
///     sources: checked.sources.map(\.schema),
///     settings: TemplateSettings(month: YearMonth("2021-01")!, community: "富民", cadres: cadres),
///     to: "out/templates/2021-01")
/// // ["out/templates/2021-01/花名册-富民.xlsx", "out/templates/2021-01/值班-富民.xlsx", …]
/// ```
///
/// Each file is named `<source>.xlsx`, or `<source>-<community>.xlsx` for one community, the
/// names the month folder accepts (`MonthValidator.locate` merges one file per community).
/// The same month, sources and cadres give the same bytes: the document time is the month's
/// first day.
public enum TemplateSet {
    @discardableResult
    public static func write(sources: [SourceSchema], settings: TemplateSettings, to folder: String) throws(ReportError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateFolder(path: folder, reason: FileFailure.reason(error))
        }
        var paths: [String] = []
        for schema in sources {
            let path = (folder as NSString).appendingPathComponent(fileName(schema, community: settings.community))
            try TemplateWorkbook(schema: schema, settings: settings).write(to: path)
            paths.append(path)
        }
        return paths
    }

    /// `值班.xlsx`, or `值班-富民.xlsx` for the community 富民.
    public static func fileName(_ schema: SourceSchema, community: String?) -> String {
        let stem = safe(schema.name) + (community.map { "-" + safe($0) } ?? "")
        return stem + ".xlsx"
    }

    /// A name as part of a file name: no path separators or characters Windows refuses.
    static func safe(_ s: String) -> String {
        String(s.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 })
    }
}
