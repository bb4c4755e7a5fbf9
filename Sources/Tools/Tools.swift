// Tools: the tool registry, JSON-schema argument checks, the built-in tools (accounts, verification,
// routing, hang-up), webhook tools (signed, retried, SSRF-guarded) and secret redaction for the call log.
// May import: SwitchboardCore, Foundation, GRDB, Crypto, AsyncHTTPClient, Logging. Its inputs and outputs are
// SwitchboardCore's `ToolCall`, `ToolResult`, `ToolCallRecord` and `BuiltinTool`, the values every module uses.
import SwitchboardCore

/// The version of the tool-call envelope sent to webhooks.
public enum ToolsModule {
    public static let webhookEnvelopeVersion = 1
}
