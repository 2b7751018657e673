# Every text plate-export reader (long CSV, BioTek Gen5, BMG MARS, SoftMax Pro), chosen by content detection.
source Fuzz/Common/elisa.sh
# The vendors' text exports, and each reference plate's plate.csv (all named alike, so renamed by folder).
seed() {
    find "$shared/elisa/plate-exports" -type f \( -name '*.txt' -o -name '*.csv' \) -exec cp {} "$1"/ \;
    for p in "$shared"/elisa/reference/*/; do [ -f "$p/plate.csv" ] && cp "$p/plate.csv" "$1/$(basename "$p")_plate.csv"; done
    return 0
}
