# Shared by the gating-side targets (sourced by their target.sh): the harness is its own module over the modules
# up to Gating, built from Sources/ with the sanitizers; regressions found earlier are seeds too.
SOURCES=()
DEPS=(Tables FCS Compensation Transforms Gating)
FLAGS=(-I Sources/FlowStudyZlib -lz)
