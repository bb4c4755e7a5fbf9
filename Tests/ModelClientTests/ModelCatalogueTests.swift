// ModelClientTests: the model catalogue (issue 17): the current GA model and its prices are the defaults, aliases
// replace retired names (and their dated snapshots), a deprecated model that does not stream is asked
// non-streamed, `gpt-audio-mini` is never priced as `gpt-audio`, and a usage is priced as a hand calculation.
import Foundation
import ModelClient
import SwitchboardCore
import Testing

struct ModelCatalogueTests {
    @Test func theDefaultModelIsTheCurrentGAAudioModelWithItsPublishedPrices() throws {
        #expect(ModelClientDefaults.model == "gpt-audio-1.5")
        #expect(ProviderProfile.openai.model == "gpt-audio-1.5")
        let price = try #require(ProviderProfile.openai.prices.price(forModel: "gpt-audio-1.5"))
        #expect(price.textInPerMillion == 2.50)
        #expect(price.textOutPerMillion == 10.00)
        #expect(price.audioInPerMillion == 32.00)
        #expect(price.audioOutPerMillion == 64.00)
        // gpt-audio has the same audio prices; a dated snapshot takes its model's price.
        #expect(PriceTable.default.price(forModel: "gpt-audio-2025-08-28") == .gptAudio)
        // gpt-audio-mini is not a snapshot of gpt-audio: it is not priced at gpt-audio's rates.
        #expect(PriceTable.default.price(forModel: "gpt-audio-mini") == nil)
    }

    @Test func aUsageIsPricedAsAHandCalculation() throws {
        let usage = ChatUsage(
            promptTokens: 1500, completionTokens: 290, promptTextTokens: 1200, promptAudioTokens: 300,
            completionTextTokens: 40, completionAudioTokens: 250)
        let cost = try #require(ProviderProfile.openai.prices.cost(of: usage, model: "gpt-audio-1.5"))
        // 1200 × $2.50 + 40 × $10 + 300 × $32 + 250 × $64 per 1M tokens = $0.029.
        let hand = (1200 * 2.50 + 40 * 10.00 + 300 * 32.00 + 250 * 64.00) / 1_000_000
        #expect(abs(cost - hand) < 1e-12)
        #expect(abs(cost - 0.029) < 1e-12)
        // Cached prompt tokens at a configured cached price.
        let cached = ModelPrice(
            textInPerMillion: 2.50, textOutPerMillion: 10, audioInPerMillion: 32, audioOutPerMillion: 64,
            cachedInPerMillion: 1.25)
        #expect(abs(cached.cost(textIn: 1000, textOut: 0, audioIn: 0, audioOut: 0, cachedIn: 400) - (600 * 2.5 + 400 * 1.25) / 1e6) < 1e-12)
    }

    @Test func aliasesReplaceRetiredModelsInRequests() {
        let catalogue = ModelCatalogue.builtIn
        #expect(catalogue.resolve("gpt-4o-mini-audio-preview") == "gpt-audio-1.5")
        #expect(catalogue.resolve("gpt-4o-mini-audio-preview-2024-12-17") == "gpt-audio-1.5")
        #expect(catalogue.resolve("gpt-4o-audio-preview") == "gpt-audio-1.5")
        #expect(catalogue.resolve("gpt-audio") == "gpt-audio")
        let settings = ProviderProfile.openai.settings(model: "gpt-4o-mini-audio-preview")
        #expect(settings.model == "gpt-audio-1.5")
        #expect(settings.stream)
        // A chain and a loop are both bounded.
        let looped = ModelCatalogue(models: [:], aliases: ["a": "b", "b": "a"])
        _ = looped.resolve("a")
        #expect(ModelCatalogue(models: [:], aliases: ["a": "b", "b": "c"]).resolve("a") == "c")
    }

    @Test func aModelThatDoesNotStreamIsAskedNonStreamedWithALimit() throws {
        let settings = ProviderProfile.openai.settings(model: "gpt-audio-mini")
        #expect(!settings.stream)
        let request = settings.request(messages: [.system("hi")])
        let json = String(decoding: try request.jsonData(), as: UTF8.self)
        #expect(json.contains(#""stream":false"#))
        #expect(!json.contains("stream_options"))
        #expect(json.contains(#""format":"wav""#))
        #expect(json.contains(#""max_completion_tokens":4096"#))
        // AI/ML API names the field max_tokens (its own default would be 512).
        let aiml = String(decoding: try ProviderProfile.aimlapi.settings().request(messages: []).jsonData(), as: UTF8.self)
        #expect(aiml.contains(#""max_tokens":4096"#))
    }
}
