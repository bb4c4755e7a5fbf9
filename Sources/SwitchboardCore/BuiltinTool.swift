// SwitchboardCore: the tools Switchboard implements itself, with the one standard description and argument
// schema of each. Flows fills in a built-in declared without `description:`/`parameters:` from here, Tools builds
// its definitions from here, so the model is shown exactly the schema the dispatcher checks.

public enum BuiltinTool: String, Sendable, Hashable, CaseIterable, Codable {
    case lookupAccount = "lookup_account"
    case verifyCaller = "verify_caller"
    case transferCall = "transfer_call"
    case endCall = "end_call"
    case sendDTMF = "send_dtmf"

    /// What the model reads about the tool when the flow gives no `description`.
    public var defaultDescription: String {
        switch self {
        case .lookupAccount:
            "Look up the caller's customer account, by default by the number they call from, or by account "
                + "number. Balance, date of birth, address, email and appointments are only returned after "
                + "verify_caller succeeded."
        case .verifyCaller:
            "Verify the caller's identity with their account PIN or date of birth (YYYY-MM-DD). Limited attempts."
        case .transferCall:
            "Transfer the call to a department or a person. Use when the caller asks for it or you cannot help."
        case .endCall:
            "End the call after saying goodbye, when the caller has nothing more to ask."
        case .sendDTMF:
            "Send DTMF digits (touch tones) on the call, to work another phone menu or enter a PIN or extension. "
                + "Digits 0-9, *, #, A-D; w waits 500 ms."
        }
    }

    /// The JSON Schema of the tool's arguments when the flow gives no `parameters`. `routes` become the `enum`
    /// of `transfer_call`'s `route` (left out when there are none: an empty `enum` allows nothing).
    public func defaultParameters(routes: [String]) -> JSONValue {
        switch self {
        case .lookupAccount:
            return Self.object([
                "account_number": Self.text(pattern: "^[0-9]{4,20}$", "The account number, if the caller gave one."),
                "phone": Self.text(pattern: "^\\+?[0-9]{6,16}$", "A phone number in E.164 form; defaults to the caller's number."),
            ])
        case .verifyCaller:
            return Self.object([
                "pin": Self.text(pattern: "^[0-9]{4,8}$", "The account PIN digits."),
                "date_of_birth": Self.text(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "Date of birth as YYYY-MM-DD."),
                "account_number": Self.text(pattern: "^[0-9]{4,20}$", "The account to verify; defaults to the caller's account."),
            ])
        case .transferCall:
            var route: [String: JSONValue] = ["type": .string("string"), "description": .string("Where to transfer the call.")]
            if !routes.isEmpty { route["enum"] = .array(routes.map { .string($0) }) }
            return Self.object(
                ["route": .object(route), "reason": Self.text(maxLength: 200, "Why, in a few words.")], required: ["route"])
        case .endCall:
            return Self.object([
                "goodbye": Self.text(maxLength: 300, "What to say before hanging up."),
                "reason": .object(["type": .string("string"), "maxLength": .number(200)]),
            ])
        case .sendDTMF:
            return Self.object(
                ["digits": Self.text(pattern: "^[0-9*#A-Dw]{1,32}$", "The digits to send, e.g. 1234#.")],
                required: ["digits"])
        }
    }

    private static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = [
            "type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false),
        ]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }

    private static func text(pattern: String? = nil, maxLength: Int? = nil, _ description: String) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("string"), "description": .string(description)]
        if let pattern { schema["pattern"] = .string(pattern) }
        if let maxLength { schema["maxLength"] = .number(Double(maxLength)) }
        return .object(schema)
    }
}
