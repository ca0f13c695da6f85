#!/usr/bin/env bash
# Builds Tern and runs it in the foreground on the quick-start configuration (examples/quickstart/smtpd.conf):
# loopback, port 2525 (TERN_PORT), queue, sockets and mail under ./run/quickstart. No root needed; started as
# root, mail is delivered as `nobody` (Tern, like OpenSMTPD, never writes a maildir as root).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${TERN_PORT:-2525}
base="$PWD/run/quickstart"
user=$(id -un)
[ "$(id -u)" -eq 0 ] && user=nobody
mkdir -p "$base/mail"
[ "$(id -u)" -eq 0 ] && chown "$user" "$base/mail"
sed -e "s|@BASE@|$base|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user|g" \
  examples/quickstart/smtpd.conf > "$base/smtpd.conf"
swift build -c release
bin=$(swift build -c release --show-bin-path)
echo
echo "== $bin/smtpd -n -f $base/smtpd.conf"
"$bin/smtpd" -n -f "$base/smtpd.conf"
cat <<MSG

== Tern is starting on 127.0.0.1:$port (Ctrl-C stops it). In another terminal, send it a message:
  swaks --server 127.0.0.1:$port --from me@example.org --to you@example.test
or, with nothing but Python:
  python3 -c 'import smtplib; smtplib.SMTP("127.0.0.1", $port).sendmail("me@example.org", ["you@example.test"], "Subject: hi\\n\\nhello\\n")'
then look at it:
  find $base/mail -type f
  TERN_CONTROL_SOCKET=$base/control.sock $bin/smtpctl show queue

MSG
extra=()
[ "$(id -u)" -eq 0 ] && extra=(--user root)
exec "$bin/smtpd" -d -f "$base/smtpd.conf" --queue-dir "$base/queue" --socket "$base/smtpd.sock" \
  --control-socket "$base/control.sock" "${extra[@]}"
