# The JSON template reader and validator.
source Fuzz/Common/gating.sh
MODULE=FuzzTemplateReader
SEEDS=("$root/gating-templates" "$root/Fuzz/TemplateReader/regressions")
