#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS, built apart from `swift build` / `swift test` with
# `swiftc -sanitize=fuzzer,address`. Every target is a folder Fuzz/<TARGET>/; Fuzz/README.md lists them and says
# how to add one.
#
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags…]   (in fresh processes of FUZZ_CHUNK s, default 300)
#   scripts/fuzz.sh --list              the targets and their running totals
#   scripts/fuzz.sh --merge TARGET      shrink TARGET's corpus to a smaller set of inputs with the same coverage
#
# Fuzz/<TARGET>/ holds Harness.swift (defines LLVMFuzzerTestOneInput with @_cdecl; every .swift file of the folder is
# compiled) and target.sh, which sets:
#   MODULE   the module the harness is compiled into, with SOURCES (the harness sees the module's internal API)
#   SOURCES  array of source globs, relative to the repository (e.g. "Sources/ELISA/*.swift" "Fuzz/Common/*.swift")
#   DEPS     array of modules the sources import, built first as instrumented static libraries: Tables,
#            ZIPFoundation (from the package checkout: run `swift build` once)
#   FLAGS    array of extra swiftc flags (include paths for system modules, -l libraries)
#   SEEDS    array of seed folders, read at run time (never copied into the repository); absent ones are skipped
#   OPTIONS  array of extra libFuzzer flags for this target (e.g. -max_len=65536)
# and may define a function `seed DIR` that fills DIR with seeds picked from ../shared (files of one folder
# that must be chosen or renamed, or inputs built from them).
#
# Work files live in $FUZZ_WORK (default .build/fuzz): modules/ (the instrumented DEPS), and per target the binary,
# the growing corpus (corpus/, carried on by later runs), crash/leak/timeout inputs (artifacts/) and last.log.
# Every run appends `date target executions total` to Fuzz/executions.log, the one running log of all targets
# (kept in the repository, so totals carry on across sessions and branches). A finding must become a regression
# input that an ordinary Swift test replays.
# Defaults: -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10; override by passing the flag again.
set -euo pipefail

