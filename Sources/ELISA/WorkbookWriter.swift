import Foundation
import ZIPFoundation

/// A minimal .xlsx writer (Office Open XML SpreadsheetML): sheets of text and number cells, inline strings, no
/// styles. The ZIP entries carry a fixed date, so the same sheets give the same bytes.
enum WorkbookWriter {
    /// A cell's content.
    enum Cell {
        case text(String), number(Double), empty
    }

    /// A sheet: `rows[r][c]`, 0-based.
    struct Sheet {
        var name: String
        var rows: [[Cell]]
    }

    /// The workbook's bytes.
    static func xlsx(_ sheets: [Sheet]) throws -> [UInt8] {
        let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let package = "http://schemas.openxmlformats.org/package/2006/relationships"
        var parts: [(String, String)] = []
        parts.append(("[Content_Types].xml", header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + sheets.indices.map { #"<Override PartName="/xl/worksheets/sheet\#($0 + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"# }.joined()
            + "</Types>"))
        parts.append(("_rels/.rels", header + #"<Relationships xmlns="\#(package)">"#
            + #"<Relationship Id="rId1" Type="\#(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#))
        parts.append(("xl/workbook.xml", header + #"<workbook xmlns="\#(main)" xmlns:r="\#(relationships)"><sheets>"#
            + sheets.enumerated().map { #"<sheet name="\#(escape($1.name))" sheetId="\#($0 + 1)" r:id="rId\#($0 + 1)"/>"# }.joined()
            + "</sheets></workbook>"))
        parts.append(("xl/_rels/workbook.xml.rels", header + #"<Relationships xmlns="\#(package)">"#
            + sheets.indices.map { #"<Relationship Id="rId\#($0 + 1)" Type="\#(relationships)/worksheet" Target="worksheets/sheet\#($0 + 1).xml"/>"# }.joined()
            + "</Relationships>"))
        for (index, sheet) in sheets.enumerated() {
            var xml = header + #"<worksheet xmlns="\#(main)"><sheetData>"#
            for (r, row) in sheet.rows.enumerated() where !row.isEmpty {
                xml += #"<row r="\#(r + 1)">"#
                for (c, cell) in row.enumerated() {
                    let reference = column(c) + String(r + 1)
                    switch cell {
                    case .text(let text): xml += #"<c r="\#(reference)" t="inlineStr"><is><t>\#(escape(text))</t></is></c>"#
                    case .number(let value): xml += #"<c r="\#(reference)"><v>\#(value)</v></c>"#
                    case .empty: break
                    }
                }
                xml += "</row>"
            }
            parts.append(("xl/worksheets/sheet\(index + 1).xml", xml + "</sheetData></worksheet>"))
        }
        let archive = try Archive(data: Data(), accessMode: .create)
        // The date in local components (ZIP stores local time), so every time zone writes the same bytes.
        let date = Calendar(identifier: .gregorian).date(from: DateComponents(year: 2024, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return [UInt8](archive.data ?? Data())
    }

    /// `0` → `A`, `26` → `AA`.
    static func column(_ index: Int) -> String {
        var index = index + 1, name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
