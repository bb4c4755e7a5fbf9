// `switchboard flows check PATH...`: validates flow files and prints every problem as file:line:column: message.
// With `--provider NAME`, every `voice` is also checked against that provider's voices (as `serve` does).
import ArgumentParser
import Flows
import Foundation
import ModelClient

struct FlowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows", abstract: "Check call flow files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate flow files (YAML); exit status 0 only when all are valid.",
            discussion: "A directory is checked file by file (*.yaml, *.yml). Problems go to standard output as file:line:column: message.")

        @Argument(help: "Flow files or directories.")
        var paths: [String]

        @Flag(name: .shortAndLong, help: "Print nothing for valid files.")
        var quiet = false

        @Option(help: "Also check each `voice` against this provider's voices: openai, aimlapi or cometapi.")
        var provider: String?

        func validate() throws {
            if let provider, ProviderProfile.named(provider) == nil {
                throw ValidationError(
                    "unknown provider '\(provider)' (use \(ProviderProfile.builtIn.map(\.name).joined(separator: ", ")))")
            }
        }

        func run() async throws {
            var invalid = 0
            var checked = 0
            for file in expand(paths) {
                checked += 1
                let diagnostics = check(file)
                if diagnostics.isEmpty {
                    if !quiet { print("\(file): ok") }
                } else {
                    invalid += 1
                    for diagnostic in diagnostics { print(diagnostic.description) }
                }
            }
            if checked == 0 {
                FileHandle.standardError.write(Data("no flow files found in \(paths.joined(separator: " "))\n".utf8))
                throw ExitCode(2)
            }
            if invalid > 0 {
                FileHandle.standardError.write(Data("\(invalid) of \(checked) flow file(s) invalid\n".utf8))
                throw ExitCode.failure
            }
        }

        /// Directories become their *.yaml / *.yml files (sorted); files stay as given.
        func expand(_ paths: [String]) -> [String] {
            var files: [String] = []
            let manager = FileManager.default
            for path in paths {
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
                    let base = path.hasSuffix("/") ? path : path + "/"
                    files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { base + $0 }
                } else {
                    files.append(path)
                }
            }
            return files
        }

        /// Reads one file (refusing big ones before reading) and validates it.
        func check(_ file: String) -> [FlowDiagnostic] {
            func problem(_ message: String) -> [FlowDiagnostic] {
                [FlowDiagnostic(file: file, position: SourcePosition(line: 1, column: 1), message: message)]
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            guard let size = (attributes?[.size] as? NSNumber)?.intValue else { return problem("cannot read file") }
            guard size <= FlowLimits.maxFileBytes else {
                return problem("file is \(size) bytes; flow files are limited to \(FlowLimits.maxFileBytes) bytes (1 MiB)")
            }
            guard let data = FileManager.default.contents(atPath: file) else { return problem("cannot read file") }
            let diagnostics = FlowLoader.load(data: data, file: file).diagnostics
            guard let profile = provider.flatMap(ProviderProfile.named) else { return diagnostics }
            return (diagnostics + FlowVoiceCheck.check(data: data, file: file, voices: profile.voices, provider: profile.name))
                .sorted { ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column) }
        }
    }
}
