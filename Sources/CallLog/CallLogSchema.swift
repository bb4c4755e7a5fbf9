// The SQLite schema as GRDB migrations. Append new migrations (`v2`, …) to `migrator`; never edit a shipped
// one. docs/call-log.md documents every table and column.
public import GRDB

public enum CallLogSchema {
    /// Migration identifiers, oldest first.
    public static var versions: [String] { migrator.migrations }

    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        return migrator
    }

    /// Issue 15: calls Switchboard places — `direction` (`inbound`, `outbound`) and the final SIP status of an
    /// outbound call's INVITE (`sip_status`; 486 for busy, nil for inbound calls and when none came).
    static func v2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'inbound';
                ALTER TABLE calls ADD COLUMN sip_status INTEGER;
                """)
    }

    /// Issue 16: a tool call row keeps all of its `ToolCallRecord` — the model's tool call id (`tool_call_id`,
    /// empty when not known) and the webhook attempts made (`attempts`, 0 for built-ins).
    static func v3(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE tool_calls ADD COLUMN tool_call_id TEXT NOT NULL DEFAULT '';
                ALTER TABLE tool_calls ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                """)
    }

    static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE calls (
                    id TEXT PRIMARY KEY NOT NULL,
                    started_at TEXT NOT NULL,
                    answered_at TEXT,
                    ended_at TEXT,
                    caller TEXT NOT NULL DEFAULT '',
                    callee TEXT NOT NULL DEFAULT '',
                    bridge TEXT NOT NULL DEFAULT '',
                    flow TEXT NOT NULL DEFAULT '',
                    flow_version TEXT NOT NULL DEFAULT '',
                    end_reason TEXT,
                    final_route TEXT,
                    turns INTEGER NOT NULL DEFAULT 0,
                    tool_calls INTEGER NOT NULL DEFAULT 0,
                    model_requests INTEGER NOT NULL DEFAULT 0,
                    cost_usd REAL NOT NULL DEFAULT 0,
                    audio_in_ms INTEGER NOT NULL DEFAULT 0,
                    audio_out_ms INTEGER NOT NULL DEFAULT 0,
                    record_audio INTEGER NOT NULL DEFAULT 0,
                    recording_path TEXT
                );
                CREATE INDEX calls_by_start ON calls(started_at);
                CREATE INDEX calls_by_flow ON calls(flow, started_at);
                CREATE INDEX calls_open ON calls(started_at) WHERE ended_at IS NULL;

                CREATE TABLE call_events (
                    call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    data TEXT NOT NULL DEFAULT '{}',
                    PRIMARY KEY (call_id, seq)
                ) WITHOUT ROWID;

                CREATE TABLE turns (
                    call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('caller', 'bot')),
                    transcript TEXT NOT NULL DEFAULT '',
                    audio_ms INTEGER NOT NULL DEFAULT 0,
                    started_at TEXT NOT NULL,
                    latency_ms INTEGER,
                    PRIMARY KEY (call_id, seq)
                );

                CREATE TABLE tool_calls (
                    call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    tool TEXT NOT NULL,
                    arguments TEXT NOT NULL DEFAULT '{}',
                    result TEXT,
                    error TEXT,
                    duration_ms INTEGER NOT NULL DEFAULT 0,
                    started_at TEXT NOT NULL,
                    PRIMARY KEY (call_id, seq)
                );

                CREATE TABLE model_requests (
                    call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    started_at TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    model TEXT NOT NULL,
                    status TEXT NOT NULL,
                    ttfb_ms INTEGER,
                    ttfa_ms INTEGER,
                    duration_ms INTEGER NOT NULL DEFAULT 0,
                    text_in_tokens INTEGER NOT NULL DEFAULT 0,
                    text_out_tokens INTEGER NOT NULL DEFAULT 0,
                    audio_in_tokens INTEGER NOT NULL DEFAULT 0,
                    audio_out_tokens INTEGER NOT NULL DEFAULT 0,
                    cost_usd REAL,
                    error TEXT,
                    PRIMARY KEY (call_id, seq)
                );
                """
        )
    }
}
