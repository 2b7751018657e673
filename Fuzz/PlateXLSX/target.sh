# The .xlsx plate readers (Tecan Magellan, Tecan i-control, Thermo SkanIt) and the workbook reader under them.
# ZIPFoundation packs the structured inputs (0x01, worksheet XML, NUL, shared strings) into workbooks.
source Fuzz/Common/elisa.sh
# XMLParser leaks on every XML error (Fuzz/lsan-suppressions.txt), so libFuzzer would stop the process for a leak
# check after most inputs: 26 of 40 samples of a run found it stopped so. Leaks are checked at exit only, as for
# GatingML and FlowJoWorkspace.
OPTIONS+=(-detect_leaks=0)
# The bundled workbooks, and structured seeds made from them: 0x01, the first worksheet, NUL, the shared strings,
# in full and as a small copy (the first and last 40 rows, 26 cells each: the real sheets reach 1.3 MB).
seed() {
    find "$shared/elisa/plate-exports" -type f -name '*.xlsx' -exec cp {} "$1"/ \;
    python3 - "$1" "$shared"/elisa/plate-exports/*/*.xlsx <<'PY'
import os, sys, zipfile
import xml.etree.ElementTree as ET
out = sys.argv[1]
main = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
for path in sys.argv[2:]:
    z = zipfile.ZipFile(path)
    names = z.namelist()
    sheet = z.read('xl/worksheets/sheet1.xml')
    strings = z.read('xl/sharedStrings.xml') if 'xl/sharedStrings.xml' in names else b''
    with open(os.path.join(out, os.path.basename(path) + '.structured'), 'wb') as f:
        f.write(b'\x01' + sheet + b'\x00' + strings)
    root = ET.fromstring(sheet)
    data = root.find(main + 'sheetData')
    rows = list(data)
    for row in rows[40:-40]:
        data.remove(row)
    for row in list(data):
        for cell in list(row)[26:]:
            row.remove(cell)
    with open(os.path.join(out, os.path.basename(path) + '.small'), 'wb') as f:
        f.write(b'\x01' + ET.tostring(root) + b'\x00' + strings)
PY
}
