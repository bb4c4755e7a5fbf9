#!/bin/sh
# Media benchmark (issue 13): N concurrent calls of 20 ms PCMU sent by sipp, side by side in one run against
#   sipp-echo   sipp's own RTP echo (`sipp -sn uas -rtp_echo`), the reference,
#   serve-echo  `switchboard serve`, number `echo` (the built-in echo handler),
#   serve-flow  `switchboard serve`, number `listen`: deploy/bench/listen.yaml, a gather with speech + DTMF
#               that never ends, so every frame takes the whole receive path (decode, DTMF, VAD, turns).
# Each mode runs alone, one after the other, with the same caller (deploy/sipp/bench-uac-rtp.xml: sipp loops
# espeak speech with pauses as RTP). In a measurement window after all calls are up it reads the server's
# CPU time (sum_exec_runtime of /proc/PID/task/*/schedstat, all threads) and RSS, captures the RTP on
# loopback (dumpcap, the caller's media port only) and reports, from the capture:
#   cpu ms/call-s   server CPU per call-second; x sipp = the ratio to sipp-echo's of this run
#   rss             server RSS at the end of the window; KiB/call = (RSS - RSS before the calls) / N
#   back            RTP packets that came back to the caller in the window (expected ~ N x 50 x seconds)
#   lost            serve: sequence gaps in the streams that came back + the larger of what its RTP sockets
#                   dropped (/proc/net/udp) and the RTP it counted lost or late (/metrics); sipp-echo: the
#                   largest of the gaps, its socket's drops and the packets sent in the window never echoed
#   interval err    |arrival gap - RTP timestamp gap| between consecutive packets of one returned stream, ms
#   sched err       per returned stream, (arrival - timestamp/8000) minus its minimum: lateness against the
#                   stream's own best-case schedule, ms
# and the machine's CPU in the window (all processes, and what was not the server, the caller or dumpcap).
#
# Usage: deploy/bench-media.sh [N] [SECONDS]
#   N        concurrent calls (default 400)         SECONDS  measurement window per mode (default 10)
# Environment: BIN (switchboard binary; default .build-release/release/switchboard, built when missing with
#   swift build -c release --scratch-path .build-release --product switchboard), MODES (default
#   "sipp-echo serve-echo serve-flow"), RATE (calls set up per second, default 100), PORT_BASE (default 27000;
#   uses PORT_BASE..PORT_BASE+40 and, for serve, RTP ports PORT_BASE+100 ..+100+2N+200), KEEP=1 keeps the
#   scratch folder (captures, logs). Everything runs on 127.0.0.1 in a scratch folder and is stopped at exit.
# Needs sipp, dumpcap, python3, espeak-ng, sox, curl.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-400}
WINDOW=${2:-10}
RATE=${RATE:-100}
MODES=${MODES:-"sipp-echo serve-echo serve-flow"}
PB=${PORT_BASE:-27000}
BIN=${BIN:-$ROOT/.build-release/release/switchboard}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac

for tool in sipp dumpcap python3 espeak-ng sox curl; do
    command -v $tool >/dev/null 2>&1 || { echo "bench-media: $tool is missing (deploy/setup.sh installs it)"; exit 2; }
done
case "$MODES" in *serve*)
    if [ ! -x "$BIN" ]; then
        echo "bench-media: building $BIN (release)"
        (cd "$ROOT" && swift build -c release --scratch-path .build-release --product switchboard) >&2
    fi ;;
esac

SIP_SERVER=$PB
SIP_UAC=$((PB + 2))
UAC_MEDIA=$((PB + 10))
ECHO_MEDIA=$((PB + 20))
ADMIN=$((PB + 30))
RTP_LOW=$((PB + 100))
RTP_HIGH=$((RTP_LOW + 2 * N + 200))
TICK=$(getconf CLK_TCK)
RAMP=$(((N + RATE - 1) / RATE))
SETTLE=3
HOLD_MS=$(((RAMP + SETTLE + WINDOW + 3) * 1000))

