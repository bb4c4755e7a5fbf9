#!/usr/bin/env bash
# Seeds the demo accounts database (SQLite, table `accounts`) from fixtures/accounts.csv.
# Usage: deploy/seed-accounts.sh [DB_PATH] [CSV_PATH]   (defaults: accounts.db, fixtures/accounts.csv — the configuration's tools.accounts_db and accounts_csv)
# Uses `switchboard tools seed` when the binary is built, else the sqlite3 command-line tool with the same
# schema (AccountsDatabase.createTableSQL in Sources/Tools/AccountsDatabase+Seed.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-accounts.db}"
csv="${2:-fixtures/accounts.csv}"
if [ -x .build/debug/switchboard ] && .build/debug/switchboard tools seed --help 2>&1 | grep -q -- --accounts-db; then
    exec .build/debug/switchboard tools seed --accounts-db "$db" --csv "$csv"
fi
command -v sqlite3 >/dev/null || { echo "need sqlite3 or a built switchboard" >&2; exit 1; }
sqlite3 "$db" <<SQL
CREATE TABLE IF NOT EXISTS accounts (
    account_number TEXT PRIMARY KEY NOT NULL, phone TEXT NOT NULL, name TEXT, pin TEXT, date_of_birth TEXT,
    balance REAL, plan TEXT, status TEXT, next_appointment TEXT, address TEXT, email TEXT);
CREATE INDEX IF NOT EXISTS accounts_phone ON accounts(phone);
CREATE TEMP TABLE import_accounts AS SELECT * FROM accounts WHERE 0;
.mode csv
.import --skip 1 $csv import_accounts
INSERT OR REPLACE INTO accounts SELECT account_number, phone, name, pin, date_of_birth,
    CAST(NULLIF(balance, '') AS REAL), plan, status, NULLIF(next_appointment, ''), address, email
    FROM import_accounts;
SQL
echo "seeded $(sqlite3 "$db" 'SELECT count(*) FROM accounts') account(s) into $db"
