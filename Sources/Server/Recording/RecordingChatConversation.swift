// Server/Recording: the live model of a recorded call — CallWiring's `ChatModelConversation` with the call's
// recorder handed to every request, so each HTTP attempt lands in the fixture's cassette byte for byte.
public import CallEngine
import CallLog
public import CallWiring
import Foundation
import ModelClient

/// Same requests, same call-log records as `ChatModelConversation`; every attempt also goes to `recorder`.
public struct RecordingChatConversation: ConversationModel {
    public let base: ChatModelConversation
    let recorder: CallRecorder

    public init(base: ChatModelConversation, recorder: CallRecorder) {
        self.base = base
        self.recorder = recorder
    }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<CallEngine.ModelEvent, any Error> {
        let client = base.client
        let chat = request.chatRequest(profile: client.provider.profile, now: Date())
        let upstream = client.events(for: chat, outputSampleRate: request.outputSampleRate, recorder: recorder)
        let mapper = ModelEventMapper()
        let onRequest = base.onRequest
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
