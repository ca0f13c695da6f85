#!/usr/bin/env bash
# Load: the per-source-address session limit (--max-sessions-per-address, default 64; loopback is exempt).
#
#   sudo scripts/load/peraddr.sh [--limit 64] [--over 16]
#
# Loopback clients are exempt, so this needs other addresses: inside scripts/compat/sandbox.sh's private
# network namespace (nothing in it reaches beyond this machine) 10.99.2.1-3/32 are added to lo. Tern listens
# on 10.99.2.1; LIMIT + OVER clients connect from 10.99.2.2, then LIMIT from 10.99.2.3, then LIMIT + OVER from
# 127.0.0.1 (to 10.99.2.1 as well, so the same listener). Expected: 10.99.2.2 gets LIMIT banners and OVER
# refusals; 10.99.2.3 gets LIMIT banners (the limit is per address, not shared); loopback gets all.
# Exit status 0 when so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/servers.sh"
servers_sandbox "$@"

limit=64
over=16
while [ $# -gt 0 ]; do
    case $1 in
        --limit) limit=$2; shift 2 ;;
        --over) over=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
for address in 10.99.2.1 10.99.2.2 10.99.2.3; do ip addr add "$address/32" dev lo; done
work=$(mktemp -d /var/tmp/tern-peraddr.XXXXXX)
chmod 0755 "$work"
CLEANUP_EXTRA="rm -rf '$work'"
LISTEN_HOST=10.99.2.1
port=$(free_port)
write_conf "$work/smtpd.conf" "$port" "$work/mail"
tern_start "$work/smtpd.conf" "$work/queue" "$work/smtpd.log" "$port" --max-sessions-per-address "$limit"
sleep 1  # wait_port's own connection must be gone before counting

hold() { # SOURCE COUNT NAME: holds COUNT connections from SOURCE for 5 s, in the background
    "$PY" "$REPO_DIR/scripts/load/idle.py" --host 10.99.2.1 --port "$port" --source "$1" --connections "$2" \
        --hold 5 --rate 500 --json "$work/$3.json" >/dev/null &
}
hold 10.99.2.2 $((limit + over)) first
first=$!
sleep 2
hold 10.99.2.3 "$limit" second
second=$!
hold 127.0.0.1 $((limit + over)) loopback
loopback=$!
wait "$first" "$second" "$loopback" || true
stop_tree "$TERN_PID"
status=0
"$PY" - "$work" "$limit" "$over" <<'PY' || status=1
import json, sys
work, limit, over = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ok = True
for name, source, want_banners, want_refused in (("first", "10.99.2.2", limit, over), ("second", "10.99.2.3", limit, 0),
                                                  ("loopback", "127.0.0.1", limit + over, 0)):
    r = json.load(open(f"{work}/{name}.json"))
    refused = sum(r["refused"].values())
    good = r["banners"] == want_banners and refused == want_refused and not r["errors"]
    ok = ok and good
    print(f"{'ok:  ' if good else 'FAIL:'} from {source:10} {r['connections']} connections: {r['banners']} banners,"
          f" {refused} refused {r['refused'] or ''} {r['errors'] or ''} (want {want_banners} and {want_refused})")
sys.exit(0 if ok else 1)
PY
grep -m1 -i "too many\|limit" "$work/smtpd.log" | sed 's/^/log: /' || true
exit "$status"
