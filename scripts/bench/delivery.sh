#!/usr/bin/env bash
# End-to-end benchmark: Tern and Debian's OpenSMTPD 6.8 side by side, same machine, same configuration
# (listen on 127.0.0.1, a virtual table, maildir delivery as _vmail; see write_conf in servers.sh).
#
#   sudo scripts/bench/delivery.sh [--duration S] [--levels "1 20 100"] [--idle N] [--parse-lines N]
#                                  [--size BYTES] [--per-connection K] [--only tern|opensmtpd]
#                                  [--client c|python] [--rounds R] [--keep]
#
# For each concurrency level, R rounds (default 3), each running both servers in turn (Tern, then OpenSMTPD),
# every run on a fresh server, queue and maildirs:
#   (a) the load generator sends 2 KiB messages for S seconds (default 10) over that many concurrent sessions,
#       one message per connection (--per-connection to change); accepted/s counts the 250s, delivered/s counts
#       the files in new/ from the first connection until the last of them arrived. The generator is
#       smtpload.c (compiled here with cc), or smtpload.py with --client python: the same sessions and
#       messages, but Python's own cost per message (about 1 ms) weighs on both servers' figures;
#   (b) p50 and p99 of the time from sending "." to reading the reply;
# then (c) N idle connections (default 2000) are held and the resident memory of the server's whole process
# tree is sampled: (peak - before) per 1,000 connections; and (d) scripts/bench/parse-1m.sh times `-n`.
# Prints a table with both servers and the ratio (> 1: Tern better): for each level the median of the rounds,
# with the range beside it. The rounds alternate the servers because this kind of machine drifts: on the
# benchmark disk (ext4 without a journal) one run's file churn slows the next minutes' file creations, and two
# runs of the same server on the same level differed by up to 1.8x. Both servers look up 127.0.0.1's reverse
# name (in /etc/hosts), as OpenSMTPD always does. Results and logs stay in the printed folder with --keep.
# Needs root, a release build (swift build -c release), cc, python3, /usr/sbin/smtpd, GNU time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
servers_sandbox "$@"

duration=10
levels="1 20 100"
idle=2000
parse_lines=1000000
size=2048
per_connection=1
only=""
rounds=3
client=c
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift 2 ;;
        --levels) levels=$2; shift 2 ;;
        --idle) idle=$2; shift 2 ;;
        --parse-lines) parse_lines=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --per-connection) per_connection=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --client) client=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

servers_init
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /var/tmp/tern-bench.XXXXXX)
chmod 0755 "$work"
# Each run's folders in block groups of their own (ext4's Orlov allocator treats the children of a +T folder as
# tops of hierarchies): on ext4 without a journal, a new inode is searched for past the inodes its group freed
# in the last minutes, so a run whose files landed beside the previous run's spool would pay for that
# server's deletions (OpenSMTPD frees three inodes per message).
chattr +T "$work" 2>/dev/null || true
[ "$keep" = 1 ] || CLEANUP_EXTRA="rm -rf '$work'"
servers=(tern opensmtpd)
[ -n "$only" ] && servers=("$only")
[ -x /usr/sbin/smtpd ] || { echo "no /usr/sbin/smtpd: Tern only"; servers=(tern); }

start_server() { # NAME TAG PORT -> SERVER_PID
    local name=$1 tag=$2 port=$3
    write_conf "$work/$tag.conf" "$port" "$work/$tag.mail"
    server_start "$name" "$work/$tag.conf" "$work/$tag" "$port"
}

case $client in
    c) load=("$work/smtpload")
       cc -O2 -o "$work/smtpload" "$BENCH_DIR/smtpload.c" || { echo "cannot compile smtpload.c" >&2; exit 2; } ;;
    python) load=("$PY" "$BENCH_DIR/smtpload.py") ;;
    *) echo "--client c or python" >&2; exit 2 ;;
esac

machine_line "$work"
echo "load generator: ${load[*]##*/}"
echo "work folder: $work; $duration s per level, ${size}-byte messages, $per_connection per connection, $rounds rounds"

for level in $levels; do
  for round in $(seq "$rounds"); do
    for name in "${servers[@]}"; do
        tag="$name-c$level-r$round"
        echo "[$name, $level sessions, round $round] sending for $duration s"
        port=$(free_port)
        start_server "$name" "$tag" "$port"
        "${load[@]}" --port "$port" --sessions "$level" --duration "$duration" \
            --size "$size" --per-connection "$per_connection" --run "$tag" --json "$work/$tag.load.json"
        acked=$(json_field "$work/$tag.load.json" acked)
        start=$(json_field "$work/$tag.load.json" started_epoch)
        "$PY" "$BENCH_DIR/wait_delivered.py" --mail "$work/$tag.mail" --expect "$acked" --start "$start" \
            > "$work/$tag.delivered.json"
        "$PY" "$BENCH_DIR/maildir_check.py" --mail "$work/$tag.mail" --size "$size" > "$work/$tag.check.json" || true
        echo "  load: $(cat "$work/$tag.load.json")"
        echo "  delivery: $(cat "$work/$tag.delivered.json")"
        echo "  check: $(cut -c1-200 "$work/$tag.check.json")"
        stop_tree "$SERVER_PID"
        # The mail and queues stay until the end (the EXIT trap removes the folder): on ext4 without a journal,
        # deleting a run's tens of thousands of files would slow every file creation of the next runs for
        # minutes (new inodes are searched for past recently freed ones), and OpenSMTPD, measured after Tern,
        # would pay for Tern's clean-up.
    done
  done
