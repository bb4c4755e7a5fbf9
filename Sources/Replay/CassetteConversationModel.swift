// Replay: the model answered from a fixture's cassette, on the call's (virtual) clock. Responses go through
// ModelClient's own stream decoder with the recorded chunking and timing, and ModelClient's own attempt state
// machine (`ModelAttemptMachine`: timeouts, retries, no retry after audio) decides over recorded failures, so a
// replayed call sees what the live call saw.
public import CallEngine
import CallWiring
import Flows
import Foundation
public import ModelClient
import Synchronization
public import SwitchboardCore

/// A `ConversationModel` that serves request N with the cassette's response N.
public final class CassetteConversationModel: ConversationModel {
    public let cassette: Cassette
    public let profile: ProviderProfile
    public let options: ModelClientOptions
    private let clock: any CallClock
    private let state = Mutex(State())

    struct State {
        var next = 0
        var mismatches: [String] = []
        var requests: [ChatRequest] = []
        var toolCalls: [ToolCall] = []
    }

    public init(
        cassette: Cassette, clock: any CallClock, profile: ProviderProfile = .openai,
        options: ModelClientOptions = .telephony
    ) {
        self.cassette = cassette
        self.clock = clock
        self.profile = profile
        self.options = options
    }

    /// Differences between what the flow asked and what the cassette recorded, and requests beyond its end.
    public var mismatches: [String] { state.withLock { $0.mismatches } }
    /// Exchanges used so far.
    public var exchangesUsed: Int { state.withLock { $0.next } }
    /// Every tool call the model made, in order (exit tools such as transfer_call included, which the flow
    /// takes as a step exit rather than running).
    public var toolCalls: [ToolCall] { state.withLock { $0.toolCalls } }
    /// The requests the replayed call made, in order (for recording a fixture's `NNNN.request.json`).
    public var requests: [ChatRequest] { state.withLock { $0.requests } }

