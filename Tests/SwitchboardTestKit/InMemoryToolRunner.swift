public import CallEngine
import Flows
import Synchronization
public import SwitchboardCore

/// Tools as closures, for tests: each call is recorded; an unknown tool fails with `unknown_tool`.
public final class InMemoryToolRunner: ToolRunner {
    public typealias Handler = @Sendable (JSONValue) throws(ToolError) -> JSONValue

    private struct State {
        var handlers: [String: Handler]
        var calls: [ToolCall] = []
    }

    private let state: Mutex<State>

    public init(_ handlers: [String: Handler] = [:]) {
        state = Mutex(State(handlers: handlers))
    }

    public func register(_ name: String, _ handler: @escaping Handler) {
        state.withLock { $0.handlers[name] = handler }
    }

    /// Calls made so far, in order.
    public var calls: [ToolCall] { state.withLock { $0.calls } }

    public func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue {
        let handler = state.withLock { state -> Handler? in
            state.calls.append(call)
            return state.handlers[call.name]
        }
        guard let handler else { throw ToolError(code: "unknown_tool", message: "no tool named \(call.name)") }
        return try handler(call.arguments)
    }
}
