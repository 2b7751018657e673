import Foundation
import Testing
import TestSupport
import ZIPFoundation
@testable import ELISA

/// Hostile .xlsx files get typed errors naming the file, the part or sheet and the cell, within the documented
/// limits (Workbook.Limits, docs/elisa.md): no trap, no unbounded allocation, no hang. Workbooks are built here.
@Suite("Workbook limits")
struct WorkbookLimitTests {
    /// A workbook with the given worksheet body (the `<sheetData>` content) and shared strings, declared as one
    /// sheet (`Sheet1`) or as `sheets` sheets (`Sheet1`, `Sheet2`…) that all name that one worksheet part.
    static func workbook(rows: String, sharedStrings: [String]? = nil, rawSheet: Data? = nil, rawSharedStrings: Data? = nil,
                         compression: CompressionMethod = .none, sheets: Int = 1) throws -> Data {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let declared = (1...sheets).map { "<sheet name=\"Sheet\($0)\" sheetId=\"\($0)\" r:id=\"rId1\"/>" }.joined()
        var parts: [(String, Data)] = [
            ("xl/workbook.xml", Data("<workbook xmlns=\"\(main)\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>\(declared)</sheets></workbook>".utf8)),
            ("xl/_rels/workbook.xml.rels", Data("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>".utf8)),
            ("xl/worksheets/sheet1.xml", rawSheet ?? Data("<worksheet xmlns=\"\(main)\"><sheetData>\(rows)</sheetData></worksheet>".utf8)),
        ]
        if let sharedStrings {
            parts.append(("xl/sharedStrings.xml", Data("<sst xmlns=\"\(main)\">\(sharedStrings.map { "<si><t>\($0)</t></si>" }.joined())</sst>".utf8)))
        } else if let rawSharedStrings {
            parts.append(("xl/sharedStrings.xml", rawSharedStrings))
        }
        let archive = try Archive(accessMode: .create)
        for (path, content) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(content.count), compressionMethod: compression) { position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }

