// Replay: one fixture through the same turn detection, flow interpreter and tool dispatch as a live call, on
// a virtual clock: the caller track is fed frame by frame, the model answers from the cassette, and what the
// bot played is collected as the caller heard it.
import Audio
public import CallEngine
import CallWiring
import Flows
public import Foundation
import Logging
public import ModelClient
import Tools
import SwitchboardCore

/// Replays fixtures and checks their expectations.
public struct Replayer: Sendable {
    public struct Options: Sendable {
        /// Per fixture, `outDir/NAME/bot.wav` and `outDir/NAME/events.jsonl`.
        public var outDir: URL?
        /// A call that has not ended by then is cut off (virtual time).
        public var maxDurationMs: Int = 600_000
        public var synthesizer: any SpeechSynthesizer
        public var session = CallSessionConfiguration()
        public var modelOptions: ModelClientOptions = .telephony

        /// One prompt cache for every replay in the process, as in `serve`: a prompt is synthesized once.
        public static let sharedSynthesizer: any SpeechSynthesizer = CachingSpeechSynthesizer(base: EspeakSynthesizer())

        public init(outDir: URL? = nil, synthesizer: any SpeechSynthesizer = Options.sharedSynthesizer) {
            self.outDir = outDir
            self.synthesizer = synthesizer
        }
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Replays the fixture in `folder`; never throws: a broken fixture is a failed result with its reason.
    public func replay(folder: URL) async -> FixtureResult {
        let wallStart = ContinuousClock.now
        func seconds() -> Double {
            let d = ContinuousClock.now - wallStart
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        do {
            let fixture = try Fixture.load(from: folder)
            let run = try await replay(fixture)
            let failures = (fixture.document.expect ?? FixtureExpectation()).failures(for: run.observed)
                + run.mismatches.map { ExpectationFailure(field: "cassette", expected: "the recorded request", actual: $0) }
            return FixtureResult(
                name: fixture.name, folder: folder.path, callDurationMs: run.durationMs, wallSeconds: seconds(),
                failures: failures, error: nil, observed: run.observed)
        } catch {
            return FixtureResult(
                name: folder.lastPathComponent, folder: folder.path, callDurationMs: 0, wallSeconds: seconds(), failures: [],
                error: error, observed: nil)
        }
    }

    struct Run {
        var observed: ObservedCall
        var mismatches: [String]
        var durationMs: Int
    }

    func replay(_ fixture: Fixture) async throws(ReplayError) -> Run {
        let flow = try loadFlow(fixture.flowURL)
        let caller = try callerSource(fixture)
        let clock = VirtualClock()
        let startedAt = fixture.document.call.startedAt ?? Date(timeIntervalSince1970: 1_764_230_400)
        let callID = "replay-" + fixture.name
        let info = CallInfo(
            callID: callID, callerNumber: fixture.document.call.caller, calledNumber: fixture.document.call.callee,
            startedAt: startedAt)
        let model = CassetteConversationModel(
            cassette: try Cassette.load(from: fixture.cassetteURL), clock: clock, options: options.modelOptions)
        let tools = try toolRunner(fixture, flow: flow, callID: callID, clock: clock, startedAt: startedAt)
        let events = CollectingCallEventSink()
        let outbound = OutboundAudioQueue(sampleRate: caller.sampleRate)
        let media = ReplayMedia(outbound: outbound, transfers: fixture.document.transfers ?? [])
        let session = CallSession(
            info: info, flow: flow, media: media, sampleRate: caller.sampleRate,
            dependencies: CallDependencies(model: model, tools: tools, synthesizer: options.synthesizer, log: events),
            clock: clock, configuration: options.session, logger: Logger(label: "switchboard.replay"))
        let result = await VirtualCallRunner.run(
            session, caller: caller, outbound: outbound, clock: clock, maxDurationMs: options.maxDurationMs)
        if !result.ended { await session.receive(.hangUp) }
        let observed = await observe(session, events: events.records, modelToolCalls: model.toolCalls)
        if let outDir = options.outDir {
            try write(result, events: events, to: outDir.appendingPathComponent(fixture.name))
        }
        return Run(observed: observed, mismatches: model.mismatches, durationMs: result.durationMs)
    }

    /// What the replayed call did: the same reading as `serve --record` makes of a live call.
    func observe(_ session: CallSession, events: [CallEventRecord], modelToolCalls: [ToolCall]) async -> ObservedCall {
        await ObservedCall.observe(session, events: events, modelToolCalls: modelToolCalls)
    }

    func loadFlow(_ url: URL) throws(ReplayError) -> Flow {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ReplayError(.flow, "\(url.path): cannot read the flow")
        }
        let loaded = FlowLoader.load(data: data, file: url.path)
        guard let flow = loaded.flow else {
            throw ReplayError(.flow, loaded.diagnostics.map { $0.description }.joined(separator: "\n"))
        }
        return flow
    }

