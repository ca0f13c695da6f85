#!/usr/bin/env bash
# usage: scripts/compat/corpus.sh [-v] [FILE.conf...]
#
# The real-world corpus (Tests/Fixtures/compat/corpus, 25 files) and its variants (fixture/variants), each
# run in the corpus fixture (scripts/compat/fixture-run.sh: private mount and network namespaces, stub
# tables and certificates, BSD interface names). Checks:
#   1. Tern's exit code and lines (its own added lines left out) equal the recorded 6.8.0p2 result
#      (fixture/results_fixture.txt, fixture/variants_expected.txt), or the entry in
#      Tests/Fixtures/compat/tern-differences.txt where Tern differs on purpose;
#   2. when Debian's OpenSMTPD 6.8 is installed, it still gives the recorded result in this fixture.
# Tern's binary: $TERN_SMTPD, else the newest .build*/{debug,release}/smtpd. -v prints every failure's diff.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (not root: the fixture needs namespaces).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

verbose=0
if [ "${1:-}" = -v ]; then verbose=1; shift; fi

if [ "$(id -u)" != 0 ]; then
    echo "corpus: SKIP: the fixture needs root (private mount and network namespaces)"
    exit 77
fi
for tool in unshare ip python3 mount; do
    command -v "$tool" >/dev/null || { echo "corpus: $tool is missing (scripts/install-test-deps.sh)" >&2; exit 1; }
done
tern=$(compat_tern_smtpd)
if [ -z "$tern" ] || [ ! -x "$tern" ]; then
    echo "corpus: Tern's smtpd is not built (swift build), or set TERN_SMTPD" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
debian=""
version=$(compat_debian_version)
case "$version" in 6.8*) debian=$compat_debian_smtpd ;; esac

fixture_dir="$compat_fixtures/fixture"
if [ $# -gt 0 ]; then
    files=("$@")
else
    files=("$compat_fixtures"/corpus/*.conf "$fixture_dir"/variants/*.conf)
fi

work=$(mktemp -d /tmp/tern-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "corpus: Tern ($tern)${debian:+ and OpenSMTPD $version ($debian)}, ${#files[@]} files, in the fixture"
[ -n "$debian" ] || echo "corpus: note: Debian's OpenSMTPD 6.8 is not installed; checking Tern only"
printf '  %-52s %-10s %-16s %s\n' FILE RECORDED "DEBIAN NOW" TERN
passed=0 failed=0
details=()
for f in "${files[@]}"; do
    f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
    name=$(basename "$f")
    case "$f" in
        */variants/*) kind=variants recorded_file="$fixture_dir/variants_expected.txt" ;;
        *) kind=corpus recorded_file="$fixture_dir/results_fixture.txt" ;;
    esac
    label="$kind/$name"
    if ! rec=$(compat_fixture_expected "$recorded_file" "$name"); then
        echo "  $label: no recorded result" >&2
        failed=$((failed + 1))
        continue
    fi

    rm -f "$work"/*.out
    bins=("$tern")
    [ -z "$debian" ] || bins+=("$debian")
    if ! "$here/fixture-run.sh" "$work" "$f" "${bins[@]}" 2>"$work/stderr"; then
        echo "  $label: the fixture could not be set up:" >&2
        sed 's/^/    /' "$work/stderr" >&2
        failed=$((failed + 1))
        continue
    fi
    ter=$(compat_filter_tern <"$work/1.out")

    deb_col="-"
    if [ -n "$debian" ]; then
        deb=$(cat "$work/2.out")
        if [ "$deb" = "$rec" ]; then
            deb_col=same; passed=$((passed + 1))
        else
            deb_col=DIFFERS; failed=$((failed + 1))
            details+=("$label: Debian's smtpd no longer gives the recorded result in the fixture")
            details+=("$(compat_show_diff recorded "$rec" debian-now "$deb")")
        fi
    fi

    want=$rec want_label=recorded
    if dif=$(compat_expected "$compat_differences" "$label"); then
        want=$dif want_label=tern-differences.txt
    fi
    compat_judge "$label" "$want" "$want_label" recorded "$ter"
    printf '  %-52s %-10s %-16s %s\n' "$label" "$(compat_verdict "$rec")" "$deb_col" "$ter_col"
done

compat_report_failures corpus "$verbose" "${details[@]}"
echo
echo "corpus: $passed passed, $failed failed"
[ "$failed" = 0 ]
