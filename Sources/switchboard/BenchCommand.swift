import ArgumentParser

/// `switchboard bench …`: release-build micro-benchmarks whose figures go into the issues' closing notes.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the hot paths (run with -c release).",
        subcommands: [BenchAudioCommand.self, BenchSIPCommand.self, BenchRTPCommand.self, BenchModelCommand.self, BenchCallLogCommand.self]
    )
}