WORK=$(mktemp -d /tmp/sb-bench-media-XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in $PIDS; do kill -KILL "$p" 2>/dev/null || true; done
    if [ "${KEEP:-0}" = 1 ]; then echo "scratch folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_use() {  # a bound UDP port, or a listening TCP one
    h=$(printf '%04X' "$1")
    awk -v h=":$h" 'NR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' /proc/net/udp ||
        awk -v h=":$h" 'NR > 1 && substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}
for p in $SIP_SERVER $SIP_UAC $UAC_MEDIA $ECHO_MEDIA $ADMIN; do
    if in_use "$p"; then echo "bench-media: port $p is in use; set PORT_BASE"; exit 2; fi
done

# Caller audio: espeak-ng speech with 1.5 s of silence after it (turns start and end), raw µ-law, looped by sipp.
espeak-ng -w "$WORK/speech.wav" "Hello, I would like to check the balance of my account and pay my last bill, please." 2>/dev/null
sox "$WORK/speech.wav" -t raw -e mu-law -b 8 -r 8000 -c 1 "$WORK/audio.ulaw" pad 0 1.5
cp "$ROOT/deploy/sipp/bench-uac-rtp.xml" "$ROOT/deploy/bench/listen.yaml" "$ROOT/deploy/bench/switchboard.yaml" "$WORK/"
ln -s "$ROOT/fixtures" "$WORK/fixtures"

# CPU time of a process in ns, all its threads: sum_exec_runtime from /proc/PID/task/*/schedstat (exact; the
# utime/stime of /proc/PID/stat are sampled at the scheduler tick and miss short wake-ups), or utime+stime.
cpu_of() {
    if [ -r "/proc/$1/schedstat" ]; then
        cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
    else
        awk -v t="$TICK" '{ printf "%.0f\n", ($14 + $15) * 1e9 / t }' "/proc/$1/stat" 2>/dev/null || echo 0
    fi
}
rss_of() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
machine() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat; }
lost_late() {  # the server's RTP packets lost + late so far (/metrics), 0 when unavailable
    curl -s --max-time 2 "http://127.0.0.1:$ADMIN/metrics" |
        awk '$1 == "switchboard_rtp_packets_lost_total" || $1 == "switchboard_rtp_packets_late_total" { s += $2 }
            END { printf "%.0f\n", s }'
}
drops_in() {  # sum of /proc/net/udp drops over local ports LOW..HIGH
    awk -v lo="$1" -v hi="$2" 'NR > 1 { split($2, a, ":"); p = 0; h = a[2];
        for (i = 1; i <= length(h); i++) p = p * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1;
        if (p >= lo && p <= hi) d += $NF } END { print d + 0 }' /proc/net/udp
}

echo "bench-media: N=$N calls, window ${WINDOW}s per mode, setup rate $RATE/s, hold ${HOLD_MS} ms; $(nproc) cores;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg) at start; scratch $WORK"
[ -x "$BIN" ] && echo "serve binary: $BIN ($(stat -c %y "$BIN" | cut -d. -f1))"
: >"$WORK/results.txt"

run_mode() {
    mode=$1
    case $mode in
        sipp-echo)
            number=echo
            (cd "$WORK" && exec sipp -sn uas -rtp_echo -i 127.0.0.1 -p $SIP_SERVER -mi 127.0.0.1 -mp $ECHO_MEDIA \
                -nostdin -trace_err -error_file "$WORK/sipp-echo-server-errors.log" >"$WORK/sipp-echo-server.log" 2>&1) &
            SERVER=$!
            LOW=$ECHO_MEDIA; HIGH=$((ECHO_MEDIA + 3)) ;;
        serve-echo | serve-flow)
            [ $mode = serve-echo ] && number=echo || number=listen
            (cd "$WORK" && exec "$BIN" serve --config "$WORK/switchboard.yaml" --sip 127.0.0.1:$SIP_SERVER \
                --rtp-ports $RTP_LOW-$RTP_HIGH --db "$WORK/$mode.db" --admin 127.0.0.1:$ADMIN --log-level warning \
                >"$WORK/$mode-server.log" 2>&1) &
            SERVER=$!
            LOW=$RTP_LOW; HIGH=$RTP_HIGH ;;
        *) echo "unknown mode $mode"; return ;;
    esac
    PIDS="$PIDS $SERVER"
    i=0
    while [ $i -lt 100 ] && ! in_use $SIP_SERVER; do sleep 0.1; i=$((i + 1)); done
    sleep 1
    rss0=$(rss_of $SERVER)

    t0=$(date +%s)
    (cd "$WORK" && exec sipp 127.0.0.1:$SIP_SERVER -sf bench-uac-rtp.xml -s $number -d $HOLD_MS -m $N -l $N -r $RATE \
        -i 127.0.0.1 -p $SIP_UAC -mi 127.0.0.1 -mp $UAC_MEDIA -nostdin -timeout $((HOLD_MS / 1000 + RAMP + 30))s \
        -timeout_error -max_recv_loops 10000 -max_sched_loops 10000 -recv_timeout 10s \
        -trace_err -error_file "$WORK/$mode-uac-errors.log" >"$WORK/$mode-uac.log" 2>&1) &
    UAC=$!
    PIDS="$PIDS $UAC"
    sleep $((RAMP + SETTLE - 1))
    dumpcap -q -i lo -P -s 64 -B 64 -f "udp port $UAC_MEDIA" -w "$WORK/$mode.pcap" >"$WORK/$mode-dumpcap.log" 2>&1 &
    CAP=$!
    PIDS="$PIDS $CAP"
    sleep 1
    lost0=0; lost1=0
    if [ $mode != sipp-echo ]; then
        lost0=$(lost_late)
    fi
    drops0=$(drops_in $LOW $HIGH)
    set -- $(machine); busy0=$1
    cpu0=$(cpu_of $SERVER); ucpu0=$(cpu_of $UAC); ccpu0=$(cpu_of $CAP)
    ws=$(date +%s.%N)
    sleep "$WINDOW"
    we=$(date +%s.%N)
    cpu1=$(cpu_of $SERVER); ucpu1=$(cpu_of $UAC); ccpu1=$(cpu_of $CAP)
    set -- $(machine); busy1=$1
    rss1=$(rss_of $SERVER)
    drops1=$(drops_in $LOW $HIGH)
    if [ $mode != sipp-echo ]; then
        lost1=$(lost_late)
    fi
    sleep 0.3
    kill -INT $CAP 2>/dev/null || true
    wait $CAP 2>/dev/null || true
    set +e
    wait $UAC
    uac_status=$?
    set -e
    kill -TERM $SERVER 2>/dev/null || true
    i=0
    while kill -0 $SERVER 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL $SERVER 2>/dev/null || true
    wait $SERVER 2>/dev/null || true
    ok=$(tail -n 80 "$WORK/$mode-uac.log" | awk '/Successful call/ {print $NF; exit}')
    failed=$(tail -n 80 "$WORK/$mode-uac.log" | awk '/Failed call/ {print $NF; exit}')
    echo "$mode $number $ws $we $((cpu1 - cpu0)) $rss0 $rss1 $((drops1 - drops0)) $((lost1 - lost0)) $((busy1 - busy0))" \
        "$((ucpu1 - ucpu0)) $((ccpu1 - ccpu0)) $uac_status ${ok:-?} ${failed:-?}" >>"$WORK/results.txt"
    echo "  $mode done: caller exit $uac_status (successful ${ok:-?}, failed ${failed:-?}), $(date -u +%H:%M:%S) UTC" >&2
    sleep 1
}

