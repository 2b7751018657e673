# FCS reader (raw and gzip): compiled into module FCS with the reader's own sources and the system zlib.
MODULE=FCS
SOURCES=("Sources/FCS/*.swift" "Sources/FCS/Internals/*.swift")
DEPS=(Tables)
FLAGS=(-I Sources/FlowStudyZlib -lz)
SEEDS=("$shared/fcs-corpus/files" "$root/fcs-samples")  # the corpus, and files FlowStudy itself wrote
