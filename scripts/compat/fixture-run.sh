#!/usr/bin/env bash
# usage: scripts/compat/fixture-run.sh OUTDIR CONF BINARY...
#
# Runs `BINARY -n -f CONF` for each BINARY inside the corpus fixture of /work/shared/compat/fixture
# (Tests/Fixtures/compat/fixture/README.md), all in one fresh set of private mount and network namespaces,
# and writes the normalised output of the i-th binary (lines, then "rc=N") to OUTDIR/i.out. Needs root.
#
# The fixture, as run_fixture.sh set it up when the expected results were recorded:
#   * /etc, /usr/local, /root and /var are overlaid with tmpfs-backed upper layers, so nothing on the
#     host changes;
#   * stubs.py creates every table file the config names and puts the throw-away test.crt/test.key at
#     every pki/ca path;
#   * the loopback device is renamed lo0, and veth devices eth0, ens3, trunk0 and lo get the addresses
#     10.99.N.1/24.
# Two additions (compat_offline_dns in lib.sh): eth0 is up and carries a default route (to 10.99.1.2,
# which nothing answers), so that `listen on egress` has an interface to mean on Linux; and
# /etc/resolv.conf names only 127.0.0.1, so DNS lookups fail at once instead of timing out.
# OpenSMTPD's verdicts do not change (corpus.sh checks that).
# The network namespace has no link to the outside: nothing a binary does in it can leave the machine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" != --inside ]; then
    [ $# -ge 3 ] || { echo "usage: $0 OUTDIR CONF BINARY..." >&2; exit 2; }
    [ "$(id -u)" = 0 ] || { echo "fixture-run: needs root (mount and network namespaces)" >&2; exit 2; }
    args=()
    for a in "$@"; do [[ $a = /* ]] && args+=("$a") || args+=("$PWD/$a"); done
    work=$(mktemp -d /tmp/tern-fixture.XXXXXX)
    rc=0
    unshare --mount --net "$0" --inside "$work" "${args[@]}" || rc=$?
    rmdir "$work"
    exit "$rc"
fi
work=$2 outdir=$3 conf=$4
shift 4
. "$here/lib.sh"

mount --make-rprivate /
mount -t tmpfs tern-fixture "$work"
for d in /etc /usr/local /root /var; do
    n=$(echo "$d" | tr / _)
    mkdir -p "$work/u$n" "$work/w$n"
    mount -t overlay overlay -o "lowerdir=$d,upperdir=$work/u$n,workdir=$work/w$n" "$d"
done

ip link set lo down
ip link set lo name lo0
ip link set lo0 up
i=1
for n in eth0 ens3 trunk0 lo; do
    ip link add "$n" type veth peer name "p$i"
    ip addr add "10.99.$i.1/24" dev "$n"
    i=$((i + 1))
done
compat_offline_dns

# stubs.py takes test.crt/test.key from its own folder.
mkdir "$work/stubs"
cp "$here/stubs.py" "$work/stubs/"
cp "$compat_fixtures/probes/test.crt" "$compat_fixtures/probes/test.key" "$work/stubs/"
python3 "$work/stubs/stubs.py" "$conf" 2>&1 | sed 's/^/stub: /' >&2

i=1
for bin in "$@"; do
    compat_run "$bin" "$conf" >"$outdir/$i.out"
    i=$((i + 1))
done
# The namespaces, with their mounts and devices, go away when this process exits.
