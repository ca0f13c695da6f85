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
exec "$smtpd" -d -f "$base/smtpd.conf"
