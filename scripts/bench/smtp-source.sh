#!/usr/bin/env bash
# Cross-check of delivery.sh's throughput with another client: Postfix's smtp-source (C, no latency figures).
#
#   sudo scripts/bench/smtp-source.sh [--messages 5000] [--levels "20 100"] [--only tern|opensmtpd]
#
# smtp-source comes from Debian's postfix package, unpacked under /tmp (never installed: it conflicts with
# opensmtpd): `apt-get download postfix && dpkg -x postfix_*.deb /tmp/tern-postfix` (done here if missing).
# For each server and level: a fresh server on the benchmark configuration (servers.sh), smtp-source sends
# MESSAGES messages of 2 KiB, one per connection, over LEVEL sessions; accepted/s is MESSAGES over
# smtp-source's run time, delivered/s counts the files in new/ until the last one arrived.
# Caution: smtp-source has no reply timeout; against OpenSMTPD (listen backlog 5) connections that overflow the
# backlog hang, and a run can stall for minutes: each run is cut off after 120 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
postfix_tools
servers_sandbox "$@"

messages=5000
levels="20 100"
only=""
while [ $# -gt 0 ]; do
    case $1 in
        --messages) messages=$2; shift 2 ;;
        --levels) levels=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
work=$(mktemp -d /var/tmp/tern-smtpsource.XXXXXX)
chmod 0755 "$work"
CLEANUP_EXTRA="rm -rf '$work'"
servers=(tern opensmtpd)
[ -n "$only" ] && servers=("$only")
printf '%-10s %8s %12s %12s\n' server sessions accepted/s delivered/s
for name in "${servers[@]}"; do
    for level in $levels; do
        tag="$name-$level"
        port=$(free_port)
        write_conf "$work/$tag.conf" "$port" "$work/$tag.mail"
        if [ "$name" = tern ]; then
            tern_start "$work/$tag.conf" "$work/$tag.queue" "$work/$tag.log" "$port"; pid=$TERN_PID
        else
            osmtpd_start "$work/$tag.conf" "$work/$tag.spool" "$work/$tag.log" "$port"; pid=$OSMTPD_PID
        fi
        start=$("$PY" -c 'import time; print(time.time())')
        timeout 120 env LD_LIBRARY_PATH="$POSTFIX_DIR/usr/lib/postfix" "$POSTFIX_DIR/usr/sbin/smtp-source" -s "$level" -m "$messages" -l 2048 -f load@sender.test -t user1@bench.test "127.0.0.1:$port" \
            2>"$work/$tag.err" || true
        end=$("$PY" -c 'import time; print(time.time())')
        delivered=$("$PY" "$BENCH_DIR/wait_delivered.py" --mail "$work/$tag.mail" --expect "$messages" --start "$start")
        "$PY" - "$name" "$level" "$messages" "$start" "$end" "$delivered" <<'PY'
import json, sys
name, level, n, start, end, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), json.loads(sys.argv[6])
rate = d["delivered"] / d["last_seconds"] if d["last_seconds"] else 0
print(f"{name:10} {level:>8} {n / (end - start):12.1f} {rate:12.1f}{'' if d['complete'] else ' (incomplete: %d)' % d['delivered']}")
PY
        [ -s "$work/$tag.err" ] && sed 's/^/    smtp-source: /' "$work/$tag.err" | sort | uniq -c | head -3
        stop_tree "$pid"
        # Kept until the EXIT trap: deleting them now would slow the next server's file creations (see
        # delivery.sh).
    done
done
