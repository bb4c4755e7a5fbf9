// `switchboard chat`: sends one caller turn (a WAV file) to the audio chat model, streams the reply, writes it
// as a WAV file and prints the transcript, tool calls, timings, usage and cost. For checking a key, a voice and
// a prompt, and for tests against a local server (`--base-url` or OPENAI_BASE_URL). With `--flow` it uses an
// agent step's instructions, voice, model and tools, and runs the model's tool calls for real (built-ins on the
// configuration's accounts database, the one `serve` uses; webhooks are not called here) until the model speaks.
import ArgumentParser
import Audio
import Flows
import Foundation
import Logging
import ModelClient
import SwitchboardCore
import Tools

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Send one caller turn to the model and write the spoken reply.")

    @Option(help: "The caller's turn: a WAV file (16-bit or G.711, any rate; sent as 16-bit mono WAV).")
    var audio: String
    @Option(help: "Where to write the reply (16-bit mono WAV at --rate).") var out: String
    @Option(help: "A flow file: use an agent step's instructions, voice, model and tools, and run its tool calls.")
    var flow: String?
    @Option(help: "The agent step of --flow (default: the flow's first agent step).") var step: String?
    @OptionGroup var configFile: ConfigurationOption
    @Option(help: "Provider profile: openai, aimlapi or cometapi (default: the configuration's model.provider).")
    var provider: String?
    @Option(help: "Model name (default: the configuration's model.model, else the provider profile's).") var model: String?
    @Option(help: "Voice (checked against the provider's list).") var voice: String?
    @Option(help: "Base URL, e.g. http://127.0.0.1:8000/v1 (default: model.base_url, the profile's, or OPENAI_BASE_URL).")
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
    @Option(help: "With --flow: the caller's number ({{caller.number}}, tool context).") var caller = "+15550100"
    @Option(
        name: .customLong("accounts-db"),
        help: "With --flow: SQLite accounts for the built-in tools (default: the configuration's tools.accounts_db).")
    var accountsDB: String?
    @Flag(help: "Log requests and retries.") var verbose = false

    func validate() throws {
        if let provider, ProviderProfile.named(provider) == nil {
            throw ValidationError(
                "unknown provider '\(provider)' (use \(ProviderProfile.builtIn.map(\.name).joined(separator: ", ")))")
        }
        guard [8000, 16000, 24000, 48000].contains(rate) else { throw ValidationError("--rate must be 8000, 16000, 24000 or 48000") }
        if step != nil && flow == nil { throw ValidationError("--step needs --flow") }
    }

    func run() async throws {
        var config = try configFile.load()
        if let provider { config.model.provider = provider }
        if let accountsDB { config.tools.accountsDB = accountsDB }
        let profile = try config.providerProfile()
        let configuration = ProviderConfiguration.resolve(
            profile, environment: ProcessInfo.processInfo.environment, baseURL: baseURL ?? config.model.baseURL)
        if configuration.apiKey == nil && !Self.isLocal(configuration.baseURL) {
            throw ValidationError("no API key: set \(profile.apiKeyVariable) (or use --base-url with a local server)")
        }
        let agent = try flow.map { try ChatFlowStep.load(path: $0, step: step, caller: caller, routeTargets: config.routes) }
        let accounts = agent == nil ? nil : try config.openAccounts()
        var settings = profile.settings(
            voice: voice ?? agent?.voice, model: model ?? agent?.model)
        settings.tools = agent?.tools ?? []
        if let problem = profile.checkVoice(settings.voice) { throw ValidationError(problem) }
        settings.stream = !noStream
        settings.audioFormat = noStream ? "wav" : "pcm16"
        settings.maxCompletionTokens = maxTokens
        settings.temperature = temperature

        let input = try WAVFile.read(path: audio)
        let wav = WAVFile.serialize(WAVAudio(sampleRate: input.sampleRate, samples: input.mono()))
        var conversation = Conversation(instructions: agent?.instructions ?? instructions)
        conversation.appendUser(.init(audio: Data(wav), texts: text))

        var logger = Logger(label: "switchboard.chat")
        logger.logLevel = verbose ? .debug : .warning
        let options = ModelClientOptions(
            firstByteTimeout: .milliseconds(Int64(firstByteTimeout * 1000)),
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), retry: RetryPolicy(maxRetries: retries))
        let client = ChatModelClient(provider: configuration, options: options, logger: logger)
        if let agent { print("→ flow step '\(agent.name)' with tools [\(agent.tools.map(\.name).joined(separator: ", "))]") }
        print("→ \(configuration), model \(settings.model), voice \(settings.voice), \(String(format: "%.2f", input.durationMs / 1000)) s of caller audio")
        var samples: [Int16] = []
        var outcome: Result<ChatReply, any Error> = .failure(CancellationError())
        var toolContext = ToolCallContext(callID: "chat-\(UUID().uuidString.prefix(8).lowercased())", callerNumber: caller)
        for round in 1...4 {
            do {
                let request = settings.request(conversation: conversation, now: Date())
                let reply = try await client.reply(to: request, outputSampleRate: rate) { event in
                    switch event {
                    case .audio(let chunk): samples += chunk
                    case .retrying(let attempt, let delay, let reason):
                        print("! attempt \(attempt) failed (\(reason)); retrying in \(delay)")
                    default: break
                    }
                }
                outcome = .success(reply)
                conversation.appendAssistant(reply.assistantTurn)
                guard let agent, !reply.toolCalls.isEmpty, round < 4 else { break }
                Self.printSummary(reply, out: nil)
                var exit: String?
                for call in reply.toolCalls {
                    let ran = await agent.run(call, context: toolContext, accounts: accounts)
                    toolContext = ran.context
                    print("tool result: \(call.name) → \(ran.content)")
                    conversation.appendToolResult(callID: call.id, content: ran.content)
                    if let next = agent.exits[call.name] { exit = next }
                }
                if let exit {
                    print("the step ends here (tool exit → step '\(exit)')")
                    break
                }
            } catch {
                outcome = .failure(error)
                break
            }
        }
        try? await client.shutdown()
        let reply = try outcome.get()
        try WAVFile.write(WAVAudio(sampleRate: rate, samples: samples), path: out)
        Self.printSummary(reply, out: out)
    }

    static func printSummary(_ reply: ChatReply, out: String?) {
        let metrics = reply.metrics
        print("transcript: \(reply.transcript.isEmpty ? "(none)" : reply.transcript)")
        for call in reply.toolCalls { print("tool call: \(call.name)(\(call.arguments)) id \(call.id)") }
        print(String(format: "reply audio: %.2f s at %d Hz", metrics.replyAudioSeconds, reply.outputSampleRate) + (out.map { " → \($0)" } ?? ""))
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

/// The agent step `chat --flow` uses: rendered instructions, voice, model, tools as the model sees them, and
/// the tool dispatcher that runs them.
struct ChatFlowStep {
    var name: String
    var instructions: String
    var voice: String?
    var model: String?
    var tools: [ChatTool]
    var exits: [String: String]
    var registry: ToolRegistry
    var routing: RoutingTable

    static func load(path: String, step: String?, caller: String, routeTargets: [String: String]) throws -> ChatFlowStep {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let result = FlowLoader.load(data: data, file: path)
        guard let flow = result.flow else {
            throw ValidationError(result.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let agents = flow.steps.values.compactMap { step -> (Step, AgentStep)? in
            if case .agent(let agent) = step.kind { (step, agent) } else { nil }
        }.sorted { $0.0.position.line < $1.0.position.line }
        guard let found = step == nil ? agents.first : agents.first(where: { $0.0.name == step }) else {
            throw ValidationError(
                step.map { "\(path): no agent step named '\($0)'" } ?? "\(path): the flow has no agent step")
        }
        let (chosen, agent) = found
        let instructions = agent.instructions.render { variable in
            if variable.root == "caller", variable.components == ["number"] { return .string(caller) }
            if variable.root == "vars", let name = variable.components.first { return flow.vars[name] }
            return nil
        }
        let tools = agent.tools.compactMap { name -> ChatTool? in
            guard let declaration = flow.tools[name] else { return nil }
            let parameters = declaration.parameters
            let schema: JSONValue = parameters.objectValue?.isEmpty == false
                ? parameters : ["type": "object", "properties": [:]]
            return ChatTool(name: name, description: declaration.description, parameters: schema)
        }
        let (registry, routing) = try ToolsCommand.loadFlowTools(path: path, routeTargets: routeTargets)
        return ChatFlowStep(
            name: chosen.name, instructions: instructions, voice: agent.voice ?? flow.defaults.voice,
            model: agent.model ?? flow.defaults.model, tools: tools, exits: agent.toolExits, registry: registry,
            routing: routing)
    }

    /// Runs one tool call with the built-ins (webhooks are not called from `chat`).
    func run(
        _ call: ChatToolCall, context: ToolCallContext, accounts: AccountsDatabase?
    ) async -> (content: String, context: ToolCallContext) {
        let dispatcher = ToolDispatcher(
            registry: registry, builtins: BuiltinTools(accounts: accounts, routing: routing, now: { Date() }), webhooks: nil)
        let outcome = await dispatcher.run(
            ToolCall(id: call.id, name: call.name, argumentsText: call.arguments), context: context)
        return (outcome.results.first?.content ?? #"{"error":"no result"}"#, outcome.context)
    }
}
