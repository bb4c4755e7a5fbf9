/// Audio captured by a `record` step.
public struct RecordedAudio: Sendable, Equatable {
    /// The reference given to the flow (a file path, or `memory:<call>/<n>`).
    public var reference: String
    public var samples: [Int16]
    public var sampleRate: Int

    public init(reference: String, samples: [Int16], sampleRate: Int) {
        self.reference = reference
        self.samples = samples
        self.sampleRate = sampleRate
    }
}
