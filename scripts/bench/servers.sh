# Shared by the benchmark, crash, load and fault scripts (sourced, not run): start and stop Tern and Debian's
# OpenSMTPD on loopback with the same virtual-maildir configuration, and never leave one running.
#
# Needs root (deliveries run as _vmail; OpenSMTPD must start as root). Call servers_init first; it installs an
# EXIT trap that stops every server these functions started (by pid, never by name).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/../.." && pwd)
PY=${PYTHON:-python3}
STARTED_PIDS=()

# servers_sandbox "$@": re-runs the calling script inside scripts/compat/sandbox.sh (private network namespace:
# loopback only, DNS fails at once), so that no lookup or connection leaves the machine and a resolver that does
# not answer cannot stall a server for seconds. Call it first, with the script's arguments.
servers_sandbox() {
    [ "${TERN_SANDBOXED:-}" = 1 ] && return 0
    [ "$(id -u)" = 0 ] || { echo "run as root (deliveries run as _vmail; OpenSMTPD starts as root)" >&2; exit 2; }
    exec "$REPO_DIR/scripts/compat/sandbox.sh" bash "$0" "$@"
}

# servers_init: checks root, a release smtpd and the _vmail user; sets TERN (the smtpd binary).
servers_init() {
    [ "$(id -u)" = 0 ] || { echo "run as root (deliveries run as _vmail; OpenSMTPD starts as root)" >&2; exit 2; }
    TERN=${TERN_SMTPD:-$REPO_DIR/.build/release/smtpd}
    [ -x "$TERN" ] || { echo "no Tern binary at $TERN: swift build -c release (or set TERN_SMTPD)" >&2; exit 2; }
    id _vmail >/dev/null 2>&1 || sh "$REPO_DIR/contrib/setup-debian.sh" >/dev/null
    trap servers_cleanup EXIT
    trap 'exit 130' INT TERM
    if [ "${TERN_SANDBOXED:-}" = 1 ]; then
        "$PY" "$BENCH_DIR/stub_dns.py" &
        STARTED_PIDS+=("$!")
    fi
}

servers_cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        stop_tree "$pid"
    done
    [ -n "${CLEANUP_EXTRA:-}" ] && eval "$CLEANUP_EXTRA"
    return 0
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# tree_pids PID: PID and its descendants.
tree_pids() {
    "$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); from proctree import descendants; print(*descendants(int(sys.argv[2])))' \
        "$BENCH_DIR" "$1"
}

