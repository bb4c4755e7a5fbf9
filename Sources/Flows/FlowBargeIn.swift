/// `barge_in:` of a flow: whether caller speech may cut the bot's interruptible prompts and replies, and the
/// thresholds of that decision (`Audio`'s `BargeInDetector`). `barge_in: false` turns it off; a mapping sets
/// any of `min_speech_ms`, `sustained_speech_ms`, `loudness_margin_db`; absent keys keep the engine defaults.
public struct FlowBargeIn: Sendable, Equatable {
    public var enabled = true
    /// Voice before a burst as loud as the caller's speech stops the bot.
    public var minSpeechMs: Int?
    /// Voice after which any burst stops the bot, however soft.
    public var sustainedSpeechMs: Int?
    /// How far below the caller's speech level a burst may be and still stop the bot at once.
    public var loudnessMarginDB: Double?

    public init(
        enabled: Bool = true, minSpeechMs: Int? = nil, sustainedSpeechMs: Int? = nil, loudnessMarginDB: Double? = nil
    ) {
        self.enabled = enabled
        self.minSpeechMs = minSpeechMs
        self.sustainedSpeechMs = sustainedSpeechMs
        self.loudnessMarginDB = loudnessMarginDB
    }
}
