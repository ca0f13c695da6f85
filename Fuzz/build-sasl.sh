#!/usr/bin/env bash
# Builds and runs the libFuzzer target for base64, xtext and the SASL PLAIN/LOGIN exchanges:
#   Fuzz/build-sasl.sh SECONDS [libFuzzer flags]      (scripts/fuzz.sh sasl SECONDS runs this)
# It compiles the NIO-free part of Sources/Transport (everything but Crypt/ and NIO/) with Fuzz/SASLFuzzer.swift
# into one module. Corpus: Fuzz/corpus/sasl (kept in git); crashes: Fuzz/artifacts/sasl/.
# Replay a crash with: Fuzz/bin/sasl Fuzz/artifacts/sasl/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
name=sasl
seconds=${1:-600}
shift $(( $# >= 1 ? 1 : 0 ))
mkdir -p Fuzz/bin "Fuzz/corpus/$name" "Fuzz/artifacts/$name"
mapfile -t sources < <(find Sources/Transport -name '*.swift' -not -path '*/Crypt/*' -not -path '*/NIO/*' | sort)
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "Fuzz_$name" \
    "${sources[@]}" Fuzz/SASLFuzzer.swift -o "Fuzz/bin/$name"
# Swift's own crash handler would hide the failure from AddressSanitizer.
export SWIFT_BACKTRACE=enable=no
exec "Fuzz/bin/$name" "Fuzz/corpus/$name" -artifact_prefix="Fuzz/artifacts/$name/" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 "$@"
