#!/usr/bin/env bash
# Relay throughput: Tern and Debian's OpenSMTPD 6.8 side by side, relaying to the MX of a test domain.
#
#   sudo scripts/bench/relay.sh [--duration S | --messages N] [--levels "1 20 100"] [--size BYTES]
#                               [--only tern|opensmtpd] [--keep] [--quick]
#
# Both servers run the same configuration: listen on 127.0.0.1, `match from local for any action "out"`,
# `action "out" relay`. Everything runs in the benchmark sandbox (scripts/compat/sandbox.sh: private network and
# mount namespaces), where
#   - dnsmasq on 127.0.0.53 (bound over /etc/resolv.conf) answers MX relay.test -> mx.relay.test -> 127.0.0.2,
#     and localhost <-> 127.0.0.1 for the servers' reverse lookup of the client;
#   - Postfix's smtp-sink listens on 127.0.0.2 port 25, the port OpenSMTPD always relays to, and counts what
#     it receives (fetched like smtp-source.sh's smtp-source: never installed).
# For each server and each level: a fresh server and sink; smtpload.py sends SIZE-byte messages (default 2 KiB),
# one per connection, to userN@relay.test over that many sessions for S seconds (default 10), or N messages in
# all; relayed/s is what the sink counted over the time from the first send until the last message reached it
# (the wait ends after 300 s, or 20 s without progress: the rate is then over what arrived until then).
# --quick: 150 messages per level, levels "1 20" (under a minute). Prints a table with both servers and the ratio
# (> 1: Tern better). Needs root, a release build (or TERN_SMTPD), python3, dnsmasq, /usr/sbin/smtpd.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
postfix_tools
servers_sandbox "$@"

duration=10
messages=""
levels="1 20 100"
size=2048
only=""
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift 2 ;;
        --levels) levels=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --messages) messages=$2; shift 2 ;;
        --quick) messages=150; levels="1 20"; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

[ -x /usr/sbin/dnsmasq ] || { echo "no /usr/sbin/dnsmasq (apt-get install dnsmasq-base)" >&2; exit 2; }
servers_init
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /var/tmp/tern-relaybench.XXXXXX)
chmod 0755 "$work"
[ "$keep" = 1 ] || CLEANUP_EXTRA="rm -rf '$work'"
servers=(tern opensmtpd)
[ -n "$only" ] && servers=("$only")
[ -x /usr/sbin/smtpd ] || { echo "no /usr/sbin/smtpd: Tern only"; servers=(tern); }

# The test domain's DNS. The sandbox's mount namespace is private: the bind mount is seen by nobody else.
dns=127.0.0.53
mx=127.0.0.2
/usr/sbin/dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --conf-file=/dev/null --pid-file= \
    --listen-address=$dns --bind-interfaces --port=53 --local=/test/ --log-facility=- \
    --mx-host=relay.test,mx.relay.test,10 --host-record=mx.relay.test,$mx --host-record=localhost,127.0.0.1 \
    > "$work/dnsmasq.log" 2>&1 </dev/null &
STARTED_PIDS+=("$!")
echo "nameserver $dns" > "$work/resolv.conf"
# The sandbox's own resolv.conf (naming 127.0.0.1) is a bind mount of a deleted file: replace it.
umount /etc/resolv.conf 2>/dev/null || true
mount --bind "$work/resolv.conf" /etc/resolv.conf
for _ in $(seq 50); do
    getent ahostsv4 mx.relay.test >/dev/null 2>&1 && break
    sleep 0.1
done
"$PY" -c 'import socket; assert socket.gethostbyname("mx.relay.test") == "127.0.0.2"' \
    || { echo "dnsmasq does not answer for mx.relay.test" >&2; exit 1; }

write_relay_conf() { # FILE PORT
    cat > "$1" <<CONF
listen on $LISTEN_HOST port $2 hostname bench.localdomain
action "out" relay
match from local for any action "out"
CONF
}

start_sink() { # LOG -> SINK_PID
    postfix_run smtp-sink -u nobody -c "$mx:25" 256 > "$1" 2>&1 </dev/null &
    SINK_PID=$!
    STARTED_PIDS+=("$SINK_PID")
    LISTEN_HOST=$mx wait_port 25 "$SINK_PID" || { echo "smtp-sink did not start:" >&2; cat "$1" >&2; return 1; }
}

machine_line "$work"
echo "route: MX (relay.test MX 10 mx.relay.test = $mx, from dnsmasq on $dns:53), port 25, Postfix smtp-sink"
amount=(--duration "$duration")
[ -n "$messages" ] && amount=(--messages "$messages")
echo "work folder: $work; per level: ${amount[*]}, ${size}-byte messages, one per connection"

for name in "${servers[@]}"; do
    for level in $levels; do
        tag="$name-c$level"
        port=$(free_port)
        write_relay_conf "$work/$tag.conf" "$port"
        start_sink "$work/$tag.sink.log"
        server_start "$name" "$work/$tag.conf" "$work/$tag" "$port"
        echo "[$name, $level sessions] sending ${amount[*]}"
        "$PY" "$BENCH_DIR/smtpload.py" --port "$port" --sessions "$level" "${amount[@]}" --size "$size" \
            --domain relay.test --run "$tag" --json "$work/$tag.load.json"
        acked=$(json_field "$work/$tag.load.json" acked)
        start=$(json_field "$work/$tag.load.json" started_epoch)
        "$PY" "$BENCH_DIR/wait_delivered.py" --sink-log "$work/$tag.sink.log" --expect "$acked" --start "$start" \
            --stall 20 --timeout 300 > "$work/$tag.relayed.json"
        echo "  load: $(cat "$work/$tag.load.json")"
        echo "  relayed: $(cat "$work/$tag.relayed.json")"
        stop_tree "$SERVER_PID"
        stop_tree "$SINK_PID"
        # Queues are kept until the EXIT trap, as in delivery.sh: deleting them would slow the next run.
    done
done

"$PY" - "$BENCH_DIR" "$work" "$levels" "${servers[@]}" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from compare_table import load, print_client_errors, print_table
work, levels, servers = sys.argv[2], sys.argv[3].split(), sys.argv[4:]

rows, unfinished = [], []
for level in levels:
    accepted, relayed = {}, {}
    for s in servers:
        l, r = load(f"{work}/{s}-c{level}.load.json"), load(f"{work}/{s}-c{level}.relayed.json")
        accepted[s] = l.get("accepted_per_second")
        relayed[s] = round(r["delivered"] / r["last_seconds"], 1) if r.get("last_seconds") else None
        if r and not r.get("complete"):
            unfinished.append(f"{s}, {level} sessions: {r.get('delivered')} of {l.get('acked')}")
    rows += [(f"accepted msg/s, {level} sessions", accepted, "higher"),
             (f"relayed msg/s, {level} sessions", relayed, "higher")]
print_table(servers, rows, width=34)
if unfinished:
    print("relayed when the wait ended (the rate is over that time):", "; ".join(unfinished))
print_client_errors(work, servers, levels)
PY
