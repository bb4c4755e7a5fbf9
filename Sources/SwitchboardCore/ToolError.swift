// SwitchboardCore: a failure as a port reports it (an opaque code, a message, whether a retry may help), one
// shape for every port; the `Domain` tag keeps a tool's failure and a model's failure distinct types.

/// A port's failure: an opaque code and a message a person (and the model) can act on. `Domain` only names the
/// port (`ToolFailureDomain`, the model port's `ModelFailureDomain`), so a `catch` of one never takes the other.
public struct CodedFailure<Domain>: Error, Sendable, Hashable {
    /// Opaque code (`http_500`, `timeout`, `not_found`, …).
    public var code: String
    /// A message a person can act on (never contains secrets).
    public var message: String
    public var retryable: Bool

    public init(code: String, message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }
}

/// The domain of tool failures.
public enum ToolFailureDomain {}

/// A tool failure as a `ToolRunner` throws it.
public typealias ToolError = CodedFailure<ToolFailureDomain>
