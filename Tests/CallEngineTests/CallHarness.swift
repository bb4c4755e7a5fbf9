import Audio
import CallEngine
import Flows
import Foundation
import SwitchboardTestKit

/// One call on a virtual clock with in-memory doubles; the flow is written inline.
struct CallHarness {
    static let rate = 8000
    /// Shared across tests so each prompt is synthesized once per run.
    static let synthesizer = CachingSpeechSynthesizer(EspeakSynthesizer())

    static let flowYAML = """
        name: test-line
        defaults:
          voice: en-us
          tts: espeak
          timeouts:
            no_input_ms: 4000
            inter_digit_ms: 2000
            silence_ms: 6000
        tools:
          lookup_account:
            description: Look up the caller's account.
            builtin: lookup_account
          transfer_call:
            description: Transfer the caller to a person.
            builtin: transfer_call
            parameters:
              type: object
              properties:
                route:
                  type: string
                  enum: [human]
              required: [route]
          end_call:
            description: End the call.
            builtin: end_call
        routes:
          human: sip:agents@pbx.example.com
          billing: sip:billing@pbx.example.com
        start: greeting
        on_error: apologize
        steps:
          greeting:
            say: "Welcome to the test line."
            interruptible: false
            next: menu
          menu:
            gather:
              dtmf: {max_digits: 1}
              speech: true
            prompt: "Press 1 for billing, or 2 for the assistant."
            retries: 1
            on:
              "1": to_billing
              "2": assistant
              speech: assistant
              no_input: bye
              no_match: bye
          assistant:
            agent:
              instructions: "Help the caller with their account. Keep it short."
              tools: [lookup_account, transfer_call, end_call]
              max_turns: 10
              max_silences: 5
            exits:
              transfer_call: to_human
              end_call: bye
              max_turns: to_human
              silence: bye
          to_billing:
            transfer: billing
            announcement: "Connecting you to billing."
          to_human:
            transfer: human
          apologize:
            say: "Sorry, something went wrong. Please call again later."
            interruptible: false
            next: hang_up
          bye:
            hangup: done
            goodbye: "Goodbye."
          hang_up:
            hangup: error fallback
        """

    let clock = VirtualClock()
    let transport = InMemoryMediaTransport(sampleRate: rate)
    let tools = InMemoryToolRunner()
    let log = CollectingCallEventSink()
    let model: ScriptedConversationModel
    let session: CallSession

    init(
        replies: [ScriptedConversationModel.Reply], yaml: String = CallHarness.flowYAML,
        configuration: CallSessionConfiguration = CallSessionConfiguration()
    ) throws {
        let flow = try FlowLoader.loadValid(data: Data(yaml.utf8), file: "test-line.yaml")
        model = ScriptedConversationModel(clock: clock, replies: replies)
        let info = CallInfo(
            callID: "call-\(UUID().uuidString.prefix(8))", callerNumber: "+4930123456",
            calledNumber: "100", startedAt: Date(timeIntervalSince1970: 1_790_000_000)
        )
        session = CallSession(
            info: info, flow: flow, media: transport, sampleRate: Self.rate,
            dependencies: CallDependencies(model: model, tools: tools, synthesizer: Self.synthesizer, log: log),
            clock: clock, configuration: configuration
        )
    }

    func run(maxMs: Int = 40_000) async -> VirtualCallResult {
        await VirtualCallRunner.run(session, caller: transport, outbound: transport.outbound, clock: clock, maxDurationMs: maxMs)
    }

    /// Bot speech for scripted model replies.
    static func speech(_ text: String) async throws -> [Int16] {
        try await synthesizer.synthesize(text: text, voice: "en-us", rate: 175, sampleRate: rate).samples
    }

    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// RMS of the bot track between two call times.
    static func botLevel(_ result: VirtualCallResult, fromMs: Int, toMs: Int) -> Double {
        let a = min(result.botSamples.count, fromMs * rate / 1000)
        let b = min(result.botSamples.count, toMs * rate / 1000)
        return rms(result.botSamples[a..<b])
    }
}
