// Server/Recording: decorators around one call's ports that tell the `CallRecorder` what happened — caller
// media as the session consumed it, each tool run with its result, the call's log events — and otherwise pass
// everything through unchanged.
public import CallEngine
import Flows
public import SwitchboardCore

/// The call's inbound media with each event (and the end, as nil) first shown to `observe` as the session
/// reads it: the one decorator under the fixture recorder and the caller-audio recorder.
public struct TappedMediaIn: MediaIn {
    public let base: any MediaIn
    let observe: @Sendable (MediaInEvent?) -> Void

    public init(base: any MediaIn, observe: @escaping @Sendable (MediaInEvent?) -> Void) {
        self.base = base
        self.observe = observe
    }

    public var sampleRate: Int { base.sampleRate }

    public var events: AsyncStream<MediaInEvent> { base.tappedEvents(observe) }
}

extension CallRecorder {
    /// The caller's media, recorded as the session reads it (frames with their media-clock time, digits, hang-up).
    public func observe(_ event: MediaInEvent?) {
        switch event {
        case .audio(let frame): self.frame(frame)
        case .dtmf(let digit): dtmf(digit)
        case .hangUp: hangUp()
        case .turn, .speechStarted, .bargeIn, .playbackFinished, .recordingEnded, nil: break
        }
    }
}

extension MediaIn {
    /// `events` as they are, each one (and the end, as nil) first shown to `observe` when the session reads it.
    /// The one tap under the recording decorators (fixtures, caller audio).
    func tappedEvents(_ observe: @escaping @Sendable (MediaInEvent?) -> Void) -> AsyncStream<MediaInEvent> {
        let cursor = MediaInCursor(events.makeAsyncIterator())
        return AsyncStream(unfolding: {
            let event = await cursor.next()
            observe(event)
            return event
        })
    }
}

/// The base stream's iterator; only the one task consuming the tapped stream touches it.
final class MediaInCursor: @unchecked Sendable {
    var iterator: AsyncStream<MediaInEvent>.Iterator

    init(_ iterator: AsyncStream<MediaInEvent>.Iterator) {
        self.iterator = iterator
    }

    func next() async -> MediaInEvent? {
        await iterator.next()
    }
}

/// Tools run as before; each result (or error) is recorded for `tools.jsonl`.
public struct RecordingToolRunner: ToolRunner {
    public let base: any ToolRunner
    let recorder: CallRecorder

    public init(base: any ToolRunner, recorder: CallRecorder) {
        self.base = base
        self.recorder = recorder
    }

    public func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue {
        do {
            let value = try await base.run(call, context: context)
            recorder.toolRan(call, outcome: .success(value))
            return value
        } catch {
            recorder.toolRan(call, outcome: ToolResult(id: call.id, error: error).outcome)
            throw error
        }
    }

    /// The batch goes to the base runner whole (concurrency and caps stay its own); results are recorded in
    /// the calls' order, the order Replay's RecordedToolRunner answers them.
    public func run(_ calls: [ToolCall], context: ToolRunContext) async -> [ToolResult] {
        let results = await base.run(calls, context: context)
        for (call, result) in zip(calls, results) {
            recorder.toolRan(call, outcome: result.outcome)
        }
        return results
    }
}

/// The call's events go to the call log as before; tool-call events are also kept for the `expect:` block.
public struct RecordingCallEventSink: CallEventSink {
    public let base: any CallEventSink
    let recorder: CallRecorder

    public init(base: any CallEventSink, recorder: CallRecorder) {
        self.base = base
        self.recorder = recorder
    }

    public func record(_ record: CallEventRecord) {
        recorder.logged(record)
        base.record(record)
    }
}
