// Bridges: sending DTMF digits out of band on a call — RFC 4733 telephone-events when the call negotiated them,
// else SIP INFO (`application/dtmf-relay`, 100 ms per digit, 170 ms apart).
import NIOCore

/// How a session sent digits out of band.
public enum OutOfBandDTMF: Sendable, Equatable {
    case rfc4733
    case sipInfo
}

extension CallMediaSession {
    /// Sends `digits` (DTMF characters) out of band and calls `completion` (on some event loop) once they are
    /// out: with `.rfc4733` when telephone-event was negotiated, `.sipInfo` when the call has a SIP dialog, nil
    /// when neither (the caller plays them in band). Call on the media loop.
    public func sendDigitsOutOfBand(_ digits: String, completion: @escaping @Sendable (OutOfBandDTMF?) -> Void) {
        guard isActive, !digits.isEmpty else {
            completion(nil)
            return
        }
        if media?.telephoneEventPayloadType != nil {
            eventSender.enqueue(digits)
            waitForEvents(completion)
        } else if let bridge = signaling as? SIPBridge {
            bridge.sendInfoDigits(callID: callID, digits: Array(digits), completion: completion)
        } else {
            completion(nil)
        }
    }

    /// Polls every 20 ms (on the media loop) until the RFC 4733 sender is idle.
    private func waitForEvents(_ completion: @escaping @Sendable (OutOfBandDTMF?) -> Void) {
        guard isActive, eventSender.isActive else {
            completion(.rfc4733)
            return
        }
        eventLoop.scheduleTask(in: .milliseconds(20)) { self.waitForEvents(completion) }
    }
}

extension SIPBridge {
    /// One SIP INFO per digit, 170 ms apart (100 ms digit + 70 ms gap), then `completion(.sipInfo)`.
    func sendInfoDigits(callID: String, digits: [Character], completion: @escaping @Sendable (OutOfBandDTMF?) -> Void) {
        eventLoop.execute { [self] in
            guard let digit = digits.first else {
                completion(.sipInfo)
                return
            }
            guard let call = calls[callID], !call.ended else {
                completion(nil)
                return
            }
            command(.sendInfoDTMF(callID: callID, digit: digit, durationMs: 100))
            eventLoop.scheduleTask(in: .milliseconds(170)) { [self] in
                sendInfoDigits(callID: callID, digits: Array(digits.dropFirst()), completion: completion)
            }
        }
    }
}
