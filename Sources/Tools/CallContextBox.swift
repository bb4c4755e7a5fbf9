/// Holds one call's `ToolCallContext` while a turn's tool calls run concurrently, so that `verify_caller`
/// updates it atomically and `lookup_account` sees the latest verification.
actor CallContextBox {
    private(set) var context: ToolCallContext

    init(_ context: ToolCallContext) {
        self.context = context
    }

    func update<T: Sendable>(_ body: @Sendable (inout ToolCallContext) -> T) -> T {
        body(&context)
    }
}
