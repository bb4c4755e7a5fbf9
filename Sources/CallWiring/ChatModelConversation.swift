// CallWiring: the live model — ModelClient's streaming HTTP client behind CallEngine's `ConversationModel`.
public import CallEngine
import Foundation
public import ModelClient

/// Sends each model turn to an OpenAI-compatible `/v1/chat/completions` and streams the reply back.
public struct ChatModelConversation: ConversationModel {
    public let client: ChatModelClient
    private let mapper = ModelEventMapper()

    public init(client: ChatModelClient) {
        self.client = client
    }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<CallEngine.ModelEvent, any Error> {
        let chat = request.chatRequest(profile: client.provider.profile, now: Date())
        let upstream = client.events(for: chat, outputSampleRate: request.outputSampleRate)
        let mapper = self.mapper
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: CallEngine.ModelEvent.self)
        let task = Task {
            do {
                for try await event in upstream {
                    for mapped in mapper.map(event) { continuation.yield(mapped) }
                }
                continuation.finish()
            } catch let error as ModelClientError {
                continuation.finish(throwing: ModelFailure(error))
            } catch {
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
