// SwitchboardCore: the one per-model price table (USD per 1M tokens, text/audio, in/out). The model client
// prices a reply's usage with it (request metrics) and the call log prices `model_requests.cost_usd`. The
// defaults are the published prices of gpt-4o-mini-audio-preview (text $0.15 in / $0.60 out, audio $10 / $20).

public struct ModelPrice: Sendable, Hashable, Codable {
    public var textInPerMillion: Double
    public var textOutPerMillion: Double
    public var audioInPerMillion: Double
    public var audioOutPerMillion: Double

    public init(textInPerMillion: Double, textOutPerMillion: Double, audioInPerMillion: Double, audioOutPerMillion: Double) {
        self.textInPerMillion = textInPerMillion
        self.textOutPerMillion = textOutPerMillion
        self.audioInPerMillion = audioInPerMillion
        self.audioOutPerMillion = audioOutPerMillion
    }

    public func cost(textIn: Int, textOut: Int, audioIn: Int, audioOut: Int) -> Double {
        let micro =
            Double(textIn) * textInPerMillion + Double(textOut) * textOutPerMillion + Double(audioIn)
            * audioInPerMillion + Double(audioOut) * audioOutPerMillion
        return micro / 1_000_000
    }

    public static let gpt4oMiniAudioPreview = ModelPrice(
        textInPerMillion: 0.15, textOutPerMillion: 0.60, audioInPerMillion: 10.00, audioOutPerMillion: 20.00
    )
}

public struct PriceTable: Sendable, Hashable, Codable {
    /// Keyed by model name. A dated snapshot (`gpt-4o-mini-audio-preview-2024-12-17`) matches the longest key
    /// it starts with.
    public var models: [String: ModelPrice]
    /// Used for models not in `models`; nil means such requests are stored with a NULL cost.
    public var fallback: ModelPrice?

    public init(models: [String: ModelPrice], fallback: ModelPrice? = nil) {
        self.models = models
        self.fallback = fallback
    }

    public static let `default` = PriceTable(models: ["gpt-4o-mini-audio-preview": .gpt4oMiniAudioPreview])

    public func price(forModel model: String) -> ModelPrice? {
        if let exact = models[model] { return exact }
        var best: (key: String, price: ModelPrice)?
        for (key, price) in models where model.hasPrefix(key) {
            if best == nil || key.count > (best?.key.count ?? 0) { best = (key, price) }
        }
        return best?.price ?? fallback
    }

    /// Cost in USD of a request to `model` with these token counts; nil when no price applies.
    public func cost(model: String, textIn: Int, textOut: Int, audioIn: Int, audioOut: Int) -> Double? {
        price(forModel: model)?.cost(textIn: textIn, textOut: textOut, audioIn: audioIn, audioOut: audioOut)
    }
}
