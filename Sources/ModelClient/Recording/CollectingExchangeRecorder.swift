// ModelClient: a ready-made `ModelExchangeRecorder` that assembles each attempt into one value shaped like a
// cassette entry (request body, status, headers, body bytes, chunk offsets with their times, outcome) and
// hands it over when the attempt ends.
public import Foundation
import Synchronization

/// One recorded attempt, complete.
public struct ModelExchangeRecording: Sendable {
    /// One network read: `body[offset ..< offset + length]` arrived `at` after the attempt was sent.
    public struct Chunk: Sendable, Equatable {
        public var offset: Int
        public var length: Int
        public var at: Duration

        public init(offset: Int, length: Int, at: Duration) {
            self.offset = offset
            self.length = length
            self.at = at
        }

        /// `at` in whole milliseconds, as cassettes store it (`at_ms`).
        public var atMilliseconds: Int {
            let (seconds, attoseconds) = at.components
            return Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        }
    }

    public var id: ModelExchangeID
    public var url: String
    public var requestBody: Data
    /// `nil` when no response head arrived (connection error, first-byte timeout).
    public var status: Int?
    public var headers: [(name: String, value: String)] = []
    public var body: [UInt8] = []
    public var chunks: [Chunk] = []
    /// `nil` until the attempt ended.
    public var outcome: ModelExchangeOutcome?
    public var finishedAt: Duration?

    public init(id: ModelExchangeID, url: String, requestBody: Data) {
        self.id = id
        self.url = url
        self.requestBody = requestBody
    }
}

/// Collects attempts; `onFinished` gets each one when it ends (in the request's task: hand it off quickly).
public final class CollectingExchangeRecorder: ModelExchangeRecorder {
    private let open = Mutex<[ModelExchangeID: ModelExchangeRecording]>([:])
    private let done = Mutex<[ModelExchangeRecording]>([])
    private let onFinished: @Sendable (ModelExchangeRecording) -> Void

    public init(onFinished: @escaping @Sendable (ModelExchangeRecording) -> Void = { _ in }) {
        self.onFinished = onFinished
    }

    /// Every finished attempt so far, in the order they finished.
    public var finished: [ModelExchangeRecording] { done.withLock { $0 } }

    public func exchangeStarted(_ id: ModelExchangeID, url: String, requestBody: Data) {
        open.withLock { $0[id] = ModelExchangeRecording(id: id, url: url, requestBody: requestBody) }
    }

    public func responseHead(_ id: ModelExchangeID, status: Int, headers: [(name: String, value: String)], at: Duration) {
        open.withLock {
            $0[id]?.status = status
            $0[id]?.headers = headers
        }
    }

    public func received(_ id: ModelExchangeID, bytes: [UInt8], at: Duration) {
        open.withLock {
            guard var recording = $0.removeValue(forKey: id) else { return }
            recording.chunks.append(.init(offset: recording.body.count, length: bytes.count, at: at))
            recording.body += bytes
            $0[id] = recording
        }
    }

    public func exchangeFinished(_ id: ModelExchangeID, outcome: ModelExchangeOutcome, at: Duration) {
        guard var recording = open.withLock({ $0.removeValue(forKey: id) }) else { return }
        recording.outcome = outcome
        recording.finishedAt = at
        let value = recording
        done.withLock { $0.append(value) }
        onFinished(value)
    }
}
