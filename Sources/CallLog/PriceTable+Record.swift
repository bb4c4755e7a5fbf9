// CallLog: a model request record priced with the shared per-model table.
public import SwitchboardCore

extension PriceTable {
    /// Cost in USD of `request`'s tokens at its model's price; nil when no price applies.
    public func cost(of request: ModelRequestRecord) -> Double? {
        cost(
            model: request.model, textIn: request.textInTokens, textOut: request.textOutTokens,
            audioIn: request.audioInTokens, audioOut: request.audioOutTokens)
    }
}
