// CallWiring: caller transcripts from the provider's `/audio/transcriptions` behind CallEngine's
// `CallerTranscriber` port.
public import CallEngine
public import ModelClient

/// Transcribes caller turns with `model` through the chat client's provider (same base URL and key).
public struct ChatModelTranscriber: CallerTranscriber {
    public let client: ChatModelClient
    public let model: String

    public init(client: ChatModelClient, model: String) {
        self.client = client
        self.model = model
    }

    public func transcribe(wav: [UInt8], language: String?) async throws -> String {
        try await client.transcribe(wav: wav, model: model, language: language)
    }
}
