# The ELISA runs.csv reader.
source Fuzz/Common/elisa.sh
# A runs.csv over the reference cohort's plates, and one naming every per-plate option (a quoted path, CRLF).
seed() {
    {
        echo "plate_file,plate,layout,analyte"
        for p in "$shared"/study/reference-cohort/elisa/*/; do
            [ -d "$p" ] && n=$(basename "$p") && echo "$n/plate.csv,$n,$n/layout.csv,${n%_*}"
        done
    } > "$1/cohort_runs.csv"
    printf 'plate_file,plate,layout,analyte,model,weights,blank,substitute,cv_limit,supersedes\nA.txt,P1,layout.csv,CCL18,5pl,1/y2,subtract,lloq_half,15,\nB.xlsx,P2,"lay,out.csv",IL-6,4pl,none,fit-as-zero-standard,zero,20,P1\r\n' > "$1/options_runs.csv"
    return 0
}