    static func error(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> ELISAError? {
        do {
            _ = try PlateRead.read(data, file: "hostile.xlsx")
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as ELISAError {
            #expect(error.file == "hostile.xlsx", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected an ELISAError, found \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("a small Magellan-style list reads, at its recorded wavelength")
    func wellFormed() throws {
        let data = try Self.workbook(rows: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
            <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>0.125</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>Measurement wavelength: 450 nm</t></is></c></row>
            """, sharedStrings: ["Well positions", "Label1", "B7"])
        let plates = try PlateRead.read(data, file: "small.xlsx")
        #expect(plates.count == 1 && plates[0].wavelengths.measurement == 450 && plates[0].wells["B7"]?.measurement == 0.125)
    }

    @Test("a long cell reference (column letters past XFD, a row past 1,048,576) is a typed error naming the cell")
    func longReferences() throws {
        let letters = String(repeating: "Z", count: 40) + "1"
        let error = Self.error(try Self.workbook(rows: "<row><c r=\"\(letters)\"><v>1</v></c></row>"))
        #expect(error?.code == .badValue && error?.place.hasPrefix("sheet Sheet1, cell ZZZZ") == true)
        let digits = "A" + String(repeating: "9", count: 40)
        #expect(Self.error(try Self.workbook(rows: "<row><c r=\"\(digits)\"><v>1</v></c></row>"))?.code == .badValue)
    }

    @Test("A2000000000 is refused without growing two billion rows")
    func hugeRow() throws {
        let error = Self.error(try Self.workbook(rows: "<row><c r=\"A2000000000\"><v>1</v></c></row>"))
        #expect(error?.code == .badValue && error?.place == "sheet Sheet1, cell A2000000000")
        #expect(error?.message.contains("1048576") == true)
    }

    @Test("cells far to the right on many rows pass the grid limit: a typed error, not gigabytes")
    func gridLimit() throws {
        // 300 rows × 16,384 columns = 4.9 million grid cells > 4 million.
        let rows = (1...300).map { "<row><c r=\"XFD\($0)\"><v>1</v></c></row>" }.joined()
        let error = Self.error(try Self.workbook(rows: rows))
        #expect(error?.code == .limitExceeded && error?.place.hasPrefix("sheet Sheet1, cell XFD") == true)
    }

    @Test("the grid limit counts every sheet: two sheets naming one worksheet part of 3.3 million grid cells are refused at the second")
    func gridLimitOverSheets() throws {
        // Each row costs 16,385 grid cells (the row and its cells up to XFD): 200 rows are 3,277,000 in a sheet, within
        // the 4,000,000; on the second sheet row 45 passes them (3,277,000 + 45 × 16,385 = 4,014,325). One sheet is
        // read and then not recognised as a plate export.
        let rows = (1...200).map { "<row><c r=\"XFD\($0)\"><v>1</v></c></row>" }.joined()
        #expect(Self.error(try Self.workbook(rows: rows))?.code == .unrecognisedFormat)
        let error = Self.error(try Self.workbook(rows: rows, sheets: 2))
        #expect(error?.code == .limitExceeded && error?.place == "sheet Sheet2, cell XFD45", "\(String(describing: error))")
    }

    @Test("a shared string counts in every cell that names it: 64 cells of a 1 MiB string pass, the 65th passes the 64 MiB of cell text")
    func sharedStringRepeated() throws {
        let long = String(repeating: "x", count: 1 << 20)
        let cells = { (n: Int) in (1...n).map { "<row r=\"\($0)\"><c r=\"A\($0)\" t=\"s\"><v>0</v></c></row>" }.joined() }
        #expect(Self.error(try Self.workbook(rows: cells(64), sharedStrings: [long]))?.code == .unrecognisedFormat)
        let error = Self.error(try Self.workbook(rows: cells(65), sharedStrings: [long]))
        #expect(error?.code == .limitExceeded && error?.place == "sheet Sheet1, cell A65", "\(String(describing: error))")
    }

    @Test("a shared-string index out of range (5 of 1, or -1) is a typed error naming the cell, not a trap")
    func sharedStringIndex() throws {
        for index in ["5", "-1", "x"] {
            let error = Self.error(try Self.workbook(rows: "<row><c r=\"B3\" t=\"s\"><v>\(index)</v></c></row>", sharedStrings: ["only"]))
            #expect(error?.code == .badValue && error?.place == "sheet Sheet1, cell B3", "\(index)")
        }
    }

    @Test("a worksheet that inflates past the cap is refused while inflating, quickly")
    func inflationBomb() throws {
        // 40 MiB of spaces deflate to about 40 kB; the cap is 32 MiB per part.
        let sheet = Data("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".utf8)
            + Data(repeating: 0x20, count: 40 << 20) + Data("</sheetData></worksheet>".utf8)
        let data = try Self.workbook(rows: "", rawSheet: sheet, compression: .deflate)
        #expect(data.count < 1 << 20)
        let start = Date()
        let error = Self.error(data)
        #expect(error?.code == .limitExceeded && error?.place == "part xl/worksheets/sheet1.xml")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// `data` with every part's declared uncompressed size (local header and central directory) set to `size`.
    static func declaring(_ size: UInt32, in data: Data) -> Data {
        var bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        for position in 0..<(bytes.count - 30) {
            let offset: Int
            switch u32(position) {
            case 0x0403_4B50: offset = 22  // local file header
            case 0x0201_4B50: offset = 24  // central directory entry
            default: continue
            }
            for k in 0..<4 { bytes[position + offset + k] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(k))) }
        }
        return Data(bytes)
    }

    @Test("a part that declares 1,000 bytes but inflates past the cap is stopped by the check made while inflating")
    func lyingDeclaredSize() throws {
        let sheet = Data("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".utf8)
            + Data(repeating: 0x20, count: 40 << 20) + Data("</sheetData></worksheet>".utf8)
        let honest = try Self.workbook(rows: "", rawSheet: sheet, compression: .deflate)
        #expect(Self.error(honest)?.message.contains("expected a declared size") == true)
        let error = Self.error(Self.declaring(1_000, in: honest))
        #expect(error?.code == .limitExceeded && error?.place == "part xl/worksheets/sheet1.xml")
        #expect(error?.message.contains("expected an inflated size of at most 32 MiB per part and 64 MiB in all") == true, "\(String(describing: error))")
    }

    @Test("the 64 MiB for all parts: seven sheets reading one 9 MiB part pass it, an eighth does not")
    func totalInflatedBytes() throws {
        // 9 MiB of short elements the reader passes over: XMLParser (libxml2) itself refuses a part over 10 MB.
        let filler = Data(("<x a=\"" + String(repeating: "a", count: 1015) + "\"/>\n").utf8)
        var sheet = Data("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".utf8)
        for _ in 0..<(9 << 10) { sheet += filler }
        sheet += Data("</sheetData></worksheet>".utf8)
        let seven = Self.error(try Self.workbook(rows: "", rawSheet: sheet, compression: .deflate, sheets: 7))
        #expect(seven?.code != .limitExceeded, "\(String(describing: seven))")
        let eight = Self.error(try Self.workbook(rows: "", rawSheet: sheet, compression: .deflate, sheets: 8))
        #expect(eight?.code == .limitExceeded && eight?.place == "part xl/worksheets/sheet1.xml", "\(String(describing: eight))")
        #expect(eight?.message.contains("64 MiB in all") == true)
    }

    @Test("the shared-string table holds at most 1,000,000 entries: one more is a typed error naming the part")
    func sharedStringLimit() throws {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let entries = String(repeating: "<si><t>x</t></si>", count: 1_000_001)
        let data = try Self.workbook(rows: "", rawSharedStrings: Data("<sst xmlns=\"\(main)\">\(entries)</sst>".utf8), compression: .deflate)
        let error = Self.error(data)
        #expect(error?.code == .limitExceeded && error?.place == "part xl/sharedStrings.xml")
        #expect(error?.message == "expected at most 1000000 shared strings", "\(String(describing: error))")
    }
}

@Suite("Corrupt ZIP structure")
struct CorruptZIPTests {
    @Test("a central-directory or local-header offset past the end of the file is a typed error, not a trap (fuzzing)")
    func offsetsPastTheEnd() throws {
        let good = try WorkbookLimitTests.workbook(rows: "<row><c r=\"A1\"><v>1</v></c></row>")
        let bytes = [UInt8](good)
        // The end-of-central-directory record: signature PK\u{5}\u{6}, central directory offset at +16.
        func signature(_ at: Int, _ third: UInt8, _ fourth: UInt8) -> Bool {
            bytes[at] == 0x50 && bytes[at + 1] == 0x4B && bytes[at + 2] == third && bytes[at + 3] == fourth
        }
        let end = try #require((0...(bytes.count - 22)).reversed().first { signature($0, 5, 6) })
        for offset: UInt32 in [UInt32(bytes.count) + 100, 0xFFFF_FF00] {
            var patched = bytes
            withUnsafeBytes(of: offset.littleEndian) { for (i, byte) in $0.enumerated() { patched[end + 16 + i] = byte } }
            #expect(WorkbookLimitTests.error(Data(patched))?.code == .unrecognisedFormat)
        }
        // Each central-directory entry's local-header offset (at +42 of a PK\u{1}\u{2} record) past the end.
        var patched = bytes
        for i in 0..<(bytes.count - 46) where signature(i, 1, 2) {
            withUnsafeBytes(of: UInt32(0x7FFF_0000).littleEndian) { for (k, byte) in $0.enumerated() { patched[i + 42 + k] = byte } }
        }
        #expect(WorkbookLimitTests.error(Data(patched)) != nil)
    }

    @Test("a deflate stream that does not end within its compressed bytes is an error, not an endless loop (fuzzing)")
    func unterminatedDeflate() throws {
        let good = try WorkbookLimitTests.workbook(rows: String(repeating: "<row><c r=\"A1\"><v>1</v></c></row>", count: 50), compression: .deflate)
        var bytes = [UInt8](good)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        // The worksheet's central-directory record gives its compressed size and local header.
        let record = try #require((0..<(bytes.count - 46 - name.count)).first {
            u32($0) == 0x0201_4B50 && Array(bytes[($0 + 46)..<($0 + 46 + name.count)]) == name
        })
        let size = u32(record + 20), header = u32(record + 42)
        let start = header + 30 + u16(header + 26) + u16(header + 28)
        // Empty stored blocks that are never the last one: a valid deflate prefix that never ends.
        for i in 0..<size { bytes[start + i] = [0x00, 0x00, 0x00, 0xFF, 0xFF][i % 5] }
        let began = Date()
        let error = WorkbookLimitTests.error(Data(bytes))
        #expect(error?.code == .unrecognisedFormat && error?.place == "part xl/worksheets/sheet1.xml", "\(String(describing: error))")
        #expect(Date().timeIntervalSince(began) < 5)
    }
}