# stop_tree PID: SIGTERM to the process, then SIGKILL to whatever of its tree is left after 10 s.
stop_tree() {
    local pid=$1 pids i
    kill -0 "$pid" 2>/dev/null || return 0
    pids=$(tree_pids "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 0
}

# wait_port PORT PID: until $LISTEN_HOST:PORT accepts (20 s), while PID lives.
wait_port() {
    local port=$1 pid=$2 i
    for i in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || return 1
        if "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[2], int(sys.argv[1])), 1).close()' \
            "$port" "$LISTEN_HOST" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# write_conf FILE PORT MAILROOT: the benchmark configuration both servers run: every user@bench.test goes to
# MAILROOT/<user>/Maildir as _vmail, through a virtual table. Listens on $LISTEN_HOST (default 127.0.0.1).
LISTEN_HOST=127.0.0.1
write_conf() {
    local file=$1 port=$2 mail=$3 dir
    dir=$(dirname "$file")
    [ -f "$dir/vusers" ] || echo "@bench.test _vmail" > "$dir/vusers"
    install -d -o _vmail -g _vmail -m 0700 "$mail"
    cat > "$file" <<CONF
table vusers file:$dir/vusers
listen on $LISTEN_HOST port $port hostname bench.localdomain
action "vmail" maildir "$mail/%{dest.user:lowercase}/Maildir" virtual <vusers>
match from any for domain "bench.test" action "vmail"
CONF
}

# tern_start CONF QUEUE LOG PORT [ARGS...]: starts Tern in the foreground (-d) as root, mail to _vmail;
# sets TERN_PID.
tern_start() {
    local conf=$1 queue=$2 log=$3 port=$4
    shift 4
    mkdir -p "$queue"
    "$TERN" -d -f "$conf" --queue-dir "$queue" --socket "$queue.sock" --control-socket "$queue.control" \
        --user root "$@" >>"$log" 2>&1 </dev/null &
    TERN_PID=$!
    STARTED_PIDS+=("$TERN_PID")
    wait_port "$port" "$TERN_PID" || { echo "Tern did not start; its log:" >&2; tail -20 "$log" >&2; return 1; }
}

# osmtpd_start CONF SPOOL LOG PORT: Debian's OpenSMTPD 6.8 in the foreground as root, inside a private mount
# namespace where SPOOL is /var/spool/smtpd and an empty folder is /run (its control socket), so it shares
# nothing with any other OpenSMTPD on the machine. Sets OSMTPD_PID.
osmtpd_start() {
    local conf=$1 spool=$2 log=$3 port=$4
    [ -x /usr/sbin/smtpd ] || { echo "no /usr/sbin/smtpd (apt-get install opensmtpd)" >&2; return 1; }
    install -d -o root -g root -m 0711 "$spool"
    install -d -o root -g root -m 0755 "$spool.run"
    unshare -m --propagation private sh -c '
        mount --bind "$1" /var/spool/smtpd && mount --bind "$2" /run && exec /usr/sbin/smtpd -d -f "$3"' \
        sh "$spool" "$spool.run" "$conf" >>"$log" 2>&1 </dev/null &
    OSMTPD_PID=$!
    STARTED_PIDS+=("$OSMTPD_PID")
    wait_port "$port" "$OSMTPD_PID" || { echo "OpenSMTPD did not start; its log:" >&2; tail -20 "$log" >&2; return 1; }
}

# server_start NAME CONF PREFIX PORT: NAME (tern or opensmtpd) on CONF, its queue or spool at PREFIX.queue or
# PREFIX.spool, its log at PREFIX.log; sets SERVER_PID.
server_start() {
    local name=$1 conf=$2 prefix=$3 port=$4
    if [ "$name" = tern ]; then
        tern_start "$conf" "$prefix.queue" "$prefix.log" "$port"
        SERVER_PID=$TERN_PID
    else
        osmtpd_start "$conf" "$prefix.spool" "$prefix.log" "$port"
        SERVER_PID=$OSMTPD_PID
    fi
}

# machine_line FOLDER: the machine the figures come from, the binaries compared, and FOLDER's disk.
machine_line() {
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -r), disk $(df -h --output=source,fstype,size "$1" | tail -1 | tr -s ' ')"
    echo "Tern: $TERN; OpenSMTPD: $(/usr/sbin/smtpd -h 2>&1 | head -1 || true)"
}

# maildir_count ROOT: files in ROOT/*/Maildir/new.
maildir_count() {
    find "$1" -path '*/Maildir/new/*' -type f 2>/dev/null | wc -l
}

# json_field FILE KEY: one field of a JSON object file.
json_field() {
    "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}

# postfix_tools: Postfix's smtp-source and smtp-sink, from Debian's postfix package unpacked under
# $POSTFIX_DIR (never installed: it conflicts with opensmtpd). Call it before servers_sandbox: the sandbox has
# no network. postfix_run PROGRAM [ARGS...] runs one of them.
POSTFIX_DIR=/tmp/tern-postfix
postfix_tools() {
    [ -x "$POSTFIX_DIR/usr/sbin/smtp-sink" ] && return 0
    if [ "${TERN_SANDBOXED:-}" = 1 ]; then
        echo "no $POSTFIX_DIR/usr/sbin/smtp-sink (it is fetched outside the sandbox)" >&2
        exit 2
    fi
    mkdir -p "$POSTFIX_DIR"
    (cd "$POSTFIX_DIR" && apt-get download postfix && dpkg -x postfix_*.deb "$POSTFIX_DIR") \
        || { echo "could not fetch Postfix's smtp-source and smtp-sink" >&2; exit 2; }
}

postfix_run() {
    local program=$1
    shift
    LD_LIBRARY_PATH="$POSTFIX_DIR/usr/lib/postfix" "$POSTFIX_DIR/usr/sbin/$program" "$@"
}
