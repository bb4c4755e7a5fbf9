/// The adapters one call needs, behind CallEngine's ports.
public struct CallDependencies: Sendable {
    public var model: any ConversationModel
    public var tools: any ToolRunner
    public var synthesizer: any SpeechSynthesizer
    public var log: any CallEventSink
    /// Transcribes caller turns off the call's critical path; nil: no caller transcripts.
    public var transcriber: (any CallerTranscriber)?

    public init(
        model: any ConversationModel, tools: any ToolRunner, synthesizer: any SpeechSynthesizer,
        log: any CallEventSink = DiscardingCallEventSink(), transcriber: (any CallerTranscriber)? = nil
    ) {
        self.model = model
        self.tools = tools
        self.synthesizer = synthesizer
        self.log = log
        self.transcriber = transcriber
    }
}

/// The caller-transcript port: the text of one caller turn (16-bit mono WAV). Failures only mean the turn has
/// no transcript; the call never waits for it.
public protocol CallerTranscriber: Sendable {
    func transcribe(wav: [UInt8], language: String?) async throws -> String
}
