# Shared by scripts/compat/*.sh (sourced, not run). Bash.
#
# Vocabulary:
#   expected file   EXPECTED-6.8.0p2.txt and tern-differences.txt share one format: a header
#                   "### NAME (rc=N)" followed by the output lines, each indented by four spaces.
#   Tern's lines    Tern prints OpenSMTPD's lines exactly and may add its own: lines that start with
#                   whitespace (details, hints), contain ": warning: " or start with "warning: ".
#                   compat_filter_tern drops those before comparing.

compat_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
compat_fixtures="$compat_root/Tests/Fixtures/compat"
compat_differences="$compat_fixtures/tern-differences.txt"

# The Debian 12 OpenSMTPD binary, when installed (scripts/install-test-deps.sh installs it).
compat_debian_smtpd=/usr/sbin/smtpd

# Prints the Debian smtpd's version ("6.8.0p2"), or nothing.
compat_debian_version() {
    [ -x "$compat_debian_smtpd" ] || return 0
    { "$compat_debian_smtpd" -h 2>&1 || true; } | sed -n 's/^version: OpenSMTPD //p'
}

# Prints the path of Tern's smtpd: $TERN_SMTPD, else the newest of the usual build products.
compat_tern_smtpd() {
    if [ -n "${TERN_SMTPD:-}" ]; then
        printf '%s\n' "$TERN_SMTPD"
        return
    fi
    local best="" c
    for c in "$compat_root"/.build/debug/smtpd "$compat_root"/.build/release/smtpd \
             "$compat_root"/.build/*/debug/smtpd "$compat_root"/.build/*/release/smtpd; do
        [ -x "$c" ] || continue
        if [ -z "$best" ] || [ "$c" -nt "$best" ]; then best=$c; fi
    done
    printf '%s\n' "$best"
}

