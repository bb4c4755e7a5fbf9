// CallLog: the call record store. Owns the SQLite schema and its migrations (`CallLogSchema`), the batched
// non-blocking writer (`CallLogWriter`, the SQLite `CallLogSink`) and the read side (`CallLogStore`: list,
// show, prune). The records it stores (`CallLogRecord`), the `CallLogSink` port, the redactor and the price
// table live in SwitchboardCore.
// May import: SwitchboardCore, GRDB, Logging, Foundation. Nothing else from Switchboard.
import SwitchboardCore
