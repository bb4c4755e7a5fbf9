// CallWiring: adapters from the concrete modules to CallEngine's ports — ModelClient's streaming client to
// `ConversationModel`, Tools' dispatcher to `ToolRunner`, CallLog's writer to `CallLogSink`. Both the live
// server and the replayer wire calls through these, so a replayed call runs the same code as a live one.
// May import CallEngine, Flows, ModelClient, Tools, CallLog, Audio; never Bridges, Replay or Server.
import SwitchboardCore
