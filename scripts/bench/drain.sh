#!/usr/bin/env bash
# Delivery rate against queue size: queue N messages with deliveries paused (-P mda), then `smtpctl resume mda`
# and time the drain into the maildirs. A scheduler whose cost per delivery grows with the queue shows as a
# falling rate for larger N.
#   sudo scripts/bench/drain.sh [N ...]        (default: 2000 10000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
servers_sandbox "$@"
servers_init
smtpctl=${TERN_SMTPCTL:-$(dirname "$TERN")/smtpctl}
work=$(mktemp -d /var/tmp/tern-drain.XXXXXX)
chmod 0755 "$work"
CLEANUP_EXTRA="rm -rf '$work'"
printf '%8s %10s %12s\n' queued seconds delivered/s
for n in "${@:-2000 10000}"; do
    for n1 in $n; do
        port=$(free_port)
        write_conf "$work/$n1.conf" "$port" "$work/$n1.mail"
        tern_start "$work/$n1.conf" "$work/$n1.queue" "$work/$n1.log" "$port" -P mda
        "$PY" "$BENCH_DIR/smtpload.py" --port "$port" --sessions 20 --messages "$n1" --run "d$n1" \
            --json "$work/$n1.json" >/dev/null
        acked=$(json_field "$work/$n1.json" acked)
        start=$("$PY" -c 'import time; print(time.time())')
        TERN_CONTROL_SOCKET="$work/$n1.queue.control" "$smtpctl" resume mda >/dev/null
        d=$("$PY" "$BENCH_DIR/wait_delivered.py" --mail "$work/$n1.mail" --expect "$acked" --start "$start" --timeout 600)
        "$PY" -c 'import json,sys; d=json.loads(sys.argv[2]); print("%8s %10.1f %12.1f%s" % (sys.argv[1], d["last_seconds"], d["delivered"]/d["last_seconds"], "" if d["complete"] else " (incomplete %d)" % d["delivered"]))' "$acked" "$d"
        stop_tree "$TERN_PID"
        rm -rf "$work/$n1.mail" "$work/$n1.queue"
    done
done
