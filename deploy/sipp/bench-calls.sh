#!/bin/sh
# Calls set up and torn down per second against sipp's built-in UAC (INVITE/100/200/ACK/BYE/200, with SDP).
# Usage: deploy/sipp/bench-calls.sh [RATE] [CALLS] [SWITCHBOARD_BINARY]
# Starts `switchboard serve` on a free port, runs sipp, prints sipp's summary and the measured rate.
set -eu
RATE=${1:-300}
CALLS=${2:-3000}
BIN=${3:-.build/release/switchboard}
PORT=${SIP_PORT:-15080}
SIPP_PORT=${SIPP_PORT:-15090}
LOG=$(mktemp /tmp/sb-bench-XXXXXX.log)
"$BIN" serve --sip 127.0.0.1:$PORT --rtp-ports 30000-39999 --log-level error >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
START=$(date +%s.%N)
set +e
sipp 127.0.0.1:$PORT -sn uac -s echo -r "$RATE" -m "$CALLS" -l "$CALLS" -i 127.0.0.1 -p $SIPP_PORT \
    -nostdin -timeout 120s -timeout_error -trace_stat -stf /tmp/sb-bench-stat.csv >/tmp/sb-bench-sipp.txt 2>&1
STATUS=$?
set -e
END=$(date +%s.%N)
tail -n 40 /tmp/sb-bench-sipp.txt | grep -E "Successful call|Failed call|Total Call created|Call Rate|Elapsed" || true
echo "sipp exit status: $STATUS (0 = all calls succeeded)"
echo "wall: $(echo "$END - $START" | bc) s for $CALLS calls at -r $RATE => $(echo "scale=1; $CALLS / ($END - $START)" | bc) calls/s"
kill -TERM $PID
wait $PID || true
