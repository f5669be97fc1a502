import ArgumentParser
import Batch
import Diagnostics
import Foundation
import Reports
import Store

/// `jifen report --run ID`: writes a stored run's seven reports again.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "从数据库重新生成某次运行的报表。 Write a stored run's reports again.")

    @Option(name: .customLong("run"), parsing: .unconditional, help: "运行编号（见 jifen batch list）。 The run id.")
    var runID: Int64
    @OptionGroup var project: ProjectOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try RunIDOption.check(runID, flag: "--run") }

    func run() throws {
        try withStoreErrors(output.language) {
            let store = try project.openStore(output.language)
            do {
                let written = try ReportRewriter.write(store: store, runID: runID, settings: project.project.reports ?? ReportSettings(), outFolder: project.outFolder)
                let folder = written.values.sorted().first.map { ($0 as NSString).deletingLastPathComponent } ?? project.outFolder
                print(output.say("运行 #\(runID) 的 \(written.count) 个报表已写入 \(folder)/", "run #\(runID)'s \(written.count) reports written to \(folder)/"))
            } catch let e as ReportFolder.Unusable {
                print(DiagnosticRenderer(language: output.language).render(e.diagnostic))
                throw ExitStatus.configError.exit
            } catch let e as ReportError {
                print(output.say("报表未能写出：\(e.summary.zh)", "reports not written: \(e.summary.en)"))
                throw ExitStatus.cannotWrite.exit
            }
        }
    }
}
