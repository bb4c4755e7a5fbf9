// ModelClient: the exchange-recorder hook. Every HTTP attempt of a model request (retries included) is
// reported as it happens: the request body exactly as sent, the response status and headers, each network
// read of the body with its time since the attempt was sent, and how the attempt ended. `serve --record`
// turns these into cassettes (docs/fixtures.md). No recorder (the default) costs nothing.
public import Foundation

/// Identifies one HTTP attempt: `request` is one `events(for:)` call, `attempt` counts from 1.
public struct ModelExchangeID: Hashable, Sendable, CustomStringConvertible {
    public var request: UUID
    public var attempt: Int

    public init(request: UUID, attempt: Int) {
        self.request = request
        self.attempt = attempt
    }

    public var description: String { "\(request.uuidString.prefix(8))#\(attempt)" }
}

/// How one attempt ended.
public enum ModelExchangeOutcome: Sendable, Equatable {
    /// The body was read to its end (or to `data: [DONE]`) and the reply decoded.
    case completed
    /// The attempt failed: an HTTP error status (body read), a transport error, a timeout (`timeout.idle`
    /// after some chunks is a stall), a mid-stream error event, a malformed body. It may be retried as a new
    /// attempt with the same request id.
    case failed(ModelClientError)
    /// The consumer stopped listening (barge-in, hang-up): the request was aborted.
    case cancelled

    /// The failure text for a recording, `nil` when completed.
    public var errorText: String? {
        switch self {
        case .completed: nil
        case .failed(let error): error.description
        case .cancelled: "cancelled"
        }
    }
}

/// Receives every model exchange as it happens. Calls for one attempt arrive in order, from the request's
/// task: `exchangeStarted`, then (once the head arrived) `responseHead`, then `received` per network read,
/// then exactly one `exchangeFinished`. Calls for different requests may come concurrently. Keep them quick:
/// they run on the reply path (copy and hand off; do file I/O elsewhere).
public protocol ModelExchangeRecorder: Sendable {
    /// The attempt is about to be sent. `url` is the endpoint; `requestBody` is the JSON byte for byte. Request
    /// headers are not given (they hold the API key).
    func exchangeStarted(_ id: ModelExchangeID, url: String, requestBody: Data)
    /// The response head arrived `at` after the attempt was sent.
    func responseHead(_ id: ModelExchangeID, status: Int, headers: [(name: String, value: String)], at: Duration)
    /// One network read of the response body, as it arrived, `at` after the attempt was sent.
    func received(_ id: ModelExchangeID, bytes: [UInt8], at: Duration)
    /// The attempt ended, `at` after it was sent.
    func exchangeFinished(_ id: ModelExchangeID, outcome: ModelExchangeOutcome, at: Duration)
}
