// The recorded-fixture format (docs/fixtures.md, "Recording"): what `FixtureRecording` writes is read back by
// `Fixture.load`/`Cassette.load` unchanged; caller clips become files; a recorded expectation holds no secret;
// `caller_timing` hands frames over when the live session took them.
import Audio
import CallEngine
import Flows
import Foundation
import Replay
import Testing

@Suite struct RecordingFormatTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recording-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func request(_ clips: [Data]) -> Data {
        let parts = clips.map { #"{"type":"input_audio","input_audio":{"data":"\#($0.base64EncodedString())","format":"wav"}}"# }
        let body = #"{"model":"gpt-audio-mini","messages":[{"role":"system","content":"Be brief."},"#
            + #"{"role":"user","content":[\#(parts.joined(separator: ","))]}],"#
            + #""tools":[{"type":"function","function":{"name":"end_call"}}]}"#
        return Data(body.utf8)
    }

    @Test func aWrittenRecordingReadsBackAsTheSameFixture() throws {
        let parent = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let clipA = Data("RIFF-clip-A".utf8)
        let clipB = Data("RIFF-clip-B".utf8)
        let clipC = Data("RIFF-clip-C".utf8)
        let sse = Array("data: {\"choices\":[]}\n\ndata: [DONE]\n\n".utf8)
        let completed = CassetteResponse(
            status: 200, headers: ["content-type": "text/event-stream"], body: sse,
            chunks: [.init(offset: 0, length: 10, atMs: 300), .init(offset: 10, length: sse.count - 10, atMs: 340)])
        let cut = CassetteResponse(
            status: 200, headers: ["content-type": "text/event-stream"], body: Array(sse.prefix(10)),
            chunks: [.init(offset: 0, length: 10, atMs: 250)], stalls: true)
        var document = Fixture.Document(
            name: "20261127-150000-+15550100001-abcd1234", flow: "../flows/support.yaml",
            call: .init(caller: "+15550100001", callee: "support", startedAt: Date(timeIntervalSince1970: 1_764_255_600), sampleRate: 8000),
            callerAudio: "caller.wav", callerAudioFromMs: 40, dtmf: [.init(atMs: 4100, digit: "1")], tools: .init(mode: .recorded))
        document.expect = FixtureExpectation(endReason: "completed", steps: ["greeting", "menu"], turns: 1, bargeIns: 0)
        let recording = FixtureRecording(
            document: document, callerAudio: [Int16](repeating: 1200, count: 8000), sampleRate: 8000,
            callerTiming: [(40, 137), (2000, 2300)],
            exchanges: [
                .init(requestBody: Self.request([clipA]), response: completed),
                .init(requestBody: Self.request([clipA, clipB, clipC]), response: cut),
            ],
            tools: [.init(name: "verify_caller", arguments: .object(["pin": .string("[REDACTED]")]), result: .object(["verified": .bool(true)]), error: nil)])
        let folder = try recording.write(into: parent)
        let again = try recording.write(into: parent)
        #expect(again.lastPathComponent == folder.lastPathComponent + "-2", "a taken name is not overwritten")

        let fixture = try Fixture.load(from: folder)
        #expect(fixture.document.call == document.call)
        #expect(fixture.document.dtmf == document.dtmf)
        #expect(fixture.document.callerAudioFromMs == 40)
        #expect(fixture.document.callerTiming == "caller.timing.json")
        #expect(fixture.document.expect == document.expect)
        #expect(fixture.document.tools?.mode == .recorded)
        #expect(try WAVFile.read(path: fixture.callerAudioURL.path).samples.count == 8000)

        let cassette = try Cassette.load(from: fixture.cassetteURL)
        #expect(cassette.exchanges.map(\.response) == [completed, cut])
        // Each clip once, under the first request that carried it; every occurrence refers to its file.
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.cassetteURL.path).sorted()
        #expect(files.filter { $0.contains(".input.") } == ["0001.input.wav", "0002.input.2.wav", "0002.input.wav"])
        #expect(try Data(contentsOf: fixture.cassetteURL.appendingPathComponent("0001.input.wav")) == clipA)
        #expect(try Data(contentsOf: fixture.cassetteURL.appendingPathComponent("0002.input.wav")) == clipB)
        #expect(try Data(contentsOf: fixture.cassetteURL.appendingPathComponent("0002.input.2.wav")) == clipC)
        let second = try String(contentsOf: fixture.cassetteURL.appendingPathComponent("0002.request.json"), encoding: .utf8)
        #expect(second.contains("\"$file\" : \"0001.input.wav\"") && second.contains("\"$file\" : \"0002.input.wav\""))
        #expect(!second.contains(clipA.base64EncodedString()))
        #expect(cassette.exchanges[1].request?["model"] == .string("gpt-audio-mini"))

