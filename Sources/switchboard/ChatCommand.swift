// `switchboard chat`: sends one caller turn (a WAV file) to the audio chat model, streams the reply, writes it
// as a WAV file and prints the transcript, tool calls, timings, usage and cost. For checking a key, a voice and
// a prompt, and for tests against a local server (`--base-url` or OPENAI_BASE_URL).
import ArgumentParser
import Audio
import Foundation
import Logging
import ModelClient

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Send one caller turn to the model and write the spoken reply.")

    @Option(help: "The caller's turn: a WAV file (16-bit or G.711, any rate; sent as 16-bit mono WAV).")
    var audio: String
    @Option(help: "Where to write the reply (16-bit mono WAV at --rate).") var out: String
    @Option(help: "A flow file: use an agent step's instructions and tools (not available yet, see docs/model.md).")
    var flow: String?
    @Option(help: "The agent step of --flow (default: the flow's first agent step).") var step: String?
    @Option(help: "Provider profile: openai, aimlapi or cometapi.") var provider: String = ProviderProfile.defaultName
    @Option(help: "Model name (default: the provider profile's).") var model: String?
    @Option(help: "Voice (checked against the provider's list).") var voice: String?
    @Option(help: "Base URL, e.g. http://127.0.0.1:8000/v1 (default: the profile's, or OPENAI_BASE_URL).")
    var baseURL: String?
    @Option(help: "System instructions.") var instructions: String = "You are a helpful phone assistant. Answer briefly."
    @Option(help: "Extra text part sent with the caller's audio, e.g. \"Caller pressed 2\" (repeatable).")
    var text: [String] = []
    @Option(help: "Sample rate of the reply WAV (the reply is resampled once to it).") var rate: Int = 24000
    @Option(help: "max_completion_tokens (or the profile's field name).") var maxTokens: Int?
    @Option(help: "Sampling temperature.") var temperature: Double?
    @Flag(help: "Ask for a non-streamed reply (WAV in one JSON body) instead of SSE.") var noStream = false
    @Option(help: "Seconds to wait for the first byte of the reply.") var firstByteTimeout: Double = 20
    @Option(help: "Seconds of silence allowed between chunks of the reply.") var idleTimeout: Double = 10
    @Option(help: "Retries before any audio arrived (connection errors, 408/409/429, 5xx).") var retries: Int = 2
    @Flag(help: "Log requests and retries.") var verbose = false

    func validate() throws {
        guard ProviderProfile.named(provider) != nil else {
            throw ValidationError(
                "unknown provider '\(provider)' (use \(ProviderProfile.builtIn.map(\.name).joined(separator: ", ")))")
        }
        guard [8000, 16000, 24000, 48000].contains(rate) else { throw ValidationError("--rate must be 8000, 16000, 24000 or 48000") }
        if step != nil && flow == nil { throw ValidationError("--step needs --flow") }
    }

    func run() async throws {
        if flow != nil {
            throw ValidationError("--flow is not available yet: pass --instructions (and run tools yourself)")
        }
        guard let profile = ProviderProfile.named(provider) else { return }
        let configuration = ProviderConfiguration.resolve(
            profile, environment: ProcessInfo.processInfo.environment, baseURL: baseURL)
        if configuration.apiKey == nil && !Self.isLocal(configuration.baseURL) {
            throw ValidationError("no API key: set \(profile.apiKeyVariable) (or use --base-url with a local server)")
        }
        var settings = profile.settings(voice: voice, model: model)
        if let problem = profile.checkVoice(settings.voice) { throw ValidationError(problem) }
        settings.stream = !noStream
        settings.audioFormat = noStream ? "wav" : "pcm16"
        settings.maxCompletionTokens = maxTokens
        settings.temperature = temperature

        let input = try WAVFile.read(path: audio)
        let wav = WAVFile.serialize(WAVAudio(sampleRate: input.sampleRate, samples: input.mono()))
        var conversation = Conversation(instructions: instructions)
        conversation.appendUser(.init(audio: Data(wav), texts: text))
        let request = settings.request(conversation: conversation, now: Date())

        var logger = Logger(label: "switchboard.chat")
        logger.logLevel = verbose ? .debug : .warning
        let options = ModelClientOptions(
            firstByteTimeout: .milliseconds(Int64(firstByteTimeout * 1000)),
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), retry: RetryPolicy(maxRetries: retries))
        let client = ChatModelClient(provider: configuration, options: options, logger: logger)
        print("→ \(configuration), model \(settings.model), voice \(settings.voice), \(input.durationMs / 1000) s of caller audio")
        var samples: [Int16] = []
        let outcome: Result<ChatReply, any Error>
        do {
            outcome = .success(
                try await client.reply(to: request, outputSampleRate: rate) { event in
                    switch event {
                    case .audio(let chunk): samples += chunk
                    case .retrying(let attempt, let delay, let reason):
                        samples.removeAll()
                        print("! attempt \(attempt) failed (\(reason)); retrying in \(delay)")
                    default: break
                    }
                })
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        let reply = try outcome.get()
        try WAVFile.write(WAVAudio(sampleRate: rate, samples: samples), path: out)
        Self.printSummary(reply, out: out)
    }

    static func printSummary(_ reply: ChatReply, out: String) {
        let metrics = reply.metrics
        print("transcript: \(reply.transcript.isEmpty ? "(none)" : reply.transcript)")
        for call in reply.toolCalls { print("tool call: \(call.name)(\(call.arguments)) id \(call.id)") }
        print(String(format: "reply audio: %.2f s at %d Hz → %@", metrics.replyAudioSeconds, reply.outputSampleRate, out))
        print("finish: \(reply.finishReason ?? "(none)"), audio id: \(reply.audioID ?? "(none)")")
        print(
            "timings: first byte \(ms(metrics.timeToFirstByte)), first audio \(ms(metrics.timeToFirstAudio)), "
                + "total \(ms(metrics.total)), attempts \(metrics.attempts)")
        if let usage = reply.usage {
            print(
                "usage: prompt \(usage.promptTokens) (text \(usage.promptTextTokens), audio \(usage.promptAudioTokens)), "
                    + "completion \(usage.completionTokens) (text \(usage.completionTextTokens), audio \(usage.completionAudioTokens))")
            print(String(format: "cost: $%.6f", metrics.cost))
        } else {
            print("usage: not reported")
        }
        if metrics.malformedChunks > 0 { print("warning: \(metrics.malformedChunks) malformed chunk(s) skipped") }
    }

    static func ms(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        let (seconds, atto) = duration.components
        return String(format: "%.0f ms", Double(seconds) * 1000 + Double(atto) / 1e15)
    }

    static func isLocal(_ url: String) -> Bool {
        let host = URL(string: url)?.host ?? ""
        return host == "127.0.0.1" || host == "localhost" || host == "::1"
    }
}
