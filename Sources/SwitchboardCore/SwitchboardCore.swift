// SwitchboardCore: the values every module shares (one JSON value, tool call/result/error, business hours,
// redaction, per-model prices) and the port protocols between modules. A leaf target: it imports nothing but
// Foundation, and every other target may import it. No module keeps its own copy of a type defined here.

public enum SwitchboardCore {}
