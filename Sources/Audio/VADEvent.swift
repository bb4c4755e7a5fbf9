/// What voice activity detection reports: the start and the end of an utterance, in milliseconds on the
/// stream's timeline. `speechEnd` carries the end of the last voiced frame, not the (later) moment the
/// end-of-speech silence ran out.
public enum VADEvent: Equatable, Sendable {
    case speechStart(ms: Int)
    case speechEnd(ms: Int)
}

/// One utterance found in a recording.
public struct Utterance: Equatable, Sendable {
    public var startMs: Int
    public var endMs: Int

    public init(startMs: Int, endMs: Int) {
        self.startMs = startMs
        self.endMs = endMs
    }
}
