// SwitchboardCore: the values every module shares (one JSON value, tool call/result/error, business hours,
// redaction, per-model prices, call-log records) and the port protocols between modules. A leaf target: it
// imports nothing but Foundation, and every other target may import it. No module keeps its own copy of a
// type defined here. (No type here is named after the module, so that `SwitchboardCore.X` is never needed.)
