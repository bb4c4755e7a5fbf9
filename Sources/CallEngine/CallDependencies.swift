/// The adapters one call needs, behind CallEngine's ports.
public struct CallDependencies: Sendable {
    public var model: any ConversationModel
    public var tools: any ToolRunner
    public var synthesizer: any SpeechSynthesizer
    public var log: any CallLogSink

    public init(
        model: any ConversationModel, tools: any ToolRunner, synthesizer: any SpeechSynthesizer,
        log: any CallLogSink = DiscardingCallLogSink()
    ) {
        self.model = model
        self.tools = tools
        self.synthesizer = synthesizer
        self.log = log
    }
}
