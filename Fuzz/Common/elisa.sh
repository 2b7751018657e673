# Shared by the ELISA targets (sourced by their target.sh): the harness is compiled into the ELISA module with the
# system zlib; Tables and ZIPFoundation (which builds workbooks for the tests and PlateExport) are built first.
MODULE=ELISA
SOURCES=("Sources/ELISA/*.swift" "Fuzz/Common/*.swift")
DEPS=(Tables ZIPFoundation)
FLAGS=(-I Sources/FlowStudyZlib -lz)
OPTIONS=(-max_len=65536)
