#!/bin/sh
# Prepares a Debian machine for Tern running the tutorial's virtual-user setup (../shared/seed):
#   - the daemon's user _tern (queue owner), and _vmail, which owns every virtual mailbox under /var/vmail;
#   - the group _maildaemons, whose members (Tern's daemon and Dovecot) may read the tables;
#   - /var/spool/tern (the queue), 0700 _tern;
#   - the tables' permissions: root:_maildaemons 0640, so no other user can read the password hashes.
# Idempotent; run as root. TERN_TABLES overrides the list of table files (default /etc/mail/passwd and
# /etc/mail/virtuals, the tutorial's).
set -eu

[ "$(id -u)" -eq 0 ] || { echo "setup-debian.sh: run as root" >&2; exit 1; }
say() { printf 'setup-debian: %s\n' "$*"; }

getent group _maildaemons >/dev/null || { groupadd --system _maildaemons; say "group _maildaemons created"; }
if ! id _tern >/dev/null 2>&1; then
    useradd --system --home-dir /var/spool/tern --no-create-home --shell /usr/sbin/nologin \
        --comment "Tern mail server" _tern
    say "user _tern created"
fi
if ! id _vmail >/dev/null 2>&1; then
    useradd --system --home-dir /var/vmail --create-home --shell /usr/sbin/nologin --comment "Virtual Mail" _vmail
    say "user _vmail created (home /var/vmail)"
fi
install -d -o _vmail -g _vmail -m 0750 /var/vmail
usermod -a -G _maildaemons _tern
# Dovecot's auth process reads the same passwd file.
if id dovecot >/dev/null 2>&1; then usermod -a -G _maildaemons dovecot; fi

install -d -o _tern -g _tern -m 0700 /var/spool/tern

for table in ${TERN_TABLES:-/etc/mail/passwd /etc/mail/virtuals}; do
    if [ -e "$table" ]; then
        chown root:_maildaemons "$table"
        chmod 0640 "$table"
        say "$table: root:_maildaemons 0640"
    fi
done
say "done"
