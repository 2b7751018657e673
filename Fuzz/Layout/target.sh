# The plate-layout CSV reader.
source Fuzz/Common/elisa.sh
# Each reference plate's layout.csv (all named alike, so renamed by folder).
seed() {
    for p in "$shared"/elisa/reference/*/; do [ -f "$p/layout.csv" ] && cp "$p/layout.csv" "$1/$(basename "$p")_layout.csv"; done
    return 0
}
