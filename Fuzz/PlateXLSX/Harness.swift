// libFuzzer harness: the .xlsx plate readers (Tecan Magellan, Tecan i-control, Thermo SkanIt) and the workbook
// reader under them. An input starting with byte 0x01 is structured: the rest is `sheet XML \0 sharedStrings XML`,
// packed here into a valid workbook so that mutations reach the XML and the cell grid instead of failing the ZIP
// checksum; any other input is taken as the raw .xlsx bytes. Built by scripts/fuzz.sh only.
import Foundation
import ZIPFoundation

@_cdecl("LLVMFuzzerTestOneInput")
public func plateXLSXFuzzInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    if data.first == 0x01 {
        let body = data.dropFirst()
        let split = body.firstIndex(of: 0) ?? body.endIndex
        let sheet = Data(body[body.startIndex..<split])
        let strings = split < body.endIndex ? Data(body[(split + 1)...]) : nil
        guard let packed = fuzzWorkbook(sheet: sheet, sharedStrings: strings) else { return 0 }
        fuzzReadPlates(packed, file: "fuzz.xlsx")
    } else {
        fuzzReadPlates(data, file: "fuzz.xlsx")
    }
    return 0
}

/// A one-sheet workbook holding the given worksheet and shared strings, stored uncompressed.
func fuzzWorkbook(sheet: Data, sharedStrings: Data?) -> Data? {
    let workbook = Data("""
    <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>
    """.utf8)
    let rels = Data("""
    <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
    """.utf8)
    var parts: [(String, Data)] = [("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels), ("xl/worksheets/sheet1.xml", sheet)]
    if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
    do {
        let archive = try Archive(accessMode: .create)
        for (path, content) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(content.count), compressionMethod: .none) { position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data
    } catch {
        return nil
    }
}
