public import Flows

extension TurnDetector.Configuration {
    /// These settings with a flow's `barge_in:` applied (`false` turns barge-in off; given thresholds replace
    /// the defaults).
    public func applying(_ flow: FlowBargeIn?) -> Self {
        guard let flow else { return self }
        var copy = self
        guard flow.enabled else {
            copy.bargeIn = nil
            return copy
        }
        var settings = bargeIn ?? .init()
        if let value = flow.minSpeechMs { settings.minSpeechMs = value }
        if let value = flow.sustainedSpeechMs { settings.sustainedSpeechMs = value }
        if let value = flow.loudnessMarginDB { settings.loudnessMarginDB = value }
        copy.bargeIn = settings
        return copy
    }
}
