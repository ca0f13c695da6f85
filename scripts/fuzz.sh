#!/usr/bin/env bash
# Builds and runs a libFuzzer target: scripts/fuzz.sh NAME [SECONDS] [extra libFuzzer flags]
#   NAME: confparser | tables | formats | smtp | sasl | session | client
# Corpora live in Fuzz/corpus/NAME (kept in the repository); crashes go to Fuzz/artifacts/NAME.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/fuzz.sh NAME [SECONDS]}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
mkdir -p Fuzz/bin "Fuzz/corpus/$name" "Fuzz/artifacts/$name"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -module-name "Fuzz_$name")
case "$name" in
  confparser)
    clang -c -O1 -fsanitize=fuzzer-no-link,address -I Sources/CBerkeleyDB/include \
      Sources/CBerkeleyDB/*.c -o Fuzz/bin/cberkeleydb.o
    sources=(Sources/ConfParser/*/*.swift Fuzz/ConfParserFuzzer.swift)
    extra=(-I Sources/CBerkeleyDB/include Fuzz/bin/cberkeleydb.o -ldl)
    [ -d "Fuzz/corpus/$name" ] && [ -z "$(ls -A "Fuzz/corpus/$name")" ] && \
      cp Tests/Fixtures/compat/probes/*.conf "Fuzz/corpus/$name/" 2>/dev/null || true
    ;;
  tables)
    sources=(Sources/ConfParser/Tables/*.swift Fuzz/TableFileFuzzer.swift)
    extra=()
    [ -z "$(ls -A "Fuzz/corpus/$name")" ] && cp Tests/Fixtures/tables/t_* "Fuzz/corpus/$name/" 2>/dev/null
    set -- -dict=Fuzz/tables.dict -max_len=8192 "$@"
    ;;
  formats)
    sources=(Sources/RuleEngine/Format/*.swift Fuzz/FormatFuzzer.swift)
    extra=()
    set -- -len_control=0 -max_len=2200 "$@"
    ;;
  smtp | sasl | session | client)
    # The SMTP command parser, framer and reply parser; base64, xtext and SASL; whole server sessions; the
    # SMTP/LMTP client fed any server replies. Each compiles the part of Sources/Transport that needs neither
    # NIO nor libresolv (Fuzz/transport-sources.sh) with its fuzzer into one module.
    case "$name" in
      smtp) fuzzer=Fuzz/SMTPCommandFuzzer.swift ;;
      sasl) fuzzer=Fuzz/SASLFuzzer.swift ;;
      session) fuzzer=Fuzz/SessionFuzzer.swift ;;
      client) fuzzer=Fuzz/SMTPClientFuzzer.swift ;;
    esac
    mapfile -t sources < <(Fuzz/transport-sources.sh)
    sources+=("$fuzzer")
    extra=()
    set -- -max_len=4096 "$@"
    ;;
  *)
    echo "unknown fuzz target: $name" >&2; exit 2 ;;
esac
swiftc "${flags[@]}" "${sources[@]}" "${extra[@]}" -o "Fuzz/bin/$name"
# Swift's own crash handler would trip AddressSanitizer and hide the real report.
export SWIFT_BACKTRACE=enable=no
exec "Fuzz/bin/$name" "Fuzz/corpus/$name" -artifact_prefix="Fuzz/artifacts/$name/" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 "$@"
