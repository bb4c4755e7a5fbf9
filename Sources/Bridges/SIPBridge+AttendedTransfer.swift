// Bridges: attended (warm) transfer, the thin I/O around `AttendedTransferMachine`: places the target's leg
// (an outbound call, `placeCall`, ringing at most the answer timeout, then CANCEL), plays the whisper to it,
// REFERs the caller's dialog with Replaces naming that leg, and when the REFER is refused joins the two legs'
// media until either hangs up (then BYE to the other). Runs on the SIP event loop.
import Foundation
import Logging
public import NIOCore
public import SIP

/// One attended transfer (SIP loop only).
final class AttendedTransferRun: @unchecked Sendable {
    // @unchecked: created, read and finished on the SIP event loop only.
    let callerCallID: String
    let targetCallID: String
    let target: String
    let referTimeout: TimeAmount
    var machine = AttendedTransferMachine()
    private var completion: (@Sendable (AttendedTransferMachine.Outcome) -> Void)?

    init(
        callerCallID: String, targetCallID: String, target: String, referTimeout: TimeAmount,
        completion: @escaping @Sendable (AttendedTransferMachine.Outcome) -> Void
    ) {
        self.callerCallID = callerCallID
        self.targetCallID = targetCallID
        self.target = target
        self.referTimeout = referTimeout
        self.completion = completion
    }

    func finish(_ outcome: AttendedTransferMachine.Outcome) {
        let completion = self.completion
        self.completion = nil
        completion?(outcome)
    }
}

/// The trunk an attended transfer's call to the target goes through (like an outbound call's).
public struct SIPTransferTrunk: Sendable, Equatable {
    public var nextHop: SIPEndpoint
    public var credentials: SIPCredentials?
    /// Our From through this trunk (its address-of-record).
    public var from: SIPNameAddress

    public init(nextHop: SIPEndpoint, credentials: SIPCredentials?, from: SIPNameAddress) {
        self.nextHop = nextHop
        self.credentials = credentials
        self.from = from
    }
}

/// What an attended transfer needs to call the target.
public struct AttendedTransferSetup: Sendable {
    public var target: String
    /// PCM at `whisperRate`, played to the target once it answers (empty: none).
    public var whisper: [Int16]
    public var whisperRate: Int
    /// The caller ID the target sees (From user part); nil: `switchboard`.
    public var callerID: String?
    public var answerTimeout: TimeAmount
    /// How long the REFER may take (to the final NOTIFY) before the legs are bridged instead.
    public var referTimeout: TimeAmount

    public init(
        target: String, whisper: [Int16], whisperRate: Int, callerID: String?, answerTimeout: TimeAmount,
        referTimeout: TimeAmount = .seconds(10)
    ) {
        self.target = target
        self.whisper = whisper
        self.whisperRate = whisperRate
        self.callerID = callerID
        self.answerTimeout = answerTimeout
        self.referTimeout = referTimeout
    }
}

