// Flows: the call-flow language of Switchboard.
// Owns the flow document model, the YAML loader (with file:line:column positions), the validator, the safe
// expression and template languages and the pure `FlowInterpreter` (events in, actions out).
// May import: Foundation, Yams. No I/O, no clock reads: callers pass bytes in and timestamps with events.

/// Upper bounds applied to flow files before and while parsing.
public enum FlowLimits {
    /// Files larger than this are rejected before parsing (1 MiB).
    public static let maxFileBytes = 1 << 20
    /// Deepest nesting of YAML collections accepted.
    public static let maxNestingDepth = 32
    /// Longest regular expression accepted by `matches`.
    public static let maxRegexLength = 200
    /// Longest subject string a `matches` is evaluated on (longer strings are cut).
    public static let maxRegexSubject = 1_000
    /// Most steps the interpreter runs for one event before it gives up (a guard, the validator rejects spins).
    public static let maxStepsPerEvent = 200
}
