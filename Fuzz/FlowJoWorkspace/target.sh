# The FlowJo 10 workspace reader, template import (groups, samples, sample-specific overrides) and export.
source Fuzz/Common/gating.sh
MODULE=FuzzFlowJoWorkspace
SEEDS=("$root/Fuzz/FlowJoWorkspace/regressions")
# XMLParser leaks on every XML error (Fuzz/lsan-suppressions.txt): leaks are checked at exit only, as for GatingML.
OPTIONS=(-max_len=65536 -detect_leaks=0)
# FlowJo's own workspaces from ../shared (read at run time), and the small workspaces the harness builds.
seed() {
    for file in "$shared"/flowjo/cases/*/workspace.wsp; do [ -f "$file" ] && cp "$file" "$1/$(basename "$(dirname "$file")").wsp"; done
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 FLOWJO_FUZZ_SEEDS="$1" "$binary"
}
