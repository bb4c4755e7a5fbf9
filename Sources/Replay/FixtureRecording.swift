// Replay: a call captured live (by `serve --record`), written as a fixture folder in format 1
// (docs/fixtures.md). The format is owned here, next to the reader: what this writes, `Fixture.load` and
// `Cassette.load` read back unchanged.
import Audio
import Flows
public import Foundation
import Yams
public import SwitchboardCore

/// Everything a fixture folder holds, in memory, ready to be written.
public struct FixtureRecording: Sendable {
    /// One HTTP attempt of a model request.
    public struct Exchange: Sendable {
        /// The request body exactly as sent (it never holds the API key: that travels in a header).
        public var requestBody: Data
        public var response: CassetteResponse

        public init(requestBody: Data, response: CassetteResponse) {
            self.requestBody = requestBody
            self.response = response
        }
    }

    /// One line of `tools.jsonl`: a tool the call ran, with its (redacted) arguments and its result or error.
    public struct ToolLine: Sendable, Equatable {
        public var name: String
        public var arguments: JSONValue
        public var result: JSONValue?
        public var error: String?

        public init(name: String, arguments: JSONValue, result: JSONValue?, error: String?) {
            self.name = name
            self.arguments = arguments
            self.result = result
            self.error = error
        }

        /// One line of `tools.jsonl` read back; nil when it is not an object with a `name`.
        public init?(jsonLine line: String) {
            guard case .object(let object)? = try? JSONValue.parse(line), case .string(let name)? = object["name"]
            else { return nil }
            var error: String?
            if case .string(let text)? = object["error"] { error = text }
            self.init(name: name, arguments: object["arguments"] ?? .null, result: object["result"], error: error)
        }

        var jsonLine: String {
            var object: [String: JSONValue] = ["name": .string(name), "arguments": arguments]
            if let error { object["error"] = .string(error) } else { object["result"] = result ?? .null }
            return JSONValue.object(object).jsonText
        }
    }

    public var document: Fixture.Document
    /// The caller's track from t = 0, at `sampleRate`.
    public var callerAudio: [Int16]
    public var sampleRate: Int
    /// When the session took the caller's frames, as `[media_ms, at_ms]` anchors (written to the file the
    /// document's `caller_timing` names).
    public var callerTiming: [(mediaMs: Int, atMs: Int)]
    public var exchanges: [Exchange]
    public var tools: [ToolLine]

    public init(
        document: Fixture.Document, callerAudio: [Int16], sampleRate: Int,
        callerTiming: [(mediaMs: Int, atMs: Int)] = [], exchanges: [Exchange], tools: [ToolLine]
    ) {
        self.document = document
        self.callerAudio = callerAudio
        self.sampleRate = sampleRate
        self.callerTiming = callerTiming
        self.exchanges = exchanges
        self.tools = tools
    }

    /// The exchanges as the replayer will read them back.
    public var cassette: Cassette {
        Cassette(exchanges: exchanges.enumerated().map { index, exchange in
            CassetteExchange(index: index + 1, request: nil, response: exchange.response)
        })
    }

