#!/usr/bin/env bash
# Prints the Sources/Transport files a fuzz target can compile on its own: everything that imports neither NIO,
# swift-log, nor libresolv (those are the channel handlers, TLS and DNS), and not Crypt/ (libcrypt).
cd "$(dirname "$0")/.."
find Sources/Transport -name '*.swift' -not -path '*/Crypt/*' | sort | while read -r file; do
    grep -qE '^(public |@preconcurrency )?import (NIO|NIOCore|NIOPosix|NIOSSL|NIOTLS|Logging|CResolv)' "$file" || echo "$file"
done
