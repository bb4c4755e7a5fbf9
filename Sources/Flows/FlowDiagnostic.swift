/// One problem found in a flow file, printed as `file:line:column: message`.
public struct FlowDiagnostic: Sendable, Equatable, CustomStringConvertible, Error {
    public var file: String
    public var position: SourcePosition
    public var message: String
    public init(file: String, position: SourcePosition, message: String) {
        self.file = file
        self.position = position
        self.message = message
    }
    public var description: String { "\(file):\(position.line):\(position.column): \(message)" }
}

/// The result of loading a flow: the flow when it is valid, and every problem found.
public struct FlowLoadResult: Sendable {
    /// Set only when `diagnostics` is empty.
    public var flow: Flow?
    public var diagnostics: [FlowDiagnostic]
}

/// Thrown by `FlowLoader.loadValid` with every problem of an invalid file.
public struct FlowValidationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [FlowDiagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
