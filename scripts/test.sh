#!/usr/bin/env bash
# usage: scripts/test.sh
#
# Tern's one test command (CI runs it through .ci/run):
#   1. scripts/install-test-deps.sh   Debian packages the tests use (skip with TERN_SKIP_DEPS=1)
#   2. swift build --build-tests      everything, tests included
#   3. swift test                     the Swift Testing (and any XCTest) suites; as root inside
#                                     scripts/compat/sandbox.sh, so no test can reach beyond this machine
#   4. scripts/compat/differential.sh Debian's OpenSMTPD 6.8 and Tern on the 146 probes
#   5. scripts/compat/corpus.sh       the real-world corpus in the namespace fixture
#   6. scripts/compat/mutate-differential.py  300 mutated configurations, Tern and OpenSMTPD compared
#   7. scripts/crash/kill9.sh --quick, scripts/crash/diskfull.sh (twice: 64 KiB messages, which fsync their
#      files, and 8 KiB ones, which go through the commit journal until it cannot grow), scripts/load/peraddr.sh
#                                     the real daemon killed -9 under load (nothing acknowledged lost, nothing
#                                     partial), a full disk during DATA (452, nothing lost), per-address limits
# TERN_SWIFT_FLAGS adds flags to every swift build/test (e.g. "--scratch-path .build-ci").
# Every step runs even when an earlier one failed (unless the build failed: then nothing can run).
# The last line reads "N passed, N failed": steps 1 and 2 count one check each, step 3 every Swift test, steps
# 4 to 6 every check they make, step 7 one check per script. Skipped steps (not root, TERN_SKIP_DEPS=1, no Debian smtpd) count in neither and are named above
# it. Exit status: 0 when nothing failed.
set -uo pipefail
exec </dev/null
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

passed=0 failed=0
summary=()
started=$SECONDS

step() { printf '\n==== %s\n' "$*"; }
record() {  # record STATUS NAME [DETAIL]
    summary+=("$(printf '%-5s %-28s %s' "$1" "$2" "${3:-}")")
    case "$1" in
        PASS) passed=$((passed + 1)) ;;
        FAIL) failed=$((failed + 1)) ;;
    esac
}
# record_counted NAME RC LOG: a compat script's result; its last "N passed, N failed" adds to the totals.
record_counted() {
    local name=$1 rc=$2 log=$3 counts p f
    if [ "$rc" = 77 ]; then
        summary+=("$(printf '%-5s %-28s %s' SKIP "$name" "$(grep -m1 'SKIP:' "$log" | sed 's/^.*SKIP: //')")")
        return
    fi
    counts=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$counts" | awk '{print $1}')
    f=$(echo "$counts" | awk '{print $3}')
    if [ -z "$counts" ]; then p=0 f=1; counts="no result line"; fi
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; counts="$counts, exit status $rc"; fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" = 0 ]; then
        summary+=("$(printf '%-5s %-28s %s' PASS "$name" "$counts")")
    else
        summary+=("$(printf '%-5s %-28s %s' FAIL "$name" "$counts")")
    fi
}

read -r -a swift_flags <<<"${TERN_SWIFT_FLAGS:-}"

logs=$(mktemp -d /tmp/tern-test.XXXXXX)
trap 'rm -rf "$logs"' EXIT

# 1. dependencies
if [ "${TERN_SKIP_DEPS:-}" = 1 ]; then
    summary+=("$(printf '%-5s %-28s %s' SKIP "dependencies" "TERN_SKIP_DEPS=1")")
else
    step "dependencies: scripts/install-test-deps.sh"
    if bash scripts/install-test-deps.sh; then record PASS dependencies; else record FAIL dependencies; fi
    # The tests that compare with the real OpenSMTPD must run, not skip, once it has been installed.
    export TERN_REQUIRE_OPENSMTPD=1
fi

