import Foundation
import TestSupport

/// What CLI tests that run the built binary on a copy of a sample month share.
enum SampleMonthCopies {
    /// A data root with a copy of the sample month `month`: `<root>/data/<month>`.
    static func dataRoot(_ name: String, month: String = "2020-10") throws -> (root: String, folder: String) {
        let root = PackagePaths.temporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        let folder = root + "/data/" + month
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/" + month), toPath: folder)
        return (root, folder)
    }

    /// A run's standard output and error together, for an expectation's message.
    static func all(_ r: (status: Int32, stdout: String, stderr: String)) -> String { r.stdout + r.stderr }
}