extension SIPBridge {
    /// Attended transfer of `callID`; `completion` is called once (SIP loop) with the outcome. Safe from any
    /// thread.
    public func startAttendedTransfer(
        callID: String, _ setup: AttendedTransferSetup,
        completion: @escaping @Sendable (AttendedTransferMachine.Outcome) -> Void
    ) {
        eventLoop.execute { [self] in
            guard let call = calls[callID], !call.ended else {
                completion(.failed(reason: "the call has ended"))
                return
            }
            guard let uri = SIPURI(setup.target), uri.isSIP else {
                completion(.failed(reason: "`\(setup.target)` is not a SIP URI"))
                return
            }
            guard call.pendingTransfer == nil, attendedTransfers[callID] == nil else {
                completion(.failed(reason: "a transfer is already in progress"))
                return
            }
            let targetCallID = UUID().uuidString.lowercased() + "@switchboard"
            let run = AttendedTransferRun(
                callerCallID: callID, targetCallID: targetCallID, target: setup.target, referTimeout: setup.referTimeout,
                completion: completion)
            attendedTransfers[callID] = run
            attendedTransfers[targetCallID] = run
            logger.info(
                "attended transfer: calling the target",
                metadata: ["call": "\(callID)", "target": "\(setup.target)", "leg": "\(targetCallID)"])
            let whisper = setup.whisper
            let rate = setup.whisperRate
            let done: @Sendable () -> Void = { [weak self] in
                guard let bridge = self else { return }
                bridge.eventLoop.execute { bridge.attendedEvent(targetCallID, .whisperFinished) }
            }
            // Through a trunk whose registrar the URI names: its next hop, digest credentials and AOR as From
            // (as `switchboard call` does); otherwise straight to the URI with the caller's number as caller ID.
            let trunk = configuration.transferTrunk?(uri)
            let from =
                trunk?.from ?? SIPNameAddress(uri: SIPURI(user: setup.callerID ?? "switchboard", host: defaultCoreKey.local.host))
            let request = SIPOutboundRequest(
                callID: targetCallID, target: uri, from: from, nextHop: trunk?.nextHop ?? SIPEndpoint(uri: uri),
                credentials: trunk?.credentials, ringTimeout: setup.answerTimeout,
                handler: { TransferLegHandler(whisper: whisper, whisperRate: rate, whisperDone: done) })
            placeCall(request).hop(to: eventLoop).whenComplete { [self] result in
                switch result {
                case .success(let placed) where placed.outcome == .answered:
                    attendedEvent(targetCallID, .targetAnswered)
                case .success(let placed):
                    let status = placed.sipStatus.map { " (\($0))" } ?? ""
                    attendedEvent(targetCallID, .targetFailed(reason: "the transfer target: \(placed.outcome.rawValue)\(status)"))
                case .failure(let error):
                    attendedEvent(targetCallID, .targetFailed(reason: "the transfer target could not be called: \(error)"))
                }
            }
        }
    }

    /// Feeds one event to the transfer `callID` belongs to and performs the machine's actions (SIP loop).
    func attendedEvent(_ callID: String, _ event: AttendedTransferMachine.Event) {
        guard let run = attendedTransfers[callID] else { return }
        let actions = run.machine.handle(event)
        if run.machine.state == .done {
            attendedTransfers[run.callerCallID] = nil
            attendedTransfers[run.targetCallID] = nil
        }
        for action in actions { performAttended(action, run) }
    }

    /// A leg of an attended transfer ended (SIP loop, from `ended`).
    func attendedLegEnded(_ callID: String) {
        guard let run = attendedTransfers[callID] else { return }
        attendedEvent(callID, callID == run.callerCallID ? .callerHungUp : .targetHungUp)
    }

    private func performAttended(_ action: AttendedTransferMachine.Action, _ run: AttendedTransferRun) {
        let caller = run.callerCallID
        switch action {
        case .hangUpTarget: command(.hangUp(callID: run.targetCallID))
        case .hangUpCaller: command(.hangUp(callID: caller))
        case .sendRefer:
            guard let call = calls[caller], !call.ended, call.pendingTransfer == nil else {
                attendedEvent(caller, .referFailed(reason: "the caller's call cannot be referred now"))
                return
            }
            logger.info("attended transfer: REFER with Replaces", metadata: ["call": "\(caller)", "leg": "\(run.targetCallID)"])
            sendREFER(
                .referReplacing(callID: caller, replacing: run.targetCallID), call: call, target: run.target,
                timeout: run.referTimeout
            ) { [weak self] outcome in
                guard let self else { return }
                self.eventLoop.execute {
                    switch outcome {
                    case .completed: self.attendedEvent(caller, .referCompleted)
                    case .failed(_, let reason): self.attendedEvent(caller, .referFailed(reason: reason))
                    }
                }
            }
        case .bridge:
            guard let callerMedia = calls[caller]?.media, let targetMedia = calls[run.targetCallID]?.media else { return }
            logger.info("attended transfer: REFER refused, bridging the legs", metadata: ["call": "\(caller)", "leg": "\(run.targetCallID)"])
            media.eventLoop.execute { callerMedia.join(targetMedia) }
        case .report(let outcome):
            run.finish(outcome)
        }
    }
}