# 2. build
step "build: swift build --build-tests"
built=0
if timeout 45m swift build --build-tests "${swift_flags[@]}"; then
    built=1
    record PASS build
    bin=$(swift build --show-bin-path "${swift_flags[@]}")
    export TERN_SMTPD="$bin/smtpd"
else
    record FAIL build "the remaining steps did not run"
fi

if [ "$built" = 1 ]; then
    # 3. swift test
    step "swift test"
    if [ "$(id -u)" = 0 ]; then
        echo "(inside scripts/compat/sandbox.sh: private network namespace, loopback only)"
        runner=(scripts/compat/sandbox.sh)
    else
        echo "(not root: without the network sandbox; the tests that need root are skipped and say so)"
        runner=()
    fi
    timeout 30m "${runner[@]}" swift test --skip-build "${swift_flags[@]}" 2>&1 | tee "$logs/swift-test"
    rc=${PIPESTATUS[0]}
    result=$(grep -E '(✔|✘) Test run with' "$logs/swift-test" | tail -n 1 | sed 's/^[✔✘] //')
    xctest=$(grep -Eo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$logs/swift-test" | tail -n 1)
    detail="${result:-no Swift Testing result}${xctest:+; XCTest: $xctest}"
    # Every Swift test counts: the run's test count, less the tests that failed.
    total=$(grep -Eo 'Test run with [0-9]+ tests?' "$logs/swift-test" | tail -n 1 | grep -Eo '[0-9]+' || true)
    failing=$(grep -cE '^✘ Test .* failed after' "$logs/swift-test" || true)
    if [ "$rc" = 0 ] && [ -n "$total" ]; then
        summary+=("$(printf '%-5s %-28s %s' PASS "swift test" "$detail")")
        passed=$((passed + total))
    else
        [ "${failing:-0}" -gt 0 ] || failing=1
        summary+=("$(printf '%-5s %-28s %s' FAIL "swift test" "$detail (exit $rc)")")
        passed=$((passed + ${total:-0} - failing))
        failed=$((failed + failing))
    fi

    # 4. differential
    step "scripts/compat/differential.sh"
    timeout 10m bash scripts/compat/differential.sh 2>&1 | tee "$logs/differential"
    record_counted "compat: probes (differential)" "${PIPESTATUS[0]}" "$logs/differential"

    # 5. corpus
    step "scripts/compat/corpus.sh"
    timeout 10m bash scripts/compat/corpus.sh 2>&1 | tee "$logs/corpus"
    record_counted "compat: corpus (fixture)" "${PIPESTATUS[0]}" "$logs/corpus"

    # 6. mutated configurations, Tern and OpenSMTPD side by side (fixed seed: the same mutants every run)
    step "scripts/compat/mutate-differential.py"
    if [ -x /usr/sbin/smtpd ] && [ "$(id -u)" = 0 ]; then
        timeout 10m python3 scripts/compat/mutate-differential.py 1 300 2>&1 | tee "$logs/mutate"
        record_counted "compat: mutated configs" "${PIPESTATUS[0]}" "$logs/mutate"
    else
        summary+=("$(printf '%-5s %-28s %s' SKIP "compat: mutated configs" "needs root and Debian's smtpd")")
    fi

    # 7. crash safety and faults against the real daemon
    for check in "crash/kill9.sh --quick" "crash/diskfull.sh" \
        "crash/diskfull.sh --size-kib 640 --message-kib 8 --messages 200" "load/peraddr.sh"; do
        read -r -a words <<<"$check"
        step "scripts/$check"
        if [ "$(id -u)" = 0 ]; then
            if TERN_SMTPD="$TERN_SMTPD" timeout 10m bash "scripts/${words[0]}" "${words[@]:1}"; then
                record PASS "$check"
            else
                record FAIL "$check"
            fi
        else
            summary+=("$(printf '%-5s %-28s %s' SKIP "${words[0]}" "needs root")")
        fi
    done
fi

step "summary ($(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
