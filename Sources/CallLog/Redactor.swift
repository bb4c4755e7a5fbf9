// Strips secrets from JSON before it is written: values under sensitive keys (api_key, authorization,
// password, secret, pin, token, …, at any depth) and string values that look like credentials
// (`Bearer …`, `sk-…`). The writer runs every JSON value and free-text error through it.
public import SwitchboardCore

public struct Redactor: Sendable, Hashable {
    public static let marker = "[REDACTED]"

    /// Whole words (after splitting keys on `_`, `-`, `.`, spaces and camelCase) that make a key sensitive.
    public var sensitiveWords: Set<String>
    /// Substrings of the joined, lower-cased key that make it sensitive (`apikey` catches `x-api-key`, `apiKey`).
    public var sensitiveFragments: [String]

    public init(
        sensitiveWords: Set<String> = Redactor.defaultWords,
        sensitiveFragments: [String] = Redactor.defaultFragments
    ) {
        self.sensitiveWords = sensitiveWords
        self.sensitiveFragments = sensitiveFragments
    }

    public static let defaultWords: Set<String> = [
        "password", "passwd", "pwd", "secret", "pin", "token", "authorization", "auth", "cookie", "credential",
        "credentials", "ssn", "cvv", "otp", "dob", "signature",
    ]
    public static let defaultFragments: [String] = [
        "apikey", "password", "passcode", "secret", "privatekey", "accesskey", "accesstoken", "refreshtoken",
        "authtoken", "bearer", "dateofbirth", "birthdate",
    ]

    public static let standard = Redactor()

    public func isSensitive(key: String) -> Bool {
        let words = Self.words(of: key)
        if words.contains(where: sensitiveWords.contains) { return true }
        let joined = words.joined()
        return sensitiveFragments.contains { joined.contains($0) }
    }

    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(members.count)
            for (key, member) in members {
                out[key] = isSensitive(key: key) ? .string(Self.marker) : redact(member)
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(redact))
        case .string(let text):
            return Self.looksLikeCredential(text) ? .string(Self.marker) : value
        case .null, .bool, .number:
            return value
        }
    }

    /// For free text (error messages): replaces `Bearer <x>` and `sk-<x>` tokens.
    public func redact(text: String) -> String {
        guard text.contains("Bearer ") || text.contains("bearer ") || text.contains("sk-") else { return text }
        var out: [Substring] = []
        var redactNext = false
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if redactNext && !word.isEmpty {
                out.append(Substring(Self.marker))
                redactNext = false
            } else if word.lowercased() == "bearer" {
                out.append(word)
                redactNext = true
            } else if word.hasPrefix("sk-") && word.count > 8 {
                out.append(Substring(Self.marker))
            } else {
                out.append(word)
            }
        }
        return out.joined(separator: " ")
    }

    static func looksLikeCredential(_ text: String) -> Bool {
        if text.hasPrefix("Bearer ") || text.hasPrefix("bearer ") || text.hasPrefix("Basic ") { return true }
        if text.hasPrefix("sk-") && text.count > 8 && !text.contains(" ") { return true }
        return false
    }

    static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in key {
            if !(character.isLetter || character.isNumber) {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower && !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