        let tools = try String(contentsOf: fixture.toolsURL, encoding: .utf8)
        #expect(tools == #"{"arguments":{"pin":"[REDACTED]"},"name":"verify_caller","result":{"verified":true}}"# + "\n")
        let hidden = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "no staging folder left behind")
    }

    @Test func aRecordedExpectationLeavesSecretsOut() {
        var call = ObservedCall()
        call.endReason = "completed"
        call.steps = ["greeting", "assistant"]
        call.tools = [
            .init(name: "verify_caller", arguments: .object(["pin": .string("4821")])),
            .init(name: "lookup_account", arguments: .object(["phone": .string("+15550100001"), "api_key": .string("k")])),
        ]
        call.turns = 2
        let expect = FixtureExpectation(recording: call)
        #expect(expect.tools == [
            .init(name: "verify_caller", arguments: nil),
            .init(name: "lookup_account", arguments: .object(["phone": .string("+15550100001")])),
        ])
        #expect(expect.failures(for: call).isEmpty, "a recorded call meets its own expectations")
    }

    @Test func toolCallsAreDecodedFromTheRecordedBytes() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let cassette = try Cassette.load(from: root.appendingPathComponent("fixtures/calls/agent-verify-lookup/cassette"))
        #expect(cassette.modelToolCalls().map(\.name) == ["verify_caller", "lookup_account", "end_call"])
        #expect(cassette.modelToolCalls().first?.arguments == .object(["pin": .string("4821")]))
    }

    /// Frames and their media times delivered in [t, t + 20) for every tick up to `untilMs`.
    static func deliveries(_ source: FixtureCallerSource, untilMs: Int) -> [(tick: Int, event: String)] {
        stride(from: 0, to: untilMs, by: 20).flatMap { t in
            source.callerEvents(fromMs: t, toMs: t + 20).map { event -> (Int, String) in
                switch event {
                case .audio(let frame): (t, "f\(frame.timestampMs)")
                case .dtmf(let digit): (t, "d\(digit)")
                case .hangUp: (t, "h")
                default: (t, "other")
                }
            }
        }
    }

    @Test func withoutTimingEveryTickGetsItsOwnFrame() {
        let source = FixtureCallerSource(
            samples: [Int16](repeating: 5, count: 800), sampleRate: 8000, dtmf: [(40, "5")], hangupAtMs: nil, audioFromMs: 40)
        let got = Self.deliveries(source, untilMs: 100)
        #expect(got.map(\.event) == ["d5", "f40", "f60", "f80"])
        #expect(got.map(\.tick) == [40, 40, 60, 80])
    }

    @Test func withTimingFramesArriveWhenTheLiveSessionTookThem() {
        // 100 ms late at first; from media 200 on 300 ms late; from media 300 on 100 ms late again — which the
        // session cannot be before it took the earlier frames, so those pile up in one tick.
        let source = FixtureCallerSource(
            samples: [Int16](repeating: 5, count: 8 * 400), sampleRate: 8000, dtmf: [(240, "7")], hangupAtMs: 360,
            audioFromMs: 20, timing: [(20, 120), (200, 500), (300, 400)])
        let got = Self.deliveries(source, untilMs: 600)
        func at(_ tick: Int) -> [String] { got.filter { $0.tick == tick }.map(\.event) }
        #expect(got.first?.tick == 120 && got.first?.event == "f20", "\(got)")
        #expect(at(280) == ["f180"])
        #expect(at(300).isEmpty && at(480).isEmpty, "the session took nothing while it stalled")
        #expect(at(500) == ["f200"])
        // The digit just before the frame it arrived before; the hang-up after the frames before it, and no
        // frame after it.
        #expect(at(540) == ["d7", "f240"])
        #expect(at(580) == ["f280", "f300", "f320", "f340", "h"])
        #expect(got.last?.event == "h")
    }
}
