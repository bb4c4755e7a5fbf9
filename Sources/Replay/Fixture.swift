// Replay: recorded calls as tests. Owns the fixture and cassette formats (docs/fixtures.md), the cassette-backed
// model, the replayer on a virtual clock and the expectations. May import CallEngine, ModelClient, Tools, Flows,
// Audio and Yams; never a socket (model-server lives in Server).
public import Foundation
import Yams

/// One recorded call: `fixture.yaml` and the files beside it.
public struct Fixture: Sendable {
    public struct Call: Codable, Sendable, Equatable {
        public var caller: String
        public var callee: String
        public var startedAt: Date?
        public var sampleRate: Int?

        enum CodingKeys: String, CodingKey {
            case caller, callee
            case startedAt = "started_at"
            case sampleRate = "sample_rate"
        }

        public init(caller: String, callee: String, startedAt: Date? = nil, sampleRate: Int? = nil) {
            self.caller = caller
            self.callee = callee
            self.startedAt = startedAt
            self.sampleRate = sampleRate
        }
    }

    public struct DTMFEvent: Codable, Sendable, Equatable {
        public var atMs: Int
        public var digit: String

        enum CodingKeys: String, CodingKey {
            case atMs = "at_ms"
            case digit
        }

        public init(atMs: Int, digit: String) {
            self.atMs = atMs
            self.digit = digit
        }
    }

    /// One transfer the call asked for and what the far side answered: `ok` (REFER accepted, NOTIFY 2xx) or
    /// the failure reason (e.g. `REFER refused: 405`). The replay answers the flow's transfers with these, in
    /// order, so a refused REFER takes the same `on_failure` path it took live.
    public struct TransferEvent: Codable, Sendable, Equatable {
        public var target: String
        public var result: String

        public init(target: String, result: String) {
            self.target = target
            self.result = result
        }
    }

    public struct ToolSettings: Codable, Sendable, Equatable {
        public enum Mode: String, Codable, Sendable { case live, recorded }
        public var mode: Mode
        public var accountsCSV: String?

        enum CodingKeys: String, CodingKey {
            case mode
            case accountsCSV = "accounts_csv"
        }

        public init(mode: Mode, accountsCSV: String? = nil) {
            self.mode = mode
            self.accountsCSV = accountsCSV
        }
    }

    /// The document as written in `fixture.yaml`.
    public struct Document: Codable, Sendable {
        public var format: Int
        public var name: String
        public var description: String?
        public var flow: String
        public var call: Call
        public var callerAudio: String?
        /// The session got the caller's audio from this time on (a live bridge starts it at the caller's first
        /// signal); before it, no frames. Absent: from t = 0.
        public var callerAudioFromMs: Int?
        /// A JSON file of `[media_ms, at_ms]` pairs: from the frame of media time `media_ms` on, the session took
        /// each caller frame `at_ms - media_ms` late (recorded calls; absent: on time).
        public var callerTiming: String?
        public var dtmf: [DTMFEvent]?
        public var hangupAtMs: Int?
        /// Transfer outcomes in the order they happened (absent: every transfer succeeds).
        public var transfers: [TransferEvent]?
        public var tools: ToolSettings?
        public var expect: FixtureExpectation?

        enum CodingKeys: String, CodingKey {
            // In the order a written fixture lists them.
            case format, name, description, flow, call
            case callerAudio = "caller_audio"
            case callerAudioFromMs = "caller_audio_from_ms"
            case callerTiming = "caller_timing"
            case dtmf
            case hangupAtMs = "hangup_at_ms"
            case transfers, tools, expect
        }

        public init(
            format: Int = 1, name: String, description: String? = nil, flow: String, call: Call,
            callerAudio: String? = nil, callerAudioFromMs: Int? = nil, callerTiming: String? = nil,
            dtmf: [DTMFEvent]? = nil, hangupAtMs: Int? = nil, transfers: [TransferEvent]? = nil,
            tools: ToolSettings? = nil,
            expect: FixtureExpectation? = nil
        ) {
            self.format = format
            self.name = name
            self.description = description
            self.flow = flow
            self.call = call
            self.callerAudio = callerAudio
            self.callerAudioFromMs = callerAudioFromMs
            self.callerTiming = callerTiming
            self.dtmf = dtmf
            self.hangupAtMs = hangupAtMs
            self.transfers = transfers
            self.tools = tools
            self.expect = expect
        }
    }

    /// The fixture's folder.
    public var folder: URL
    public var document: Document

    public var name: String { document.name }
    public var flowURL: URL { resolve(document.flow) }
    public var callerAudioURL: URL { resolve(document.callerAudio ?? "caller.wav") }
    public var cassetteURL: URL { folder.appendingPathComponent("cassette") }
    public var toolsURL: URL { folder.appendingPathComponent("tools.jsonl") }
    public var accountsCSVURL: URL? { document.tools?.accountsCSV.map(resolve) }
    public var callerTimingURL: URL? { document.callerTiming.map(resolve) }

    /// Loads `folder/fixture.yaml`.
    public static func load(from folder: URL) throws(ReplayError) -> Fixture {
        let file = folder.appendingPathComponent("fixture.yaml")
        guard let data = try? Data(contentsOf: file), let text = String(data: data, encoding: .utf8) else {
            throw ReplayError(.fixture, "\(file.path): cannot read fixture.yaml")
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw ReplayError(.fixture, "\(file.path): \(error)")
        }
        guard document.format == 1 else {
            throw ReplayError(.fixture, "\(file.path): format \(document.format) is not supported (this replayer reads 1)")
        }
        return Fixture(folder: folder, document: document)
    }

    /// Fixture folders under `paths`: a path holding `fixture.yaml` is one; any other folder is searched
    /// (recursively), in name order so runs are reproducible.
    public static func discover(_ paths: [URL]) throws(ReplayError) -> [URL] {
        var found: [URL] = []
        let fm = FileManager.default
        for path in paths {
            if fm.fileExists(atPath: path.appendingPathComponent("fixture.yaml").path) {
                found.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ReplayError(.fixture, "\(path.path): not a fixture folder (no fixture.yaml) nor a folder of them")
            }
            let children = ((try? fm.contentsOfDirectory(atPath: path.path)) ?? []).sorted()
            let folders = children.map { path.appendingPathComponent($0) }.filter {
                var dir: ObjCBool = false
                return fm.fileExists(atPath: $0.path, isDirectory: &dir) && dir.boolValue
            }
            found += try discover(folders.filter { !$0.lastPathComponent.hasPrefix(".") && isFixtureTree($0) })
        }
        return found
    }

    private static func isFixtureTree(_ url: URL) -> Bool {
        let fm = FileManager.default
        if fm.fileExists(atPath: url.appendingPathComponent("fixture.yaml").path) { return true }
        guard let children = try? fm.contentsOfDirectory(atPath: url.path) else { return false }
        return children.contains { isFixtureTree(url.appendingPathComponent($0)) }
    }

    private func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }
}
