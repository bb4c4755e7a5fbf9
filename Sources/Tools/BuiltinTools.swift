public import Foundation
import SwitchboardCore

/// The implementations of the built-in tools and their configuration: the accounts database, which account
/// fields are sensitive, the verification attempt limit, the routing table and the clock used for business
/// hours (injected, so tests and replays choose the time).
public struct BuiltinTools: Sendable {
    public var accounts: AccountsDatabase?
    public var routing: RoutingTable
    /// Failed `verify_caller` attempts allowed per call; after that verification is locked for the call.
    public var maxVerificationAttempts: Int
    /// Returned by `lookup_account` only when the caller is verified for that account.
    public var sensitiveFields: Set<String>
    /// Never returned.
    public var hiddenFields: Set<String>
    public var defaultGoodbye: String
    public var now: @Sendable () -> Date

    public init(
        accounts: AccountsDatabase?, routing: RoutingTable = .demo, maxVerificationAttempts: Int = 3,
        sensitiveFields: Set<String> = ["balance", "date_of_birth", "address", "email", "next_appointment"],
        hiddenFields: Set<String> = ["pin"], defaultGoodbye: String = "Thank you for calling. Goodbye.",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.accounts = accounts
        self.routing = routing
        self.maxVerificationAttempts = maxVerificationAttempts
        self.sensitiveFields = sensitiveFields
        self.hiddenFields = hiddenFields
        self.defaultGoodbye = defaultGoodbye
        self.now = now
    }

    struct Outcome: Sendable {
        var value: JSONValue
        var isError: Bool = false
        var action: ToolAction?

        static func error(_ message: String, retryable: Bool = false) -> Outcome {
            Outcome(value: ["error": .string(message), "retryable": .bool(retryable)], isError: true)
        }
    }

    func run(_ tool: BuiltinTool, arguments: [String: JSONValue], context: CallContextBox) async -> Outcome {
        switch tool {
        case .lookupAccount: await lookupAccount(arguments, context: context)
        case .verifyCaller: await verifyCaller(arguments, context: context)
        case .transferCall: transferCall(arguments)
        case .endCall: endCall(arguments)
        case .sendDTMF: sendDTMF(arguments)
        }
    }

    // MARK: lookup_account

    private func lookupAccount(_ arguments: [String: JSONValue], context: CallContextBox) async -> Outcome {
        guard let accounts else { return .error("no accounts database is configured") }
        let callerNumber = await context.context.callerNumber
        let account: [String: JSONValue]?
        do {
            if let number = arguments["account_number"]?.stringValue {
                account = try await accounts.account(number: number)
            } else {
                account = try await accounts.account(phone: arguments["phone"]?.stringValue ?? callerNumber)
            }
        } catch {
            return .error(error.description, retryable: true)
        }
        guard let account, let number = account["account_number"].map(Self.text) else {
            return Outcome(value: ["found": false])
        }
        let verified = await context.context.isVerified(for: number)
        var fields: [String: JSONValue] = [:]
        var withheld: [JSONValue] = []
        for (column, value) in account where !hiddenFields.contains(column) {
            if !verified, sensitiveFields.contains(column) {
                if value != .null { withheld.append(.string(column)) }
            } else {
                fields[column] = value
            }
        }
        var result: [String: JSONValue] = ["found": true, "verified": .bool(verified), "account": .object(fields)]
        if !withheld.isEmpty {
            result["withheld_until_verified"] = .array(withheld.sorted { $0.jsonText < $1.jsonText })
        }
        return Outcome(value: .object(result))
    }

    // MARK: verify_caller

