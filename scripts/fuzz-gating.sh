#!/usr/bin/env bash
# Fuzz a gating-side parser with libFuzzer, apart from `swift test`:
#   scripts/fuzz-gating.sh TARGET SECONDS [extra libFuzzer flags]
# TARGET: template (JSON template reader + validator), gatingml (Gating-ML importer), samplesheet (sample sheets).
# Modules are compiled from Sources/ with -sanitize=fuzzer,address into .build/fuzz-gating/ (Batch only as
# SampleSheet.swift, so swift-crypto is not needed). Seeds are read at run time from gating-templates/ and
# ../shared (Gating-ML compliance cases, the reference cohort's samples.csv) into the working corpus
# .build/fuzz-gating/TARGET/corpus; crashes, leaks, timeouts and over-allocations land in
# .build/fuzz-gating/TARGET/artifacts. Each finding, once fixed, goes to Fuzz/<Target>/regressions/, which
# `swift test` replays (GatingTests › Fuzz regressions).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz-gating.sh template|gatingml|samplesheet SECONDS}
seconds=${2:?usage: scripts/fuzz-gating.sh TARGET SECONDS}
shift 2
build=.build/fuzz-gating
flags=(-sanitize=fuzzer,address -O -g -parse-as-library -I "$build" -I Sources/FlowStudyZlib)
mkdir -p "$build"

# One module: object + .swiftmodule, rebuilt when a source is newer.
module() {
    local name=$1; shift
    local sources=("$@")
    local object=$build/$name.o
    if [[ -f $object ]] && [[ -z $(find "${sources[@]}" -newer "$object" 2>/dev/null | head -1) ]]; then return; fi
    echo "fuzz-gating: compiling $name" >&2
    swiftc "${flags[@]}" -wmo -module-name "$name" -emit-module -emit-module-path "$build/$name.swiftmodule" \
        -emit-object -o "$object" "${sources[@]}"
}
module Tables Sources/Tables/*.swift
module FCS $(find Sources/FCS -name '*.swift')
module Compensation Sources/Compensation/*.swift
module Transforms Sources/Transforms/*.swift
module Gating Sources/Gating/*.swift

case $target in
    template) harness=(Fuzz/TemplateReader/Harness.swift) ;;
    gatingml) harness=(Fuzz/GatingML/Harness.swift) ;;
    samplesheet) harness=(Fuzz/SampleSheet/Harness.swift Sources/Batch/SampleSheet.swift) ;;
    *) echo "fuzz-gating: unknown target '$target' (template, gatingml, samplesheet)" >&2; exit 64 ;;
esac
binary=$build/fuzz-$target
if [[ ! -x $binary ]] || [[ -n $(find "${harness[@]}" "$build"/*.o -newer "$binary" | head -1) ]]; then
    echo "fuzz-gating: linking $binary" >&2
    swiftc "${flags[@]}" -module-name "Fuzz$target" "${harness[@]}" "$build"/{Tables,FCS,Compensation,Transforms,Gating}.o -lz -o "$binary"
fi

corpus=$build/$target/corpus
artifacts=$build/$target/artifacts
seeds=$build/$target/seeds
mkdir -p "$corpus" "$artifacts" "$seeds"
case $target in
    template) cp gating-templates/*.json "$seeds"/ ;;
    gatingml)
        for file in ../shared/gatingml/cases/*/gate.xml; do
            [[ -f $file ]] && cp "$file" "$seeds/$(basename "$(dirname "$file")").xml"
        done ;;
    samplesheet) [[ -f ../shared/study/reference-cohort/samples.csv ]] && cp ../shared/study/reference-cohort/samples.csv "$seeds"/ ;;
esac
case $target in
    template) regressions=Fuzz/TemplateReader/regressions ;;
    gatingml) regressions=Fuzz/GatingML/regressions ;;
    samplesheet) regressions=Fuzz/SampleSheet/regressions ;;
esac
[[ -d $regressions ]] && cp "$regressions"/* "$seeds"/ 2>/dev/null || true

export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan-suppressions.txt}
# Gating-ML: Foundation's XMLParser leaks on every XML error (see Fuzz/lsan-suppressions.txt), which makes
# libFuzzer run a leak scan per input (12 runs a second); leaks are then only checked at exit.
leaks=()
[[ $target == gatingml ]] && leaks=(-detect_leaks=0)
exec "$binary" "$corpus" "$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${leaks[@]}" "$@"
