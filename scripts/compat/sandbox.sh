#!/usr/bin/env bash
# usage: scripts/compat/sandbox.sh COMMAND [ARG...]
#
# Runs COMMAND in private mount and network namespaces, so that nothing it does can reach beyond this
# machine: the loopback is up (127.0.0.1, ::1), and one veth device eth0 (10.99.1.1/24, its peer in the
# same namespace) carries a default route to 10.99.1.2, where nothing answers. That address keeps
# getaddrinfo's AI_ADDRCONFIG behaving as on a connected host (`listen on localhost inet4` resolves).
# /etc/resolv.conf names only 127.0.0.1, where nothing listens, so DNS lookups fail at once.
# The host's files, devices and routes are untouched. Needs root; sets TERN_SANDBOXED=1 for COMMAND.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" != --inside ]; then
    [ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
    [ "$(id -u)" = 0 ] || { echo "sandbox: needs root (mount and network namespaces)" >&2; exit 2; }
    exec unshare --mount --net "$0" --inside "$@"
fi
shift
. "$here/lib.sh"

mount --make-rprivate /
ip link set lo up
ip link add eth0 type veth peer name p1
ip addr add 10.99.1.1/24 dev eth0
compat_offline_dns
export TERN_SANDBOXED=1
exec "$@"
