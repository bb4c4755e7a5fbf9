#!/bin/sh
# RTP I/O floor benchmark (issue 13): what echoing N calls of 20 ms RTP costs in C, per I/O shape, with no
# Swift processing, so `deploy/bench-media.sh`'s figures for `switchboard serve` can be read against the floor
# of the pattern itself. deploy/bench/rtp-floor.c is built with cc -O2 and run once per mode (and REPEAT times,
# interleaved): a caller (one process, one UDP socket, N streams of 172-byte RTP every 20 ms, spread over the
# cycle) and the reflector under test (a child process) on 127.0.0.1; the reflector's CPU is the sum of
# sum_exec_runtime in /proc/PID/task/*/schedstat over the window, as bench-media.sh measures serve and sipp.
#   sipp-like            one socket, a thread blocking in recvfrom + sendto (sipp -rtp_echo), the reference
#   per-call-phased      a socket per call, 40 phases of 0.5 ms (clock_nanosleep, absolute deadlines); per call
#                        per phase recvmmsg(MSG_DONTWAIT, 16, SO_TIMESTAMPNS) + sendto: Switchboard's MediaEngine
#   per-call-phased-10   the same with 10 phases of 2 ms
#   per-call-phased-epollwait  40 phases woken by epoll_wait on a timerfd (SwiftNIO's way) instead
#   per-call-phased-recvmsg    40 phases, one recvmsg per call per phase (another only when the packet read is
#                        older than 20 ms: a backlog), instead of recvmmsg(16)'s second, empty attempt
#   per-call-epoll       a socket per call in epoll, recvmsg + sendto on readiness
#   shared-phased        one socket, 40 phases: recvmmsg of all waiting + one sendmmsg of the phase's packets
#   shared-phased-10     the same with 10 phases of 2 ms
#   per-call-uring       a socket per call, 40 phases, io_uring: linked recvmsg -> sendmsg per call, one
#                        io_uring_enter per phase (skipped when <linux/io_uring.h> is missing)
#   per-call-uring-10    the same with 10 phases of 2 ms
# Columns: cpu ms/call-s = reflector CPU per 50 packets echoed in the window (= per N x seconds when the caller
#   keeps its schedule; median of the repeats, spread = min..max);
#   x sipp = the ratio to sipp-like's median of this run; us/pkt = reflector CPU per packet echoed (one
#   receive + one send, = cpu ms/call-s x 20); wakes/s = times the reflector was scheduled in per second
#   (its wake-ups: phases, or packets for the blocking modes; each costs a context switch); sender = the
#   caller's CPU per call-second (it pays the delivery into the reflector's sockets on loopback); echoed/lost over all repeats (lost = sent - echoed after a 300 ms tail);
#   rtt = caller send -> echo arrival (kernel timestamps), p50/p99 ms; other = machine CPU (cores) that was
#   neither the caller nor the reflector (other helpers' builds: noise).
#
# Usage: deploy/bench-floor.sh [N] [SECONDS]      N streams (default 400), SECONDS window per run (default 10)
# Environment: MODES (default all above), REPEAT (runs per mode, default 1), PORT_BASE (default 29000; uses
#   PORT_BASE and PORT_BASE+10..+10+N), SLOT_US (caller's send slot, µs, default 100: N/200 packets per
#   sendmmsg), WARMUP (seconds before the window, default 2), CAPTURE=1 (dumpcap -i lo on the caller's port
#   during each run, as bench-media.sh does; adds the capture's per-packet kernel cost), CC (compiler),
#   NICE (default -10: caller and reflector run at that nice value when allowed, so other processes' builds
#   on the machine do not stall the caller's schedule; both stay in the normal scheduling class).
# A run whose window stretched by more than 2% (the caller fell behind: a busy machine) is marked with '!'.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-400}
WINDOW=${2:-10}
REPEAT=${REPEAT:-1}
PB=${PORT_BASE:-29000}
WARMUP=${WARMUP:-2}
MODES=${MODES:-"sipp-like per-call-phased per-call-phased-10 per-call-phased-epollwait per-call-phased-recvmsg per-call-epoll shared-phased shared-phased-10 per-call-uring per-call-uring-10"}

CC=${CC:-}
if [ -z "$CC" ]; then
    for c in cc clang gcc /opt/swift/usr/bin/clang; do
        if command -v "$c" >/dev/null 2>&1; then CC=$c; break; fi
    done
