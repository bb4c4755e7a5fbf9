// Server: calls Switchboard places (issue 15) — `POST /calls` and `switchboard call`. A call goes to NUMBER
// through a trunk (`sip:NUMBER@<registrar>`, sent to the trunk's proxy or registrar, digest on 401/407 with the
// trunk's credentials); when answered, the chosen flow runs on it like on an inbound call (call log direction
// `outbound`); busy, no answer and failures come back to the caller of the API and go into the call log with
// their SIP status. Concurrent outbound calls are capped by the bridge (`sip.max_outbound_calls`).
public import Bridges
import CallLog
import Foundation
public import Logging
import SIP
import SwitchboardCore

/// What to call and what to run.
public struct OutboundCallRequest: Sendable, Codable, Equatable {
    /// The number (or user part) to call.
    public var to: String
    /// The flow file (in `flows.dir`) to run when answered.
    public var flow: String
    /// The trunk's name; nil: the first trunk.
    public var trunk: String?
    /// Flow variables set before the flow starts.
    public var vars: [String: String]?
    /// Seconds it may ring before it is given up (`no_answer`); nil: 30.
    public var ringTimeout: Int?

    public init(to: String, flow: String, trunk: String? = nil, vars: [String: String]? = nil, ringTimeout: Int? = nil) {
        self.to = to
        self.flow = flow
        self.trunk = trunk
        self.vars = vars
        self.ringTimeout = ringTimeout
    }
}

/// What became of it.
public struct OutboundCallResponse: Sendable, Codable, Equatable {
    public var callID: String
    /// `answered`, `busy`, `no_answer`, `failed`, `over_capacity`.
    public var outcome: String
    public var sipStatus: Int?
    public var trunk: String

    public init(callID: String, outcome: String, sipStatus: Int?, trunk: String) {
        self.callID = callID
        self.outcome = outcome
        self.sipStatus = sipStatus
        self.trunk = trunk
    }
}

/// A request that cannot be placed (unknown trunk or flow, bad number); `status` is the HTTP status to answer.
public struct OutboundCallError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public var description: String { message }
}

public final class OutboundCaller: Sendable {
    let services: CallServices
    let trunks: [TrunkPlan]
    let bridge: SIPBridge
    let logger: Logger

    public init(services: CallServices, trunks: [TrunkPlan], bridge: SIPBridge, logger: Logger) {
        self.services = services
        self.trunks = trunks
        self.bridge = bridge
        self.logger = logger
    }

    /// Places the call and returns when it is answered or has failed.
    public func place(_ request: OutboundCallRequest) async throws(OutboundCallError) -> OutboundCallResponse {
        guard let trunk = request.trunk.map({ name in trunks.first { $0.name == name } }) ?? trunks.first else {
            throw OutboundCallError(
                status: 404,
                message: request.trunk.map { "no trunk named `\($0)` (trunks: \(trunks.map(\.name).joined(separator: ", ")))" }
                    ?? "no trunk configured: add one to `trunks:`")
        }
        let number = request.to.trimmingCharacters(in: .whitespaces)
        guard !number.isEmpty, number.count <= 64,
            number.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "+-.*#_".unicodeScalars.contains($0) })
        else { throw OutboundCallError(status: 400, message: "`to` must be a number or SIP user part, got `\(request.to)`") }
        let flowPath = request.flow.hasPrefix("/") ? request.flow : (services.configuration.flows.dir as NSString).appendingPathComponent(request.flow)
        guard let flow = services.flows.flow(at: flowPath) else {
            throw OutboundCallError(status: 404, message: "no valid flow `\(request.flow)` in \(services.configuration.flows.dir)")
        }
        var target = SIPURI(user: number, host: trunk.registrar.host)
        target.port = trunk.registrar.port
        let callID = CallStarted.newCallID()
        let caller = trunk.aor.user ?? "switchboard"
        var factory = FlowCallFactory(services: services, caller: caller, callee: number, flowPath: flowPath)
        factory.direction = "outbound"
        factory.presetVars = request.vars ?? [:]
        let logger = self.logger
        let made = factory
        let result: SIPOutboundResult
        do {
            result = try await bridge.placeCall(
                SIPOutboundRequest(
                    callID: callID, target: target, from: SIPNameAddress(uri: trunk.aor), nextHop: trunk.nextHop,
                    credentials: trunk.credentials, ringTimeout: .seconds(Int64(max(1, min(request.ringTimeout ?? 30, 300)))),
                    handler: { FlowCallHandler(factory: made, logger: logger) })
            ).get()
        } catch {
            result = SIPOutboundResult(outcome: .failed, sipStatus: nil)
        }
        logger.info(
            "outbound call", metadata: ["call": "\(callID)", "trunk": "\(trunk.name)", "to": "\(number)", "outcome": "\(result.outcome.rawValue)",
                "sip_status": "\(result.sipStatus.map(String.init) ?? "none")"])
        if result.outcome != .answered, result.outcome != .overCapacity, let log = services.callLog {
            // Never answered: no flow ran, so the call's rows come from here.
            let now = Date()
            log.write(
                .started(
                    CallStarted(
                        callID: callID, at: now, caller: caller, callee: number, bridge: "sip", flow: flow.name,
                        flowVersion: flow.version ?? "", direction: "outbound")))
            log.write(.ended(CallEnded(callID: callID, at: now, reason: CallEndReason(result.outcome.rawValue), sipStatus: result.sipStatus)))
        }
        return OutboundCallResponse(callID: callID, outcome: result.outcome.rawValue, sipStatus: result.sipStatus, trunk: trunk.name)
    }
}
