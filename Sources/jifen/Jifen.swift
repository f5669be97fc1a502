import ArgumentParser

@main
struct Jifen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jifen",
        abstract: "积分管理考核与报酬批处理 — points-based assessment and payroll for community cadres.",
        subcommands: [
            BatchCommand.self, CheckCommand.self, CheckDataCommand.self, ExplainCommand.self, FormatCommand.self,
            GenCommand.self, ReportCommand.self, ServeCommand.self, TestCommand.self, UserCommand.self,
        ]
    )
}
