// ModelClient: what Switchboard knows per model — its prices (text/audio in/out, cached input) and whether it
// streams — and the alias map (`retired → replacement`) applied to every model name a flow or the configuration
// gives, so a retirement is one configuration line. Built in: the current GA audio model and the published
// prices and lifecycle (reference/openai-audio-chat.md, checked 2026-12); the configuration's
// `model.catalogue` / `model.aliases` override and extend it.
public import SwitchboardCore

/// Models by name, with their prices and streaming support, and the aliases of retired names.
public struct ModelCatalogue: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        /// nil: no price known (requests are logged with a NULL cost).
        public var price: ModelPrice?
        /// false: the model refuses `stream: true`; its requests go non-streamed from the start.
        public var streams: Bool

        public init(price: ModelPrice?, streams: Bool = true) {
            self.price = price
            self.streams = streams
        }
    }

    public var models: [String: Entry]
    /// Retired model → its replacement (a dated snapshot of a retired name is replaced too).
    public var aliases: [String: String]

    public init(models: [String: Entry], aliases: [String: String] = [:]) {
        self.models = models
        self.aliases = aliases
    }

    /// The current GA audio model for Chat Completions.
    public static let currentModel = "gpt-audio-1.5"

    /// Built in: gpt-audio-1.5 and gpt-audio (text $2.50/$10, audio $32/$64); gpt-audio-mini (deprecated,
    /// "Streaming: Not supported"; no audio price published in the reference, so unpriced);
    /// gpt-4o-mini-audio-preview's old prices for aggregators that still route it. The two shut-down preview
    /// models are aliased to the current model.
    public static let builtIn = ModelCatalogue(
        models: [
            "gpt-audio-1.5": Entry(price: .gptAudio),
            "gpt-audio": Entry(price: .gptAudio),
            "gpt-audio-mini": Entry(price: nil, streams: false),
            "gpt-4o-mini-audio-preview": Entry(price: .gpt4oMiniAudioPreview),
        ],
        aliases: [
            "gpt-4o-audio-preview": currentModel,
            "gpt-4o-mini-audio-preview": currentModel,
        ])

    /// `model` after the alias map (a chain of at most 8 hops; a dated snapshot of an alias key counts).
    public func resolve(_ model: String) -> String {
        var name = model
        for _ in 0..<8 {
            guard let next = aliases[name] ?? aliases.first(where: { PriceTable.isSnapshot(name, of: $0.key) })?.value,
                next != name
            else { break }
            name = next
        }
        return name
    }

    /// The entry of `model` (exact, else the longest name it is a dated snapshot of).
    public func entry(for model: String) -> Entry? {
        if let exact = models[model] { return exact }
        return models.filter { PriceTable.isSnapshot(model, of: $0.key) }.max { $0.key.count < $1.key.count }?.value
    }

    /// Whether requests to `model` may stream (unknown models are assumed to).
    public func streams(_ model: String) -> Bool { entry(for: model)?.streams ?? true }

    /// The prices of every model that has one.
    public var prices: PriceTable {
        PriceTable(models: models.compactMapValues(\.price))
    }

    /// This catalogue with `other`'s models and aliases laid over it (per model name, `other` wins).
    public func merging(_ other: ModelCatalogue) -> ModelCatalogue {
        ModelCatalogue(
            models: models.merging(other.models) { $1 }, aliases: aliases.merging(other.aliases) { $1 })
    }
}
