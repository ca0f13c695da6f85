#!/usr/bin/env bash
# Crash safety: mail that got a 250 survives kill -9, and no delivered message is partial.
#
#   sudo scripts/crash/kill9.sh [--kills K] [--senders S] [--min-gap S] [--max-gap S] [--quick] [--keep]
#
# Several concurrent senders (smtpload.py, each message unique and checkable, every 250 written at once to an
# ack log) send to Tern while it is killed with SIGKILL K times (default 20) at random moments MIN..MAX
# seconds apart (default 0.5..3), and restarted on the same queue each time. Then the senders stop, Tern
# drains the queue, and scripts/bench/maildir_check.py compares the maildirs with the ack log:
#   missing          acknowledged but never delivered                      -> failure
#   partial          a delivered file that is not the whole message        -> failure
#   duplicates       delivered more than once (at-least-once: the delivery was durable, the envelope's
#                    removal was not yet when the kill came, so the restarted daemon delivers it again)
#   unacked          delivered without a 250 reaching the sender (committed, killed before the reply)
#   tmp leftovers    maildir tmp/ files of deliveries cut by a kill (never visible to a reader)
# Also fails when the queue is not empty at the end, or a delivery worker outlives its killed daemon.
# --quick: 6 kills, shorter gaps (well under 2 minutes). Runs in scripts/compat/sandbox.sh (loopback only).
# Exit status 0 when nothing is missing or partial and the queue drained.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/servers.sh"
servers_sandbox "$@"

kills=20
senders=8
min_gap=0.5
max_gap=3
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --kills) kills=$2; shift 2 ;;
        --senders) senders=$2; shift 2 ;;
        --min-gap) min_gap=$2; shift 2 ;;
        --max-gap) max_gap=$2; shift 2 ;;
        --quick) kills=6; min_gap=0.3; max_gap=1.5; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
work=$(mktemp -d /var/tmp/tern-crash.XXXXXX)
chmod 0755 "$work"
[ "$keep" = 1 ] || CLEANUP_EXTRA="rm -rf '$work'"
port=$(free_port)
write_conf "$work/smtpd.conf" "$port" "$work/mail"
queue="$work/queue"
log="$work/smtpd.log"
tern_start "$work/smtpd.conf" "$queue" "$log" "$port"

# Senders run until the kills are over (the stop file), with a short reply timeout so that a killed daemon's
# sessions fail fast and the senders reconnect to the next one.
gaps=$("$PY" -c 'import random,sys; k,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(*[round(random.uniform(a,b),2) for _ in range(k)])' \
    "$kills" "$min_gap" "$max_gap")
echo "crash test: $kills kills (gaps $gaps s), $senders senders; folder $work"
"$PY" "$BENCH_DIR/smtpload.py" --port "$port" --sessions "$senders" --stop-file "$work/stop" --timeout 3 \
    --per-connection 3 --run crash --ack-log "$work/acked.txt" --json "$work/load.json" &
load_pid=$!
STARTED_PIDS+=("$load_pid")

lingering=0
n=0
for gap in $gaps; do
    sleep "$gap"
    n=$((n + 1))
    tree=$(tree_pids "$TERN_PID")
    kill -KILL "$TERN_PID"
    wait "$TERN_PID" 2>/dev/null || true
    # The supervisor and delivery workers must notice their daemon is gone and exit on their own.
    for _ in $(seq 30); do
        alive=""
        for pid in $tree; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
        [ -z "$alive" ] && break
        sleep 0.1
    done
    if [ -n "$alive" ]; then
        lingering=$((lingering + 1))
        echo "  kill $n: processes outlived the daemon for 3 s:$alive ($(ps -o comm= -p "${alive# }" 2>/dev/null | head -1))"
        # shellcheck disable=SC2086
        kill -KILL $alive 2>/dev/null || true
    fi
    acked_now=$(grep -c " 2" "$work/acked.txt" 2>/dev/null || true)
    echo "  kill $n after ${gap}s: $acked_now acknowledged so far; restarting"
    tern_start "$work/smtpd.conf" "$queue" "$log" "$port"
done

sleep 1
touch "$work/stop"
wait "$load_pid" || true
echo "senders: $(cat "$work/load.json")"

# Drain: every committed message must leave the queue.
drained=0
for _ in $(seq 600); do
    left=$(find "$queue/queue" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    if [ "$left" = 0 ]; then drained=1; break; fi
    sleep 0.2
done
sleep 1
corrupt=$(find "$queue/corrupt" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
stop_tree "$TERN_PID"

set +e
check=$("$PY" "$BENCH_DIR/maildir_check.py" --mail "$work/mail" --ack-log "$work/acked.txt")
check_rc=$?
set -e
"$PY" - "$check" "$kills" "$drained" "$left" "$corrupt" "$lingering" "$(grep -c 'result=Ok' "$log" || true)" <<'PY'
import json, sys
c = json.loads(sys.argv[1])
kills, drained, left, corrupt, lingering, deliveries = sys.argv[2:]
print(f"kills:                 {kills}")
print(f"acknowledged (250):    {c['acked']}")
print(f"delivered files:       {c['files']} ({c['distinct']} distinct messages; Tern logged {deliveries} deliveries)")
print(f"missing:               {c['missing']}  {c['examples']['missing'] or ''}")
print(f"partial:               {c['partial']}  {c['examples']['partial'] or ''}")
print(f"duplicates:            {c['duplicate_files']} extra files for {c['duplicate_ids']} messages"
      " (at-least-once: delivered, then killed before the envelope's removal was durable)")
print(f"delivered without 250: {c['unacked_delivered']} (committed, then killed before the client read the reply)")
print(f"maildir tmp leftovers: {c['tmp_leftovers']} (deliveries cut by a kill; never in new/)")
print(f"queue after drain:     {'empty' if drained == '1' else left + ' messages left'}; corrupt entries: {corrupt}")
print(f"workers outliving the daemon: {lingering} of {kills} kills")
PY
if [ "$check_rc" = 0 ] && [ "$drained" = 1 ] && [ "$lingering" = 0 ]; then
    echo "PASS: every acknowledged message delivered, none partial"
    exit 0
fi
echo "FAIL"
exit 1
