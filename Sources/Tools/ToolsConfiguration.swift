/// The `tools:` section of the Switchboard configuration file (snake_case keys; every key optional).
public struct ToolsConfiguration: Sendable, Hashable, Codable {
    /// SQLite file with the `accounts` table; nil: `lookup_account`/`verify_caller` answer with an error.
    public var accountsDB: String?
    public var maxVerificationAttempts: Int
    /// Account columns returned only to a verified caller.
    public var sensitiveFields: [String]
    public var redactDateOfBirth: Bool
    public var limits: ToolDispatcher.Limits
    public var egress: EgressPolicy
    public var routing: RoutingTable

    enum CodingKeys: String, CodingKey {
        case accountsDB = "accounts_db"
        case maxVerificationAttempts = "max_verification_attempts"
        case sensitiveFields = "sensitive_fields"
        case redactDateOfBirth = "redact_date_of_birth"
        case limits, egress, routing
    }

    public init(
        accountsDB: String? = nil, maxVerificationAttempts: Int = 3,
        sensitiveFields: [String] = ["balance", "date_of_birth", "address", "email", "next_appointment"],
        redactDateOfBirth: Bool = true, limits: ToolDispatcher.Limits = .init(),
        egress: EgressPolicy = EgressPolicy(allowedHosts: []), routing: RoutingTable = .demo
    ) {
        self.accountsDB = accountsDB
        self.maxVerificationAttempts = maxVerificationAttempts
        self.sensitiveFields = sensitiveFields
        self.redactDateOfBirth = redactDateOfBirth
        self.limits = limits
        self.egress = egress
        self.routing = routing
    }

    public init(from decoder: any Decoder) throws {
        let defaults = ToolsConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accountsDB = try container.decodeIfPresent(String.self, forKey: .accountsDB)
        maxVerificationAttempts =
            try container.decodeIfPresent(Int.self, forKey: .maxVerificationAttempts) ?? defaults.maxVerificationAttempts
        sensitiveFields = try container.decodeIfPresent([String].self, forKey: .sensitiveFields) ?? defaults.sensitiveFields
        redactDateOfBirth = try container.decodeIfPresent(Bool.self, forKey: .redactDateOfBirth) ?? true
        limits = try container.decodeIfPresent(ToolDispatcher.Limits.self, forKey: .limits) ?? defaults.limits
        egress = try container.decodeIfPresent(EgressPolicy.self, forKey: .egress) ?? defaults.egress
        routing = try container.decodeIfPresent(RoutingTable.self, forKey: .routing) ?? defaults.routing
    }

    /// Configuration mistakes, each a sentence.
    public func problems() -> [String] {
        var problems = routing.problems().map { "routing: \($0)" }
        if !(1...10).contains(maxVerificationAttempts) { problems.append("max_verification_attempts must be 1...10") }
        if limits.maxCallsPerTurn < 1 || limits.maxCallsPerCall < limits.maxCallsPerTurn {
            problems.append("limits: need 1 <= max_calls_per_turn <= max_calls_per_call")
        }
        return problems
    }
}
