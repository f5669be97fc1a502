import ArgumentParser

import CSupport
import Reports

@main
struct Jifen: ParsableCommand {
    /// Process-wide settings are made here, once, and nowhere in the libraries: the open-file
    /// limit raised to what the system allows (积分明细 keeps a temporary file open per
    /// community sheet while it is written).
    static func main() {
        OpenFileLimit.raiseToHardLimit()
        main(nil)
    }

    /// Hands freed heap back to the kernel between a batch's stages (glibc's `malloc_trim`),
    /// so that the peak resident memory is what is live.
    static let releaseMemory: @Sendable () -> Void = { jifen_release_free_memory() }

    static let configuration = CommandConfiguration(
        commandName: "jifen",
        abstract: "积分管理考核与报酬批处理 — points-based assessment and payroll for community cadres.",
        subcommands: [
            BatchCommand.self, CheckCommand.self, CheckDataCommand.self, ExplainCommand.self, FormatCommand.self,
            GenCommand.self, ReportCommand.self, ServeCommand.self, TemplateCommand.self, TestCommand.self, UserCommand.self, YearCommand.self,
        ]
    )
}