    private func verifyCaller(_ arguments: [String: JSONValue], context: CallContextBox) async -> Outcome {
        guard let accounts else { return .error("no accounts database is configured") }
        let pin = arguments["pin"]?.stringValue
        let dateOfBirth = arguments["date_of_birth"]?.stringValue
        guard pin != nil || dateOfBirth != nil else {
            return .error("give the caller's pin or date_of_birth to verify")
        }
        // Reserve an attempt first, so concurrent attempts can't exceed the limit.
        let limit = maxVerificationAttempts
        let reserved = await context.update { state -> Bool in
            guard state.failedVerifications < limit else { return false }
            state.failedVerifications += 1
            return true
        }
        guard reserved else {
            return Outcome(
                value: [
                    "verified": false, "locked": true, "attempts_left": 0,
                    "error": "too many failed verification attempts in this call",
                    "retryable": false,
                ], isError: true)
        }
        let account: [String: JSONValue]?
        do {
            if let number = arguments["account_number"]?.stringValue {
                account = try await accounts.account(number: number)
            } else {
                account = try await accounts.account(phone: await context.context.callerNumber)
            }
        } catch {
            await context.update { $0.failedVerifications -= 1 }
            return .error(error.description, retryable: true)
        }
        guard let account, let number = account["account_number"].map(Self.text) else {
            await context.update { $0.failedVerifications -= 1 }
            return Outcome(value: ["verified": false, "found": false, "error": "no account found to verify against"])
        }
        var matched = false
        if let pin, let expected = account["pin"].map(Self.text), !expected.isEmpty {
            matched = ConstantTime.equal(pin, expected)
        }
        if !matched, let dateOfBirth, let expected = account["date_of_birth"].map(Self.text), !expected.isEmpty {
            matched = ConstantTime.equal(dateOfBirth, expected)
        }
        let name = account["name"] ?? .null
        let succeeded = matched
        let attemptsLeft = await context.update { state -> Int in
            if succeeded {
                state.failedVerifications -= 1
                state.verified = true
                state.verifiedAccount = number
            }
            return max(0, limit - state.failedVerifications)
        }
        if matched {
            return Outcome(value: ["verified": true, "account_number": .string(number), "name": name])
        }
        return Outcome(value: ["verified": false, "attempts_left": .number(Double(attemptsLeft))])
    }

    // MARK: transfer_call and end_call

    private func transferCall(_ arguments: [String: JSONValue]) -> Outcome {
        guard let route = arguments["route"]?.stringValue else { return .error("route is required") }
        let decision: RoutingTable.Decision
        do {
            decision = try routing.decide(route, at: now())
        } catch {
            return .error(error.description)
        }
        switch decision {
        case .open(let target, let overflow):
            var value: [String: JSONValue] = [
                "action": "transfer", "route": .string(route), "target": .string(target), "outcome": "open",
            ]
            if let overflow { value["overflow"] = .string(overflow) }
            return Outcome(
                value: .object(value), action: .transfer(route: route, target: target, overflow: overflow))
        case .overflow(let target):
            return Outcome(
                value: [
                    "action": "transfer", "route": .string(route), "target": .string(target),
                    "outcome": "closed_overflow",
                ], action: .transfer(route: route, target: target, overflow: nil))
        case .closed:
            return Outcome(value: [
                "action": "none", "route": .string(route), "outcome": "closed",
                "message": .string("\(route) is closed now and has no overflow; offer to help otherwise"),
            ])
        }
    }

    private func endCall(_ arguments: [String: JSONValue]) -> Outcome {
        let goodbye = arguments["goodbye"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? defaultGoodbye
        return Outcome(value: ["action": "hangup", "goodbye": .string(goodbye)], action: .hangUp(goodbye: goodbye))
    }

    /// `send_dtmf`: the engine sends the digits (the flow interpreter asks it to); the result confirms them.
    private func sendDTMF(_ arguments: [String: JSONValue]) -> Outcome {
        guard let digits = arguments["digits"]?.stringValue, !digits.isEmpty else { return .error("send_dtmf needs `digits`") }
        return Outcome(value: ["action": "send_dtmf", "digits": .string(digits), "sent": true])
    }

    // MARK: helpers

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): string
        case .null: ""
        default: value.jsonText
        }
    }
}
