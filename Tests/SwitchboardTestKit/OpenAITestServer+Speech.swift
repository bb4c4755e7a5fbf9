// SwitchboardTestKit: `/v1/audio/speech` on the OpenAI-compatible test server. The test gives the audio (real
// audio made with sox or espeak-ng); every speech request is recorded like any other.
import Foundation

extension OpenAITestServer {
    /// Answers every `POST …/audio/speech` with `wav` (a whole RIFF/WAVE file) as `audio/wav`.
    public func serveSpeech(wav: [UInt8]) {
        serveSpeech { _ in
            OpenAITestReply(status: 200, headers: [("content-type", "audio/wav")], pieces: [.bytes(wav)])
        }
    }

    /// Answers every `POST …/audio/speech` with `reply(request)`.
    public func serveSpeech(_ reply: @escaping @Sendable (RecordedRequest) -> OpenAITestReply) {
        state.withLock { $0.speech = reply }
    }

    /// The speech requests received so far.
    public var speechRequests: [RecordedRequest] { requests.filter { $0.uri.hasSuffix("/audio/speech") } }
}
