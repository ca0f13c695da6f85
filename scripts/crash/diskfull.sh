#!/usr/bin/env bash
# Fault: the queue's disk fills up during DATA. Tern must answer 452, lose nothing it acknowledged, and leave
# nothing half-queued; once space is back it delivers everything and accepts mail again.
#
#   sudo scripts/crash/diskfull.sh [--size-kib 1024] [--message-kib 64] [--messages 40] [--keep]
#
# Inside scripts/compat/sandbox.sh's private mount namespace, a tmpfs of SIZE KiB is mounted as Tern's queue
# folder. Tern starts with deliveries paused (-P mda), so the queue only fills. Two senders send MESSAGES
# messages of MESSAGE KiB (smtpload.py, each one checkable). Checks, in order:
#   1. every reply to the end of DATA is 250 or 452 (and at least one of each: the disk did fill);
#   2. incoming/ holds no message data once the senders are done, and every message in queue/ is whole (its body has
#      the size of a message as sent, and it has an envelope);
#   3. after `smtpctl resume mda` the queue drains; maildir_check.py finds every 250'd message whole in the
#      maildirs and none of the 452'd ones (a client retries those: delivering one would duplicate it);
#   4. with the space back, a new message gets 250 again.
# Exit status 0 when every check passes. Well under a minute.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench/servers.sh"
servers_sandbox "$@"

size_kib=1024
message_kib=64
messages=40
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --size-kib) size_kib=$2; shift 2 ;;
        --message-kib) message_kib=$2; shift 2 ;;
        --messages) messages=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
smtpctl=${TERN_SMTPCTL:-$(dirname "$TERN")/smtpctl}
[ -x "$smtpctl" ] || { echo "no smtpctl next to $TERN (set TERN_SMTPCTL)" >&2; exit 2; }
work=$(mktemp -d /var/tmp/tern-diskfull.XXXXXX)
chmod 0755 "$work"
queue="$work/queue"
mkdir -p "$queue"
mount -t tmpfs -o "size=${size_kib}k,mode=0700" tern-diskfull "$queue"
CLEANUP_EXTRA="umount '$queue' 2>/dev/null || true"
[ "$keep" = 1 ] || CLEANUP_EXTRA="$CLEANUP_EXTRA; rm -rf '$work'"
port=$(free_port)
write_conf "$work/smtpd.conf" "$port" "$work/mail"
log="$work/smtpd.log"
tern_start "$work/smtpd.conf" "$queue" "$log" "$port" -P mda
ctl() { TERN_CONTROL_SOCKET="$queue.control" "$smtpctl" "$@"; }
bytes=$((message_kib * 1024))
failures=0
check() { # check CONDITION-STATUS TEXT
    if [ "$1" = 0 ]; then echo "ok:   $2"; else echo "FAIL: $2"; failures=$((failures + 1)); fi
}

echo "disk full: queue on a ${size_kib} KiB tmpfs, $messages messages of $message_kib KiB, delivery paused"
"$PY" "$BENCH_DIR/smtpload.py" --port "$port" --sessions 2 --messages "$messages" --size "$bytes" \
    --run full --ack-log "$work/replies.txt" --json "$work/load.json" >/dev/null
echo "senders: $(cat "$work/load.json")"
echo "queue tmpfs: $(df -k --output=used,avail "$queue" | tail -1 | awk '{print $1 " KiB used, " $2 " KiB free"}')"

# 1. replies
ok=$(grep -c ' 250$' "$work/replies.txt" || true)
full=$(grep -c ' 452$' "$work/replies.txt" || true)
other=$(grep -vc ' 250$\| 452$' "$work/replies.txt" || true)
check $([ "$ok" -gt 0 ] && [ "$full" -gt 0 ] && [ "$other" = 0 ] && echo 0 || echo 1) \
    "replies to the end of DATA: $ok × 250, $full × 452, $other other"
grep -o '"end of DATA 452[^"]*"' "$work/load.json" | head -1 | sed 's/^/      452 text: /'
grep -q "452 4.3.1" "$log" 2>/dev/null || true

# 2. nothing half-queued: each body in queue/ ends with the whole message as sent, next to an envelope
# (incoming/ may keep spares for the next MAIL FROM: an empty body file, and in a recycled one an emptied
# envelope file)
incoming=$(find "$queue/incoming" -mindepth 1 ! -type d -size +0 2>/dev/null | wc -l)
check "$([ "$incoming" = 0 ] && echo 0 || echo 1)" \
    "incoming/ holds no message data after the 452s ($incoming files that are not empty)"
whole=$("$PY" - "$BENCH_DIR" "$queue/queue" "$bytes" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
from maildir_check import whole_message
root, size = sys.argv[2], int(sys.argv[3])
good = bad = 0
for msgid in os.listdir(root):
    names = os.listdir(os.path.join(root, msgid))
    body = os.path.join(root, msgid, "message")
    ident, whole = whole_message(open(body, "rb").read(), size, "bench.test") if "message" in names else (None, False)
    if whole and len(names) >= 2:
        good += 1
    else:
        bad += 1
        print(f"half-queued: {msgid} {names} {ident}", file=sys.stderr)
print(good, bad)
PY
)
read -r queued_good queued_bad <<<"$whole"
check "$([ "$queued_bad" = 0 ] && [ "$queued_good" = "$ok" ] && echo 0 || echo 1)" \
    "queue/ holds $queued_good whole messages (= the $ok acknowledged), $queued_bad partial"

# 3. resume delivery: everything acknowledged arrives, nothing refused does
ctl resume mda >/dev/null
for _ in $(seq 300); do
    [ "$(find "$queue/queue" -mindepth 1 -maxdepth 1 | wc -l)" = 0 ] && break
    sleep 0.1
done
set +e
result=$("$PY" "$BENCH_DIR/maildir_check.py" --mail "$work/mail" --ack-log "$work/replies.txt" --size "$bytes")
rc=$?
set -e
echo "      maildirs: $result"
unacked=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["unacked_delivered"])' "$result")
check "$rc" "every 250'd message delivered whole after resume mda"
check "$([ "$unacked" = 0 ] && echo 0 || echo 1)" "no 452'd message delivered ($unacked)"

# 4. space is back: mail is accepted again
"$PY" "$BENCH_DIR/smtpload.py" --port "$port" --sessions 1 --messages 3 --size "$bytes" --run after \
    --json "$work/after.json" >/dev/null
after=$(json_field "$work/after.json" acked)
check "$([ "$after" = 3 ] && echo 0 || echo 1)" "after the queue drained, 3 of 3 new messages got 250 ($after)"

stop_tree "$TERN_PID"
if [ "$failures" = 0 ]; then echo "PASS: disk full during DATA"; exit 0; fi
echo "FAIL: $failures checks failed (folder $work, log $log)"
[ "$keep" = 1 ] || CLEANUP_EXTRA="umount '$queue' 2>/dev/null || true"
exit 1
