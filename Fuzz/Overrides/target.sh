# The per-sample overrides reader (flowstudy-overrides/1) against fixed templates, the write-back and the strategy
# each sample gets.
source Fuzz/Common/gating.sh
MODULE=FuzzOverrides
# Hand-written documents, one per gate kind of the harness's templates, and the regressions.
SEEDS=("$root/Fuzz/Overrides/seeds" "$root/Fuzz/Overrides/regressions")
OPTIONS=(-max_len=65536)
# LeakSanitizer takes the templates the harness keeps across inputs for a leak (their transforms sit in enum payloads,
# whose pointers it does not see) whenever a per-input check runs: leaks are checked at exit only, after the harness
# released them.
OPTIONS+=(-detect_leaks=0)
