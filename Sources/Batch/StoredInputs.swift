import Exact
import Records
import Store

/// A stored run's inputs as an `InputSet` held in memory: the month's files read back out
/// of the store, never written to a temporary folder. Each is named as the clerk knows it
/// (`2020-12/值班.csv`), so what the validator finds cites `值班.csv:12` as it did when the
/// month ran from its folder.
///
/// ```swift
/// let stored = try StoredInputs.load(store: store, run: run)
/// evaluation.extraAdjustments = stored.adjustments
/// let outcome = evaluation.run(inputs: stored.month)
/// ```
public struct StoredInputs: Sendable {
    /// The month's data files (not the objections' adjustments).
    public var month: InputSet
    /// The accepted objections' adjustments the run scored after the month's files, if it
    /// had any: its stored `申诉调整.csv` read back into rows.
    public var adjustments: TypedRows?
    /// The stored `申诉调整.csv` itself, as kept with the run: what a run made from these
    /// inputs (a correction of the month) stores again.
    public var adjustmentsFile: InputSet.File?

    public static func load(store: any RunStoring, run: RunRecord) throws(StoreError) -> StoredInputs {
        let folder = run.month.description
        var files: [InputSet.File] = []
        var adjustments: TypedRows? = nil
        var adjustmentsFile: InputSet.File? = nil
        for input in run.inputs where input.role == InputFile.Role.data.rawValue {
            let bytes = try store.input(sha256: input.sha256)
            if input.name == StoredAdjustments.fileName {
                do {
                    adjustments = try TypedRows.read(stored: bytes, name: input.name)
                    adjustmentsFile = InputSet.File(path: input.name, bytes: bytes)
                } catch {
                    throw StoreError.database("\(input.name): \(error)")
                }
            } else {
                files.append(InputSet.File(path: folder + "/" + input.name, bytes: bytes))
            }
        }
        // In name order, as a folder lists them.
        files.sort { $0.name < $1.name }
        return StoredInputs(month: InputSet(folder: folder, files: files), adjustments: adjustments, adjustmentsFile: adjustmentsFile)
    }

    /// The run's roster, as it read it: its roster file, or one per community, held in memory.
    public static func roster(store: any RunStoring, run: RunRecord, schema: SourceSchema = StandardSchemas.roster) throws(StoreError) -> [InputSet.File] {
        let folder = run.month.description
        let data = run.inputs.filter { $0.role == InputFile.Role.data.rawValue && $0.name != StoredAdjustments.fileName }
        // Which stored files are the roster's is decided by name, as in a folder.
        let named = InputSet(folder: folder, files: data.map { InputSet.File(path: folder + "/" + $0.name) })
        let located = MonthValidator(month: run.month, schemas: [schema]).locate(named).files[schema.name] ?? []
        var out: [InputSet.File] = []
        for file in located {
            guard let input = data.first(where: { folder + "/" + $0.name == file.path }) else { continue }
            out.append(InputSet.File(path: file.path, bytes: try store.input(sha256: input.sha256)))
        }
        return out
    }
}
