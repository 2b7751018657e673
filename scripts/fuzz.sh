#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS, built apart from `swift test` with swiftc -sanitize=fuzzer,address.
#
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags…]
#   scripts/fuzz.sh --list
#
# A target is a folder Fuzz/<TARGET>/ holding Harness.swift (defines LLVMFuzzerTestOneInput with @_cdecl) and
# target.sh, which sets:
#   MODULE   module name the harness is compiled into (the harness sees the module's internal API)
#   SOURCES  array of source globs, relative to the repository
#   FLAGS    array of extra swiftc flags (include paths for system modules, -l libraries)
#   SEEDS    array of seed folders or files, read at run time (never copied into the repository)
# Add a target (template, gatingml, plate readers, sheets) by adding such a folder.
#
# Work files live outside the repository: $FUZZ_WORK (default /tmp/flowstudy-fuzz/<TARGET>) holds the binary,
# the growing corpus (corpus/), crash/leak/timeout inputs (artifacts/) and the log. A finding must become a
# regression input that an ordinary Swift test replays (Tests/<Module>Tests/Fixtures or generated in the test).
# Defaults: -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10; override by passing the flag again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "${1:-}" = "--list" ]; then
  for t in Fuzz/*/target.sh; do basename "$(dirname "$t")"; done
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]   (targets: $(ls Fuzz | tr '\n' ' '))" >&2
  exit 64
fi
target=$1 seconds=$2
shift 2
dir=Fuzz/$target
[ -f "$dir/target.sh" ] && [ -f "$dir/Harness.swift" ] || { echo "fuzz.sh: no target $dir (target.sh + Harness.swift)" >&2; exit 64; }

MODULE="" SOURCES=() FLAGS=() SEEDS=()
# shellcheck source=/dev/null
source "$dir/target.sh"

work=${FUZZ_WORK:-/tmp/flowstudy-fuzz/$target}
mkdir -p "$work/corpus" "$work/artifacts"
binary=$work/fuzz-$target

shopt -s nullglob
sources=()
for pattern in "${SOURCES[@]}"; do sources+=($pattern); done
echo "== building $binary (${#sources[@]} sources, module $MODULE)"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$MODULE" \
  "${FLAGS[@]}" "${sources[@]}" "$dir/Harness.swift" -o "$binary"

seeds=()
for seed in "${SEEDS[@]}"; do [ -e "$seed" ] && seeds+=("$seed"); done
echo "== fuzzing $target for $seconds s (corpus $work/corpus, seeds: ${seeds[*]:-none})"
"$binary" "$work/corpus" "${seeds[@]}" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" 2>&1 | tee "$work/last.log"
status=${PIPESTATUS[0]}
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/last.log" | grep -o '[0-9]*$' || true)
echo "== $target: ${runs:-?} executions this run; findings in $work/artifacts/ ($(ls "$work/artifacts" | wc -l) files)"
echo "$(date -u +%FT%TZ) $target ${runs:-0}" >> "$work/../executions.log"
exit "$status"
