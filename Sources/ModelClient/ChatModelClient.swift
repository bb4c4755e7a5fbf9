// ModelClient: the streaming client. One `events(for:outputSampleRate:)` call is one model request: it
// retries (bounded, jittered, honouring the server's hints) only until the first audio has been delivered,
// enforces connect / first-byte / idle-gap timeouts — those rules are `ModelAttemptMachine`'s, which this
// client drives on the real clock — and aborts the HTTP request at once when the consumer
// stops listening (barge-in, hang-up: cancel the task or drop the stream). A model that refuses `stream: true`
// (HTTP 400 naming streaming) is asked again at once non-streamed, and remembered: its later requests go
// non-streamed directly.
import AsyncHTTPClient
public import Logging
import NIOCore
import Foundation
import Synchronization

/// An OpenAI-compatible audio chat client over AsyncHTTPClient. Call `shutdown()` when done.
public final class ChatModelClient: Sendable {
    public let provider: ProviderConfiguration
    public let options: ModelClientOptions
    /// Receives every HTTP attempt of every request (`serve --record`); a request may name its own instead.
    public let recorder: (any ModelExchangeRecorder)?
    let http: HTTPClient
    let logger: Logger
    /// Models that refused `stream: true` on this client: asked non-streamed from then on.
    let nonStreamingModels = Mutex<Set<String>>([])

    public init(
        provider: ProviderConfiguration, options: ModelClientOptions = ModelClientOptions(),
        logger: Logger = Logger(label: "switchboard.model"), recorder: (any ModelExchangeRecorder)? = nil
    ) {
        self.provider = provider
        self.options = options
        self.recorder = recorder
        var logger = logger
        logger[metadataKey: "provider"] = "\(provider.profile.name)"
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .nanoseconds(Int64(options.connectTimeout.totalNanoseconds)))
        configuration.redirectConfiguration = .disallow
        // Connection failures come back at once; our own retry policy (bounded, jittered) decides.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes pooled connections. Required before the client is released.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Sends `request` and streams the reply. Audio arrives resampled to `outputSampleRate`. The stream ends
    /// with `.finished`, or throws a `ModelClientError`. Cancelling the consuming task (or dropping the
    /// stream) aborts the HTTP request and ends the stream without further events. `recorder` (default: the
    /// client's) sees every attempt of this request.
    public func events(
        for request: ChatRequest, outputSampleRate: Int, recorder: (any ModelExchangeRecorder)? = nil
    ) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ChatStreamEvent.self)
        let recorder = recorder ?? self.recorder
        let task = Task {
            do {
                try await self.run(
                    request, outputSampleRate: outputSampleRate, recorder: recorder, continuation: continuation)
                continuation.finish()
            } catch is CancellationError {
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Sends `request`, hands every event to `onEvent`, and returns the reply summary.
    public func reply(
        to request: ChatRequest, outputSampleRate: Int, recorder: (any ModelExchangeRecorder)? = nil,
        onEvent: (ChatStreamEvent) -> Void = { _ in }
    ) async throws -> ChatReply {
        var reply: ChatReply?
        for try await event in events(for: request, outputSampleRate: outputSampleRate, recorder: recorder) {
            onEvent(event)
            if case .finished(let value) = event { reply = value }
        }
        guard let reply else { throw CancellationError() }
        return reply
    }

    private func run(
        _ request: ChatRequest, outputSampleRate: Int, recorder: (any ModelExchangeRecorder)?,
        continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
    ) async throws {
        guard outputSampleRate > 0 else {
            throw ModelClientError(.configuration, "output sample rate must be positive, got \(outputSampleRate)")
        }
        var request = request
        if request.stream, nonStreamingModels.withLock({ $0.contains(request.model) }) {
            request = Self.nonStreamed(request)
        }
        var body = try Self.encode(request)
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        let requestID = UUID()
        var logger = self.logger
        logger[metadataKey: "model"] = "\(request.model)"
        var machine = AttemptMachineBox(ModelAttemptMachine(options: options))
        while true {
            attempt += 1
            let progress = AttemptProgress()
            do {
                let firstDeadline = machine.handle(.attemptStarted, at: start.duration(to: clock.now)).compactMap {
                    if case .arm(let deadline) = $0 { return deadline }
                    return nil
                }.first
                let context = AttemptContext(
                    request: request, body: body, outputSampleRate: outputSampleRate, start: start, attempt: attempt,
                    progress: progress, machine: machine, firstDeadline: firstDeadline, continuation: continuation,
                    logger: logger,
                    tap: recorder.map { ExchangeTap(recorder: $0, id: ModelExchangeID(request: requestID, attempt: attempt)) })
                let reply = try await attemptOnce(context)
                _ = machine.handle(.finished, at: start.duration(to: clock.now))
                continuation.yield(.finished(reply))
                logger.debug("model reply finished", metadata: ["total_ms": "\(reply.metrics.total.milliseconds)"])
                return
            } catch let error as ModelClientError {
                if request.stream, Self.refusesStreaming(error) {
                    // Asked again at once, non-streamed, with a fresh attempt budget; remembered for this model.
                    nonStreamingModels.withLock { _ = $0.insert(request.model) }
                    logger.warning(
                        "the model refused streaming; asking again non-streamed (remembered for this model)",
                        metadata: ["error": "\(error)"])
                    request = Self.nonStreamed(request)
                    body = try Self.encode(request)
                    machine = AttemptMachineBox(ModelAttemptMachine(options: options))
                    continuation.yield(.retrying(attempt: attempt, delay: .zero, reason: error.message))
                    continue
                }
                let failed = ModelAttemptMachine.Event.attemptFailed(
                    retryable: error.isRetryable, retryAfter: error.retryAfter, jitter: Double.random(in: 0..<1))
                let next = machine.handle(failed, at: start.duration(to: clock.now)).first
                guard case .retry(_, let delay)? = next, !Task.isCancelled else {
                    logger.error("model request failed", metadata: ["error": "\(error)", "attempts": "\(attempt)"])
                    throw error
                }
                logger.warning(
                    "model request failed, retrying",
                    metadata: ["error": "\(error)", "attempt": "\(attempt)", "delay_ms": "\(delay.milliseconds)"])
                continuation.yield(.retrying(attempt: attempt, delay: delay, reason: error.message))
                try await Task.sleep(for: delay)
            }
        }
    }
}

extension ChatModelClient {
    static func encode(_ request: ChatRequest) throws(ModelClientError) -> Data {
        do {
            return try request.jsonData()
        } catch {
            throw ModelClientError(.configuration, "the request could not be encoded: \(error)")
        }
    }

    /// `request` asked without streaming (the whole reply as one JSON document, audio as WAV).
    static func nonStreamed(_ request: ChatRequest) -> ChatRequest {
        var request = request
        request.stream = false
        request.includeUsage = false
        if request.audio != nil { request.audio?.format = "wav" }
        return request
    }

    /// Whether `error` is the provider refusing `stream: true` (HTTP 400 whose message is about streaming).
    static func refusesStreaming(_ error: ModelClientError) -> Bool {
        guard error.status == 400 else { return false }
        let text = error.message.lowercased()
        return text.contains("stream")
            && (text.contains("not supported") || text.contains("unsupported") || text.contains("does not support")
                || text.contains("not available") || text.contains("not allowed"))
    }
}

extension Duration {
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whole milliseconds (rounded down).
    var milliseconds: Int64 { totalNanoseconds / 1_000_000 }

    /// Seconds as a Double.
    var seconds: Double { Double(totalNanoseconds) / 1e9 }
}
