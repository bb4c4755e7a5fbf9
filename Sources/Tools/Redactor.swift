import Foundation
public import SwitchboardCore

/// Replaces secret values in tool arguments and results before they reach the call log or a log line.
/// A member is secret when its key, lower-cased with `-` read as `_`, is in `secretKeys` or contains one of
/// `secretFragments`. Nested objects and arrays are walked.
public struct Redactor: Sendable, Hashable, Codable {
    public static let placeholder = "[redacted]"

    /// Exact key names that are secret.
    public var secretKeys: Set<String>
    /// Substrings that make a key secret (`x_api_key`, `refresh_token`, `db_password`).
    public var secretFragments: [String]

    /// The default set: pin, password, secret, token, api_key, authorization and relatives. With
    /// `redactDateOfBirth`, `date_of_birth`/`dob` too.
    public init(redactDateOfBirth: Bool = true, extraKeys: Set<String> = []) {
        var keys: Set<String> = [
            "pin", "passcode", "password", "passwd", "secret", "token", "api_key", "apikey", "authorization",
            "cvv", "cvc", "ssn", "card_number",
        ]
        if redactDateOfBirth { keys.formUnion(["date_of_birth", "dob", "birth_date", "birthdate"]) }
        self.secretKeys = keys.union(extraKeys.map { Self.normalize($0) })
        self.secretFragments = ["password", "secret", "token", "api_key", "apikey", "authorization", "_pin"]
    }

    public init(secretKeys: Set<String>, secretFragments: [String]) {
        self.secretKeys = Set(secretKeys.map { Self.normalize($0) })
        self.secretFragments = secretFragments.map { Self.normalize($0) }
    }

    public func isSecret(key: String) -> Bool {
        let normalized = Self.normalize(key)
        return secretKeys.contains(normalized) || secretFragments.contains { normalized.contains($0) }
    }

    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var redacted: [String: JSONValue] = [:]
            for (key, member) in members {
                redacted[key] = isSecret(key: key) && member != .null ? .string(Self.placeholder) : redact(member)
            }
            return .object(redacted)
        case .array(let elements):
            return .array(elements.map { redact($0) })
        default:
            return value
        }
    }

    /// Redacts a JSON text. Text that is not JSON is not stored at all: a placeholder with its size replaces it
    /// (it could hold a secret the redactor can't find).
    public func redact(jsonText: String) -> String {
        guard let value = try? JSONValue.parse(jsonText) else {
            return "[unparsable arguments, \(jsonText.utf8.count) bytes]"
        }
        return redact(value).jsonText
    }

    static func normalize(_ key: String) -> String {
        key.lowercased().replacingOccurrences(of: "-", with: "_")
    }
}
