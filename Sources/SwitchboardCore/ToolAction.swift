// SwitchboardCore: what a tool result asks the call to do beyond answering the model.

/// What the call engine must do after a tool ran, beyond sending its result to the model.
public enum ToolAction: Sendable, Hashable {
    /// Transfer the call (SIP REFER or the bridge's transfer) to `target`; if that fails, to `overflow`.
    case transfer(route: String, target: String, overflow: String?)
    /// Say `goodbye` and hang up.
    case hangUp(goodbye: String)
}