    /// Writes the folder `parent/NAME` (NAME from the document, made unique with `-2`, `-3`… when taken) and
    /// returns it. The folder appears whole: it is written as a hidden sibling first, then renamed.
    @discardableResult
    public func write(into parent: URL) throws(ReplayError) -> URL {
        let fm = FileManager.default
        var name = Self.safeName(document.name)
        var suffix = 1
        while fm.fileExists(atPath: parent.appendingPathComponent(name).path) {
            suffix += 1
            name = Self.safeName(document.name) + "-\(suffix)"
        }
        let staging = parent.appendingPathComponent(".\(name).partial-\(UUID().uuidString.prefix(8))")
        let target = parent.appendingPathComponent(name)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            var document = self.document
            document.name = name
            try writeFiles(document: document, to: staging)
            try fm.moveItem(at: staging, to: target)
        } catch let error as ReplayError {
            try? fm.removeItem(at: staging)
            throw error
        } catch {
            try? fm.removeItem(at: staging)
            throw ReplayError(.fixture, "\(target.path): cannot write the recorded fixture: \(error)")
        }
        return target
    }

    private func writeFiles(document: Fixture.Document, to folder: URL) throws {
        try WAVFile.write(
            WAVAudio(sampleRate: sampleRate, samples: callerAudio),
            path: folder.appendingPathComponent(document.callerAudio ?? "caller.wav").path)
        var document = document
        if callerTiming.isEmpty {
            document.callerTiming = nil
        } else {
            let name = document.callerTiming ?? "caller.timing.json"
            document.callerTiming = name
            let pairs = callerTiming.map { "[\($0.mediaMs),\($0.atMs)]" }.joined(separator: ",\n")
            try Data("[\n\(pairs)\n]\n".utf8).write(to: folder.appendingPathComponent(name))
        }
        let yaml = try YAMLEncoder().encode(document)
        let header = """
            # Recorded by `switchboard serve --record`. The `expect:` block is what this call did; edit it freely
            # (remove what should not be checked, add transcript_contains phrases). Format: docs/fixtures.md.

            """
        try Data((header + yaml).utf8).write(to: folder.appendingPathComponent("fixture.yaml"))
        if !tools.isEmpty {
            let lines = tools.map(\.jsonLine).joined(separator: "\n") + "\n"
            try Data(lines.utf8).write(to: folder.appendingPathComponent("tools.jsonl"))
        }
        guard !exchanges.isEmpty else { return }
        let cassette = folder.appendingPathComponent("cassette")
        try FileManager.default.createDirectory(at: cassette, withIntermediateDirectories: true)
        var audioFiles = AudioFiles()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for (offset, exchange) in exchanges.enumerated() {
            let base = String(format: "%04d", offset + 1)
            if let request = try? JSONValue.parse(exchange.requestBody) {
                audioFiles.prefix = base
                audioFiles.count = 0
                let referenced = audioFiles.extract(request)
                for (name, bytes) in audioFiles.pending {
                    try bytes.write(to: cassette.appendingPathComponent(name))
                }
                audioFiles.pending = []
                try encoder.encode(referenced).write(to: cassette.appendingPathComponent(base + ".request.json"))
            } else {
                // Not JSON (never expected): kept as it was sent.
                try exchange.requestBody.write(to: cassette.appendingPathComponent(base + ".request.json"))
            }
            let response = exchange.response
            try Data(response.body).write(to: cassette.appendingPathComponent(base + ".response.sse"))
            let meta = CassetteResponse.Meta(
                status: response.status, headers: response.headers, chunks: response.chunks,
                stall: response.stalls ? true : nil)
            try encoder.encode(meta).write(to: cassette.appendingPathComponent(base + ".response.json"))
        }
    }

    /// A file-system-safe folder name: letters, digits, `-`, `_`, `.`, `+`; anything else becomes `-`.
    static func safeName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+")
        let mapped = String(name.map { allowed.contains($0) ? $0 : "-" })
        let trimmed = mapped.drop { $0 == "." }
        return trimmed.isEmpty ? "call" : String(trimmed.prefix(120))
    }
}

/// Pulls `input_audio.data` (base64) out of a request: each distinct clip is written once, as
/// `NNNN.input.wav` of the first request that carried it (`NNNN.input.2.wav`… when one request brings more),
/// and every occurrence is replaced by `{"$file": NAME}`.
private struct AudioFiles {
    var prefix = "0001"
    var count = 0
    var known: [Data: String] = [:]
    var pending: [(String, Data)] = []

    mutating func extract(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var members):
            if case .object(var audio)? = members["input_audio"], case .string(let base64)? = audio["data"],
                let bytes = Data(base64Encoded: base64)
            {
                audio["data"] = .object(["$file": .string(file(for: bytes, format: audio["format"]))])
                members["input_audio"] = .object(audio)
                return .object(members)
            }
            return .object(members.mapValues { extract($0) })
        case .array(let items):
            return .array(items.map { extract($0) })
        default:
            return value
        }
    }

    private mutating func file(for bytes: Data, format: JSONValue?) -> String {
        if let name = known[bytes] { return name }
        count += 1
        var ext = "wav"
        if case .string(let value)? = format, value.allSatisfy({ $0.isLetter || $0.isNumber }), !value.isEmpty {
            ext = value
        }
        let name = count == 1 ? "\(prefix).input.\(ext)" : "\(prefix).input.\(count).\(ext)"
        known[bytes] = name
        pending.append((name, bytes))
        return name
    }
}
