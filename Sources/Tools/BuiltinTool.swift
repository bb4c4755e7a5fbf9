/// The tools Switchboard implements itself.
public import SwitchboardCore

public enum BuiltinTool: String, Sendable, Hashable, CaseIterable, Codable {
    case lookupAccount = "lookup_account"
    case verifyCaller = "verify_caller"
    case transferCall = "transfer_call"
    case endCall = "end_call"
    case sendDTMF = "send_dtmf"

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

    /// The standard JSON Schema of the tool's arguments. `routes` become the `enum` of `transfer_call`'s `route`
    /// (left out when there are none: an empty `enum` allows nothing). Flows keeps an identical copy
    /// (`Flows.BuiltinTool.defaultParameters`) for flows that declare a built-in without `parameters:`;
    /// CallWiringTests fails when the two drift.
    public func defaultParameters(routes: [String]) -> JSONValue {
        switch self {
        case .lookupAccount:
            [
                "type": "object",
                "properties": [
                    "account_number": [
                        "type": "string", "pattern": "^[0-9]{4,20}$",
                        "description": "The account number, if the caller gave one.",
                    ],
                    "phone": [
                        "type": "string", "pattern": "^\\+?[0-9]{6,16}$",
                        "description": "A phone number in E.164 form; defaults to the caller's number.",
                    ],
                ],
                "additionalProperties": false,
            ]
        case .verifyCaller:
            [
                "type": "object",
                "properties": [
                    "pin": ["type": "string", "pattern": "^[0-9]{4,8}$", "description": "The account PIN digits."],
                    "date_of_birth": [
                        "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                        "description": "Date of birth as YYYY-MM-DD.",
                    ],
                    "account_number": [
                        "type": "string", "pattern": "^[0-9]{4,20}$",
                        "description": "The account to verify; defaults to the caller's account.",
                    ],
                ],
                "additionalProperties": false,
            ]
        case .transferCall:
            [
                "type": "object",
                "properties": [
                    "route": routeParameter(routes),
                    "reason": ["type": "string", "maxLength": 200, "description": "Why, in a few words."],
                ],
                "required": ["route"],
                "additionalProperties": false,
            ]
        case .endCall:
            [
                "type": "object",
                "properties": [
                    "goodbye": ["type": "string", "maxLength": 300, "description": "What to say before hanging up."],
                    "reason": ["type": "string", "maxLength": 200],
                ],
                "additionalProperties": false,
            ]
        case .sendDTMF:
            [
                "type": "object",
                "properties": [
                    "digits": [
                        "type": "string", "pattern": "^[0-9*#A-Dw]{1,32}$",
                        "description": "The digits to send, e.g. 1234#.",
                    ]
                ],
                "required": ["digits"],
                "additionalProperties": false,
            ]
        }
    }

    private func routeParameter(_ routes: [String]) -> JSONValue {
        var route: [String: JSONValue] = ["type": "string", "description": "Where to transfer the call."]
        if !routes.isEmpty { route["enum"] = .array(routes.map { .string($0) }) }
        return .object(route)
    }
}
