#!/usr/bin/env bash
# Benchmark: `smtpd -n` on a configuration whose virtual table has 1,000,000 lines, Tern next to Debian's
# OpenSMTPD 6.8 on the same machine and files. Prints wall time and peak resident memory (median of RUNS).
#   scripts/bench/parse-1m.sh [LINES] [RUNS]
# Needs: a release build (swift build -c release), /usr/sbin/smtpd from Debian's opensmtpd (optional), GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-1000000}
runs=${2:-3}
work=$(mktemp -d /tmp/tern-bench-parse.XXXXXX)
trap 'rm -rf "$work"' EXIT
tern=${TERN_SMTPD:-.build/release/smtpd}
[ -x "$tern" ] || { echo "build first: swift build -c release" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install -y time)" >&2; exit 1; }

python3 - "$work/virtuals" "$lines" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("heroes@athome.tld batman@athome.tld,superman@athome.tld\n")
    for i in range(n - 1):
        f.write(f"user{i}@domain{i % 1000}.example _vmail\n")
PY
cat > "$work/smtpd.conf" <<CONF
table virtuals file:$work/virtuals
action virtual_maildir maildir "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase}/Maildir" virtual <virtuals>
match from any for domain athome.tld action virtual_maildir
CONF

measure() { # prints "seconds max_rss_kib exit"
  local out
  out=$( { /usr/bin/time -f '%e %M' "$@" -n -f "$work/smtpd.conf" >/dev/null 2>"$work/err"; } 2>&1 | tail -1 ) || true
  echo "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_all() { # name binary
  local name=$1 bin=$2 times=() rss=()
  for _ in $(seq "$runs"); do
    read -r t m < <(/usr/bin/time -f '%e %M' "$bin" -n -f "$work/smtpd.conf" 2>&1 >/dev/null | tail -1)
    times+=("$t"); rss+=("$m")
  done
  local mt mr
  mt=$(printf '%s\n' "${times[@]}" | median)
  mr=$(printf '%s\n' "${rss[@]}" | median)
  printf '%-22s %10s s %10s MiB\n' "$name" "$mt" "$(awk -v k="$mr" 'BEGIN{printf "%.1f", k/1024}')"
  echo "$mt $mr" > "$work/$name.result"
}

echo "smtpd -n, virtual table of $lines lines ($(du -h "$work/virtuals" | cut -f1)), median of $runs runs, $(nproc) cores"
printf '%-22s %12s %14s\n' program time "peak RSS"
"$tern" -n -f "$work/smtpd.conf" 2>&1 | tail -1 | grep -q 'configuration OK' || { echo "Tern rejected the config" >&2; "$tern" -n -f "$work/smtpd.conf"; exit 1; }
run_all tern "$tern"
if [ -x /usr/sbin/smtpd ] && { /usr/sbin/smtpd -h 2>&1 || true; } | grep -q OpenSMTPD; then
  run_all opensmtpd-6.8 /usr/sbin/smtpd
  read -r tt tm < "$work/tern.result"; read -r ot om < "$work/opensmtpd-6.8.result"
  awk -v tt="$tt" -v ot="$ot" -v tm="$tm" -v om="$om" 'BEGIN {
    printf "ratio (OpenSMTPD / Tern): time %.2fx, memory %.2fx\n", (tt>0?ot/tt:0), (tm>0?om/tm:0) }'
else
  echo "OpenSMTPD not installed: only Tern measured"
fi