# The whole script is one function, read before it runs, and the line that calls it also exits: editing this file
# during a run doesn't change it (bash reads a script as it goes, and would run what it finds after the call).
main() {
cd "$(dirname "$0")/.."
root=$PWD
shared=${FLOWSTUDY_SHARED:-$root/../shared}
log=$root/Fuzz/executions.log
total() { awk -v t="$1" '$2 == t { n = $4 } END { print n + 0 }' "$log" 2>/dev/null || echo 0; }

if [ "${1:-}" = "--list" ]; then
    for t in Fuzz/*/target.sh; do t=$(basename "$(dirname "$t")"); echo "$t $(total "$t")"; done
    return 0
fi
usage="usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…] | --list | --merge TARGET   (targets: $(for t in Fuzz/*/target.sh; do basename "$(dirname "$t")"; done | tr '\n' ' '))"
merge=""
if [ "${1:-}" = "--merge" ]; then
    [ $# -eq 2 ] || { echo "$usage" >&2; return 64; }
    merge=yes
    set -- "$2" 0
fi
if [ $# -lt 2 ]; then
    echo "$usage" >&2
    return 64
fi
target=$1 seconds=$2
shift 2
dir=Fuzz/$target
[ -f "$dir/target.sh" ] && [ -f "$dir/Harness.swift" ] || { echo "fuzz.sh: no target $dir (target.sh + Harness.swift)" >&2; return 64; }

MODULE="" SOURCES=() DEPS=() FLAGS=() SEEDS=() OPTIONS=()
unset -f seed
# shellcheck source=/dev/null
source "$dir/target.sh"

work=${FUZZ_WORK:-$root/.build/fuzz}
modules=$work/modules
corpus=$work/$target/corpus
# A merge interrupted between its two renames left the only whole corpus as corpus.old.
if [ ! -d "$corpus" ] && [ -d "$corpus.old" ]; then mv "$corpus.old" "$corpus"; fi
mkdir -p "$modules" "$corpus" "$work/$target/artifacts"
binary=$work/$target/fuzz-$target

# The modules the sources import, as static libraries with coverage, rebuilt when their sources change.
shopt -s nullglob
zip=$root/.build/checkouts/ZIPFoundation/Sources
depflags=()
libflags=()
for dep in ${DEPS[@]+"${DEPS[@]}"}; do
    case $dep in
        ZIPFoundation)
            [ -d "$zip/ZIPFoundation" ] || { echo "fuzz.sh: run 'swift build' first: ZIPFoundation's checkout is missing" >&2; return 65; }
            depsources=("$zip"/ZIPFoundation/*.swift); depflags+=(-I "$zip/CZLib"); extra=(-I "$zip/CZLib" -Xcc -D_GNU_SOURCE=1) ;;
        *)
            # FCS imports the zlib module map, and every module built on FCS needs to see it too.
            depsources=()
            for source in "$root/Sources/$dep"/*.swift "$root/Sources/$dep"/*/*.swift; do
                # Tables' FileHash (SHA-256 through swift-crypto) is on no parser's path: harnesses build without swift-crypto.
                [ "${source##*/}" = FileHash.swift ] || depsources+=("$source")
            done
            extra=(-I "$root/Sources/FlowStudyZlib") ;;
    esac
    # Two runs at once (the usual two lanes) share these modules: one builds while the other waits for it.
    exec 9> "$modules/.build.lock"
    flock 9
    if [ ! -f "$modules/lib$dep.a" ] || [ -n "$(find "${depsources[@]}" -newer "$modules/lib$dep.a" 2>/dev/null)" ]; then
        echo "== building module $dep (${#depsources[@]} sources)"
        (cd "$modules" && swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$dep" -I "$modules" \
            ${extra[@]+"${extra[@]}"} -emit-module -emit-library -static -o "lib$dep.a" "${depsources[@]}")
    fi
    flock -u 9
    # Static libraries link dependents first: a module's library before the libraries it uses.
    libflags=(-l"$dep" ${libflags[@]+"${libflags[@]}"})
done
depflags+=(${libflags[@]+"${libflags[@]}"})

sources=()
for pattern in "${SOURCES[@]}"; do sources+=($pattern); done
sources+=("$dir"/*.swift)
# The lock file is touched by every run: it is not a reason to rebuild.
if [ ! -f "$binary" ] || [ -n "$(find "${sources[@]}" "$modules" -newer "$binary" ! -name .build.lock 2>/dev/null)" ]; then
    echo "== building $binary (${#sources[@]} sources, module $MODULE, modules: ${DEPS[*]:-none})"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$MODULE" -I "$modules" -L "$modules" \
        ${depflags[@]+"${depflags[@]}"} ${FLAGS[@]+"${FLAGS[@]}"} "${sources[@]}" -o "$binary" 2>&1 | grep -v "Cannot export local symbol" || true
    [ -f "$binary" ] && [ -z "$(find "${sources[@]}" -newer "$binary")" ] || { echo "fuzz.sh: the harness did not build" >&2; return 65; }
fi

# Every fuzzing and merging run of the binary has this environment.
# SWIFT_BACKTRACE=enable=no: on a Swift trap the runtime's backtracer (swift-backtrace) and ASan's fault handling
# deadlocked, holding the output pipe open after libFuzzer had saved the crash (30 November: a lane stood 15
# minutes); libFuzzer's own handler reports the trap.
run_binary() {
    SWIFT_BACKTRACE=enable=no \
    LSAN_OPTIONS="suppressions=$root/Fuzz/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
    "$binary" "$@"
}

# A merge must not run while a run of the same target uses this corpus (it would swap the folder under it): runs
# hold this lock shared, a merge exclusively.
exec 8> "$work/$target/.corpus.lock"

# A corpus keeps every input that once added coverage, also those that later ones made redundant, and each run
# starts by replaying all of it (FlowJoWorkspace, 1 December: 4,181 files, 91 MB, about 130 s of a 300-s run).
# libFuzzer's merge keeps a smaller set with the same coverage (there: 1,258 files, 38 MB). When an input fails
# (crash, timeout, out of memory, or Ctrl-C, which reaches only libFuzzer's child process) the merge leaves that
# input out, carries on and still exits 0; so the corpus is replaced only after a merge in one attempt, and a
# failing input is named, never dropped.
if [ -n "$merge" ]; then
    flock -n -x 8 || { echo "fuzz.sh: a run of $target is using $corpus; merge it when no run is" >&2; return 65; }
    rm -rf "$corpus.merged" "$corpus.old" && mkdir -p "$corpus.merged"
    echo "== merging $corpus ($(ls "$corpus" | wc -l) files)"
    set +e
    run_binary -merge=1 -merge_control_file="$work/$target/merge.control" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -timeout=30 -artifact_prefix="$work/$target/artifacts/" ${OPTIONS[@]+"${OPTIONS[@]}"} \
        "$corpus.merged" "$corpus" > "$work/$target/merge.log" 2>&1
    status=$?
    set -e
    rm -f "$work/$target/merge.control"
    if [ "$status" -ne 0 ] || ! grep -aq '^MERGE-OUTER: successful in 1 attempt' "$work/$target/merge.log"; then
        rm -rf "$corpus.merged"
        echo "fuzz.sh: the merge did not go through in one attempt (libFuzzer exit $status); the corpus is unchanged." >&2
        grep -a 'caused a failure' "$work/$target/merge.log" >&2 || true
        echo "See $work/$target/merge.log and $work/$target/artifacts/." >&2
        return 65
    fi
    # Renamed aside first: an interruption here leaves a whole corpus under one of the two names.
    mv "$corpus" "$corpus.old"
    mv "$corpus.merged" "$corpus"
    rm -rf "$corpus.old"
    echo "== $target: corpus merged to $(ls "$corpus" | wc -l) files"
    return 0
fi
flock -s 8

seeds=()
for s in ${SEEDS[@]+"${SEEDS[@]}"}; do [ -d "$s" ] && seeds+=("$s"); done
if declare -F seed > /dev/null; then
    picked=$work/$target/seeds
    rm -rf "$picked" && mkdir -p "$picked"
    seed "$picked"
    seeds+=("$picked")
fi
# A libFuzzer process slows as it runs (PlateText: 1,030 executions/s fresh, 500/s after 10 minutes, 290/s after
# 33; SampleSheet 1,060/s fresh, 510/s after 35 minutes; RSS flat), so SECONDS is spent in fresh processes of at
# most FUZZ_CHUNK seconds (default 300), each carrying on from the corpus and logged as one run. A `-runs=N` among
# the flags is the limit for all of them together.
chunk=${FUZZ_CHUNK:-300}
maxruns="" flags=()
for flag in "$@"; do
    case $flag in -runs=*) maxruns=${flag#-runs=} ;; *) flags+=("$flag") ;; esac
done
deadline=$(( $(date +%s) + seconds ))
status=0
while :; do
    left=$(( deadline - $(date +%s) ))
    [ "$left" -gt 0 ] || break
    this=$(( left < chunk ? left : chunk ))
    limit=()
    if [ -n "$maxruns" ]; then [ "$maxruns" -gt 0 ] || break; limit=(-runs="$maxruns"); fi
    echo "== fuzzing $target for $this s of $left s left (corpus $corpus, seeds: ${seeds[*]:-none})"
    set +e
    run_binary "$corpus" ${seeds[@]+"${seeds[@]}"} \
        -max_total_time="$this" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" ${OPTIONS[@]+"${OPTIONS[@]}"} \
        ${flags[@]+"${flags[@]}"} ${limit[@]+"${limit[@]}"} 2>&1 \
        | tee "$work/$target/last.log" | grep -av '^#[0-9]' | tail -40
    status=${PIPESTATUS[0]}
    set -e
    runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target/last.log" | grep -o '[0-9]*$' | tail -1 || true)
    runs=${runs:-0}
    sum=$(( $(total "$target") + runs ))
    echo "$(date -u +%FT%TZ) $target $runs $sum" >> "$log"
    echo "== $target: $runs executions this run, $sum in total; findings in $work/$target/artifacts/ ($(ls "$work/$target/artifacts" | wc -l) files); libFuzzer exit $status"
    # A finding, or an interrupted run, ends the session here.
    [ "$status" -eq 0 ] || break
    [ -z "$maxruns" ] || maxruns=$(( maxruns - runs ))
done
return "$status"
}

main "$@"; exit
