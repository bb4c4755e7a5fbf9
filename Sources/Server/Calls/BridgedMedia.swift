// Server: the outbound side of a bridged flow call as CallEngine's `MediaOut` port: the session's audio queue
// (pulled by the media tick), transfer and hang-up hopped onto the media event loop.
import Bridges
import CallEngine
import NIOCore
import SIP
import SwitchboardCore
import Synchronization

/// Outbound side of a bridged call: the session's queue (pulled by the media tick), transfer and hang-up
/// hopped onto the media event loop.
final class BridgedMedia: MediaOut, @unchecked Sendable {
    // @unchecked: `session` is only touched on its event loop (every use below hops there first).
    let outbound: OutboundAudioQueue
    private let session: CallMediaSession
    /// How long a blind transfer may take from REFER to the final NOTIFY before it counts as failed.
    let transferTimeout: TimeAmount
    /// How long an attended transfer's REFER (with Replaces) may take before the legs are bridged instead.
    let attendedReferTimeout: TimeAmount = .seconds(10)
    /// Set once an attended transfer bridged the legs.
    private let bridged = Mutex(false)

    init(outbound: OutboundAudioQueue, session: CallMediaSession, transferTimeout: TimeAmount = .seconds(30)) {
        self.outbound = outbound
        self.session = session
        self.transferTimeout = transferTimeout
    }

    /// Blind transfer: returns once the REFER's outcome is known — `.transferred` after the NOTIFY sipfrag
    /// 2xx, `.failed` on a refusal (403/405/501 …), a failed target (NOTIFY 486/503 …), a timeout or the end
    /// of the call. On failure the call stays up, so the flow can take its overflow or `on_failure`.
    func transfer(to target: String) async -> TransferResult {
        let session = self.session
        let timeout = transferTimeout
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<BlindTransferOutcome, Never>) in
            session.eventLoop.execute {
                session.transfer(to: target, timeout: timeout) { continuation.resume(returning: $0) }
            }
        }
        switch outcome {
        case .completed: return .transferred
        case .failed(_, let reason): return .failed(reason: reason)
        }
    }

    /// Attended transfer: the bridge calls the target, whispers, REFERs with Replaces; a refused REFER leaves
    /// the two legs bridged (the call then stays up after the flow has ended, until either side hangs up).
    func attendedTransfer(_ leg: AttendedTransferLeg) async -> TransferResult {
        let session = self.session
        let setup = AttendedTransferSetup(
            target: leg.target, whisper: leg.whisper, whisperRate: leg.whisperRate, callerID: leg.callerID,
            answerTimeout: .milliseconds(Int64(leg.answerTimeoutMs)), referTimeout: attendedReferTimeout)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<AttendedTransferMachine.Outcome, Never>) in
            session.eventLoop.execute {
                session.attendedTransfer(setup) { continuation.resume(returning: $0) }
            }
        }
        switch outcome {
        case .transferred: return .transferred
        case .bridged(let detail):
            bridged.withLock { $0 = true }
            return .bridged(detail: detail)
        case .failed(let reason): return .failed(reason: reason)
        }
    }

    func hangUp(_ reason: HangUpReason) async {
        hangUpIfNeeded()
    }

    func hangUpIfNeeded() {
        // Bridged to a transfer target: the legs live on after the flow; the bridge ends them.
        guard !bridged.withLock({ $0 }) else { return }
        let session = self.session
        session.eventLoop.execute {
            if !session.isEnded { session.hangUp() }
        }
    }
}

extension BridgedMedia: DTMFSending {
    /// RFC 4733 events when the call negotiated them, else SIP INFO; returns once the digits are out.
    func sendDigitsOutOfBand(_ digits: String) async -> DTMFSendMethod? {
        let session = self.session
        let method = await withCheckedContinuation { (continuation: CheckedContinuation<OutOfBandDTMF?, Never>) in
            session.eventLoop.execute {
                session.sendDigitsOutOfBand(digits) { continuation.resume(returning: $0) }
            }
        }
        switch method {
        case .rfc4733: return .rfc4733
        case .sipInfo: return .sipInfo
        case nil: return nil
        }
    }
}