for mode in $MODES; do run_mode $mode; done

python3 - "$WORK" "$N" "$TICK" "$UAC_MEDIA" "$(nproc)" <<'EOF'
import struct, sys, os
work, n, tick, uac_port, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

def packets(path):
    """(time, sport, dport, ssrc, seq, ts) of each IPv4/UDP/RTP packet in a libpcap file (dumpcap -P)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack('<I', data[:4])[0]
    scale = 1e-9 if magic == 0xa1b23c4d else 1e-6
    link = struct.unpack('<I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack('<IIII', data[off:off + 16])
        p = data[off + 16: off + 16 + caplen]
        off += 16 + caplen
        if link == 1:
            if len(p) < 14 or p[12:14] != b'\x08\x00':
                continue
            p = p[14:]
        elif link == 113:  # Linux cooked
            p = p[16:]
        if len(p) < 20 or p[9] != 17:
            continue
        ihl = (p[0] & 15) * 4
        u = p[ihl:]
        if len(u) < 20 or (u[8] >> 6) != 2:
            continue
        sport, dport = struct.unpack('>HH', u[:4])
        seq, ts, ssrc = struct.unpack('>HII', u[10:20])
        yield sec + frac * scale, sport, dport, ssrc, seq, ts

def pct(values, q):
    if not values:
        return float('nan')
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]

rows = []
for line in open(os.path.join(work, 'results.txt')):
    f = line.split()
    mode, number = f[0], f[1]
    ws, we = float(f[2]), float(f[3])
    cpu, rss0, rss1, drops, srvlost, busy, ucpu, ccpu, status, ok, failed = (
        int(f[4]), int(f[5]), int(f[6]), int(f[7]), int(f[8]), int(f[9]), int(f[10]), int(f[11]), f[12], f[13], f[14])
    seconds = we - ws
    back, out = {}, {}
    for t, sp, dp, ssrc, seq, ts in packets(os.path.join(work, mode + '.pcap')):
        if t < ws or t > we:
            continue
        if dp == uac_port:
            back.setdefault((sp, ssrc), []).append((t, seq, ts))
        elif sp == uac_port:
            out.setdefault((dp, ssrc), []).append((t, seq, ts))
    interval, sched, gaps, count = [], [], 0, 0
    for pk in back.values():
        count += len(pk)
        base_ts, prev, offs = None, None, []
        unwrapped = 0
        for t, seq, ts in pk:
            if prev is not None:
                dts = ((ts - prev[2]) & 0xffffffff)
                dts = dts - (1 << 32) if dts >= (1 << 31) else dts
                unwrapped += dts
                interval.append(abs((t - prev[0]) - dts / 8000.0) * 1000)
                dseq = (seq - prev[1]) & 0xffff
                if 1 < dseq < 0x8000:
                    gaps += dseq - 1
            offs.append(t - unwrapped / 8000.0)
            prev = (t, seq, ts)
        low = min(offs)
        sched.extend((o - low) * 1000 for o in offs)
    unanswered = 0
    if mode == 'sipp-echo':  # the echo keeps SSRC and sequence number: every packet sent must come back
        echoed = {(ssrc, seq) for (_, ssrc), pk in back.items() for _, seq, _ in pk}
        for (_, ssrc), pk in out.items():
            unanswered += sum(1 for t, seq, _ in pk if t < we - 0.1 and (ssrc, seq) not in echoed)
    sent = sum(len(v) for v in out.values())
    # The counts overlap (a packet a socket dropped is also a gap, and for the echo also never answered), so
    # lost = gaps in what came back + the larger of what the server's sockets dropped and what it counted.
    lost = max(unanswered, gaps, drops) if mode == 'sipp-echo' else gaps + max(drops, srvlost)
    rows.append(dict(mode=mode, cpu=cpu / 1e6 / (n * seconds), rss=rss1 / 1024.0,
                     perCall=(rss1 - rss0) / n, back=count, streams=len(back), sent=sent,
                     lost=lost, detail=(gaps, drops, srvlost, unanswered),
                     i50=pct(interval, .5), i99=pct(interval, .99), imax=max(interval or [float('nan')]),
                     s50=pct(sched, .5), s99=pct(sched, .99), smax=max(sched or [float('nan')]),
                     machine=busy / tick / seconds, caller=ucpu / 1e9 / seconds, cap=ccpu / 1e9 / seconds,
                     status=status, ok=ok, failed=failed, seconds=seconds))

ref = next((r for r in rows if r['mode'] == 'sipp-echo'), None)
print()
print('mode        cpu ms/call-s  x sipp  rss MiB  KiB/call  back     streams  lost  '
      'interval err p50/p99/max ms  sched err p50/p99/max ms  calls ok/failed')
for r in rows:
    ratio = r['cpu'] / ref['cpu'] if ref and ref['cpu'] > 0 else float('nan')
    print('%-11s %13.3f  %6.2f  %7.1f  %8.0f  %-7d  %-7d  %-4d  %7.2f %6.2f %7.2f       %6.2f %6.2f %7.2f      %s/%s'
          % (r['mode'], r['cpu'], ratio, r['rss'], r['perCall'], r['back'], r['streams'], r['lost'],
             r['i50'], r['i99'], r['imax'], r['s50'], r['s99'], r['smax'], r['ok'], r['failed']))
print()
print('lost: serve = gaps in the returned streams + max(server socket drops, server-counted lost+late);'
      ' sipp-echo = max(gaps, socket drops, sent but never echoed):')
for r in rows:
    g, d, s, u = r['detail']
    print('  %-11s gaps %d, socket drops %d, server lost+late %d, unanswered %d; caller sent %d in %.2f s;'
          ' CPU in window (cores): machine %.2f, caller sipp %.2f, dumpcap %.2f, other %.2f; caller exit %s'
          % (r['mode'], g, d, s, u, r['sent'], r['seconds'], r['machine'], r['caller'], r['cap'],
             r['machine'] - r['caller'] - r['cap'] - r['cpu'] * n / 1000, r['status']))
if ref:
    print()
    print('goals at N=%d (issue 13): flow <= 1.0x and echo <= 0.7x sipp CPU/call-s; p99 no worse than sipp\'s;'
          ' 0 lost; <= 256 KiB/call' % n)
    for r in rows:
        if r['mode'] == 'sipp-echo':
            continue
        limit = 0.7 if r['mode'] == 'serve-echo' else 1.0
        ratio = r['cpu'] / ref['cpu'] if ref['cpu'] > 0 else float('inf')
        checks = [('cpu %.2fx <= %.1fx' % (ratio, limit), ratio <= limit),
                  ('interval p99 %.2f <= %.2f ms' % (r['i99'], ref['i99']), r['i99'] <= ref['i99']),
                  ('sched p99 %.2f <= %.2f ms' % (r['s99'], ref['s99']), r['s99'] <= ref['s99']),
                  ('lost %d == 0' % r['lost'], r['lost'] == 0),
                  ('%.0f KiB/call <= 256' % r['perCall'], r['perCall'] <= 256),
                  ('%d streams == %d' % (r['streams'], n), r['streams'] == n)]
        print('  %-11s ' % r['mode'] + ', '.join(('MET ' if ok else 'MISSED ') + c for c, ok in checks))
EOF
