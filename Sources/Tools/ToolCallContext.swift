/// What the tools know about the call they run in. The call engine keeps one per call and passes it to every
/// `ToolDispatcher.dispatch`, which returns the updated state (verification, counters) to keep.
public struct ToolCallContext: Sendable, Hashable, Codable {
    /// The call's id (call log `calls.id`).
    public var callID: String
    /// The caller's number (E.164 or whatever the bridge saw), used by `lookup_account` by default.
    public var callerNumber: String
    /// True once `verify_caller` succeeded for `verifiedAccount` in this call.
    public var verified: Bool
    /// The account the caller proved to own.
    public var verifiedAccount: String?
    /// Failed `verify_caller` attempts in this call.
    public var failedVerifications: Int
    /// Tool calls dispatched so far in this call (for the per-call cap).
    public var toolCallsSoFar: Int

    public init(
        callID: String, callerNumber: String, verified: Bool = false, verifiedAccount: String? = nil,
        failedVerifications: Int = 0, toolCallsSoFar: Int = 0
    ) {
        self.callID = callID
        self.callerNumber = callerNumber
        self.verified = verified
        self.verifiedAccount = verifiedAccount
        self.failedVerifications = failedVerifications
        self.toolCallsSoFar = toolCallsSoFar
    }

    /// True when the caller is verified for `accountNumber`.
    public func isVerified(for accountNumber: String) -> Bool {
        verified && verifiedAccount == accountNumber
    }
}
