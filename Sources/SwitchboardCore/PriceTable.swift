// SwitchboardCore: the one per-model price table (USD per 1M tokens, text/audio, in/out, cached input). The model
// client prices a reply's usage with it (request metrics) and the call log prices `model_requests.cost_usd`. The
// built-in table holds the published prices (checked 2026-12): gpt-audio-1.5 and gpt-audio text $2.50 / $10,
// audio $32 / $64; gpt-4o-mini-audio-preview text $0.15 / $0.60, audio $10 / $20. The configuration's model
// catalogue (`model.catalogue`) overrides and extends it.

public struct ModelPrice: Sendable, Hashable, Codable {
    public var textInPerMillion: Double
    public var textOutPerMillion: Double
    public var audioInPerMillion: Double
    public var audioOutPerMillion: Double
    /// Price of cached prompt tokens (billed instead of the text-in price for them); nil: the text-in price.
    public var cachedInPerMillion: Double?

    public init(
        textInPerMillion: Double, textOutPerMillion: Double, audioInPerMillion: Double, audioOutPerMillion: Double,
        cachedInPerMillion: Double? = nil
    ) {
        self.textInPerMillion = textInPerMillion
        self.textOutPerMillion = textOutPerMillion
        self.audioInPerMillion = audioInPerMillion
        self.audioOutPerMillion = audioOutPerMillion
        self.cachedInPerMillion = cachedInPerMillion
    }

    /// Cost in USD. `cachedIn` prompt tokens (part of `textIn`, at most all of it) are billed at the cached price.
    public func cost(textIn: Int, textOut: Int, audioIn: Int, audioOut: Int, cachedIn: Int = 0) -> Double {
        let cached = cachedInPerMillion == nil ? 0 : min(max(0, cachedIn), textIn)
        let micro =
            Double(textIn - cached) * textInPerMillion + Double(cached) * (cachedInPerMillion ?? textInPerMillion)
            + Double(textOut) * textOutPerMillion + Double(audioIn) * audioInPerMillion + Double(audioOut)
            * audioOutPerMillion
        return micro / 1_000_000
    }

    public static let gpt4oMiniAudioPreview = ModelPrice(
        textInPerMillion: 0.15, textOutPerMillion: 0.60, audioInPerMillion: 10.00, audioOutPerMillion: 20.00
    )

    /// gpt-audio-1.5 (and gpt-audio): text $2.50 in / $10 out, audio $32 in / $64 out per 1M tokens.
    public static let gptAudio = ModelPrice(
        textInPerMillion: 2.50, textOutPerMillion: 10.00, audioInPerMillion: 32.00, audioOutPerMillion: 64.00
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

    /// The built-in prices (the configuration's `model.catalogue` overrides and extends them).
    public static let `default` = PriceTable(models: [
        "gpt-audio-1.5": .gptAudio, "gpt-audio": .gptAudio, "gpt-4o-mini-audio-preview": .gpt4oMiniAudioPreview,
    ])

    public func price(forModel model: String) -> ModelPrice? {
        if let exact = models[model] { return exact }
        var best: (key: String, price: ModelPrice)?
        for (key, price) in models where Self.isSnapshot(model, of: key) {
            if best == nil || key.count > (best?.key.count ?? 0) { best = (key, price) }
        }
        return best?.price ?? fallback
    }

    /// Whether `model` is a dated snapshot of `key` (`gpt-audio-2025-08-28` of `gpt-audio`, but not
    /// `gpt-audio-mini`).
    public static func isSnapshot(_ model: String, of key: String) -> Bool {
        guard model.hasPrefix(key + "-") else { return false }
        let rest = model.dropFirst(key.count + 1)
        return rest.count >= 5 && rest.prefix(4).allSatisfy(\.isNumber) && rest.dropFirst(4).first == "-"
    }

    /// Cost in USD of a request to `model` with these token counts; nil when no price applies.
    public func cost(model: String, textIn: Int, textOut: Int, audioIn: Int, audioOut: Int, cachedIn: Int = 0) -> Double? {
        price(forModel: model)?.cost(
            textIn: textIn, textOut: textOut, audioIn: audioIn, audioOut: audioOut, cachedIn: cachedIn)
    }
}
