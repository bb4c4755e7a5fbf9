// `switchboard config check [FILE]`: checks a configuration file as `serve` would use it and prints every problem
// as file:line:column: message (unknown keys with "did you mean", wrong types, unknown values, flows that do not
// load). Also `ConfigurationOption`, the `--config` option every command that reads the configuration shares.
import ArgumentParser
import Foundation
import Server

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration file.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file; exit status 0 only when `serve` would start with it.",
            discussion: """
                Without FILE: $SWITCHBOARD_CONFIG, else ./switchboard.yaml, else the embedded defaults. Relative \
                paths in the file are taken from the file's folder. SWITCHBOARD_* overrides are applied. Keys: \
                docs/configuration.md; a commented sample: deploy/switchboard.yaml.
                """)

        @Argument(help: "The configuration file (YAML).")
        var file: String?

        @Flag(name: .shortAndLong, help: "Print only problems.")
        var quiet = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let file = SwitchboardConfiguration.locate(file: file, environment: environment)
            let check = SwitchboardConfiguration.check(file: file, environment: environment)
            for problem in check.problems { print(problem) }
            guard check.problems.isEmpty else {
                let count = check.problems.count
                FileHandle.standardError.write(Data("\(file ?? "the embedded defaults"): \(count) problem(s)\n".utf8))
                throw ExitCode.failure
            }
            if !quiet {
                print("\(file ?? "the embedded defaults"): ok")
                for line in check.summary { print("  \(line)") }
            }
        }
    }
}

/// `--config FILE`, shared by the commands that read the configuration (`serve`, `chat`, `tools`, `demo`).
struct ConfigurationOption: ParsableArguments {
    @Option(
        name: .long,
        help: "Configuration file (YAML; default: $SWITCHBOARD_CONFIG, else ./switchboard.yaml, else built-in defaults).")
    var config: String?

    /// The configuration, or exit status 1 with every problem of the file on standard error.
    func load() throws -> SwitchboardConfiguration {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try SwitchboardConfiguration.load(option: config, environment: environment)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
