import Foundation
import Gating
import Testing
import TestSupport

/// Gating-ML from outside must not make FlowStudy read local files or reach a server (XML external entities).
@Suite("Gating-ML: no external entities, no DTD fetches, no entity expansion")
struct XMLEntityTests {
    static let gate = #"<gating:RectangleGate gating:id="g"><gating:dimension gating:min="0"><data-type:fcs-dimension data-type:name="FSC-A"/></gating:dimension></gating:RectangleGate>"#
    static let root = #"<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">"#

    func document(_ doctype: String, _ body: String = "") -> Data {
        Data(("<?xml version=\"1.0\"?>\n" + doctype + "\n" + Self.root + body + Self.gate + "</gating:Gating-ML>").utf8)
    }

    func expectRefused(_ data: Data) {
        #expect {
            _ = try GatingMLReader.read(data, name: "hostile.xml")
        } throws: { error in
            (error as? GatingMLError).map { $0.message.contains("DTD") || $0.message.contains("DOCTYPE") } ?? false
        }
    }

    @Test("A parameter-entity out-of-band payload sends nothing to the server it names")
    func outOfBandPayload() throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let folder = try TemporaryDirectory()
        try "secret-token-4711".write(toFile: folder.path("secret.txt"), atomically: false, encoding: .utf8)
        let dtd = """
        <!DOCTYPE gating:Gating-ML [
          <!ENTITY % file SYSTEM "file://\(folder.path("secret.txt"))">
          <!ENTITY % remote SYSTEM "http://127.0.0.1:\(server.port)/evil.dtd">
          %remote;
        ]>
        """
        expectRefused(document(dtd))
        // An external DTD subset and an external general entity over http: refused, and never fetched.
        expectRefused(document("<!DOCTYPE gating:Gating-ML SYSTEM \"http://127.0.0.1:\(server.port)/subset.dtd\">"))
        expectRefused(document("<!DOCTYPE gating:Gating-ML [<!ENTITY x SYSTEM \"http://127.0.0.1:\(server.port)/x\">]>",
                               "<data-type:custom_info>&x;</data-type:custom_info>"))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(server.requests.isEmpty, "requests reached the loopback server: \(server.requests)")
    }

    @Test("An external general entity naming a local file is refused, and the file's bytes are never quoted")
    func localFileEntity() throws {
        let folder = try TemporaryDirectory()
        try "secret-token-4711\nsecond line".write(toFile: folder.path("secret.txt"), atomically: false, encoding: .utf8)
        let data = document("<!DOCTYPE gating:Gating-ML [<!ENTITY x SYSTEM \"file://\(folder.path("secret.txt"))\">]>",
                            "<data-type:custom_info>&x;</data-type:custom_info>")
        do {
            _ = try GatingMLReader.read(data, name: "hostile.xml")
            Issue.record("a document with an external entity was accepted")
        } catch {
            #expect(!"\(error)".contains("secret-token"))
        }
    }

    @Test("Billion laughs is refused before any expansion")
    func billionLaughs() {
        var entities = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 { entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">" }
        expectRefused(document("<!DOCTYPE gating:Gating-ML [\(entities)]>", "<data-type:custom_info>&lol9;</data-type:custom_info>"))
    }

    @Test("An ordinary document still reads")
    func ordinaryDocument() throws {
        let strategy = try GatingMLReader.read(document(""), name: "plain.xml")
        #expect(strategy.populations.map(\.id) == ["g"])
    }
}
