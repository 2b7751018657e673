# The batch's sample-sheet reader (SampleSheet.swift and its extensions alone, so swift-crypto is not needed).
source Fuzz/Common/gating.sh
MODULE=FuzzSampleSheet
SOURCES=("Sources/Batch/SampleSheet*.swift")
SEEDS=("$root/Fuzz/SampleSheet/regressions")
seed() { [ -f "$shared/study/reference-cohort/samples.csv" ] && cp "$shared/study/reference-cohort/samples.csv" "$1"/; return 0; }
