// Tools: the tool registry, JSON-schema argument checks, the built-in tools (accounts, verification,
// routing, hang-up), webhook tools (signed, retried, SSRF-guarded) and secret redaction for the call log.
// May import: Foundation, GRDB, Crypto, AsyncHTTPClient, Logging. It defines its own small input/output
// types (`ToolCall`, `ToolCallContext`, `ToolResult`, `ToolCallRecord`); the wiring adapts them to
// ModelClient, CallEngine and CallLog.

/// The version of the tool-call envelope sent to webhooks.
public enum ToolsModule {
    public static let webhookEnvelopeVersion = 1
}
