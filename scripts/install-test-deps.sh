#!/usr/bin/env bash
# Installs the Debian packages Tern's tests need. Idempotent: when everything is present it only says so.
#
#   opensmtpd         the reference: Debian 12's OpenSMTPD 6.8.0p2, whose `smtpd -n` verdicts the compat
#                     tests compare against (scripts/compat/differential.sh, scripts/compat/corpus.sh)
#   opensmtpd-extras  its table-* backends (the probes were recorded with them: `table t sqlite:...` is OK)
#   iproute2, util-linux, python3
#                     the corpus fixture: `ip`, `unshare`, and the stub generator scripts/compat/stubs.py
#   dovecot-core      doveadm, which reads back the maildir files Tern's delivery workers write
#                     (Tests/ServerTests/Delivery/DovecotReadBackTests.swift); its service is never started
#   dovecot-imapd, dovecot-lmtpd
#                     Dovecot serving over IMAPS what Tern delivered (the seed end-to-end test), and its LMTP
#                     server, which Tern delivers to
#   dnsmasq-base, python3-aiosmtpd
#                     the relay tests' peers: a DNS server with MX records on a high loopback port (the binary
#                     only, no system service), and receiving SMTP/LMTP servers with STARTTLS and AUTH
#   openssl, ca-certificates, netbase
#                     test keys and certificates, /etc/ssl/certs/ca-certificates.crt and /etc/services,
#                     which several probes name
#   swaks, msmtp      real SMTP clients for the end-to-end tests of the daemon (Tests/EndToEndTests);
#   libnet-ssleay-perl, libio-socket-ssl-perl, libauthen-sasl-perl
#                     what swaks needs for --tls and --auth
#   fail2ban          fail2ban-regex, to check contrib/fail2ban against log lines Tern really wrote
#
# It also runs contrib/setup-debian.sh: the users `_tern` (the daemon's unprivileged user) and `_vmail` (the
# seed's virtual mail owner, home /var/vmail), and the group `_maildaemons`, which the end-to-end tests use.
#
# Installing opensmtpd must not start a mail server: a temporary /usr/sbin/policy-rc.d refuses every service
# start during the install, debconf runs non-interactively with its two questions preseeded, and afterwards
# the script checks that the install left no OpenSMTPD daemon running (and stops one if it did).
set -euo pipefail

packages=(opensmtpd opensmtpd-extras iproute2 util-linux python3 dovecot-core dovecot-imapd dovecot-lmtpd openssl ca-certificates netbase
          swaks msmtp libnet-ssleay-perl libio-socket-ssl-perl libauthen-sasl-perl fail2ban dnsmasq-base python3-aiosmtpd)

say() { printf 'install-test-deps: %s\n' "$*"; }

# The users and folders of contrib/setup-debian.sh, which the end-to-end tests rely on (and so exercise).
if [ "$(id -u)" -eq 0 ]; then
    TERN_TABLES="" sh "$(dirname "$0")/../contrib/setup-debian.sh"
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    say "all present (${packages[*]})"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    say "missing: ${missing[*]}; run this script as root (or install them yourself)" >&2
    exit 1
fi

# Processes running Debian's smtpd (Tern's smtpd lives elsewhere and is never looked at).
debian_smtpd_pids() {
    local exe pid
    for exe in /proc/[0-9]*/exe; do
        [ "$(readlink "$exe" 2>/dev/null)" = /usr/sbin/smtpd ] || continue
        pid=${exe#/proc/}
        echo "${pid%/exe}"
    done
}
before=" $(debian_smtpd_pids | tr '\n' ' ') "

say "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true
# Answer opensmtpd's two debconf questions. Marked as seen, they are not asked, and the package's
# postinst then leaves /etc/mailname alone.
debconf-set-selections <<'SEL'
opensmtpd opensmtpd/mailname string localhost
opensmtpd opensmtpd/mailname seen true
opensmtpd opensmtpd/root_address string
opensmtpd opensmtpd/root_address seen true
SEL

# Refuse service starts for the length of the install (exit 101 = "action forbidden"), unless the host
# already has its own policy-rc.d, which we then leave alone.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# written by Tern scripts/install-test-deps.sh for the length of one apt-get run\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    own_policy=1
fi
cleanup() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    say "apt-get failed" >&2
    exit 1
fi
rm -f "$log"
cleanup
trap - EXIT

# No OpenSMTPD daemon started by this install may be left running (one that ran before is not ours).
for pid in $(debian_smtpd_pids); do
    case " $before " in *" $pid "*) continue ;; esac
    say "the package started OpenSMTPD (pid $pid) despite policy-rc.d; stopping it"
    kill "$pid" 2>/dev/null || true
done

version=$(/usr/sbin/smtpd -h 2>&1 | sed -n 's/^version: //p' || true)
say "done (${version:-smtpd version unknown})"
