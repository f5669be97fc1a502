// jifen-bench: release-build benchmarks (make bench). Each benchmark is a subcommand.
import ArgumentParser

struct JifenBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jifen-bench",
        abstract: "Benchmarks for jifen (run from a release build; see make bench).",
        subcommands: [Ingest.self, Validate.self, Evaluate.self, Score.self]
    )
}

JifenBench.main()
