#!/usr/bin/env bash
# Load: 10,000 concurrent idle connections and 500 concurrent active sessions, held without errors, and memory
# that does not grow from one round to the next.
#
#   sudo scripts/load/idle.sh [--idle 10000] [--active 500] [--hold 60] [--rounds 3] [--quick]
#
# Each round: scripts/load/idle.py opens IDLE connections (banner and EHLO, then silence) and holds them HOLD
# seconds while scripts/bench/smtpload.py runs ACTIVE concurrent sessions sending 2 KiB messages; the resident
# memory of Tern's process tree is sampled every second. Between rounds everything is closed. Checks: every
# idle connection got its banner and stayed open, no sending session failed, every accepted message was
# delivered, and the memory after the last round is within 25% (+16 MiB) of that after the first (it does not
# grow without bound). --quick: 1 round of 20 s with 2,000 idle and 100 active (under a minute).
# Exit status 0 when every check passes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/servers.sh"
servers_sandbox "$@"

idle=10000
active=500
hold=60
rounds=3
while [ $# -gt 0 ]; do
    case $1 in
        --idle) idle=$2; shift 2 ;;
        --active) active=$2; shift 2 ;;
        --hold) hold=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --quick) idle=2000; active=100; hold=20; rounds=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((idle + active + 200)) ] || { echo "ulimit -n $(ulimit -n) is too small for $idle + $active" >&2; exit 2; }
work=$(mktemp -d /var/tmp/tern-load.XXXXXX)
chmod 0755 "$work"
CLEANUP_EXTRA="rm -rf '$work'"
port=$(free_port)
write_conf "$work/smtpd.conf" "$port" "$work/mail"
tern_start "$work/smtpd.conf" "$work/queue" "$work/smtpd.log" "$port"
echo "load: $rounds round(s) of $idle idle connections and $active active sessions for ${hold}s; baseline RSS $("$PY" "$BENCH_DIR/proctree.py" "$TERN_PID" | awk '{printf "%.1f MiB (%d processes)", $1/1024, $2}')"
failures=0
acked_total=0
for round in $(seq "$rounds"); do
    "$PY" "$REPO_DIR/scripts/load/idle.py" --port "$port" --connections "$idle" --hold "$hold" --ehlo \
        --pid "$TERN_PID" --json "$work/idle-$round.json" >/dev/null &
    holder=$!
    STARTED_PIDS+=("$holder")
    # Send while the idle connections are all open (opening 10,000 takes a few seconds).
    sleep $((idle / 1500 + 2))
    "$PY" "$BENCH_DIR/smtpload.py" --port "$port" --sessions "$active" --duration $((hold - idle / 1500 - 4)) \
        --run "load$round" --timeout 30 --json "$work/active-$round.json"
    wait "$holder" || true
    acked_total=$((acked_total + $(json_field "$work/active-$round.json" acked)))
    "$PY" - "$work/idle-$round.json" "$work/active-$round.json" "$round" "$idle" <<'PY' || failures=$((failures + 1))
import json, sys
i, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
round_, n = sys.argv[3], int(sys.argv[4])
mib = lambda k: f"{k / 1024:.1f}"
print(f"round {round_}: idle {i['banners']}/{n} connected in {i['open_seconds']} s, {i['held_at_end']} held to the end,"
      f" refused {i['refused'] or 0}, errors {i['errors'] or 0}")
print(f"         active: {a['acked']} messages at {a['accepted_per_second']}/s, p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms,"
      f" errors {a['errors'] or 0}")
print(f"         RSS MiB: before {mib(i['rss_kib_before'])}, peak {mib(i['rss_kib_peak'])},"
      f" end of hold {mib(i['rss_kib_end_of_hold'])}, after close {mib(i['rss_kib_after_close'])};"
      f" samples {' '.join(mib(s) for s in i['rss_samples_kib'])}")
ok = i["banners"] == n and i["held_at_end"] == n and not i["errors"] and not i["refused"] and not a["errors"] \
    and a["acked"] > 0
sys.exit(0 if ok else 1)
PY
done
delivered=0
for _ in $(seq 300); do
    delivered=$(maildir_count "$work/mail")
    [ "$delivered" -ge "$acked_total" ] && break
    sleep 0.2
done
rss_end=$("$PY" "$BENCH_DIR/proctree.py" "$TERN_PID" | awk '{print $1}')
stop_tree "$TERN_PID"
[ "$delivered" = "$acked_total" ] && echo "delivered: $delivered of $acked_total accepted" || {
    echo "FAIL: delivered $delivered of $acked_total accepted"; failures=$((failures + 1)); }
first=$(json_field "$work/idle-1.json" rss_kib_after_close)
last=$(json_field "$work/idle-$rounds.json" rss_kib_after_close)
if [ "$last" -le $((first * 5 / 4 + 16384)) ]; then
    echo "memory: after round 1 $((first / 1024)) MiB, after round $rounds $((last / 1024)) MiB, after draining $((rss_end / 1024)) MiB: bounded"
else
    echo "FAIL: memory grew from $((first / 1024)) MiB after round 1 to $((last / 1024)) MiB after round $rounds"
    failures=$((failures + 1))
fi
[ "$failures" = 0 ] && { echo "PASS: $idle idle + $active active held, $rounds round(s)"; exit 0; }
echo "FAIL: $failures check(s) failed"
exit 1
