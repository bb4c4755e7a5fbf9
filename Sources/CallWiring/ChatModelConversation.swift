// CallWiring: the live model — ModelClient's streaming HTTP client behind CallEngine's `ConversationModel`.
// Per request: the model after the catalogue's aliases; earlier replies by audio id while the id lives (else by
// transcript); a request whose audio id the provider rejects (expired, unknown to a gateway) is sent once more
// with transcripts instead; a refusal, a content filter or a reply cut at the token limit is logged (status in
// `model_requests`) and, when nothing was said, spoken as text. One call-log row per HTTP request sent.
public import CallEngine
public import SwitchboardCore
import Foundation
import Logging
public import ModelClient

/// Sends each model turn to an OpenAI-compatible `/v1/chat/completions` and streams the reply back.
public struct ChatModelConversation: ConversationModel {
    public let client: ChatModelClient
    /// Receives one record per request (latency, tokens, cost, error) for the call log.
    public let onRequest: @Sendable (ModelRequestRecord) -> Void
    /// Gets every HTTP attempt byte for byte (`serve --record`); nil: the client's own, if any.
    public let recorder: (any ModelExchangeRecorder)?
    /// Expiry of the audio ids of earlier replies (shared by every call of this model).
    public let audioIDs: AudioIDBook
    private let mapper = ModelEventMapper()
    private let logger = Logger(label: "switchboard.model")

    /// Said (text to speech) when the model refused or was filtered and said nothing itself.
    public static let refusedFallback = "Sorry, I can't help with that."
    /// Said when the reply was cut at the token limit before anything was said.
    public static let cutFallback = "Sorry, that answer was too long. Could you ask me again?"

    public init(
        client: ChatModelClient, onRequest: @escaping @Sendable (ModelRequestRecord) -> Void = { _ in },
        recorder: (any ModelExchangeRecorder)? = nil, audioIDs: AudioIDBook = AudioIDBook()
    ) {
        self.client = client
        self.onRequest = onRequest
        self.recorder = recorder
        self.audioIDs = audioIDs
    }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let profile = client.provider.profile
        let audioIDs = self.audioIDs
        let now = Date()
        let first = request.chatRequest(profile: profile, now: now) { audioIDs.usable($0, now: now) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ModelEvent.self)
        let task = Task {
            var chat = first
            var resent = false
            while true {
                switch await send(chat, request: request, continuation: continuation) {
                case .done:
                    continuation.finish()
                    return
                case .failed(let error, let delivered):
                    if !resent, !delivered, Self.rejectsAudioID(error) {
                        let plain = request.chatRequest(profile: profile, now: Date()) { _ in false }
                        if plain.messages != chat.messages {
                            logger.warning(
                                "the provider rejected an earlier reply's audio id; sending the turn again with transcripts",
                                metadata: ["call": "\(request.callID)", "error": "\(error)"])
                            resent = true
                            chat = plain
                            continue
                        }
                    }
                    continuation.finish(throwing: ModelFailure(error))
                    return
                case .other(let error):
                    continuation.finish(throwing: error)
                    return
                }
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private enum SendOutcome {
        case done
        /// `delivered`: events already reached the call (no resend then).
        case failed(ModelClientError, delivered: Bool)
        case other(any Error)
    }

    /// One request (with the client's own retries and fallbacks): events to the call, one call-log row.
    private func send(
        _ chat: ChatRequest, request: ModelTurnRequest,
        continuation: AsyncThrowingStream<ModelEvent, any Error>.Continuation
    ) async -> SendOutcome {
        let profile = client.provider.profile
        let started = Date()
        func record(status: String, reply: ChatReply?, error: String?) {
            let usage = reply?.usage
            onRequest(ModelRequestRecord(
                callID: request.callID, provider: profile.name, model: chat.model, status: status, startedAt: started,
                ttfbMs: reply?.metrics.timeToFirstByte?.milliseconds, ttfaMs: reply?.metrics.timeToFirstAudio?.milliseconds,
                durationMs: reply?.metrics.total.milliseconds ?? Int(Date().timeIntervalSince(started) * 1000),
                textInTokens: usage?.promptTextTokens ?? 0, textOutTokens: usage?.completionTextTokens ?? 0,
                audioInTokens: usage?.promptAudioTokens ?? 0, audioOutTokens: usage?.completionAudioTokens ?? 0,
                costUSD: usage.flatMap { profile.prices.cost(of: $0, model: chat.model) }, error: error))
        }
        var delivered = false
        do {
            for try await event in client.events(
                for: chat, outputSampleRate: request.outputSampleRate, recorder: recorder)
            {
                switch event {
                case .finished(let reply):
                    if let id = reply.audioID { audioIDs.note(id: id, expiresAt: reply.expiresAt, now: Date()) }
                    let outcome = Self.outcome(of: reply)
                    if let note = outcome.note {
                        logger.warning(
                            "model reply not as asked", metadata: ["call": "\(request.callID)", "status": "\(outcome.status)", "detail": "\(note)"])
                    }
                    record(status: outcome.status, reply: reply, error: outcome.note)
                    if let spoken = outcome.spoken { continuation.yield(.transcriptDelta(spoken)) }
                case .audio, .transcriptDelta, .toolCall:
                    delivered = true
                case .retrying:
                    break
                }
                for mapped in mapper.map(event) { continuation.yield(mapped) }
            }
            return .done
        } catch let error as ModelClientError {
            record(status: error.status.map(String.init) ?? error.code.raw, reply: nil, error: error.message)
            return .failed(error, delivered: delivered)
        } catch is CancellationError {
            record(status: "cancelled", reply: nil, error: nil)
            return .done
        } catch {
            record(status: "error", reply: nil, error: "\(error)")
            return .other(error)
        }
    }

    /// The call-log status of a finished reply, what to note, and what to say when the model said nothing.
    static func outcome(of reply: ChatReply) -> (status: String, note: String?, spoken: String?) {
        let silent = reply.audioSampleCount == 0 && reply.transcript.isEmpty && reply.toolCalls.isEmpty
        if !reply.refusal.isEmpty {
            return ("refusal", "the model refused: \(reply.refusal)", silent ? reply.refusal : nil)
        }
        switch reply.finishReason {
        case "content_filter":
            return ("content_filter", "the reply was stopped by the provider's content filter", silent ? refusedFallback : nil)
        case "length":
            return ("length", "the reply was cut at the token limit (max tokens)", silent ? cutFallback : nil)
        default:
            return ("ok", nil, nil)
        }
    }

    /// Whether `error` is the provider rejecting an earlier reply's audio id (expired, or unknown to a gateway).
    static func rejectsAudioID(_ error: ModelClientError) -> Bool {
        guard let status = error.status, status == 400 || status == 404 else { return false }
        let text = error.message.lowercased()
        return text.contains("audio")
            && (text.contains(" id") || text.contains("not found") || text.contains("unknown") || text.contains("expired"))
    }
}

extension ModelFailure {
    /// A client error as the engine's failure: opaque code, the provider's message, whether a retry could help.
    public init(_ error: ModelClientError) {
        self.init(code: error.code.raw, message: error.message, retryable: error.isRetryable)
    }
}
