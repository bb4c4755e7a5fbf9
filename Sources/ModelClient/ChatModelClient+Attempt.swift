// ModelClient: one HTTP attempt: send, check the status, read the body (SSE or one JSON document) under the
// watchdog's deadlines, and hand decoded events to the consumer as they arrive.
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

struct AttemptContext: Sendable {
    var request: ChatRequest
    var body: Data
    var outputSampleRate: Int
    var start: ContinuousClock.Instant
    var attempt: Int
    var progress: AttemptProgress
    /// The request's attempt state machine; `firstDeadline` is the deadline it armed for this attempt.
    var machine: AttemptMachineBox
    var firstDeadline: ModelAttemptMachine.Deadline?
    var continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
    var logger: Logger
    var tap: ExchangeTap?
}

extension ChatModelClient {
    func attemptOnce(_ context: AttemptContext) async throws -> ChatReply {
        context.tap?.started(url: provider.chatCompletionsURL, body: context.body)
        do {
            let reply = try await watched(context)
            context.tap?.finished(.completed)
            return reply
        } catch let error as ModelClientError {
            context.tap?.finished(.failed(error))
            throw error
        } catch {
            context.tap?.finished(.cancelled)
            throw error
        }
    }

    /// The error an attempt ends with when `deadline` passes.
    func timeoutError(_ deadline: ModelAttemptMachine.Deadline) -> ModelClientError {
        switch deadline.timeout {
        case .firstByte:
            ModelClientError(
                .firstByteTimeout, "no reply from \(provider.profile.name) within \(deadline.limit) of sending the request",
                retryable: true)
        case .idle:
            ModelClientError(
                .idleTimeout, "the reply stream from \(provider.profile.name) stalled for more than \(deadline.limit)",
                retryable: true)
        }
    }

    /// Moves the watchdog to the deadlines the state machine arms.
    func apply(_ actions: [ModelAttemptMachine.Action], _ context: AttemptContext, _ watchdog: StreamWatchdog) {
        for case .arm(let deadline) in actions {
            watchdog.arm(deadline: context.start + deadline.at, error: timeoutError(deadline))
        }
    }

    private func watched(_ context: AttemptContext) async throws -> ChatReply {
        let limit = options.connectTimeout + options.firstByteTimeout
        let first = context.firstDeadline
            ?? ModelAttemptMachine.Deadline(timeout: .firstByte, at: context.start.duration(to: .now) + limit, limit: limit)
        let watchdog = StreamWatchdog(deadline: context.start + first.at, error: timeoutError(first))
        do {
            return try await withThrowingTaskGroup(of: ChatReply?.self) { group in
                // The watchdog never returns: it throws when a deadline passes, or is cancelled.
                group.addTask { try await watchdog.run() }
                group.addTask { try await self.read(context, watchdog: watchdog) }
                while let result = try await group.next() {
                    if let reply = result {
                        group.cancelAll()
                        return reply
                    }
                }
                throw CancellationError()
            }
        } catch let error as ModelClientError {
            throw error
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw Self.transportError(error)
        }
    }

    private func read(_ context: AttemptContext, watchdog: StreamWatchdog) async throws -> ChatReply {
        let clock = ContinuousClock()
        var request = HTTPClientRequest(url: provider.chatCompletionsURL)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: context.request.stream ? "text/event-stream" : "application/json")
        if let key = provider.apiKey { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        for (name, value) in provider.profile.extraHeaders { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: context.body))

