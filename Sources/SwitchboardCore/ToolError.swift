// SwitchboardCore: a tool failure as a `ToolRunner` throws it.

/// A tool failure: an opaque code and a message a person (and the model) can act on.
public struct ToolError: Error, Sendable, Hashable {
    public var code: String
    public var message: String
    public var retryable: Bool

    public init(code: String, message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }
}
