#!/bin/sh
# Calls set up and torn down per second against sipp's built-in UAC (INVITE/100/200/ACK/BYE/200, with SDP)
# to the `echo` diagnostic handler.
# Usage: deploy/sipp/bench-calls.sh [RATE] [CALLS] [SWITCHBOARD_BINARY]
#   e.g. deploy/sipp/bench-calls.sh 300 3000 .build-release/release/switchboard
# Starts `switchboard serve` in a scratch folder (its own call log, no admin API, flows from this repo),
# runs sipp, prints sipp's summary, the failure reasons, the measured rate and the server's SIP counters
# (from the serve log). Env: SIP_PORT (default 15080), SIPP_PORT (15090), RTP_PORTS (30000-39999).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RATE=${1:-300}
CALLS=${2:-3000}
DEFAULT_BIN=$ROOT/.build-release/release/switchboard
[ -x "$DEFAULT_BIN" ] || DEFAULT_BIN=$ROOT/.build/release/switchboard
BIN=${3:-$DEFAULT_BIN}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
PORT=${SIP_PORT:-15080}
SIPP_PORT=${SIPP_PORT:-15090}
RTP_PORTS=${RTP_PORTS:-30000-39999}
WORK=$(mktemp -d /tmp/sb-bench-XXXXXX)
ln -s "$ROOT/fixtures" "$WORK/fixtures"   # accounts.csv seeds the scratch accounts.db
(cd "$WORK" && SWITCHBOARD_FLOWS_DIR="$ROOT/flows" SWITCHBOARD_DB="$WORK/calls.db" exec "$BIN" serve --sip 127.0.0.1:$PORT --rtp-ports "$RTP_PORTS" \
    --admin "" --log-level warning >"$WORK/serve.log" 2>&1) &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
grep -q "listening on" "$WORK/serve.log" || { echo "serve did not start:"; cat "$WORK/serve.log"; exit 2; }
START=$(date +%s.%N)
set +e
# -l: at most 1000 calls in progress; -max_recv_loops/-max_sched_loops: let sipp keep up at high rates;
# -recv_timeout: a lost final response fails that call after 10 s instead of hanging to -timeout.
(cd "$WORK" && sipp 127.0.0.1:$PORT -sn uac -s echo -r "$RATE" -m "$CALLS" -l 1000 -i 127.0.0.1 -p $SIPP_PORT \
    -mi 127.0.0.1 -mp $((SIPP_PORT + 2)) -max_recv_loops 10000 -max_sched_loops 10000 -recv_timeout 10s \
    -nostdin -timeout 180s -timeout_error -trace_stat -stf "$WORK/stat.csv" -trace_err -error_file "$WORK/errors.log" \
    >"$WORK/sipp.txt" 2>&1)
STATUS=$?
set -e
END=$(date +%s.%N)
tail -n 60 "$WORK/sipp.txt" | grep -E "Successful call|Failed call|Total Call created|Call Rate|Elapsed|Retransmissions|Timeout|Unexpected" || true
echo "sipp exit status: $STATUS (0 = all calls succeeded)"
echo "wall: $(echo "$END - $START" | bc) s for $CALLS calls at -r $RATE => $(echo "scale=1; $CALLS / ($END - $START)" | bc) calls/s"
if [ -s "$WORK/errors.log" ]; then
    echo "sipp errors (first 10 of $(grep -c . "$WORK/errors.log")):"
    grep -v '^$' "$WORK/errors.log" | head -n 10
fi
kill -TERM $PID
wait $PID || true
grep -iE "warn|error" "$WORK/serve.log" | head -n 10 || true
echo "work folder (logs, sipp stats): $WORK"
