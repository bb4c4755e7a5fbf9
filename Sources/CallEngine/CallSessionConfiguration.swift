/// Per-call knobs of `CallSession`.
public struct CallSessionConfiguration: Sendable {
    /// Endpointing and barge-in.
    public var turnDetection = TurnDetector.Configuration()
    /// espeak speaking rate for `say` prompts, words per minute.
    public var speechRate = 175
    /// Folder that prompt audio paths in the flow are relative to (the flow file's folder).
    public var promptDirectory: String?
    /// Whether caller speech may cut the model's spoken replies.
    public var modelRepliesInterruptible = true
    /// Folder where `record` steps write their WAV files; `nil` keeps recordings in memory only.
    public var recordingDirectory: String?
    /// Also detect DTMF tones in the caller's audio (for transports without RFC 4733 events).
    public var inbandDTMF = false

    public init() {}
}

/// One line of what was said on the call (for the call log, replay expectations and the demo).
public struct TranscriptLine: Sendable, Equatable {
    public var at: Duration
    public var speaker: CallLogEvent.Speaker
    public var text: String

    public init(at: Duration, speaker: CallLogEvent.Speaker, text: String) {
        self.at = at
        self.speaker = speaker
        self.text = text
    }
}