    /// The reply is computed up front (pure: recorded bytes through the stream decoder) as a schedule of events
    /// with their times; the consumer's own task then sleeps on the call clock until each one is due. Timing
    /// thus happens in the consuming task, which is what lets a `VirtualClock` tell when the call is idle.
    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let cursor = ScheduleCursor()
        return AsyncThrowingStream(unfolding: { [self] in
            let steps = cursor.steps ?? self.schedule(for: request, start: self.clock.now)
            cursor.steps = steps
            guard cursor.index < steps.count else { return nil }
            let step = steps[cursor.index]
            cursor.index += 1
            try await self.clock.sleep(until: step.at)
            switch step.outcome {
            case .success(let event): return event
            case .failure(let error): throw error
            }
        })
    }

    struct Step {
        var at: Duration
        var outcome: Result<ModelEvent, ModelFailure>
    }

    /// Where the consumer is in its schedule; touched only by the one task iterating the stream.
    final class ScheduleCursor: @unchecked Sendable {
        var steps: [Step]?
        var index = 0
    }

    private func takeExchange(for chat: ChatRequest) -> CassetteExchange? {
        state.withLock { state in
            state.requests.append(chat)
            let index = state.next
            guard index < cassette.exchanges.count else {
                state.mismatches.append(
                    "request \(index + 1): the cassette holds only \(cassette.exchanges.count) response(s); the flow now asks for more")
                return nil
            }
            state.next += 1
            let exchange = cassette.exchanges[index]
            if let recorded = exchange.request {
                state.mismatches += RequestShape(recorded).differences(from: RequestShape(chat))
                    .map { "request \(index + 1): \($0)" }
            }
            return exchange
        }
    }

    /// Every event of the turn with its time; the attempt state machine decides timeouts and retries.
    func schedule(for request: ModelTurnRequest, start: Duration) -> [Step] {
        let chat = request.chatRequest(profile: profile, now: Date(timeIntervalSince1970: 1_764_230_400))
        var steps: [Step] = []
        var t = start
        var machine = ModelAttemptMachine(options: options)
        while true {
            _ = machine.handle(.attemptStarted, at: t - start)
            guard let exchange = takeExchange(for: chat) else {
                steps.append(Step(at: t, outcome: .failure(
                    ModelFailure(code: "cassette_exhausted", message: "no recorded response for this request"))))
                return steps
            }
            let result = play(
                exchange.response, request: request, chatModel: chat.model, start: t, requestStart: start, machine: &machine)
            steps += result.steps
            let calls = result.steps.compactMap { step -> ToolCall? in
                if case .success(.toolCall(let call)) = step.outcome { return call }
                return nil
            }
            state.withLock { $0.toolCalls += calls }
            guard let failure = result.failure else {
                _ = machine.handle(.finished, at: result.end - start)
                return steps
            }
            t = result.end
            let failed = ModelAttemptMachine.Event.attemptFailed(
                retryable: failure.retryable, retryAfter: failure.retryAfter, jitter: 0)
            guard case .retry(_, let delay)? = machine.handle(failed, at: t - start).first else {
                steps.append(Step(at: t, outcome: .failure(failure.failure)))
                return steps
            }
            t = t + delay
        }
    }

    struct AttemptFailure {
        var failure: ModelFailure
        var retryable: Bool
        var retryAfter: Duration?
    }

    struct Attempt {
        var steps: [Step] = []
        var failure: AttemptFailure?
        var end: Duration
    }

    /// One recorded attempt from `start`, reporting its bytes and audio to `machine` (whose times count from
    /// `requestStart`) and timing out where the machine's deadline passes between two recorded chunks.
    private func play(
        _ response: CassetteResponse, request: ModelTurnRequest, chatModel: String, start: Duration,
        requestStart: Duration, machine: inout ModelAttemptMachine
    ) -> Attempt {
        let timed = response.timedChunks
        var attempt = Attempt(end: start)
        if response.status != 200 {
            attempt.end = start + .milliseconds(timed.first?.atMs ?? 0)
            let body = Data(response.body)
            let message = APIErrorBody(data: body)?.message ?? String(decoding: body.prefix(300), as: UTF8.self)
            let header = { (name: String) in response.headers.first { $0.key.lowercased() == name }?.value }
            let retryable = RetryPolicy.isRetryable(status: response.status, shouldRetryHeader: header("x-should-retry"))
            attempt.failure = AttemptFailure(
                failure: ModelFailure(code: "http_\(response.status)", message: "HTTP \(response.status): \(message)", retryable: retryable),
                retryable: retryable,
                retryAfter: RetryPolicy.retryAfter(milliseconds: header("retry-after-ms"), seconds: header("retry-after")))
            return attempt
        }
        let decoder = ReplyStreamDecoder(providerSampleRate: profile.audioSampleRate, outputSampleRate: request.outputSampleRate)
        let mapper = ModelEventMapper()
        var firstByte: Duration?
        var firstAudio: Duration?
        var last = start
        func deliver(_ events: [ChatStreamEvent], at time: Duration, machine: inout ModelAttemptMachine) {
            for event in events {
                if case .audio = event, firstAudio == nil {
                    firstAudio = time - start
                    _ = machine.handle(.audioDelivered, at: time - requestStart)
                }
                for mapped in mapper.map(event) { attempt.steps.append(Step(at: time, outcome: .success(mapped))) }
            }
        }
        func timeout(_ deadline: ModelAttemptMachine.Deadline) -> Attempt {
            attempt.end = requestStart + deadline.at
            attempt.failure = AttemptFailure(
                failure: ModelFailure(
                    code: deadline.timeout.rawValue, message: "no data from the model within \(deadline.limit.milliseconds) ms",
                    retryable: true),
                retryable: true, retryAfter: nil)
            return attempt
        }
        func broken(_ error: ModelClientError, at time: Duration) -> Attempt {
            attempt.end = time
            attempt.failure = AttemptFailure(
                failure: ModelFailure(code: error.code.raw, message: error.message, retryable: false), retryable: false,
                retryAfter: nil)
            return attempt
        }
        var comments = SSECommentTracker()
        for chunk in timed {
            let at = start + .milliseconds(chunk.atMs)
            if let deadline = machine.expired(at: at - requestStart) { return timeout(deadline) }
            // As the live client: keep-alive comments do not push the deadlines.
            if !(response.isEventStream && comments.onlyComments(chunk.bytes)) {
                _ = machine.handle(.bytesReceived, at: at - requestStart)
            }
            last = at
            if firstByte == nil { firstByte = at - start }
            do {
                deliver(response.isEventStream ? try decoder.consumeStream(chunk.bytes) : [], at: at, machine: &machine)
            } catch {
                return broken(error, at: at)
            }
        }
        if response.stalls, let deadline = machine.deadline {
            // Silent from the start (no head, or a head and nothing after) or after some chunks: the deadline
            // armed last (first byte, or the idle gap) decides.
            return timeout(deadline)
        }
        do {
            let events = response.isEventStream
                ? try decoder.finishStream() : try decoder.consumeCompletion(Data(response.body))
            deliver(events, at: last, machine: &machine)
        } catch {
            return broken(error, at: last)
        }
        let usage = decoder.usage
        if let id = decoder.audioID { attempt.steps.append(Step(at: last, outcome: .success(.audioID(id)))) }
        attempt.steps.append(Step(at: last, outcome: .success(.finished(ModelUsage(
            promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0,
            timeToFirstByteMs: firstByte?.milliseconds, timeToFirstAudioMs: firstAudio?.milliseconds,
            totalMs: (last - start).milliseconds, costUSD: usage.flatMap { profile.prices.cost(of: $0, model: chatModel) })))))
        attempt.end = last
        return attempt
    }
}

extension ModelClientOptions {
    /// Timeouts for a phone call: a caller waits seconds, not minutes.
    public static let telephony = ModelClientOptions(
        firstByteTimeout: .seconds(8), idleTimeout: .seconds(4), retryBudget: .seconds(10))
}
