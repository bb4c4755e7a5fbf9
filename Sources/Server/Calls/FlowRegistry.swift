// Server: the flows `serve` runs, loaded from the flows folder. An invalid file is refused with its
// diagnostics; on reload the last good version of every file keeps running.
public import Flows
import Foundation
import Synchronization

/// Valid flows by file path, reloadable while calls run (a call keeps the version it started with).
public final class FlowRegistry: Sendable {
    public struct ReloadReport: Sendable, Equatable {
        /// Files loaded (or reloaded) successfully.
        public var loaded: [String]
        /// Files refused, with every problem as `file:line:column: message`.
        public var refused: [String: [String]]
    }

    public let directory: String
    /// The model provider's voices (and its name): a flow naming another voice is refused. Empty: not checked.
    public let voices: [String]
    public let provider: String
    private let flows = Mutex<[String: Flow]>([:])

    public init(directory: String, voices: [String] = [], provider: String = "") {
        self.directory = directory
        self.voices = voices
        self.provider = provider
    }

    /// Reads every `*.yaml`/`*.yml` in the folder. Valid files replace their previous version; invalid ones are
    /// reported and the previous version (if any) stays.
    @discardableResult
    public func reload() -> ReloadReport {
        var report = ReloadReport(loaded: [], refused: [:])
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                report.refused[path] = ["\(path): cannot read"]
                continue
            }
            let result = FlowLoader.load(data: data, file: path)
            let voiceProblems = FlowVoiceCheck.check(data: data, file: path, voices: voices, provider: provider)
            if !voiceProblems.isEmpty {
                report.refused[path] = (result.diagnostics + voiceProblems).map { $0.description }
            } else if let flow = result.flow {
                flows.withLock { $0[path] = flow }
                report.loaded.append(path)
            } else {
                report.refused[path] = result.diagnostics.map { $0.description }
            }
        }
        return report
    }

    /// The running version of the flow in `path`.
    public func flow(at path: String) -> Flow? {
        flows.withLock { $0[path] ?? $0[(directory as NSString).appendingPathComponent((path as NSString).lastPathComponent)] }
    }

    public var paths: [String] { flows.withLock { $0.keys.sorted() } }
}
