// ModelClientTests: runs one request to the end and keeps everything it produced.
import ModelClient

struct Collected {
    var events: [ChatStreamEvent] = []
    var error: (any Error)?

    var audio: [Int16] { events.flatMap { if case .audio(let s) = $0 { s } else { [Int16]() } } }
    var reply: ChatReply? { events.compactMap { if case .finished(let r) = $0 { r } else { nil } }.first }
    var transcript: String { events.compactMap { if case .transcriptDelta(let t) = $0 { t } else { nil } }.joined() }
    var toolCalls: [ChatToolCall] { events.compactMap { if case .toolCall(let c) = $0 { c } else { nil } } }
    var retries: [Duration] { events.compactMap { if case .retrying(_, let d, _) = $0 { d } else { nil } } }
    var modelError: ModelClientError? { error as? ModelClientError }

    static func run(_ client: ChatModelClient, _ request: ChatRequest, rate: Int = 8000) async -> Collected {
        var collected = Collected()
        do {
            for try await event in client.events(for: request, outputSampleRate: rate) { collected.events.append(event) }
        } catch {
            collected.error = error
        }
        return collected
    }
}
