// The agent step's configuration as every model request carries it: the flow's `.askModel` (ModelRequest) and
// the engine's request to the model port (CallEngine's ModelTurnRequest) hold this one value.

/// An agent step's model settings (defaults already applied), sent with each request of the step.
public struct AgentModelSettings: Sendable, Equatable {
    public var step: String
    public var instructions: String
    public var voice: String?
    public var model: String?
    public var language: String?
    /// Declarations of the tools the model may call here (JSON Schema in `parameters`).
    public var tools: [ToolDeclaration]

    public init(
        step: String, instructions: String, voice: String? = nil, model: String? = nil, language: String? = nil,
        tools: [ToolDeclaration] = []
    ) {
        self.step = step
        self.instructions = instructions
        self.voice = voice
        self.model = model
        self.language = language
        self.tools = tools
    }
}
