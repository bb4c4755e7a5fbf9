// CallWiring: the live model — ModelClient's streaming HTTP client behind CallEngine's `ConversationModel`.
public import CallEngine
public import CallLog
import Foundation
public import ModelClient

/// Sends each model turn to an OpenAI-compatible `/v1/chat/completions` and streams the reply back.
public struct ChatModelConversation: ConversationModel {
    public let client: ChatModelClient
    /// Receives one record per request (latency, tokens, cost, error) for the call log.
    public let onRequest: @Sendable (CallLog.ModelRequestRecord) -> Void
    /// Gets every HTTP attempt byte for byte (`serve --record`); nil: the client's own, if any.
    public let recorder: (any ModelExchangeRecorder)?
    private let mapper = ModelEventMapper()

    public init(
        client: ChatModelClient, onRequest: @escaping @Sendable (CallLog.ModelRequestRecord) -> Void = { _ in },
        recorder: (any ModelExchangeRecorder)? = nil
    ) {
        self.client = client
        self.onRequest = onRequest
        self.recorder = recorder
    }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<CallEngine.ModelEvent, any Error> {
        let chat = request.chatRequest(profile: client.provider.profile, now: Date())
        let upstream = client.events(for: chat, outputSampleRate: request.outputSampleRate, recorder: recorder)
        let mapper = self.mapper
        let onRequest = self.onRequest
        let provider = client.provider.profile.name
        let started = Date()
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: CallEngine.ModelEvent.self)
        let task = Task {
            func record(status: String, reply: ChatReply?, error: String?) {
                let usage = reply?.usage
                onRequest(CallLog.ModelRequestRecord(
                    callID: request.callID, provider: provider, model: chat.model, status: status, startedAt: started,
                    ttfbMs: reply?.metrics.timeToFirstByte?.milliseconds, ttfaMs: reply?.metrics.timeToFirstAudio?.milliseconds,
                    durationMs: reply?.metrics.total.milliseconds ?? Int(Date().timeIntervalSince(started) * 1000),
                    textInTokens: usage?.promptTextTokens ?? 0, textOutTokens: usage?.completionTextTokens ?? 0,
                    audioInTokens: usage?.promptAudioTokens ?? 0, audioOutTokens: usage?.completionAudioTokens ?? 0,
                    costUSD: reply?.metrics.cost, error: error))
            }
            do {
                for try await event in upstream {
                    if case .finished(let reply) = event { record(status: "ok", reply: reply, error: nil) }
                    for mapped in mapper.map(event) { continuation.yield(mapped) }
                }
                continuation.finish()
            } catch let error as ModelClientError {
                record(status: error.status.map(String.init) ?? error.code.raw, reply: nil, error: error.message)
                continuation.finish(throwing: ModelFailure(error))
            } catch is CancellationError {
                record(status: "cancelled", reply: nil, error: nil)
                continuation.finish()
            } catch {
                record(status: "error", reply: nil, error: "\(error)")
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

extension ModelFailure {
    /// A client error as the engine's failure: opaque code, the provider's message, whether a retry could help.
    public init(_ error: ModelClientError) {
        self.init(code: error.code.raw, message: error.message, retryable: error.isRetryable)
    }
}
