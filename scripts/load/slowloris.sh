#!/usr/bin/env bash
# Slowloris: clients that send one byte of a command line every few seconds, next to clients that stay silent.
#
#   sudo scripts/load/slowloris.sh [--clients N] [--every S] [--hold S] [--timeout-option "--opt value"]
#
# Starts Tern, opens N silent connections and N slowloris connections (one byte every S seconds, default 5,
# of a command line that never ends), holds them HOLD seconds (default 330: Tern's idle timeout is 300 s, as
# OpenSMTPD's SMTPD_SESSION_TIMEOUT) and reports when the server closed each kind. Expected of a server that
# resists slowloris: both kinds are cut off near the timeout. --timeout-option passes a shorter-timeout option
# to smtpd if it has one (then give a shorter --hold). Exit status 0 when every connection of both kinds was cut
# off before the hold ended.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/servers.sh"
servers_sandbox "$@"

clients=20
every=5
hold=330
timeout_option=""
while [ $# -gt 0 ]; do
    case $1 in
        --clients) clients=$2; shift 2 ;;
        --every) every=$2; shift 2 ;;
        --hold) hold=$2; shift 2 ;;
        --timeout-option) timeout_option=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
work=$(mktemp -d /var/tmp/tern-slowloris.XXXXXX)
chmod 0755 "$work"
CLEANUP_EXTRA="rm -rf '$work'"
port=$(free_port)
write_conf "$work/smtpd.conf" "$port" "$work/mail"
# shellcheck disable=SC2086
tern_start "$work/smtpd.conf" "$work/queue" "$work/smtpd.log" "$port" $timeout_option
echo "slowloris: $clients silent and $clients slowloris clients (a byte every ${every}s), held ${hold}s"
"$PY" "$REPO_DIR/scripts/load/idle.py" --port "$port" --connections "$clients" --hold "$hold" --pid "$TERN_PID" \
    --json "$work/silent.json" >/dev/null &
silent=$!
"$PY" "$REPO_DIR/scripts/load/idle.py" --port "$port" --connections "$clients" --hold "$hold" --pid "$TERN_PID" \
    --slowloris "$every" --json "$work/slow.json" >/dev/null
wait "$silent" || true
stop_tree "$TERN_PID"
status=0
for kind in silent slow; do
    "$PY" - "$work/$kind.json" "$kind" "$clients" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1]))
kind, n = sys.argv[2], int(sys.argv[3])
times = r["closed_after_seconds"]
print(f"{'silent   ' if kind == 'silent' else 'slowloris'}: {r['banners']} connected, {r['closed_by_server']} cut off by the server"
      f" (after {times[0] if times else '-'} .. {times[-1] if times else '-'} s), {r['held_at_end']} still open at the end")
sys.exit(0 if r["closed_by_server"] == n else 1)
PY
done
grep -c "reason=timeout" "$work/smtpd.log" | sed 's/^/smtpd logged reason=timeout: /' || true
[ "$status" = 0 ] && echo "PASS: slow and silent clients are cut off" || echo "FAIL: some clients were never cut off"
exit "$status"
