#!/usr/bin/env bash
# Fuzz an ELISA reader with libFuzzer, apart from `swift build` / `swift test`.
#
#   scripts/fuzz-elisa.sh TARGET SECONDS [libFuzzer options...]
#
# TARGET is a folder of Fuzz/: PlateText (long CSV, Gen5, MARS and SoftMax Pro text), PlateXLSX (Magellan,
# i-control and SkanIt workbooks, and the workbook reader), Layout (the layout CSV). The harness is compiled
# into the ELISA module with `swiftc -sanitize=fuzzer,address` (with the system zlib, and ZIPFoundation from the
# package checkout, which `swift build` fetches, for the harness that builds workbooks), the corpus is seeded at run time from ../shared/elisa (never copied into the
# repository) and kept in .build/fuzz-elisa/TARGET/corpus so that later runs carry on from it. Limits: 2 GB RSS
# and 2 GB per allocation, 10 s per input, inputs up to 64 kB (FUZZ_MAX_LEN), for speed. Findings land in
# .build/fuzz-elisa/TARGET/artifacts; each one fixed
# becomes a regression input replayed by Tests/ELISATests/FuzzRegressionTests.swift. The running total of
# executions is kept in .build/fuzz-elisa/TARGET/executions.
set -euo pipefail

# The whole script is one function, read before it runs: editing this file while a run is going doesn't change it.
main() {

if [ $# -lt 2 ]; then
    echo "usage: $0 PlateText|PlateXLSX|Layout SECONDS [libFuzzer options...]" >&2
    return 64
fi
target=$1; seconds=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${FLOWSTUDY_SHARED:-$root/../shared}
[ -d "$root/Fuzz/$target" ] || { echo "unknown target '$target' (folders of Fuzz/: $(ls "$root/Fuzz" | grep -v Common | tr '\n' ' '))" >&2; exit 64; }
[ -d "$shared/elisa" ] || { echo "$shared/elisa is absent: no seed corpus" >&2; return 65; }

work=$root/.build/fuzz-elisa
zip=$root/.build/checkouts/ZIPFoundation/Sources
mkdir -p "$work/zip" "$work/$target/corpus" "$work/$target/seeds" "$work/$target/artifacts"

# ZIPFoundation as a static library with coverage (once).
if [ ! -f "$work/zip/libZIPFoundation.a" ]; then
    [ -d "$zip/ZIPFoundation" ] || { echo "run 'swift build' first: ZIPFoundation's checkout is missing" >&2; return 65; }
    (cd "$work/zip" && swiftc -sanitize=fuzzer,address -parse-as-library -module-name ZIPFoundation \
        -I "$zip/CZLib" -Xcc -D_GNU_SOURCE=1 -emit-module -emit-library -static -o libZIPFoundation.a \
        "$zip"/ZIPFoundation/*.swift)
fi

binary=$work/$target/fuzz-$target
sources=("$root"/Sources/ELISA/*.swift "$root"/Fuzz/Common/*.swift "$root"/Fuzz/"$target"/*.swift)
if [ ! -f "$binary" ] || [ -n "$(find "${sources[@]}" -newer "$binary" 2>/dev/null)" ]; then
    # Compile a snapshot, so that editing the sources meanwhile doesn't break the build.
    snapshot=$work/$target/src
    rm -rf "$snapshot" && mkdir -p "$snapshot"
    cp "${sources[@]}" "$snapshot"/
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name ELISA -g \
        -I "$work/zip" -I "$zip/CZLib" -I "$root/Sources/FlowStudyZlib" -L "$work/zip" -lZIPFoundation -lz \
        "$snapshot"/*.swift -o "$binary" 2>&1 | grep -v "Cannot export local symbol" || true
    [ -f "$binary" ] && [ -z "$(find "$snapshot" -newer "$binary")" ] || { echo "the harness did not build" >&2; return 65; }
fi

# Seeds from ../shared/elisa, read at run time.
seeds=$work/$target/seeds
rm -f "$seeds"/*
case $target in
    PlateText)
        find "$shared/elisa/plate-exports" -type f \( -name '*.txt' -o -name '*.csv' \) -exec cp {} "$seeds"/ \;
        for p in "$shared"/elisa/reference/*/; do cp "$p/plate.csv" "$seeds/$(basename "$p")_plate.csv"; done ;;
    PlateXLSX)
        find "$shared/elisa/plate-exports" -type f -name '*.xlsx' -exec cp {} "$seeds"/ \;
        # Structured seeds: 0x01, the first worksheet, NUL, the shared strings.
        python3 - "$seeds" "$shared"/elisa/plate-exports/*/*.xlsx <<'PY'
import os, sys, zipfile
out = sys.argv[1]
import xml.etree.ElementTree as ET
main = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
for path in sys.argv[2:]:
    z = zipfile.ZipFile(path)
    names = z.namelist()
    sheet = z.read('xl/worksheets/sheet1.xml')
    strings = z.read('xl/sharedStrings.xml') if 'xl/sharedStrings.xml' in names else b''
    with open(os.path.join(out, os.path.basename(path) + '.structured'), 'wb') as f:
        f.write(b'\x01' + sheet + b'\x00' + strings)
    # A small copy for speed: the first and last 40 rows, 26 cells each (the real sheets reach 1.3 MB).
    root = ET.fromstring(sheet)
    data = root.find(main + 'sheetData')
    rows = list(data)
    for row in rows[40:-40]:
        data.remove(row)
    for row in list(data):
        for cell in list(row)[26:]:
            row.remove(cell)
    with open(os.path.join(out, os.path.basename(path) + '.small'), 'wb') as f:
        f.write(b'\x01' + ET.tostring(root) + b'\x00' + strings)
PY
        ;;
    Layout)
        for p in "$shared"/elisa/reference/*/; do cp "$p/layout.csv" "$seeds/$(basename "$p")_layout.csv"; done ;;
esac

# Extra libFuzzer options per target (none at present; the workbook reader streams with XMLParser, since
# FoundationXML's XMLDocument leaked its node wrappers and exhausted the RSS limit).
extra=()

log=$work/$target/last-run.log
set +e
LSAN_OPTIONS="suppressions=$root/Fuzz/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}" "$binary" "$work/$target/corpus" "$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -timeout=10 -max_len="${FUZZ_MAX_LEN:-65536}" -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" ${extra[@]+"${extra[@]}"} "$@" 2>&1 | tee "$log" | grep -v '^#[0-9]' | tail -40
status=${PIPESTATUS[0]}
set -e
runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
total=$(( $(cat "$work/$target/executions" 2>/dev/null || echo 0) + ${runs:-0} ))
echo "$total" > "$work/$target/executions"
echo "$target: $runs executions this run, $total in total; libFuzzer exit $status"
return "$status"
}

main "$@"
