// Caller-audio recording end to end (issue 7, `recording: caller_audio`): a real SIP/RTP call from DemoCaller
// to an in-process SwitchboardService running a temporary flow (an espeak-ng prompt, then waiting for digits);
// the caller sends a sox tone at a known time. After the BYE the WAV must have the call's rate and length and
// the tone in its place, and the call row must point at it. A flow without the key records nothing.
import Audio
import CallEngine
import CallLog
import Foundation
import NIOPosix
import Server
import Testing
import SwitchboardTestKit

@Suite(.tags(.integration), .serialized) struct CallerAudioRecordingTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static let flowBody = """
        defaults:
          timeouts: {no_input_ms: 20000}
        start: menu
        steps:
          menu:
            gather: dtmf
            prompt: "Please press one."
            retries: 0
            on:
              "1": bye
              no_input: bye
              no_match: bye
          bye:
            hangup: done

        """

    /// Tone: 1 kHz, 1 s, starting 1 s into the caller's track; the caller hangs up after `limitSeconds`.
    static let toneHz = 1_000.0
    static let toneStartMs = 1_000
    static let toneMs = 1_000
    static let limitSeconds = 4

    struct Placed {
        var detail: CallDetail
        var caller: DemoCaller.Result
        var call: CallSummary { detail.call }
    }

    /// Starts the service with both flows, places one call to `user`, waits for its ended row, stops.
    static func place(to user: String, in folder: TempFolder) async throws -> Placed {
        let written = try FlowCallTestService.writeFlows(
            [
                "recorded.yaml": "name: recorded\nrecording: caller_audio\n" + flowBody, "plain.yaml": "name: plain\n" + flowBody,
                "stereo.yaml": "name: stereo\nrecording: two_sided\n" + flowBody,
            ],
            in: folder)
        // No model in these flows: the helper's empty cassette folder.
        let configuration = try FlowCallTestService.configuration(flowsDir: written.dir, numbers: written.numbers, in: folder)

        let tone = try soxTone(in: folder)
        let track = [Int16](repeating: 0, count: toneStartMs * 8) + tone
        let service = try await SwitchboardService.start(
            configuration: configuration, environment: [:], logger: .init(label: "caller-audio-test"))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let result = try await DemoCaller.call(
                user: user, host: "127.0.0.1", port: service.sipPort, callerNumber: "+15550100009", audio: track,
                limit: .seconds(limitSeconds), group: group)
            try? await group.shutdownGracefully()
            #expect(result.established)
            // The ended row follows the closed recording; the writer commits every ~100 ms. Bounded wait.
            let store = try CallLogStore(path: configuration.callLog.db)
            var row: CallDetail?
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                row = try? await store.call(id: result.callID)
                if row?.call.endedAt != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            await service.stop()
            let detail = try #require(row, "no call row for \(result.callID)")
            #expect(detail.call.endedAt != nil)
            return Placed(detail: detail, caller: result)
        } catch {
            await service.stop()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// A 1 kHz sine made by sox, 8 kHz 16-bit mono, `toneMs` long.
    static func soxTone(in folder: TempFolder) throws -> [Int16] {
        let path = folder.path("tone.wav")
        try TestAudio.run(
            "sox",
            ["-n", "-r", "8000", "-b", "16", "-c", "1", path, "synth", "\(Double(toneMs) / 1000)", "sine", "\(Int(toneHz))", "vol", "0.5"])
        return try WAVFile.read(path: path).mono()
    }

    /// Goertzel power of `frequency` in `samples`, normalised by the window's total energy (0…1).
    static func toneShare(_ samples: ArraySlice<Int16>, frequency: Double, rate: Int) -> Double {
        guard !samples.isEmpty else { return 0 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(rate))
        var (s1, s2, energy) = (0.0, 0.0, 0.0)
        for sample in samples {
            let x = Double(sample)
            let s0 = x + coefficient * s1 - s2
            s2 = s1
            s1 = s0
            energy += x * x
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return energy > 0 ? 2 * power / (Double(samples.count) * energy) : 0
    }

    @Test(.timeLimit(.minutes(1)))
    func anOptedInFlowRecordsTheCallersAudio() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let placed = try await Self.place(to: "recorded", in: folder)
        let call = placed.call
        #expect(call.flow == "recorded")
        #expect(call.recordAudio)
        let expected = URL(fileURLWithPath: folder.path("recordings")).appendingPathComponent("\(placed.caller.callID).wav")
        #expect(call.recordingPath == expected.path)
        let path = try #require(call.recordingPath)
        // What `calls show ID` prints and `GET /calls/{id}` sends.
        #expect(CallLogText.detail(placed.detail).contains("recording \(path)"))
        let json = String(decoding: try CallLogStore.jsonEncoder().encode(placed.detail), as: UTF8.self)
        #expect(json.contains("\"recordingPath\" : \"\(path)\""), "\(json.prefix(400))")

        let wav = try WAVFile.read(path: path)
        #expect(wav.sampleRate == 8000)
        #expect(wav.channels == 1)
        let samples = wav.mono()
        let durationMs = samples.count * 1000 / 8000
        // The file spans the call: session start to the caller's BYE.
        let callMs = try #require(call.durationMs)
        #expect(abs(durationMs - callMs) <= 300, "recording \(durationMs) ms, call \(callMs) ms")
        #expect(abs(durationMs - Self.limitSeconds * 1000) <= 300, "recording \(durationMs) ms")

        // The tone sits where the caller sent it (shifted only by setup and the jitter buffer, < 200 ms).
        let sampleAt = { (ms: Int) in min(samples.count, max(0, ms * 8)) }
        let during = samples[sampleAt(Self.toneStartMs + 250)..<sampleAt(Self.toneStartMs + Self.toneMs - 50)]
        let before = samples[0..<sampleAt(Self.toneStartMs - 100)]
        let after = samples[sampleAt(Self.toneStartMs + Self.toneMs + 300)..<samples.count]
        #expect(Self.toneShare(during, frequency: Self.toneHz, rate: 8000) > 0.8)
        #expect(during.map { abs(Int($0)) }.max() ?? 0 > 8_000, "the tone is loud")
        #expect(before.allSatisfy { abs(Int($0)) < 200 }, "silence before the tone")
        #expect(after.allSatisfy { abs(Int($0)) < 200 }, "silence after the tone")
        // The tone's onset: the first loud sample, within 300 ms of where it was sent.
        let onset = try #require(samples.firstIndex { abs(Int($0)) > 4_000 })
        #expect(abs(onset / 8 - Self.toneStartMs) < 300, "tone onset at \(onset / 8) ms")
    }

    /// `recording: two_sided`: one stereo WAV, the caller's tone on the left where it was sent, the bot's prompt
    /// ("Please press one.", espeak-ng) on the right at the start, each side quiet where only the other spoke.
    @Test(.timeLimit(.minutes(1)))
    func aTwoSidedRecordingHasTheCallerLeftAndTheBotRight() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let placed = try await Self.place(to: "stereo", in: folder)
        #expect(placed.call.recordAudio)
        let path = try #require(placed.call.recordingPath)
        let wav = try WAVFile.read(path: path)
        #expect(wav.sampleRate == 8000)
        #expect(wav.channels == 2)
        let left = stride(from: 0, to: wav.samples.count - 1, by: 2).map { wav.samples[$0] }
        let right = stride(from: 1, to: wav.samples.count, by: 2).map { wav.samples[$0] }
        let durationMs = left.count / 8
        #expect(abs(durationMs - Self.limitSeconds * 1000) <= 300, "recording \(durationMs) ms")
        let at = { (ms: Int) in min(left.count, max(0, ms * 8)) }
        func peak(_ side: [Int16], _ from: Int, _ to: Int) -> Int { side[at(from)..<at(to)].map { abs(Int($0)) }.max() ?? 0 }
        // The caller's tone: left only.
        let tone = left[at(Self.toneStartMs + 250)..<at(Self.toneStartMs + Self.toneMs - 50)]
        #expect(Self.toneShare(tone, frequency: Self.toneHz, rate: 8000) > 0.8)
        #expect(peak(left, 0, Self.toneStartMs - 100) < 200, "the caller is silent before the tone")
        // The bot's prompt: right, in the first second; the right side carries no 1 kHz tone.
        #expect(peak(right, 0, 1000) > 3_000, "the prompt is on the right")
        let rightDuringTone = right[at(Self.toneStartMs + 250)..<at(Self.toneStartMs + Self.toneMs - 50)]
        #expect(Self.toneShare(rightDuringTone, frequency: Self.toneHz, rate: 8000) < 0.2)
        #expect(peak(left, 0, 600) < 200, "the prompt is not on the left")
    }

    @Test(.timeLimit(.minutes(1)))
    func aFlowWithoutTheKeyRecordsNothing() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let placed = try await Self.place(to: "plain", in: folder)
        #expect(placed.call.flow == "plain")
        #expect(!placed.call.recordAudio)
        #expect(placed.call.recordingPath == nil)
        let written = (try? FileManager.default.contentsOfDirectory(atPath: folder.path("recordings"))) ?? []
        #expect(written.isEmpty, "\(written)")
    }

    @Test func theRecorderFillsGapsWithSilenceAndClosesWithoutAHangUp() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let recorder = CallerAudioRecorder(
            callID: "odd/id@host", directory: folder.path("nested/recordings"), sampleRate: 16_000,
            logger: .init(label: "recorder-test"))
        #expect(recorder.path == folder.path("nested/recordings/odd_id@host.wav"))
        let first = (0..<320).map { Int16($0) }
        let second = [Int16](repeating: -1234, count: 320)
        recorder.frame(samples: first, timestampMs: 0)
        recorder.frame(samples: second, timestampMs: 100)  // 80 ms without audio in between
        // No hang-up (the session ended through an error): finish still closes a valid file.
        await recorder.finish()
        recorder.frame(samples: second, timestampMs: 200)  // after the end: ignored
        let wav = try WAVFile.read(path: recorder.path)
        #expect(wav.sampleRate == 16_000)
        let samples = wav.mono()
        #expect(samples.count == 1_920)
        #expect(Array(samples[0..<320]) == first)
        #expect(samples[320..<1_600].allSatisfy { $0 == 0 })
        #expect(Array(samples[1_600..<1_920]) == second)
    }

    @Test func theRecordingRunsToTheHangUp() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let recorder = CallerAudioRecorder(
            callID: "c1", directory: folder.path("r"), sampleRate: 8_000, logger: .init(label: "recorder-test"))
        let (events, continuation) = AsyncStream.makeStream(of: MediaInEvent.self)
        let input = TappedMediaIn(base: TestMediaIn(sampleRate: 8_000, events: events)) { recorder.observe($0) }
        continuation.yield(.audio(PCMFrame(samples: [Int16](repeating: 500, count: 160), sampleRate: 8_000, timestampMs: 0)))
        continuation.yield(.dtmf("5"))
        var seen: [MediaInEvent] = []
        let reader = Task {
            var seen: [MediaInEvent] = []
            for await event in input.events { seen.append(event) }
            return seen
        }
        try await Task.sleep(for: .milliseconds(300))
        continuation.yield(.hangUp)
        continuation.finish()
        seen = await reader.value
        #expect(seen.count == 3, "events pass through unchanged")
        await recorder.finish()
        let samples = try WAVFile.read(path: recorder.path).mono()
        // The caller's 20 ms, then silence up to the hang-up ~300 ms later.
        #expect(samples.prefix(160).allSatisfy { $0 == 500 })
        #expect((280 * 8...600 * 8).contains(samples.count), "\(samples.count) samples")
    }

    @Test func recordingsDirIsConfigurableAndOptional() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = folder.path("switchboard.yaml")
        try Data("call_log:\n  recordings_dir: /var/rec\n".utf8).write(to: URL(fileURLWithPath: file))
        let config = try SwitchboardConfiguration.load(file: file, environment: [:])
        #expect(config.callLog.recordingsDir == "/var/rec")
        // Relative paths, defaults included, are taken from the configuration file's folder.
        let base = folder.url.standardizedFileURL.path
        #expect(config.callLog.db == base + "/switchboard.db")
        try Data("call_log: {db: x.db}\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try SwitchboardConfiguration.load(file: file, environment: [:]).callLog.recordingsDir == base + "/recordings")
    }
}

struct TestMediaIn: MediaIn {
    let sampleRate: Int
    let events: AsyncStream<MediaInEvent>
}
