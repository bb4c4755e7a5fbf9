import Yams

extension FlowDecoder {
    static let bargeInKeys = ["min_speech_ms", "sustained_speech_ms", "loudness_margin_db"]

    /// `barge_in: true | false | {min_speech_ms, sustained_speech_ms, loudness_margin_db}`.
    mutating func decodeBargeIn(_ node: Node) -> FlowBargeIn? {
        if case .scalar = node {
            guard let enabled = bool(node, "`barge_in`") else { return nil }
            return FlowBargeIn(enabled: enabled)
        }
        guard let pairs = mapping(node, "`barge_in`", allowed: Self.bargeInKeys) else { return nil }
        var settings = FlowBargeIn()
        for (key, _, value) in pairs {
            switch key {
            case "min_speech_ms": settings.minSpeechMs = int(value, "`barge_in.min_speech_ms`", range: 20...5_000)
            case "sustained_speech_ms":
                settings.sustainedSpeechMs = int(value, "`barge_in.sustained_speech_ms`", range: 100...30_000)
            default:
                if let margin = int(value, "`barge_in.loudness_margin_db`", range: -20...40) {
                    settings.loudnessMarginDB = Double(margin)
                }
            }
        }
        if let minimum = settings.minSpeechMs, let sustained = settings.sustainedSpeechMs, sustained < minimum {
            error(node, "`barge_in.sustained_speech_ms` (\(sustained)) is shorter than `min_speech_ms` (\(minimum))")
        }
        return settings
    }
}
