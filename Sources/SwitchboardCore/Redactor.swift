// SwitchboardCore: the one redactor. Strips secrets from JSON before it is stored or logged (call log, tool
// call records, recorded fixtures): values under sensitive keys (api_key, authorization, password, secret, pin,
// token, date of birth, …, at any depth) and string values that look like credentials (`Bearer …`, `sk-…`)
// become the one marker `[REDACTED]`; a null stays null (it holds no secret).

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
                out[key] = isSensitive(key: key) && member != .null ? .string(Self.marker) : redact(member)
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

    /// Redacts a JSON text. Text that is not JSON is not stored at all: a placeholder with its size replaces it
    /// (it could hold a secret the redactor can't find).
    public func redact(jsonText: String) -> String {
        guard let value = try? JSONValue.parse(jsonText) else {
            return "[unparsable arguments, \(jsonText.utf8.count) bytes]"
        }
        return redact(value).jsonText
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
