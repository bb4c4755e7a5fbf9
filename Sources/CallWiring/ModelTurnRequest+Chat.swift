// CallWiring: a CallEngine model turn as the wire request ModelClient sends.
public import CallEngine
import Flows
public import Foundation
public import ModelClient
import SwitchboardCore

extension ModelTurnRequest {
    /// The conversation in ModelClient's terms: caller audio as WAV, earlier replies by audio id or transcript,
    /// tool calls and results in order. `audioIDUsable` decides per id whether it may still be referenced
    /// (expired, rejected, or ids switched off: the reply's transcript is sent instead).
    public func conversation(audioTurns: Int = 4, audioIDUsable: (String) -> Bool = { _ in true }) -> Conversation {
        var conversation = Conversation(instructions: self.instructions, audioTurns: audioTurns)
        for item in history {
            switch item {
            case .callerAudio(let wav, let transcript):
                conversation.appendUser(.init(audio: Data(wav), transcript: transcript))
            case .callerText(let text):
                conversation.appendUser(.init(audio: nil, texts: [text]))
            case .assistant(let transcript, let audioID):
                // An empty transcript cannot stand in for the audio: such a reply keeps its id.
                let usable = audioID.map { audioIDUsable($0) || transcript.isEmpty } ?? false
                conversation.appendAssistant(.init(audioID: usable ? audioID : nil, transcript: transcript))
            case .toolCalls(let calls):
                conversation.appendAssistant(.init(toolCalls: calls.map {
                    ChatToolCall(id: $0.id, name: $0.name, arguments: $0.canonicalArgumentsText)
                }))
            case .toolResult(let id, let content):
                conversation.appendToolResult(callID: id, content: content)
            }
        }
        return conversation
    }

    /// The request body for `profile`: the step's voice and model when it names them, else the profile's (the
    /// model after the catalogue's aliases); earlier replies by audio id only when the profile reuses ids and
    /// `audioIDUsable` allows the id.
    public func chatRequest(
        profile: ProviderProfile, now: Date, audioIDUsable: (String) -> Bool = { _ in true }
    ) -> ChatRequest {
        var settings = profile.settings(voice: self.voice, model: self.model)
        settings.tools = self.tools.map { ChatTool(name: $0.name, description: $0.description, parameters: $0.parameters) }
        if !settings.tools.isEmpty {
            settings.toolChoice = ChatToolChoice("auto")
            settings.parallelToolCalls = true
        }
        let reuse = profile.reuseAudioIDs
        return settings.request(conversation: conversation { reuse && audioIDUsable($0) }, now: now)
    }
}

/// Maps ModelClient's stream events onto CallEngine's, one by one.
public struct ModelEventMapper: Sendable {
    public init() {}

    public func map(_ event: ChatStreamEvent) -> [ModelEvent] {
        switch event {
        case .audio(let samples):
            return [.audio(samples)]
        case .transcriptDelta(let text):
            return [.transcriptDelta(text)]
        case .toolCall(let call):
            return [.toolCall(ToolCall(id: call.id, name: call.name, argumentsText: call.arguments))]
        case .retrying:
            return []
        case .finished(let reply):
            var out: [ModelEvent] = []
            if let id = reply.audioID { out.append(.audioID(id)) }
            out.append(.finished(usage(reply)))
            return out
        }
    }

    public func usage(_ reply: ChatReply) -> ModelUsage {
        let metrics = reply.metrics
        return ModelUsage(
            promptTokens: reply.usage?.promptTokens ?? 0,
            completionTokens: reply.usage?.completionTokens ?? 0,
            timeToFirstByteMs: metrics.timeToFirstByte?.milliseconds,
            timeToFirstAudioMs: metrics.timeToFirstAudio?.milliseconds,
            totalMs: metrics.total.milliseconds,
            costUSD: metrics.cost)
    }
}
