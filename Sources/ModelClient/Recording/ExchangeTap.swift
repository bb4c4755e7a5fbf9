// ModelClient: the client's side of the recorder hook for one attempt: the attempt's id and send time, and
// the conversions (NIO buffers to bytes, times since the send). Only built when a recorder is set.
import Foundation
import NIOCore

struct ExchangeTap: Sendable {
    let recorder: any ModelExchangeRecorder
    let id: ModelExchangeID
    /// When the attempt was sent: every `at` is measured from here.
    let start = ContinuousClock.now

    private var elapsed: Duration { start.duration(to: .now) }

    func started(url: String, body: Data) {
        recorder.exchangeStarted(id, url: url, requestBody: body)
    }

    func head(status: Int, headers: [(name: String, value: String)]) {
        recorder.responseHead(id, status: status, headers: headers, at: elapsed)
    }

    func received(_ buffer: ByteBuffer) {
        recorder.received(id, bytes: Array(buffer.readableBytesView), at: elapsed)
    }

    func finished(_ outcome: ModelExchangeOutcome) {
        recorder.exchangeFinished(id, outcome: outcome, at: elapsed)
    }
}
