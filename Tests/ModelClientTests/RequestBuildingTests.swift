// ModelClientTests: request bodies and history: the reference shape, tool round trips, audio ids until they
// expire, the bounded history (last N caller turns as audio, older ones as transcripts), provider profiles
// and environment overrides, keys kept out of descriptions, retry timing rules.
import Foundation
import ModelClient
import Testing
import SwitchboardCore

@Suite struct RequestBuildingTests {
    static let wav = Data([UInt8]("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVEfmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0, 16, 0] + Array("data".utf8) + [4, 0, 0, 0, 1, 0, 2, 0])

    @Test func toolRoundTripMatchesTheReference() throws {
        var conversation = Conversation(instructions: "You are the phone assistant.")
        conversation.appendUser(.init(audio: Self.wav))
        let call = ChatToolCall(id: "call_1", name: "lookup_account", arguments: #"{"phone":"+15550100"}"#)
        conversation.appendAssistant(.init(toolCalls: [call]))
        conversation.appendToolResult(callID: "call_1", content: #"{"balance":42}"#)
        var settings = ProviderProfile.openai.settings(voice: "alloy")
        settings.tools = [ChatTool(name: "lookup_account", parameters: ["type": "object", "properties": ["phone": ["type": "string"]]])]
        settings.parallelToolCalls = true
        let body = try settings.request(conversation: conversation, now: Date()).jsonData()
        #expect(RequestSchemaValidator.validate([UInt8](body), allowedVoices: ProviderProfile.openAIVoices).isEmpty)
        let json = try JSONValue.parse(body)
        #expect(json["messages"]?[2] == ["role": "assistant", "content": .null,
            "tool_calls": [["id": "call_1", "type": "function", "function": ["name": "lookup_account", "arguments": #"{"phone":"+15550100"}"#]]]])
        #expect(json["messages"]?[3] == ["role": "tool", "tool_call_id": "call_1", "content": #"{"balance":42}"#])
        #expect(json["stream_options"] == ["include_usage": true])
        #expect(json["audio"] == ["voice": "alloy", "format": "pcm16"])
        #expect(json["parallel_tool_calls"] == true)
    }

    @Test func validatorCatchesBadRequests() throws {
        let bad = ChatRequest(
            model: "m", audio: .init(voice: "robot", format: "wav"), stream: true,
            messages: [.assistant(text: nil, toolCalls: []), .tool(callID: "nope", content: "{}")])
        let problems = RequestSchemaValidator.validate([UInt8](try bad.jsonData()), allowedVoices: ProviderProfile.openAIVoices)
        #expect(problems.contains { $0.contains("audio.voice 'robot'") })
        #expect(problems.contains { $0.contains("pcm16 when stream=true") })
        #expect(problems.contains { $0.contains("needs audio.id, content or tool_calls") })
        #expect(problems.contains { $0.contains("tool_call_id") })
    }

    @Test func historyIsBoundedAndAudioIDsExpire() throws {
        var conversation = Conversation(instructions: "sys", audioTurns: 2, maxTurns: 3)
        let now = Date(timeIntervalSince1970: 1_000_000)
        for turn in 1...4 {
            conversation.appendUser(.init(audio: Self.wav, texts: turn == 4 ? ["Caller pressed 2"] : [], transcript: "caller \(turn)"))
            conversation.appendAssistant(.init(audioID: "audio_\(turn)", expiresAt: now.addingTimeInterval(turn == 4 ? -1 : 3600), transcript: "reply \(turn)"))
        }
        let messages = conversation.messages(now: now)
        // Turn 1 forgotten (maxTurns 3); turn 2 as transcripts; turns 3-4 as audio, turn 4's reply expired.
        #expect(messages == [
            .system("sys"),
            .user([.text("caller 2")]), .assistant(text: "reply 2", toolCalls: []),
            .user([.inputAudio(data: Self.wav.base64EncodedString(), format: "wav")]), .assistantAudio(id: "audio_3"),
            .user([.inputAudio(data: Self.wav.base64EncodedString(), format: "wav"), .text("Caller pressed 2")]),
            .assistant(text: "reply 4", toolCalls: []),
        ])
        let oldTurn = conversation.entries.first
        if case .user(let turn) = oldTurn { #expect(turn.audio == nil) } else { Issue.record("expected a user turn first") }
    }

    @Test func profilesAndEnvironment() {
        let env = ["OPENAI_API_KEY": "sk-live-123", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1/", "AIMLAPI_API_KEY": "aiml-456"]
        let openai = ProviderConfiguration.resolve(.openai, environment: env)
        #expect(openai.apiKey == "sk-live-123")
        #expect(openai.chatCompletionsURL == "http://127.0.0.1:8000/v1/chat/completions")
        #expect(!openai.description.contains("sk-live-123"))
        #expect(!"\(openai)".contains("sk-live-123"))
        let aiml = ProviderConfiguration.resolve(.aimlapi, environment: env)
        #expect(aiml.apiKey == "aiml-456")
        #expect(aiml.baseURL == "https://api.aimlapi.com/v1")
        #expect(ProviderConfiguration.resolve(.cometapi, environment: env).apiKey == nil)
        #expect(ProviderProfile.named("CometAPI")?.baseURL == "https://api.cometapi.com/v1")
        #expect(ProviderProfile.aimlapi.checkVoice("verse") != nil)
        #expect(ProviderProfile.openai.checkVoice("verse") == nil)
    }

    @Test func retryRules() {
        let policy = RetryPolicy()
        #expect(policy.delay(beforeRetry: 0, retryAfter: nil, jitter: 0) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 1, retryAfter: nil, jitter: 1) == .milliseconds(750))
        #expect(policy.delay(beforeRetry: 10, retryAfter: nil, jitter: 0) == .seconds(8))
        #expect(policy.delay(beforeRetry: 0, retryAfter: .seconds(2), jitter: 0.5) == .seconds(2))
        #expect(policy.delay(beforeRetry: 0, retryAfter: .seconds(600), jitter: 0) == nil)
        #expect(RetryPolicy.retryAfter(milliseconds: "250", seconds: "9") == .milliseconds(250))
        #expect(RetryPolicy.retryAfter(milliseconds: nil, seconds: " 1.5 ") == .milliseconds(1500))
        #expect(RetryPolicy.retryAfter(milliseconds: nil, seconds: "Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.isRetryable(status: 429, shouldRetryHeader: nil))
        #expect(RetryPolicy.isRetryable(status: 409, shouldRetryHeader: nil))
        #expect(!RetryPolicy.isRetryable(status: 400, shouldRetryHeader: nil))
        #expect(RetryPolicy.isRetryable(status: 400, shouldRetryHeader: "true"))
        #expect(!RetryPolicy.isRetryable(status: 503, shouldRetryHeader: "false"))
    }
}
