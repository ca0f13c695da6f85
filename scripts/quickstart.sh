#!/usr/bin/env bash
# Builds Tern and runs it on the quick-start configuration (examples/quickstart/smtpd.conf): loopback,
# port 2525 (TERN_PORT), mail under ./run/quickstart. No root needed.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${TERN_PORT:-2525}
base="$PWD/run/quickstart"
mkdir -p "$base/mail"
sed -e "s|@BASE@|$base|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$(id -un)|g" \
  examples/quickstart/smtpd.conf > "$base/smtpd.conf"
swift build -c release
smtpd=.build/release/smtpd
echo
echo "== $smtpd -n -v -f $base/smtpd.conf"
"$smtpd" -n -v -f "$base/smtpd.conf"
echo
echo "== $smtpd -d -f $base/smtpd.conf"
status=0
"$smtpd" -d -f "$base/smtpd.conf" 2>"$base/smtpd.err" || status=$?
cat "$base/smtpd.err" >&2
if grep -q 'the daemon is not built yet' "$base/smtpd.err"; then
  echo
  echo "Tern's configuration side works (above). The SMTP daemon is not part of this build yet (see README,"
  echo "\"What works\"); once it is, this script leaves it running on 127.0.0.1:$port and you can send it mail with"
  echo "  swaks --server 127.0.0.1:$port --to you@example.test"
  exit 0
fi
exit "$status"
