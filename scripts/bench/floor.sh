#!/usr/bin/env bash
# The floor under delivery.sh's one-session figure: how fast the same load generator can go on this machine
# against floor.c, a server that does nothing but answer and fdatasync a journal before each 250 (and, with
# delivery, write each message into a maildir from a second thread), beside Tern on the same load.
#
#   sudo scripts/bench/floor.sh [--rounds R] [--duration S]
#
# Each round runs floor.c alone, floor.c delivering, and Tern (release build, or TERN_SMTPD), one session,
# one 2 KiB message per connection, and prints msg/s with the client's wait at each step; then the medians.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
servers_sandbox "$@"

rounds=3
duration=5
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
work=$(mktemp -d /var/tmp/tern-floor.XXXXXX)
chmod 0755 "$work"
chattr +T "$work" 2>/dev/null || true
CLEANUP_EXTRA="rm -rf '$work'"
cc -O2 -o "$work/smtpload" "$BENCH_DIR/smtpload.c"
cc -O2 -o "$work/floor" "$BENCH_DIR/floor.c" -lpthread

for round in $(seq "$rounds"); do
    for name in floor floor-delivering tern; do
        tag="$name-r$round"
        port=$(free_port)
        case $name in
            floor|floor-delivering)
                mkdir "$work/$tag"
                if [ "$name" = floor ]; then "$work/floor" "$port" "$work/$tag" & else "$work/floor" "$port" "$work/$tag" --deliver & fi
                SERVER_PID=$!
                STARTED_PIDS+=("$SERVER_PID")
                wait_port "$port" "$SERVER_PID" ;;
            tern)
                write_conf "$work/$tag.conf" "$port" "$work/$tag.mail"
                server_start tern "$work/$tag.conf" "$work/$tag" "$port" ;;
        esac
        "$work/smtpload" --port "$port" --sessions 1 --duration "$duration" --run "$tag" --json "$work/$tag.json" >/dev/null
        stop_tree "$SERVER_PID"
        "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); rate=d["accepted_per_second"]; print(f"{sys.argv[2]:22s} {rate:7.0f} msg/s  " + " ".join(f"{k}={v:.3f}" for k, v in d["wait_ms"].items()))' "$work/$tag.json" "$tag"
    done
done

"$PY" - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
print("\nmedians, one session (msg/s; client's wait per step in ms)")
for name in ("floor", "floor-delivering", "tern"):
    runs = [json.load(open(f"{work}/{name}-r{r}.json")) for r in range(1, rounds + 1)]
    waits = {k: statistics.median(run["wait_ms"][k] for run in runs) for k in runs[0]["wait_ms"]}
    rate = statistics.median(run["accepted_per_second"] for run in runs)
    print(f"{name:18s} {rate:7.0f}  cycle {sum(waits.values()):.2f} ms  " + " ".join(f"{k}={v:.3f}" for k, v in waits.items()))
PY
