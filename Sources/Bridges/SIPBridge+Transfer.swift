// Bridges: blind transfer that keeps its promise — the REFER's answer and the NOTIFY sipfrag decide the
// outcome (RFC 3515): a refusal (403/405/501 …), a NOTIFY with a failure (486/503 …) or a timeout reports a
// failure and the call stays up; a NOTIFY 2xx reports success. Runs on the SIP event loop.
import Logging
import NIOCore
import SIP

/// How a blind transfer (REFER) ended.
public enum BlindTransferOutcome: Sendable, Equatable {
    /// The transferee reached the target (NOTIFY sipfrag 2xx). The caller's leg may now be hung up.
    case completed(status: Int)
    /// The REFER was refused, the target failed, nothing final came in time, or the call ended first;
    /// `status` is the SIP status when there was one. The call is still up unless it ended.
    case failed(status: Int?, reason: String)
}

/// One REFER waiting for its outcome (owned by the call's `BridgeCall`, SIP loop only).
final class PendingTransfer: @unchecked Sendable {
    // @unchecked: created, read and finished on the SIP event loop only.
    let target: String
    var accepted = false
    var timer: Scheduled<Void>?
    private var completion: (@Sendable (BlindTransferOutcome) -> Void)?

    init(target: String, completion: @escaping @Sendable (BlindTransferOutcome) -> Void) {
        self.target = target
        self.completion = completion
    }

    /// Reports the outcome once; later calls do nothing.
    func finish(_ outcome: BlindTransferOutcome) {
        timer?.cancel()
        timer = nil
        let completion = self.completion
        self.completion = nil
        completion?(outcome)
    }
}

extension SIPBridge {
    /// Sends REFER for `callID` to `target` and reports the outcome through `completion` exactly once
    /// (on the SIP loop): success after a NOTIFY sipfrag 2xx, failure on a final error answer to the REFER,
    /// a final non-2xx sipfrag, `timeout` without a final result, or the end of the call.
    func startTransfer(
        callID: String, to target: String, timeout: TimeAmount,
        completion: @escaping @Sendable (BlindTransferOutcome) -> Void
    ) {
        eventLoop.execute { [self] in
            guard let call = calls[callID], !call.ended else {
                completion(.failed(status: nil, reason: "the call has ended"))
                return
            }
            guard let uri = SIPURI(target) else {
                logger.warning("transfer target is not a SIP URI", metadata: ["call": "\(callID)"])
                completion(.failed(status: nil, reason: "`\(target)` is not a SIP URI"))
                return
            }
            guard call.pendingTransfer == nil else {
                completion(.failed(status: nil, reason: "a transfer is already in progress"))
                return
            }
            logger.info("transfer started", metadata: ["call": "\(callID)", "target": "\(target)"])
            sendREFER(.refer(callID: callID, target: uri), call: call, target: target, timeout: timeout, completion: completion)
        }
    }

    /// Sends a REFER (`command`) for `call` and waits for its outcome like `startTransfer` (SIP loop).
    func sendREFER(
        _ command: SIPUACommand, call: BridgeCall, target: String, timeout: TimeAmount,
        completion: @escaping @Sendable (BlindTransferOutcome) -> Void
    ) {
        let callID = call.callID
        let pending = PendingTransfer(target: target, completion: completion)
        call.pendingTransfer = pending
        pending.timer = eventLoop.scheduleTask(in: timeout) { [self] in
            guard call.pendingTransfer === pending else { return }
            call.pendingTransfer = nil
            let stage = pending.accepted ? "no final NOTIFY" : "no answer to the REFER"
            logger.warning("transfer timed out", metadata: ["call": "\(callID)", "stage": "\(stage)"])
            pending.finish(.failed(status: nil, reason: "timeout: \(stage) within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        self.command(command)
    }

    /// The UA core's `referProgress`: the REFER's answer (non-final 2xx or final error) or a NOTIFY sipfrag.
    func referProgress(callID: String, status: Int, final: Bool) {
        logger.info("transfer progress", metadata: ["call": "\(callID)", "status": "\(status)", "final": "\(final)"])
        guard let call = calls[callID] else { return }
        guard let pending = call.pendingTransfer else {
            // A transfer nobody waits for (diagnostic handlers): hang up once it completed.
            if final && (200..<300).contains(status), !call.transferred {
                call.transferred = true
                counters.update { $0.transfersAccepted += 1 }
                command(.hangUp(callID: callID))
            }
            return
        }
        guard final else {
            if (200..<300).contains(status) { pending.accepted = true }
            return
        }
        call.pendingTransfer = nil
        if (200..<300).contains(status) {
            call.transferred = true
            counters.update { $0.transfersAccepted += 1 }
            pending.finish(.completed(status: status))
        } else {
            let what = pending.accepted ? "the transfer target answered" : "the REFER was answered"
            pending.finish(.failed(status: status, reason: "\(what) \(status)"))
        }
    }

    /// The call ended while a transfer was pending: report it (the waiter must never hang).
    func endPendingTransfer(_ call: BridgeCall) {
        guard let pending = call.pendingTransfer else { return }
        call.pendingTransfer = nil
        pending.finish(.failed(status: nil, reason: "the call ended during the transfer"))
    }
}
