public import CallEngine
import Flows
import Synchronization
public import SwitchboardCore

/// A conversation model that answers each request with the next scripted reply, streaming its audio in chunks
/// paced on the call's clock (so barge-in can land mid-reply). Records the requests it got and whether each
/// stream was cancelled.
public final class ScriptedConversationModel: ConversationModel {
    public struct Reply: Sendable {
        public var audio: [Int16]
        public var transcript: String
        public var toolCalls: [ToolCall]
        /// Delay before the first event.
        public var firstByteDelay: Duration
        /// Audio per chunk and the delay between chunks.
        public var chunkSamples: Int
        public var chunkInterval: Duration
        /// When set, the stream throws this after `failAfterChunks` audio chunks.
        public var failure: ModelFailure?
        public var failAfterChunks: Int

        public init(
            audio: [Int16] = [], transcript: String = "", toolCalls: [ToolCall] = [],
            firstByteDelay: Duration = .milliseconds(200), chunkSamples: Int = 1600,
            chunkInterval: Duration = .milliseconds(100), failure: ModelFailure? = nil, failAfterChunks: Int = 0
        ) {
            self.audio = audio
            self.transcript = transcript
            self.toolCalls = toolCalls
            self.firstByteDelay = firstByteDelay
            self.chunkSamples = max(1, chunkSamples)
            self.chunkInterval = chunkInterval
            self.failure = failure
            self.failAfterChunks = failAfterChunks
        }

        /// A request that fails (HTTP 500-like) after `delay`.
        public static func failing(
            _ failure: ModelFailure = ModelFailure(code: "http_500", message: "server error"),
            after delay: Duration = .milliseconds(200)
        ) -> Reply {
            Reply(firstByteDelay: delay, failure: failure)
        }
    }

    private struct State {
        var replies: [Reply]
        var requests: [ModelTurnRequest] = []
        var cancelled: [Int] = []
        var completed: [Int] = []
    }

    private let clock: any CallClock
    private let state: Mutex<State>

    public init(clock: any CallClock, replies: [Reply]) {
        self.clock = clock
        state = Mutex(State(replies: replies))
    }

    public var requests: [ModelTurnRequest] { state.withLock { $0.requests } }
    /// Indexes (into `requests`) of streams that were cancelled before they finished.
    public var cancelledRequests: [Int] { state.withLock { $0.cancelled } }
    public var completedRequests: [Int] { state.withLock { $0.completed } }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let (index, reply) = state.withLock { state -> (Int, Reply?) in
            state.requests.append(request)
            let reply = state.replies.isEmpty ? nil : state.replies.removeFirst()
            return (state.requests.count - 1, reply)
        }
        guard let reply else {
            return AsyncThrowingStream { $0.finish(throwing: ModelFailure(code: "script_exhausted", message: "no scripted reply left")) }
        }
        var events: [(delay: Duration, event: ModelEvent?)] = []
        var chunks = stride(from: 0, to: reply.audio.count, by: reply.chunkSamples).map {
            Array(reply.audio[$0..<min($0 + reply.chunkSamples, reply.audio.count)])
        }
        if let failure = reply.failure {
            chunks = Array(chunks.prefix(reply.failAfterChunks))
            for (i, chunk) in chunks.enumerated() {
                events.append((i == 0 ? reply.firstByteDelay : reply.chunkInterval, .audio(chunk)))
            }
            events.append((chunks.isEmpty ? reply.firstByteDelay : reply.chunkInterval, ModelEvent?.none))
            return stream(events: events, failure: failure, index: index)
        }
        if !reply.transcript.isEmpty { events.append((reply.firstByteDelay, .transcriptDelta(reply.transcript))) }
        for (i, chunk) in chunks.enumerated() {
            let delay = i == 0 && events.isEmpty ? reply.firstByteDelay : (i == 0 ? .zero : reply.chunkInterval)
            events.append((delay, .audio(chunk)))
        }
        for call in reply.toolCalls { events.append((events.isEmpty ? reply.firstByteDelay : .zero, .toolCall(call))) }
        events.append((events.isEmpty ? reply.firstByteDelay : .zero, .finished(ModelUsage(promptTokens: 100, completionTokens: 50))))
        return stream(events: events, failure: nil, index: index)
    }

    private func stream(
        events: [(delay: Duration, event: ModelEvent?)], failure: ModelFailure?, index: Int
    ) -> AsyncThrowingStream<ModelEvent, any Error> {
        let cursor = Cursor(events: events, failure: failure)
        let clock = self.clock
        return AsyncThrowingStream(unfolding: {
            do {
                let next = try await cursor.next(clock: clock)
                if next == nil, failure == nil { self.state.withLock { $0.completed.append(index) } }
                return next
            } catch is CancellationError {
                self.state.withLock { $0.cancelled.append(index) }
                throw CancellationError()
            }
        })
    }
}

/// Walks a scripted reply; used only from the consuming task.
private final class Cursor: @unchecked Sendable {
    private var events: [(delay: Duration, event: ModelEvent?)]
    private let failure: ModelFailure?
    private var index = 0

    init(events: [(delay: Duration, event: ModelEvent?)], failure: ModelFailure?) {
        self.events = events
        self.failure = failure
    }

    func next(clock: any CallClock) async throws -> ModelEvent? {
        while index < events.count {
            let item = events[index]
            index += 1
            if item.delay > .zero { try await clock.sleep(for: item.delay) }
            try Task.checkCancellation()
            if let event = item.event { return event }
        }
        if let failure { throw failure }
        return nil
    }
}
