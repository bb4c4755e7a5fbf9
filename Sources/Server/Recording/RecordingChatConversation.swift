// Server/Recording: the live model of a recorded call — CallWiring's `ChatModelConversation` with the call's
// recorder handed to every request, so each HTTP attempt lands in the fixture's cassette byte for byte.
public import CallEngine
public import CallWiring
import ModelClient

/// Same requests, same call-log records as `base`; every attempt also goes to `recorder`.
public struct RecordingChatConversation: ConversationModel {
    public let base: ChatModelConversation
    private let recorded: ChatModelConversation

    public init(base: ChatModelConversation, recorder: CallRecorder) {
        self.base = base
        recorded = ChatModelConversation(client: base.client, onRequest: base.onRequest, recorder: recorder)
    }

    public func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        recorded.respond(to: request)
    }
}
