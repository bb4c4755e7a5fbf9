// Replay: the model answered from a fixture's cassette, on the call's (virtual) clock. Responses go through
// ModelClient's own stream decoder with the recorded chunking and timing, and the client's retry rules are
// applied to recorded failures, so a replayed call sees what the live call saw.
public import CallEngine
import CallWiring
import Flows
import Foundation
public import ModelClient
import Synchronization

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
    /// The requests the replayed call made, in order (for recording a fixture's `NNNN.request.json`).
    public var requests: [ChatRequest] { state.withLock { $0.requests } }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<CallEngine.ModelEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: CallEngine.ModelEvent.self)
        let task = clock.task { [self] in
            do {
                try await self.serve(request, continuation: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
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

    private func serve(
        _ request: ModelTurnRequest, continuation: AsyncThrowingStream<CallEngine.ModelEvent, any Error>.Continuation
    ) async throws {
        let chat = request.chatRequest(profile: profile, now: Date(timeIntervalSince1970: 1_764_230_400))
        let start = clock.now
        var attempt = 0
        while true {
            guard let exchange = takeExchange(for: chat) else {
                throw ModelFailure(code: "cassette_exhausted", message: "no recorded response for this request")
            }
            let failure: ModelFailure
            do {
                try await play(exchange.response, request: request, start: clock.now, callStart: start, continuation: continuation)
                return
            } catch let error as AttemptFailure {
                failure = error.failure
                guard error.retryable, !error.audioDelivered, attempt < options.retry.maxRetries,
                    let delay = options.retry.delay(beforeRetry: attempt, retryAfter: error.retryAfter, jitter: 0),
                    clock.now - start + delay <= options.retryBudget
                else { throw failure }
            }
            attempt += 1
            try await clock.sleep(until: clock.now + (options.retry.delay(beforeRetry: attempt - 1, retryAfter: nil, jitter: 0) ?? .zero))
        }
    }

    struct AttemptFailure: Error {
        var failure: ModelFailure
        var retryable: Bool
        var audioDelivered: Bool
        var retryAfter: Duration?
    }

    private func play(
        _ response: CassetteResponse, request: ModelTurnRequest, start: Duration, callStart: Duration,
        continuation: AsyncThrowingStream<CallEngine.ModelEvent, any Error>.Continuation
    ) async throws {
        let timed = response.timedChunks
        if response.status != 200 {
            if let first = timed.first { try await clock.sleep(until: start + .milliseconds(first.atMs)) }
            let body = Data(response.body)
            let message = APIErrorBody(data: body)?.message ?? String(decoding: body.prefix(300), as: UTF8.self)
            let header = { (name: String) in response.headers.first { $0.key.lowercased() == name }?.value }
            throw AttemptFailure(
                failure: ModelFailure(code: "http_\(response.status)", message: "HTTP \(response.status): \(message)",
                    retryable: RetryPolicy.isRetryable(status: response.status, shouldRetryHeader: header("x-should-retry"))),
                retryable: RetryPolicy.isRetryable(status: response.status, shouldRetryHeader: header("x-should-retry")),
                audioDelivered: false,
                retryAfter: RetryPolicy.retryAfter(milliseconds: header("retry-after-ms"), seconds: header("retry-after")))
        }
        let decoder = ReplyStreamDecoder(providerSampleRate: profile.audioSampleRate, outputSampleRate: request.outputSampleRate)
        let mapper = ModelEventMapper()
        var audioDelivered = false
        var firstByte: Duration?
        var firstAudio: Duration?
        var last = start
        func deliver(_ events: [ChatStreamEvent]) {
            for event in events {
                if case .audio = event, !audioDelivered {
                    audioDelivered = true
                    firstAudio = clock.now - start
                }
                mapper.map(event).forEach { continuation.yield($0) }
            }
        }
        func timeout(_ code: String, _ what: String, after limit: Duration) async throws -> Never {
            try await clock.sleep(until: last + limit)
            throw AttemptFailure(
                failure: ModelFailure(code: code, message: "no \(what) from the model within \(limit.milliseconds) ms", retryable: true),
                retryable: true, audioDelivered: audioDelivered, retryAfter: nil)
        }
        for chunk in timed {
            let at = start + .milliseconds(chunk.atMs)
            let limit = firstByte == nil ? options.firstByteTimeout : options.idleTimeout
            if at - last > limit {
                try await timeout(firstByte == nil ? "timeout.first_byte" : "timeout.idle", "data", after: limit)
            }
            try await clock.sleep(until: at)
            last = at
            if firstByte == nil { firstByte = at - start }
            do {
                deliver(response.isEventStream ? try decoder.consumeStream(chunk.bytes) : [])
            } catch {
                throw AttemptFailure(
                    failure: ModelFailure(code: error.code.raw, message: error.message, retryable: false),
                    retryable: false, audioDelivered: audioDelivered, retryAfter: nil)
            }
        }
        if response.stalls {
            try await timeout("timeout.idle", "more data", after: options.idleTimeout)
        }
        do {
            deliver(response.isEventStream ? try decoder.finishStream() : try decoder.consumeCompletion(Data(response.body)))
        } catch {
            throw AttemptFailure(
                failure: ModelFailure(code: error.code.raw, message: error.message, retryable: false),
                retryable: false, audioDelivered: audioDelivered, retryAfter: nil)
        }
        let usage = decoder.usage
        if let id = decoder.audioID { continuation.yield(.audioID(id)) }
        continuation.yield(.finished(ModelUsage(
            promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0,
            timeToFirstByteMs: firstByte?.milliseconds, timeToFirstAudioMs: firstAudio?.milliseconds,
            totalMs: (clock.now - start).milliseconds, costUSD: usage.map { profile.prices.cost(of: $0) })))
    }
}

extension ModelClientOptions {
    /// Timeouts for a phone call: a caller waits seconds, not minutes.
    public static let telephony = ModelClientOptions(
        firstByteTimeout: .seconds(8), idleTimeout: .seconds(4), retryBudget: .seconds(10))
}
