# The Gating-ML importer: XML screening, parsing, gates, transforms, matrices, custom_info.
source Fuzz/Common/gating.sh
MODULE=FuzzGatingML
SEEDS=("$root/Fuzz/GatingML/regressions")
# Foundation's XMLParser leaks on every XML error (Fuzz/lsan-suppressions.txt): a leak scan per input would make
# libFuzzer crawl, so leaks are checked at exit only.
OPTIONS=(-detect_leaks=0)
seed() { for file in "$shared"/gatingml/cases/*/gate.xml; do [ -f "$file" ] && cp "$file" "$1/$(basename "$(dirname "$file")").xml"; done; }
