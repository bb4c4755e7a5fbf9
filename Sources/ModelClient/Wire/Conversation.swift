// Wire (pure, Foundation only): the history of one call as the model sees it. Caller turns are WAV
// `input_audio` parts (plus optional text parts such as DTMF digits); replies are referenced by `audio.id`
// while unexpired, else by transcript; tool calls and results stay in order. Bounded: the last
// `audioTurns` caller turns keep their audio, older ones are sent as transcripts (their audio is dropped
// from memory), and beyond `maxTurns` whole exchanges are forgotten from the front.
public import Foundation

public struct Conversation: Sendable, Equatable {
    public struct UserTurn: Sendable, Equatable {
        /// The caller's audio as a 16-bit mono WAV file (nil once it aged out, or for text-only turns).
        public var audio: Data?
        public var audioFormat: String
        /// Extra text parts, e.g. "Caller pressed 2".
        public var texts: [String]
        /// What the caller said, when known (sent instead of the audio once it aged out).
        public var transcript: String?

        public init(audio: Data?, audioFormat: String = "wav", texts: [String] = [], transcript: String? = nil) {
            self.audio = audio
            self.audioFormat = audioFormat
            self.texts = texts
            self.transcript = transcript
        }
    }

    public struct AssistantTurn: Sendable, Equatable {
        public var audioID: String?
        public var expiresAt: Date?
        public var transcript: String
        public var toolCalls: [ChatToolCall]

        public init(audioID: String? = nil, expiresAt: Date? = nil, transcript: String = "", toolCalls: [ChatToolCall] = []) {
            self.audioID = audioID
            self.expiresAt = expiresAt
            self.transcript = transcript
            self.toolCalls = toolCalls
        }
    }

    public enum Entry: Sendable, Equatable {
        case user(UserTurn)
        case assistant(AssistantTurn)
        case toolResult(callID: String, content: String)
    }

    public var instructions: String
    /// How many of the latest caller turns are sent as audio.
    public var audioTurns: Int
    /// How many caller turns (with their replies and tool traffic) are kept at all.
    public var maxTurns: Int
    public private(set) var entries: [Entry] = []

    public init(instructions: String, audioTurns: Int = 4, maxTurns: Int = 40) {
        self.instructions = instructions
        self.audioTurns = max(1, audioTurns)
        self.maxTurns = max(self.audioTurns, maxTurns)
    }

    public mutating func appendUser(_ turn: UserTurn) {
        entries.append(.user(turn))
        trim()
    }

    public mutating func appendAssistant(_ turn: AssistantTurn) {
        entries.append(.assistant(turn))
    }

    public mutating func appendToolResult(callID: String, content: String) {
        entries.append(.toolResult(callID: callID, content: content))
    }

    /// Index of the first entry that belongs to the recent (audio) window.
    private var recentStart: Int {
        let users = entries.indices.filter { if case .user = entries[$0] { true } else { false } }
        return users.count > audioTurns ? users[users.count - audioTurns] : 0
    }

    /// Drops audio that aged out of the window and whole exchanges beyond `maxTurns`.
    private mutating func trim() {
        let users = entries.indices.filter { if case .user = entries[$0] { true } else { false } }
        if users.count > maxTurns {
            entries.removeFirst(users[users.count - maxTurns])
        }
        let start = recentStart
        for index in entries.indices where index < start {
            if case .user(var turn) = entries[index], turn.audio != nil {
                turn.audio = nil
                entries[index] = .user(turn)
            }
        }
    }

    /// The `messages` array for a request made at `now`.
    public func messages(now: Date) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if !instructions.isEmpty { messages.append(.system(instructions)) }
        let start = recentStart
        for (index, entry) in entries.enumerated() {
            let recent = index >= start
            switch entry {
            case .user(let turn):
                var parts: [ChatContentPart] = []
                if recent, let audio = turn.audio {
                    parts.append(.inputAudio(data: audio.base64EncodedString(), format: turn.audioFormat))
                } else if let transcript = turn.transcript, !transcript.isEmpty {
                    parts.append(.text(transcript))
                } else if turn.audio != nil || turn.texts.isEmpty {
                    parts.append(.text("(earlier caller turn; its audio is no longer sent)"))
                }
                parts += turn.texts.map { .text($0) }
                messages.append(.user(parts))
            case .assistant(let turn):
                if turn.toolCalls.isEmpty, recent, let id = turn.audioID, (turn.expiresAt ?? .distantFuture) > now {
                    messages.append(.assistantAudio(id: id))
                } else {
                    let text: String? = turn.toolCalls.isEmpty || !turn.transcript.isEmpty ? turn.transcript : nil
                    messages.append(.assistant(text: text, toolCalls: turn.toolCalls))
                }
            case .toolResult(let callID, let content):
                messages.append(.tool(callID: callID, content: content))
            }
        }
        return messages
    }
}
