import ArgumentParser
import Foundation
import Replay

/// `switchboard replay PATH...`: recorded calls as tests, offline, on a virtual clock.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded calls (fixture folders) and check their expectations.",
        discussion: "Exit status 0 only when every fixture met its expectations. See docs/fixtures.md."
    )

    @Argument(help: "Fixture folders, or folders of them.")
    var paths: [String]

    @Option(help: "Write each fixture's bot.wav and events.jsonl under this folder.")
    var out: String?

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Flag(help: "Print the results as JSON.")
    var json = false

    func run() async throws {
        let folders = try Fixture.discover(paths.map { URL(fileURLWithPath: $0) })
        guard !folders.isEmpty else { throw ValidationError("no fixtures found under \(paths.joined(separator: " "))") }
        let replayer = Replayer(options: .init(outDir: out.map { URL(fileURLWithPath: $0) }))
        let progress = ProgressLine(total: folders.count, enabled: !json && folders.count > 1 && isatty(2) == 1)
        var results: [FixtureResult] = []
        for (index, folder) in folders.enumerated() {
            progress.show(index, folder.lastPathComponent)
            results.append(await replayer.replay(folder: folder))
        }
        progress.finish()
        if let junit {
            try Data(JUnitReport.xml(results).utf8).write(to: URL(fileURLWithPath: junit))
        }
        if json {
            print(ReplayReport.json(results))
        } else {
            for result in results { print(ReplayReport.text(result)) }
            let failed = results.filter { !$0.passed }.count
            let callSeconds = Double(results.reduce(0) { $0 + $1.callDurationMs }) / 1000
            let wall = results.reduce(0) { $0 + $1.wallSeconds }
            print(
                "\(results.count - failed) passed, \(failed) failed; \(String(format: "%.1f", callSeconds)) s of calls "
                    + "replayed in \(String(format: "%.2f", wall)) s (\(String(format: "%.0f", callSeconds / max(wall, 0.001)))× real time)")
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

/// A one-line progress bar on stderr (only on a terminal).
struct ProgressLine {
    let total: Int
    let enabled: Bool

    func show(_ index: Int, _ name: String) {
        guard enabled else { return }
        let width = 24
        let filled = width * index / max(total, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(index)/\(total) \(name)\u{1B}[K".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
