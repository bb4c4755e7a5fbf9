// Server/Recording: `serve --record` — one live call captured as a replayable fixture (docs/fixtures.md).
// The recorder is fed by decorators around the call's ports (media in, tools, call log, model exchanges); it
// never touches the session itself. Everything is kept in memory during the call and written once it ended.
// May import CallEngine, CallWiring, ModelClient, Replay, Tools, Flows, Audio.
import Audio
public import CallEngine
import Flows
public import Foundation
public import Logging
public import ModelClient
import Replay
import Synchronization
import Tools
public import SwitchboardCore

/// Everything one call did that a fixture needs, collected as it happens (any thread, non-blocking).
public final class CallRecorder: Sendable {
    public struct Settings: Sendable {
        /// Fixtures are written here, one folder per call.
        public var directory: URL
        /// The flow file the call runs (the fixture refers to it by a relative path when it can).
        public var flowPath: String
        /// The recorded caller track is cut off beyond this (a stuck call must not eat the memory).
        public var maxAudioSeconds = 2 * 3600
        /// How arguments are redacted in `expect:` and `tools.jsonl` (as in the call log).
        public var redactor = Redactor()

        public init(directory: URL, flowPath: String) {
            self.directory = directory
            self.flowPath = flowPath
        }
    }

    struct Exchange {
        var requestBody: Data
        var status: Int?
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var chunks: [CassetteResponse.Chunk] = []
        var outcome: ModelExchangeOutcome?
    }

    struct State {
        var samples: [Int16] = []
        /// End of the last caller frame (ms, media clock): DTMF and hang-up are placed after it.
        var lastFrameEndMs: Int?
        /// Media-clock time of the first frame the session got.
        var firstFrameMs: Int?
        /// When the session took the frames (call clock), where its lag behind the media clock changed.
        var timing: [(mediaMs: Int, atMs: Int)] = []
        var dtmf: [Fixture.DTMFEvent] = []
        var transfers: [Fixture.TransferEvent] = []
        var hangupAtMs: Int?
        var tools: [FixtureRecording.ToolLine] = []
        var toolEvents: [CallEventRecord] = []
        var order: [ModelExchangeID] = []
        var exchanges: [ModelExchangeID: Exchange] = [:]
        var written = false
    }

    public let callID: String
    public let caller: String
    public let callee: String
    public let startedAt: Date
    public let sampleRate: Int
    public let settings: Settings
    let clock: any CallClock
    let logger: Logger
    let state = Mutex(State())

    public init(
        callID: String, caller: String, callee: String, startedAt: Date, sampleRate: Int, clock: any CallClock,
        settings: Settings, logger: Logger
    ) {
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.startedAt = startedAt
        self.sampleRate = sampleRate
        self.clock = clock
        self.settings = settings
        self.logger = logger
        Self.callStarted()
    }

    // MARK: Caller media

    /// A change of the session's input lag smaller than this is not worth a timing anchor.
    static let timingToleranceMs = 5

    /// A caller frame as the session received it, placed at its media-clock time.
    func frame(_ frame: PCMFrame) {
        frame.samples.withUnsafeBufferPointer { self.frame($0, timestampMs: frame.timestampMs) }
    }

    /// A caller frame as the call's media pipeline took it (on the media loop), placed at its media-clock time.
    /// No allocation beyond the recording's own growth (bounded by `maxAudioSeconds`).
    func frame(_ samples: UnsafeBufferPointer<Int16>, timestampMs: Int) {
        let rate = sampleRate
        let limit = settings.maxAudioSeconds * rate
        let takenAt = clock.now.milliseconds
        state.withLock { state in
            let lag = takenAt - timestampMs
            if let last = state.timing.last {
                if abs(lag - (last.atMs - last.mediaMs)) >= Self.timingToleranceMs {
                    state.timing.append((timestampMs, takenAt))
                }
            } else {
                state.timing.append((timestampMs, takenAt))
            }
            let offset = max(0, timestampMs) * rate / 1000
            let end = offset + samples.count
            if state.firstFrameMs == nil { state.firstFrameMs = timestampMs }
            state.lastFrameEndMs = max(state.lastFrameEndMs ?? 0, timestampMs + samples.count * 1000 / max(1, rate))
            guard end <= limit else { return }
            if state.samples.count < end {
                state.samples.append(contentsOf: repeatElement(0, count: end - state.samples.count))
            }
            state.samples.replaceSubrange(offset..<end, with: samples)
        }
    }

    /// Now on the media clock: just after the last frame the session got (the replayer delivers a digit
    /// before the frame of its tick, as the live bridge did), or the call clock before any frame.
    private func mediaNow(_ state: State) -> Int {
        state.lastFrameEndMs ?? clock.now.milliseconds
    }

    func dtmf(_ digit: Character) {
        state.withLock { state in
            state.dtmf.append(Fixture.DTMFEvent(atMs: mediaNow(state), digit: String(digit)))
        }
    }

    func hangUp() {
        state.withLock { state in
            if state.hangupAtMs == nil { state.hangupAtMs = mediaNow(state) }
        }
    }

    // MARK: Tools and events

    /// A tool call and its outcome (a failure as the batch result's `"code: message"`).
    func toolRan(_ call: ToolCall, outcome: ToolResult.Outcome) {
        let redactor = settings.redactor
        let arguments = redactor.redact(call.arguments)
        let entry: FixtureRecording.ToolLine
        switch outcome {
        case .success(let value):
            entry = .init(name: call.name, arguments: arguments, result: redactor.redact(value), error: nil)
        case .failure(let message):
            entry = .init(name: call.name, arguments: arguments, result: nil, error: message)
        }
        state.withLock { $0.tools.append(entry) }
    }

    func logged(_ record: CallEventRecord) {
        switch record.event {
        case .toolCall: state.withLock { $0.toolEvents.append(record) }
        case .transfer(let target, let result):
            state.withLock { $0.transfers.append(Fixture.TransferEvent(target: target, result: result)) }
        default: break
        }
    }
}

extension CallRecorder: ModelExchangeRecorder {
    public func exchangeStarted(_ id: ModelExchangeID, url: String, requestBody: Data) {
        state.withLock { state in
            state.order.append(id)
            state.exchanges[id] = Exchange(requestBody: requestBody)
        }
    }

    public func responseHead(_ id: ModelExchangeID, status: Int, headers: [(name: String, value: String)], at: Duration) {
        state.withLock { state in
            state.exchanges[id]?.status = status
            state.exchanges[id]?.headers = headers
        }
    }

    public func received(_ id: ModelExchangeID, bytes: [UInt8], at: Duration) {
        state.withLock { state in
            guard var exchange = state.exchanges.removeValue(forKey: id) else { return }
            exchange.chunks.append(.init(offset: exchange.body.count, length: bytes.count, atMs: at.milliseconds))
            exchange.body += bytes
            state.exchanges[id] = exchange
        }
    }

    public func exchangeFinished(_ id: ModelExchangeID, outcome: ModelExchangeOutcome, at: Duration) {
        state.withLock { $0.exchanges[id]?.outcome = outcome }
    }

    /// Model attempts still running.
    var openExchanges: Int {
        state.withLock { $0.exchanges.values.filter { $0.outcome == nil }.count }
    }
}
