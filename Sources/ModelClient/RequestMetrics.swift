// ModelClient: per-request measurements. All times count from the start of the first attempt, so
// retries show up in them; `attempts` says how many were made.

/// Latency, size, tokens and cost of one model request.
public struct RequestMetrics: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var attempts: Int
    public var httpStatus: Int?
    /// Until the first byte of the response body.
    public var timeToFirstByte: Duration?
    /// Until the first audio sample was delivered.
    public var timeToFirstAudio: Duration?
    public var total: Duration
    public var usage: ChatUsage?
    /// USD, from the provider's price table.
    public var cost: Double
    /// Chunks skipped because they were not JSON.
    public var malformedChunks: Int
    public var responseBytes: Int
    public var replyAudioSeconds: Double

    public init(
        provider: String, model: String, attempts: Int = 1, httpStatus: Int? = nil, timeToFirstByte: Duration? = nil,
        timeToFirstAudio: Duration? = nil, total: Duration = .zero, usage: ChatUsage? = nil, cost: Double = 0,
        malformedChunks: Int = 0, responseBytes: Int = 0, replyAudioSeconds: Double = 0
    ) {
        self.provider = provider
        self.model = model
        self.attempts = attempts
        self.httpStatus = httpStatus
        self.timeToFirstByte = timeToFirstByte
        self.timeToFirstAudio = timeToFirstAudio
        self.total = total
        self.usage = usage
        self.cost = cost
        self.malformedChunks = malformedChunks
        self.responseBytes = responseBytes
        self.replyAudioSeconds = replyAudioSeconds
    }
}
