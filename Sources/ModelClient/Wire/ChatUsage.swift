// Wire (pure, Foundation only): token usage of one completion, read leniently from the `usage` object.
import Foundation
public import SwitchboardCore

/// Token counts, split into text and audio where the provider says so.
public struct ChatUsage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public var promptTextTokens: Int
    public var promptAudioTokens: Int
    public var promptCachedTokens: Int
    public var completionTextTokens: Int
    public var completionAudioTokens: Int

    public init(
        promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int? = nil,
        promptTextTokens: Int? = nil, promptAudioTokens: Int = 0, promptCachedTokens: Int = 0,
        completionTextTokens: Int? = nil, completionAudioTokens: Int = 0
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.promptAudioTokens = promptAudioTokens
        self.promptTextTokens = promptTextTokens ?? max(0, promptTokens - promptAudioTokens)
        self.promptCachedTokens = promptCachedTokens
        self.completionAudioTokens = completionAudioTokens
        self.completionTextTokens = completionTextTokens ?? max(0, completionTokens - completionAudioTokens)
    }

    /// Reads a `usage` object; missing numbers count as zero, missing text splits are derived.
    public init?(json: JSONValue?) {
        guard let json, json.objectValue != nil else { return nil }
        let prompt = json["prompt_tokens"]?.intValue ?? 0
        let completion = json["completion_tokens"]?.intValue ?? 0
        let promptDetails = json["prompt_tokens_details"]
        let completionDetails = json["completion_tokens_details"]
        self.init(
            promptTokens: prompt,
            completionTokens: completion,
            totalTokens: json["total_tokens"]?.intValue,
            promptTextTokens: promptDetails?["text_tokens"]?.intValue,
            promptAudioTokens: promptDetails?["audio_tokens"]?.intValue ?? 0,
            promptCachedTokens: promptDetails?["cached_tokens"]?.intValue ?? 0,
            completionTextTokens: completionDetails?["text_tokens"]?.intValue,
            completionAudioTokens: completionDetails?["audio_tokens"]?.intValue ?? 0
        )
    }
}
