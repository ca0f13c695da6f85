#!/usr/bin/env bash
# usage: scripts/compat/differential.sh [-v] [PROBE.conf...]
#
# Runs Debian's OpenSMTPD 6.8 (/usr/sbin/smtpd) and Tern's smtpd with `-n -f` on every probe of
# Tests/Fixtures/compat/probes (after @DIR@ substitution, in a temporary copy), and checks:
#   1. Debian's output and exit code are still exactly what EXPECTED-6.8.0p2.txt recorded (so the recorded
#      file, which `swift test` compares Tern against, still describes this machine);
#   2. Tern's exit code and lines (its own added lines left out) equal Debian's, or the entry in
#      Tests/Fixtures/compat/tern-differences.txt where Tern differs on purpose.
# Tern's binary: $TERN_SMTPD, else the newest .build*/{debug,release}/smtpd. Needs root: OpenSMTPD only
# loads a key file owned by root, and everything runs in scripts/compat/sandbox.sh (no network beyond this
# machine; some probes make smtpd look names up in DNS). -v prints every failure's diff (default: 20).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (not root, or no Debian smtpd 6.8 installed).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

all_args=("$@")
verbose=0
if [ "${1:-}" = -v ]; then verbose=1; shift; fi

version=$(compat_debian_version)
case "$version" in
    6.8*) ;;
    *)
        echo "differential: SKIP: Debian's OpenSMTPD 6.8 is not installed at $compat_debian_smtpd" \
             "(${version:-absent}); scripts/install-test-deps.sh installs it"
        exit 77 ;;
esac
if [ "$(id -u)" != 0 ]; then
    echo "differential: SKIP: needs root (OpenSMTPD loads only a key file owned by root, and the probes run" \
         "in a network sandbox because some make smtpd look names up in DNS)"
    exit 77
fi
# Some probes make smtpd look a name up in DNS (`listen on all`); keep every lookup on this machine.
if [ "${TERN_SANDBOXED:-}" != 1 ]; then exec "$here/sandbox.sh" "$here/differential.sh" "${all_args[@]}"; fi
tern=$(compat_tern_smtpd)
if [ -z "$tern" ] || [ ! -x "$tern" ]; then
    echo "differential: Tern's smtpd is not built (swift build), or set TERN_SMTPD" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

work=$(mktemp -d /tmp/tern-differential.XXXXXX)
trap 'rm -rf "$work"' EXIT
compat_prepare_probes "$work"
probes="$work/probes"
expected="$probes/EXPECTED-6.8.0p2.txt"

if [ $# -gt 0 ]; then names=("$@"); else mapfile -t names < <(compat_names "$expected"); fi

echo "differential: OpenSMTPD $version ($compat_debian_smtpd) and Tern ($tern), ${#names[@]} probes"
printf '  %-34s %-10s %-16s %s\n' PROBE RECORDED "DEBIAN NOW" TERN
passed=0 failed=0
details=()
for name in "${names[@]}"; do
    conf="$probes/$name"
    rec=$(compat_expected "$expected" "$name") || { echo "  $name: no entry in EXPECTED" >&2; failed=$((failed + 1)); continue; }
    deb=$(compat_run "$compat_debian_smtpd" "$conf")
    ter=$(compat_run "$tern" "$conf" | compat_filter_tern)

    # 1. Debian now = recorded
    if [ "$deb" = "$rec" ]; then
        deb_col=same; passed=$((passed + 1))
    else
        deb_col="DIFFERS"; failed=$((failed + 1))
        details+=("$name: Debian's smtpd no longer prints what EXPECTED recorded (environment?)")
        details+=("$(compat_show_diff recorded "$rec" debian-now "$deb")")
    fi

    # 2. Tern = Debian, or the documented difference
    want=$deb want_label=debian
    if dif=$(compat_expected "$compat_differences" "probes/$name"); then
        want=$(printf '%s\n' "$dif" | sed "s|@DIR@|$probes|g") want_label=tern-differences.txt
    fi
    compat_judge "$name" "$want" "$want_label" debian "$ter"
    printf '  %-34s %-10s %-16s %s\n' "$name" "$(compat_verdict "$rec")" "$deb_col" "$ter_col"
done

compat_report_failures differential "$verbose" "${details[@]}"
echo
echo "differential: $passed passed, $failed failed"
[ "$failed" = 0 ]
