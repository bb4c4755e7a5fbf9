public import Flows

/// What a tool knows about the call it runs in.
public struct ToolRunContext: Sendable, Equatable {
    public var callID: String
    public var callerNumber: String
    public var flow: String
    public var step: String?

    public init(callID: String, callerNumber: String, flow: String, step: String?) {
        self.callID = callID
        self.callerNumber = callerNumber
        self.flow = flow
        self.step = step
    }
}

/// A tool failure: an opaque code and a message a person (and the model) can act on.
public struct ToolError: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var retryable: Bool

    public init(code: String, message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }
}

/// The tools port: runs one tool call (arguments already parsed from the model's JSON) and returns its result.
public protocol ToolRunner: Sendable {
    func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue
}
