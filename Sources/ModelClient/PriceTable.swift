// ModelClient: prices per 1M tokens, split text/audio and input/output, and the cost of one request.

/// USD per 1M tokens. Defaults: gpt-4o-mini-audio-preview's published prices.
public struct PriceTable: Sendable, Equatable, Codable {
    public var textInput: Double
    public var textOutput: Double
    public var audioInput: Double
    public var audioOutput: Double

    public init(textInput: Double = 0.15, textOutput: Double = 0.60, audioInput: Double = 10.00, audioOutput: Double = 20.00) {
        self.textInput = textInput
        self.textOutput = textOutput
        self.audioInput = audioInput
        self.audioOutput = audioOutput
    }

    /// gpt-4o-mini-audio-preview: text $0.15 / $0.60, audio $10 / $20.
    public static let gpt4oMiniAudioPreview = PriceTable()

    /// Cost in USD of the tokens in `usage` (cached prompt tokens are billed at the full rate here).
    public func cost(of usage: ChatUsage) -> Double {
        let perToken = 1.0 / 1_000_000
        return (Double(usage.promptTextTokens) * textInput + Double(usage.promptAudioTokens) * audioInput
            + Double(usage.completionTextTokens) * textOutput + Double(usage.completionAudioTokens) * audioOutput)
            * perToken
    }
}
