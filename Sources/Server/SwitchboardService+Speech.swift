// Server: the prompts' synthesizer. espeak-ng (embedded, offline) for every flow; flows with
// `defaults.tts: model` are spoken by the `tts:` endpoint (the model provider's `/v1/audio/speech` unless
// `tts.base_url` names another), cached on disk in `tts.cache_dir`, with espeak-ng as the fallback.
import CallEngine
import CallWiring
import Logging
import ModelClient

extension SwitchboardService {
    static func speechSynthesizer(
        _ configuration: SwitchboardConfiguration, provider: ProviderConfiguration, logger: Logger,
        parts: inout [ServicePart]
    ) -> any SpeechSynthesizer {
        var endpoint: ProviderConfiguration?
        if let baseURL = configuration.tts.baseURL, !baseURL.isEmpty {
            endpoint = ProviderConfiguration(profile: provider.profile, baseURL: baseURL, apiKey: provider.apiKey)
        } else if provider.apiKey != nil {
            endpoint = provider
        }
        var client: SpeechClient?
        if let endpoint {
            let speech = SpeechClient(
                provider: endpoint, timeout: .milliseconds(configuration.tts.timeoutMs), logger: logger)
            parts.append(ServicePart(name: "speech client") { await ServicePart.run("speech client", logger) { try await speech.shutdown() } })
            client = speech
            logger.info(
                "tts: model prompts use the speech endpoint",
                metadata: ["endpoint": "\(endpoint)", "model": "\(configuration.tts.model)", "cache_dir": "\(configuration.tts.cacheDir)"])
        }
        let model = ModelSpeechSynthesizer(
            client: client, cache: SpeechDiskCache(directory: configuration.tts.cacheDir),
            settings: .init(model: configuration.tts.model, voice: configuration.tts.voice), logger: logger)
        return CachingSpeechSynthesizer(base: model)
    }
}
