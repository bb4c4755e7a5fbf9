// Replay: typed errors with a message a person can act on.

/// Why a fixture could not be loaded or replayed (distinct from an expectation that was not met).
public struct ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case fixture
        case cassette
        case cassetteMismatch = "cassette_mismatch"
        case flow
        case audio
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