# compat_prepare_probes DEST: copies the probes to DEST/probes, replaces @DIR@ with that folder's absolute
# path in the configs and in EXPECTED, and gives test.key the ownership and mode OpenSMTPD insists on.
compat_prepare_probes() {
    local dest=$1/probes
    cp -R "$compat_fixtures/probes" "$dest"
    chmod -R u+w "$dest"
    local f
    for f in "$dest"/*.conf "$dest"/EXPECTED-6.8.0p2.txt; do
        compat_subst_dir "$f" "$dest"
    done
    chmod 0600 "$dest/test.key"
    if [ "$(id -u)" = 0 ]; then chown 0:0 "$dest/test.key" "$dest/test.crt"; fi
}

# compat_subst_dir FILE DIR: replaces every @DIR@ in FILE by DIR, in place (other files keep their bytes).
compat_subst_dir() {
    grep -q '@DIR@' "$1" || return 0
    local tmp
    tmp=$(mktemp)
    awk -v dir="$2" '{ while ((i = index($0, "@DIR@")) > 0) $0 = substr($0, 1, i - 1) dir substr($0, i + 5); print }' \
        "$1" >"$tmp"
    cat "$tmp" >"$1"
    rm -f "$tmp"
}

# compat_expected FILE NAME: prints NAME's output lines (indent removed) from an expected file and then
# "rc=N", or returns 1 if NAME has no entry.
compat_expected() {
    awk -v want="$2" '
        /^### / {
            if (found) exit
            if ($2 == want) { found = 1; rc = $3; gsub(/[()rc=]/, "", rc) }
            next
        }
        found && /^    / { print substr($0, 5) }
        END { if (!found) exit 1; print "rc=" rc }
    ' "$1"
}

# compat_fixture_expected FILE NAME: the same for results_fixture.txt's format ("=== NAME", lines, "rc=N").
compat_fixture_expected() {
    awk -v want="$2" '
        /^=== / { if (found) exit; found = ($2 == want); next }
        found { print; if ($0 ~ /^rc=/) exit }
        END { if (!found) exit 1 }
    ' "$1"
}

# compat_names FILE: the entry names of an expected file, in order.
compat_names() {
    sed -n 's/^### \([^ ]*\) (rc=[0-9]*)$/\1/p' "$1"
}

# compat_run BINARY CONF: runs `BINARY -n -f CONF` from CONF's folder, with a 20 s limit, and prints its
# combined output with CONF's path at the start of a line shown as F, then "rc=N".
compat_run() {
    local bin=$1 conf=$2 out rc
    out=$(cd "$(dirname "$conf")" && timeout 20 "$bin" -n -f "$conf" </dev/null 2>&1) && rc=0 || rc=$?
    if [ -n "$out" ]; then printf '%s\n' "$out" | compat_normalise "$conf"; fi
    printf 'rc=%s\n' "$rc"
}

# compat_normalise CONF: replaces CONF's path at the start of a line with F.
compat_normalise() {
    awk -v p="$1" '{ if (index($0, p) == 1) $0 = "F" substr($0, length(p) + 1); print }'
}

# compat_filter_tern: drops the lines Tern adds to OpenSMTPD's (see above). "rc=" lines are kept.
compat_filter_tern() {
    grep -v -e '^[[:space:]]' -e ': warning: ' -e '^warning: ' || true
}

# compat_verdict OUTPUT: "OK" when the output ends in rc=0, else "FAIL(rc)".
compat_verdict() {
    local rc
    rc=$(printf '%s\n' "$1" | sed -n 's/^rc=//p' | tail -n 1)
    if [ "$rc" = 0 ]; then echo OK; else echo "FAIL($rc)"; fi
}

# compat_first_line OUTPUT: the first output line (for tables), or "(no output)".
compat_first_line() {
    local l
    l=$(printf '%s\n' "$1" | grep -v '^rc=' | head -n 1)
    printf '%s\n' "${l:-(no output)}"
}

# compat_show_diff LABEL_A A LABEL_B B: a unified diff of two outputs, indented.
compat_show_diff() {
    diff -u --label "$1" <(printf '%s\n' "$2") --label "$3" <(printf '%s\n' "$4") | sed 's/^/      /' || true
}

# compat_report_failures SCRIPT VERBOSE [TITLE DIFF]...: prints the failures collected as title/diff pairs;
# without VERBOSE=1 only the first 20.
compat_report_failures() {
    local script=$1 verbose=$2 shown=0
    shift 2
    [ $# -gt 0 ] || return 0
    echo
    echo "$script: failures"
    while [ $# -gt 0 ]; do
        if [ "$verbose" != 1 ] && [ "$shown" -ge 20 ]; then
            echo "  ... $(($# / 2)) more (run with -v to see all)"
            break
        fi
        echo "  $1"
        echo "$2"
        shift 2
        shown=$((shown + 1))
    done
}

# compat_judge NAME WANT WANT_LABEL REFERENCE_LABEL TERN: compares Tern's normalised output with what is wanted
# (the reference's, or a deliberate difference's), counts it in the caller's `passed`/`failed`, adds the
# diff to the caller's `details`, and sets `ter_col` for the result table.
compat_judge() {
    local name=$1 want=$2 want_label=$3 reference_label=$4 ter=$5
    if [ "$ter" = "$want" ]; then
        ter_col=same; passed=$((passed + 1))
        [ "$want_label" = "$reference_label" ] || ter_col="$(compat_verdict "$ter") (deliberate difference)"
    else
        ter_col="MISMATCH: $(compat_first_line "$ter")"; failed=$((failed + 1))
        details+=("$name: Tern differs from $want_label")
        details+=("$(compat_show_diff "$want_label" "$want" tern "$ter")")
    fi
}

# compat_offline_dns: inside private mount and network namespaces that have a veth pair eth0/p1 with
# 10.99.1.1/24 on eth0: brings the pair up with a default route to 10.99.1.2 (nothing answers there, and
# the peer p1 is in the same namespace, so nothing leaves), and points /etc/resolv.conf at 127.0.0.1,
# where nothing listens, so that DNS lookups fail at once instead of timing out.
compat_offline_dns() {
    ip link set p1 up
    ip link set eth0 up
    ip route add default via 10.99.1.2 dev eth0
    # Without a resolv.conf the resolver already asks 127.0.0.1. Otherwise bind over whatever the file
    # resolves to (it may be a symlink to a file outside /etc): only this mount namespace sees that.
    [ -e /etc/resolv.conf ] || return 0
    local conf
    conf=$(mktemp /tmp/tern-resolv.XXXXXX)
    printf 'nameserver 127.0.0.1\n' >"$conf"
    chmod 644 "$conf"
    mount --bind "$conf" /etc/resolv.conf
    rm -f "$conf"
}
