#!/usr/bin/env bash
# Benchmark: lookups per second in a virtual table of 1,000,000 entries, the way the rule engine asks them
# (`LookupTable.lookup(.alias, key:)` on a `StaticLookupTable`: key lowercased, hashed, value returned).
#   scripts/bench/table-lookups.sh [ENTRIES] [LOOKUPS]      (KEEP=1 keeps the work directory)
# Needs a release build (swift build -c release; TERN_BUILD=path overrides .build/release). The measuring
# program is a small Swift file, written below and compiled with swiftc against the built ConfParser and
# RuleEngine modules, so Tern needs no benchmark target.
set -euo pipefail
cd "$(dirname "$0")/../.."
entries=${1:-1000000}
lookups=${2:-5000000}
build=${TERN_BUILD:-.build/release}
for module in ConfParser RuleEngine CBerkeleyDB; do
  [ -d "$build/$module.build" ] || { echo "build first: swift build -c release ($build/$module.build missing)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/tern-bench-lookups.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

python3 - "$work/virtuals" "$entries" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("heroes@athome.tld batman@athome.tld,superman@athome.tld\n")
    for i in range(n - 1):
        f.write(f"user{i}@domain{i % 1000}.example _vmail\n")
PY

cat > "$work/main.swift" <<'SWIFT'
#if canImport(Glibc)
import Glibc
#endif
import ConfParser
import RuleEngine

let arguments = CommandLine.arguments
let path = arguments[1]
let entries = Int(arguments[2])!
let lookups = Int(arguments[3])!

/// Wall time and this thread's CPU time, in seconds. The CPU time is the figure to trust on a busy machine.
func now() -> (wall: Double, cpu: Double) {
    var wall = timespec()
    var cpu = timespec()
    clock_gettime(CLOCK_MONOTONIC, &wall)
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
    return (Double(wall.tv_sec) + Double(wall.tv_nsec) * 1e-9, Double(cpu.tv_sec) + Double(cpu.tv_nsec) * 1e-9)
}

func rounded(_ value: Double) -> String { String(Int(value.rounded())) }

let loadStart = now()
let contents = try StaticTableFile.load(path: path).contents
let table = StaticLookupTable(name: "virtuals", contents: contents)
let loadEnd = now()
print("table: \(contents.count) entries, loaded in \(rounded((loadEnd.cpu - loadStart.cpu) * 1000)) ms CPU")

// Keys are made before timing: nine in ten exist, one in ten does not, and one in four is written in capitals
// (the table lowercases keys before looking them up, as OpenSMTPD does).
var generator = SystemRandomNumberGenerator()
let distinct = 1 << 16
let keys: [String] = (0..<distinct).map { index in
    let user = Int.random(in: 0..<(entries - 1), using: &generator)
    let name = index % 10 == 9 ? "nobody\(user)" : "user\(user)"
    let key = "\(name)@domain\(user % 1000).example"
    return index % 4 == 0 ? key.uppercased() : key
}

func run(_ label: String, _ body: (String) throws -> Bool) rethrows {
    var found = 0
    let start = now()
    for index in 0..<lookups where try body(keys[index & (distinct - 1)]) { found += 1 }
    let end = now()
    let cpu = end.cpu - start.cpu
    let wall = end.wall - start.wall
    print(
        label + ": " + rounded(Double(lookups) / cpu) + " lookups/s of CPU time (" + rounded(cpu * 1e9 / Double(lookups))
            + " ns each; wall clock " + rounded(Double(lookups) / wall) + "/s), " + String(found) + " of "
            + String(lookups) + " found")
}

try run("lookup(.alias) -> value") { try table.lookup(.alias, key: $0) != nil }
try run("match(.alias)          ") { try table.match(.alias, key: $0) }
SWIFT

objects=$(ls "$build"/ConfParser.build/*.o "$build"/RuleEngine.build/*.o "$build"/CBerkeleyDB.build/*.o)
swiftc -O -module-name TableLookupBench -I "$build/Modules" -I "$build" -I Sources/CBerkeleyDB/include \
  "$work/main.swift" $objects -ldl -o "$work/bench" 2> "$work/compile.log" || { cat "$work/compile.log" >&2; exit 1; }

echo "virtual table of $entries entries ($(du -h "$work/virtuals" | cut -f1)), $lookups lookups, $(nproc) cores"
"$work/bench" "$work/virtuals" "$entries" "$lookups"
