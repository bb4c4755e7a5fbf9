// ModelClientTests: shared set-up: real speech from espeak-ng (made once per run), a client pointed at a
// fresh test server, and the request-schema check every test runs on what the server received.
import Foundation
import ModelClient
import SwitchboardTestKit
import Testing
import Audio

enum TestFixtures {
    /// A spoken reply at 24 kHz (as the model sends it) and the caller's turn as a 16-bit mono WAV file.
    struct Speech: Sendable {
        var reply24k: [Int16]
        var callerWAV: Data
    }

    static func speech() throws -> Speech { try speechCache.get() }

    private static let speechCache: Result<Speech, any Error> = Result {
        let dir = try TemporaryDirectory(prefix: "model-client-speech")
        defer { dir.remove() }
        let reply = try TestAudio.speech(
            "Your balance is forty two dollars. Is there anything else?", sampleRate: 24000, in: dir)
        let caller = try TestAudio.speech("What is my account balance?", sampleRate: 16000, in: dir)
        let wav = WAVFile.serialize(WAVAudio(sampleRate: 16000, samples: caller))
        return Speech(reply24k: reply, callerWAV: Data(wav))
    }

    static let tools = [
        ChatTool(
            name: "lookup_account", description: "Find the caller's account by phone number",
            parameters: ["type": "object", "properties": ["phone": ["type": "string"]], "required": ["phone"]])
    ]

    /// A streaming request with a system prompt and the caller's spoken turn.
    static func request(profile: ProviderProfile = .openai, tools: [ChatTool] = [], stream: Bool = true) throws -> ChatRequest {
        var conversation = Conversation(instructions: "You are the phone assistant of Example Bank.")
        conversation.appendUser(.init(audio: try speech().callerWAV, texts: ["Caller pressed 2"]))
        var settings = profile.settings(voice: "coral")
        settings.tools = tools
        settings.stream = stream
        settings.audioFormat = stream ? "pcm16" : "wav"
        settings.maxCompletionTokens = 2048
        settings.temperature = 0.8
        return settings.request(conversation: conversation, now: Date())
    }

    static func client(
        _ server: OpenAITestServer, profile: ProviderProfile = .openai, options: ModelClientOptions = fastOptions
    ) -> ChatModelClient {
        ChatModelClient(
            provider: ProviderConfiguration(profile: profile, baseURL: server.baseURL, apiKey: "sk-test-secret-key"),
            options: options)
    }

    /// Short retry delays; timeouts generous enough for a loaded 2-core CI box (tests that exercise a timeout
    /// set their own short one).
    static let fastOptions = ModelClientOptions(
        connectTimeout: .seconds(5), firstByteTimeout: .seconds(10), idleTimeout: .seconds(8),
        retry: RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100)),
        retryBudget: .seconds(20))

    /// Every request the server received must match the reference request schema.
    static func expectValidRequests(_ server: OpenAITestServer, voices: [String] = ProviderProfile.openAIVoices) {
        for (index, request) in server.requests.enumerated() {
            #expect(request.method == "POST")
            #expect(request.uri == "/v1/chat/completions")
            #expect(request.header("authorization") == "Bearer sk-test-secret-key")
            #expect(request.header("content-type") == "application/json")
            let problems = RequestSchemaValidator.validate(request.body, allowedVoices: voices)
            #expect(problems.isEmpty, "request \(index): \(problems)")
        }
    }

    /// Runs `body` with a started server and a client on it; shuts both down afterwards.
    static func withServer<T>(
        profile: ProviderProfile = .openai, options: ModelClientOptions = fastOptions,
        _ body: (OpenAITestServer, ChatModelClient) async throws -> T
    ) async throws -> T {
        let server = try await OpenAITestServer.start()
        let client = client(server, profile: profile, options: options)
        do {
            let result = try await body(server, client)
            try await client.shutdown()
            try await server.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            try? await server.shutdown()
            throw error
        }
    }
}
