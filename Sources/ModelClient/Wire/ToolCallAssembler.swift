// Wire (pure, Foundation only): joins `delta.tool_calls` fragments by index. The first fragment of an index
// carries `id` and `function.name`; later ones append to `function.arguments`, which may be split anywhere,
// even inside a JSON string or a multi-byte character.
import Foundation
public import SwitchboardCore

/// Collects tool-call fragments; `assembled()` returns the calls in index order once the turn ends.
public struct ToolCallAssembler: Sendable {
    private struct Partial: Sendable {
        var id: String?
        var name: String?
        var arguments: String = ""
    }

    private var partials: [Int: Partial] = [:]
    public init() {}

    public var isEmpty: Bool { partials.isEmpty }

    /// Adds one element of `delta.tool_calls`.
    public mutating func add(_ fragment: JSONValue) {
        let index = fragment["index"]?.intValue ?? (partials.isEmpty ? 0 : (partials.keys.max() ?? 0))
        var partial = partials[index] ?? Partial()
        if let id = fragment["id"]?.stringValue, !id.isEmpty { partial.id = id }
        if let name = fragment["function"]?["name"]?.stringValue, !name.isEmpty {
            partial.name = (partial.name ?? "") == name ? name : (partial.name ?? "") + name
        }
        if let arguments = fragment["function"]?["arguments"]?.stringValue { partial.arguments += arguments }
        partials[index] = partial
    }

    /// The complete calls, in index order. Empty arguments become "{}". Arguments that are not a JSON
    /// object are an error naming the tool (a fragment was lost or the stream was cut).
    public func assembled() throws(ToolCallAssemblyError) -> [ChatToolCall] {
        var calls: [ChatToolCall] = []
        for index in partials.keys.sorted() {
            guard let partial = partials[index] else { continue }
            guard let name = partial.name else {
                throw ToolCallAssemblyError(index: index, name: nil, message: "tool call \(index) has no function name")
            }
            let trimmed = partial.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
            let arguments = trimmed.isEmpty ? "{}" : partial.arguments
            guard case .object = try? JSONValue.parse(arguments) else {
                throw ToolCallAssemblyError(
                    index: index, name: name,
                    message: "arguments of tool call '\(name)' are not a complete JSON object: \(arguments.prefix(200))")
            }
            calls.append(ChatToolCall(id: partial.id ?? "call_\(index)", name: name, arguments: arguments))
        }
        return calls
    }
}

/// A tool call whose fragments do not add up to a usable call.
public struct ToolCallAssemblyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var name: String?
    public var message: String
    public var description: String { message }
}
