// ModelClient: a reply's token usage priced with the shared per-model table.
public import SwitchboardCore

extension PriceTable {
    /// Cost in USD of the tokens in `usage` for `model` (cached prompt tokens at the model's cached price, when
    /// it has one); nil when no price applies.
    public func cost(of usage: ChatUsage, model: String) -> Double? {
        cost(
            model: model, textIn: usage.promptTextTokens, textOut: usage.completionTextTokens,
            audioIn: usage.promptAudioTokens, audioOut: usage.completionAudioTokens, cachedIn: usage.promptCachedTokens)
    }
}