        let response = try await http.execute(request, deadline: .distantFuture, logger: context.logger)
        let status = Int(response.status.code)
        context.progress.status(status)
        context.tap?.head(status: status, headers: response.headers.map { ($0.name, $0.value) })
        guard (200..<300).contains(status) else {
            var bytes: [UInt8] = []
            for try await buffer in response.body {
                apply(context.machine.handle(.bytesReceived, at: context.start.duration(to: clock.now)), context, watchdog)
                context.tap?.received(buffer)
                if bytes.count < 65_536 { bytes += buffer.readableBytesView.prefix(65_536 - bytes.count) }
            }
            throw Self.httpError(
                status: status, header: { response.headers.first(name: $0) }, body: bytes,
                model: context.request.model, provider: provider)
        }

        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        let isEventStream = contentType.contains("event-stream") || (!contentType.contains("json") && context.request.stream)
        let decoder = ReplyStreamDecoder(
            providerSampleRate: provider.profile.audioSampleRate, outputSampleRate: context.outputSampleRate)
        var document: [UInt8] = []
        var reportedMalformed = 0
        var comments = SSECommentTracker()
        for try await buffer in response.body {
            let now = clock.now
            context.progress.received(bytes: buffer.readableBytes, at: context.start.duration(to: now))
            context.tap?.received(buffer)
            // Keep-alive comments prove the connection lives, not that the reply moves: they do not push the
            // idle (or first-byte) deadline, so a gateway that queues cannot hold the caller in silence forever.
            if !(isEventStream && comments.onlyComments(buffer.readableBytesView)) {
                apply(context.machine.handle(.bytesReceived, at: context.start.duration(to: now)), context, watchdog)
            }
            if isEventStream {
                deliver(try decoder.consumeStream(buffer.readableBytesView), context)
                if decoder.malformedChunks > reportedMalformed {
                    reportedMalformed = decoder.malformedChunks
                    context.logger.warning(
                        "skipped a reply chunk that is not JSON",
                        metadata: ["skipped": "\(reportedMalformed)", "sample": "\(decoder.malformedSamples.last ?? "")"])
                }
                if decoder.isDone { break }
            } else {
                guard document.count + buffer.readableBytes <= 256 << 20 else {
                    throw ModelClientError(.malformedResponse, "the reply body exceeds 256 MB")
                }
                document += buffer.readableBytesView
            }
        }
        try Task.checkCancellation()
        deliver(
            isEventStream ? try decoder.finishStream() : try decoder.consumeCompletion(Data(document)), context)
        if !isEventStream, decoder.malformedChunks > 0 {
            throw ModelClientError(
                .malformedResponse,
                "the reply from \(provider.profile.name) could not be read: \(decoder.malformedSamples.first ?? "")")
        }
        if !Task.isCancelled {
            for text in context.progress.releaseHeld() { context.continuation.yield(.transcriptDelta(text)) }
        }
        let progress = context.progress.snapshot
        var metrics = RequestMetrics(
            provider: provider.profile.name, model: context.request.model, attempts: context.attempt,
            httpStatus: progress.status, timeToFirstByte: progress.timeToFirstByte,
            timeToFirstAudio: progress.timeToFirstAudio, total: context.start.duration(to: clock.now),
            usage: decoder.usage, malformedChunks: decoder.malformedChunks, responseBytes: progress.responseBytes,
            replyAudioSeconds: Double(decoder.deliveredSamples) / Double(context.outputSampleRate))
        metrics.cost = decoder.usage.flatMap { provider.profile.prices.cost(of: $0, model: context.request.model) } ?? 0
        var reply = ChatReply(
            finishReason: decoder.finishReason, usage: decoder.usage, transcript: decoder.transcript,
            audioID: decoder.audioID, expiresAt: decoder.expiresAt, toolCalls: decoder.toolCalls,
            audioSampleCount: decoder.deliveredSamples, outputSampleRate: context.outputSampleRate, metrics: metrics)
        reply.refusal = decoder.refusal
        return reply
    }

    private func deliver(_ events: [ChatStreamEvent], _ context: AttemptContext) {
        guard !Task.isCancelled else { return }
        for event in events {
            switch event {
            case .audio:
                let elapsed = context.start.duration(to: ContinuousClock().now)
                context.progress.deliveredAudio(at: elapsed)
                _ = context.machine.handle(.audioDelivered, at: elapsed)
                // Audio makes the attempt final (never retried): what was held goes out first.
                for text in context.progress.releaseHeld() { context.continuation.yield(.transcriptDelta(text)) }
            case .transcriptDelta(let text):
                if context.progress.hold(text) { continue }
            default:
                break
            }
            context.continuation.yield(event)
        }
    }
}
