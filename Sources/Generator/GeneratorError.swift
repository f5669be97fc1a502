/// Why a generation run failed; the CLI words these in one place.
public enum GeneratorError: Error, Equatable, Sendable {
    /// The output folder could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A file could not be created or written.
    case cannotWrite(path: String, reason: String)
    /// The options ask for something the generator cannot make.
    case invalidOptions(reason: String)
}