    func callerSource(_ fixture: Fixture) throws(ReplayError) -> FixtureCallerSource {
        let wav: WAVAudio
        do {
            wav = try WAVFile.read(path: fixture.callerAudioURL.path)
        } catch {
            throw ReplayError(.audio, "\(fixture.callerAudioURL.path): \(error)")
        }
        let rate = fixture.document.call.sampleRate ?? wav.sampleRate
        var samples = wav.mono()
        if wav.sampleRate != rate {
            guard let resampler = try? Resampler(from: wav.sampleRate, to: rate) else {
                throw ReplayError(.audio, "cannot resample \(wav.sampleRate) Hz to \(rate) Hz")
            }
            samples = resampler.process(samples)
        }
        let dtmf = (fixture.document.dtmf ?? []).compactMap { event -> (atMs: Int, digit: Character)? in
            event.digit.first.map { (event.atMs, $0) }
        }
        var timing: [(mediaMs: Int, atMs: Int)] = []
        if let url = fixture.callerTimingURL {
            guard let data = try? Data(contentsOf: url), let pairs = try? JSONDecoder().decode([[Int]].self, from: data),
                pairs.allSatisfy({ $0.count == 2 })
            else { throw ReplayError(.fixture, "\(url.path): not a JSON list of [media_ms, at_ms] pairs") }
            timing = pairs.map { ($0[0], $0[1]) }
        }
        return FixtureCallerSource(
            samples: samples, sampleRate: rate, dtmf: dtmf, hangupAtMs: fixture.document.hangupAtMs,
            audioFromMs: fixture.document.callerAudioFromMs ?? 0, timing: timing)
    }

    func toolRunner(
        _ fixture: Fixture, flow: Flow, callID: String, clock: VirtualClock, startedAt: Date
    ) throws(ReplayError) -> any ToolRunner {
        if fixture.document.tools?.mode == .recorded {
            let text = (try? String(contentsOf: fixture.toolsURL, encoding: .utf8)) ?? ""
            return RecordedToolRunner(jsonl: text)
        }
        var accounts: AccountsDatabase?
        if let csv = fixture.accountsCSVURL {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("switchboard-replay-\(UUID().uuidString).db").path
            do {
                _ = try AccountsDatabase.seed(csvFile: csv, into: path)
                accounts = try AccountsDatabase(path: path)
            } catch {
                throw ReplayError(.fixture, "\(csv.path): \(error)")
            }
        }
        let dispatcher = ToolDispatcher.forFlow(
            flow, accounts: accounts, webhooks: nil,
            now: { startedAt.addingTimeInterval(Double(clock.now.milliseconds) / 1000) })
        return DispatcherToolRunner(dispatcher: dispatcher, callID: callID, callerNumber: fixture.document.call.caller)
    }

    func write(_ result: VirtualCallResult, events: CollectingCallEventSink, to folder: URL) throws(ReplayError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try WAVFile.write(WAVAudio(sampleRate: result.sampleRate, samples: result.botSamples), path: folder.appendingPathComponent("bot.wav").path)
            try Data(events.jsonl().utf8).write(to: folder.appendingPathComponent("events.jsonl"))
        } catch {
            throw ReplayError(.fixture, "\(folder.path): cannot write replay output: \(error)")
        }
    }
}