fi
[ -n "$CC" ] || { echo "bench-floor: no C compiler (cc, clang or gcc)"; exit 2; }
if [ "${CAPTURE:-0}" = 1 ] && ! command -v dumpcap >/dev/null 2>&1; then
    echo "bench-floor: CAPTURE=1 needs dumpcap (deploy/setup.sh installs tshark)"; exit 2
fi

WORK=$(mktemp -d /tmp/sb-bench-floor-XXXXXX)
CAP=""
cleanup() {
    [ -n "$CAP" ] && kill -INT "$CAP" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$CC" -O2 -o "$WORK/rtp-floor" "$ROOT/deploy/bench/rtp-floor.c"
NICE=${NICE:--10}
PREFIX=""
if [ "$NICE" != 0 ] && nice -n "$NICE" true 2>/dev/null; then PREFIX="nice -n $NICE"; fi

echo "bench-floor: N=$N streams, window ${WINDOW}s, $REPEAT run(s) per mode, caller slot ${SLOT_US:-100} us," \
    "capture ${CAPTURE:-0}, ${PREFIX:-nice 0}; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $($CC --version | head -1)"
: >"$WORK/results.txt"
r=1
while [ $r -le "$REPEAT" ]; do
    for mode in $MODES; do
        if [ "${CAPTURE:-0}" = 1 ]; then
            dumpcap -q -i lo -P -s 64 -B 64 -f "udp port $PB" -w "$WORK/capture.pcap" >"$WORK/dumpcap.log" 2>&1 &
            CAP=$!
            sleep 1
        fi
        $PREFIX "$WORK/rtp-floor" "$mode" "$N" "$WINDOW" "$PB" "$WARMUP" >>"$WORK/results.txt"
        if [ -n "$CAP" ]; then
            kill -INT "$CAP" 2>/dev/null || true
            wait "$CAP" 2>/dev/null || true
            CAP=""
            rm -f "$WORK/capture.pcap"
        fi
        echo "  $mode run $r done, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg)" >&2
        sleep 0.5
    done
    r=$((r + 1))
done

python3 - "$WORK/results.txt" "$MODES" "$WINDOW" <<'EOF'
import statistics, sys
rows = {}
order = sys.argv[2].split()
nominal = float(sys.argv[3])
for line in open(sys.argv[1]):
    kv = dict(f.split('=', 1) for f in line.split())
    rows.setdefault(kv['mode'], []).append(kv)

def cpu(kv):  # ms per call-second: per 50 packets echoed in the window (= N x seconds when on schedule)
    return int(kv['refl_cpu_ns']) / 1e6 / (int(kv['win_arrived']) / 50.0)

def stretched(kv):
    return float(kv['seconds']) > nominal * 1.02

ref = statistics.median(cpu(k) for k in rows['sipp-like']) if 'sipp-like' in rows else None
print()
print('mode                       cpu ms/call-s  spread (min..max)  x sipp  us/pkt  wakes/s  sender ms/call-s'
      '  echoed    lost  rtt p50/p99 ms   other cores')
for mode in order:
    runs = [k for k in rows.get(mode, []) if 'skipped' not in k]
    if not runs:
        print('%-26s skipped' % mode)
        continue
    c = [cpu(k) for k in runs]
    flag = '!' if any(stretched(k) for k in runs) else ' '
    med = statistics.median(c)
    us_pkt = statistics.median(int(k['refl_cpu_ns']) / 1e3 / int(k['win_arrived']) for k in runs)
    sender = statistics.median(int(k['sender_cpu_ns']) / 1e6 / (int(k['n']) * float(k['seconds'])) for k in runs)
    other = statistics.median(int(k['machine_busy_ticks']) / int(k['ticks_per_s']) / float(k['seconds'])
                              - (int(k['refl_cpu_ns']) + int(k['sender_cpu_ns'])) / 1e9 / float(k['seconds'])
                              for k in runs)
    wakes = statistics.median(int(k['refl_slices']) / float(k['seconds']) for k in runs)
    print('%-25s%s %13.3f  %7.3f..%-7.3f   %6.2f  %6.2f  %7.0f  %16.3f  %7d  %6d  %6.2f/%-6.2f  %11.2f'
          % (mode, flag, med, min(c), max(c), med / ref if ref else float('nan'), us_pkt, wakes, sender,
             sum(int(k['echoed']) for k in runs), sum(int(k['lost']) for k in runs),
             statistics.median(int(k['rtt_p50_us']) for k in runs) / 1000,
             statistics.median(int(k['rtt_p99_us']) for k in runs) / 1000, other))
EOF
