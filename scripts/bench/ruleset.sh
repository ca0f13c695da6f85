#!/usr/bin/env bash
# Benchmark: rule evaluations per second for a configuration of 200 match rules (scripts/bench/ruleset-bench.swift).
#   scripts/bench/ruleset.sh [ITERATIONS]
# Builds the RuleEngine module in release mode (its own scratch path), links the benchmark program against it,
# and prints evaluations per second for recipients spread over all rules, for the last rule (every rule is tried)
# and for the first rule.
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations=${1:-100000}
scratch=${TERN_BENCH_SCRATCH:-.build-bench}
work=$(mktemp -d /tmp/tern-bench-ruleset.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --scratch-path "$scratch" --target RuleEngine >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
swiftc -O -wmo -module-name RulesetBench scripts/bench/ruleset-bench.swift \
  -I "$bin/Modules" -I Sources/CBerkeleyDB/include \
  "$bin"/RuleEngine.build/*.o "$bin"/ConfParser.build/*.o "$bin"/CBerkeleyDB.build/*.o -ldl \
  -o "$work/ruleset-bench" 2>&1 | grep -v warning || true
echo "rule evaluation benchmark, $(nproc) cores, $(uname -m)"
"$work/ruleset-bench" "$iterations"