done

for name in "${servers[@]}"; do
    tag="$name-idle"
    port=$(free_port)
    start_server "$name" "$tag" "$port"
    sleep 2
    echo "[$name] holding $idle idle connections"
    "$PY" "$REPO_DIR/scripts/load/idle.py" --port "$port" --connections "$idle" --hold 10 --pid "$SERVER_PID" \
        --json "$work/$tag.json" >/dev/null
    echo "  idle: $(cut -c1-400 "$work/$tag.json")"
    stop_tree "$SERVER_PID"
done

parse_out=""
if [ "$parse_lines" -gt 0 ]; then
    echo "[both] smtpd -n on a $parse_lines-line table"
    parse_out=$(TERN_SMTPD="$TERN" bash "$BENCH_DIR/parse-1m.sh" "$parse_lines" 3)
    echo "$parse_out" | sed 's/^/  /'
fi

echo "$parse_out" > "$work/parse.txt"
"$PY" - "$work" "$levels" "$parse_lines" "$rounds" "${servers[@]}" <<'PY'
import json, os, statistics, sys
work, levels, parse_lines, rounds, servers = sys.argv[1], sys.argv[2].split(), sys.argv[3], int(sys.argv[4]), sys.argv[5:]
parse_text = open(f"{work}/parse.txt").read()

def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return {}

class Spread:
    """The median of the rounds' figures, printed with their range."""
    def __init__(self, values):
        self.values = values
        self.median = statistics.median(values)
    def __str__(self):
        text = lambda v: f"{v:.0f}" if v >= 100 else f"{v:.2f}"
        if len(self.values) == 1:
            return text(self.median)
        return f"{text(self.median)} ({text(min(self.values))}-{text(max(self.values))})"

def spread(values):
    values = [v for v in values if isinstance(v, (int, float))]
    return Spread(values) if values else None

rows = []  # (label, {server: value}, better)  better: "higher" or "lower"
incomplete = []
for level in levels:
    acc, dlv, p50, p99 = {}, {}, {}, {}
    for s in servers:
        a, d_, q50, q99 = [], [], [], []
        for r in range(1, rounds + 1):
            l = load(f"{work}/{s}-c{level}-r{r}.load.json")
            d = load(f"{work}/{s}-c{level}-r{r}.delivered.json")
            a.append(l.get("accepted_per_second"))
            if d.get("last_seconds"):
                d_.append(round(d["delivered"] / d["last_seconds"], 1))
            if d and not d.get("complete"):
                incomplete.append(f"{s}, {level} sessions, round {r}: {d.get('delivered')}/{l.get('acked')} delivered")
            q50.append(l.get("p50_ms"))
            q99.append(l.get("p99_ms"))
        acc[s], dlv[s], p50[s], p99[s] = spread(a), spread(d_), spread(q50), spread(q99)
    rows += [(f"accepted msg/s, {level} sessions", acc, "higher"),
             (f"delivered msg/s, {level} sessions", dlv, "higher"),
             (f"250 after DATA p50 ms, {level} sess.", p50, "lower"),
             (f"250 after DATA p99 ms, {level} sess.", p99, "lower")]
rss = {}
for s in servers:
    i = load(f"{work}/{s}-idle.json")
    if i.get("banners"):
        rss[s] = round((i["rss_kib_peak"] - i["rss_kib_before"]) / 1024 / (i["banners"] / 1000), 2)
rows.append(("RSS MiB per 1,000 idle connections", rss, "lower"))
parse = {}
for line in parse_text.splitlines():
    parts = line.split()
    if len(parts) >= 5 and parts[2] == "s" and parts[0] in ("tern", "opensmtpd-6.8"):
        parse["tern" if parts[0] == "tern" else "opensmtpd"] = float(parts[1])
if parse:
    rows.append((f"smtpd -n, {int(parse_lines):,}-line table, s", parse, "lower"))

def number(v):
    if isinstance(v, Spread):
        return v.median
    return v if isinstance(v, (int, float)) else None

print()
if rounds > 1:
    print(f"median of {rounds} rounds (range in brackets); the ratio compares the medians")
header = f"{'measure':40} " + " ".join(f"{s:>22}" for s in servers) + ("   ratio (>1: Tern better)" if len(servers) == 2 else "")
print(header)
print("-" * len(header))
for label, values, better in rows:
    cells = " ".join(f"{str(values.get(s) if values.get(s) is not None else '-'):>22}" for s in servers)
    ratio = ""
    if len(servers) == 2:
        t, o = number(values.get("tern")), number(values.get("opensmtpd"))
        if t and o:
            ratio = f"{(t / o if better == 'higher' else o / t):.2f}x"
    print(f"{label:40} {cells}   {ratio}")
errors = {s: {f"{lvl}/r{r}": load(f"{work}/{s}-c{lvl}-r{r}.load.json").get("errors")
              for lvl in levels for r in range(1, rounds + 1)} for s in servers}
if any(e for per in errors.values() for e in per.values()):
    print("client-side errors:", json.dumps({s: {k: e for k, e in per.items() if e} for s, per in errors.items()}))
for line in incomplete:
    print("incomplete delivery:", line)
PY
