import Foundation
import Tables
import TestSupport
import Testing

@Suite("Untrusted XML: no DTD that can fetch or expand")
struct UntrustedXMLTests {
    func refused(_ xml: String) -> Bool {
        do { try UntrustedXML.check(Array(xml.utf8), file: "t.xml"); return false } catch let error as TablesError {
            return error.code == .unsafeXML
        } catch { return false }
    }

    @Test("External general entity, parameter entities, billion laughs and external DTDs are refused")
    func attacksAreRefused() {
        #expect(refused(#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#))
        #expect(refused(#"<!DOCTYPE r [<!ENTITY % d SYSTEM "http://127.0.0.1:9/e.dtd"> %d;]><r/>"#))
        #expect(refused(#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#))
        #expect(refused(#"<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd"><r/>"#))
        #expect(refused(#"<!doctype r public "-//x//y" "http://127.0.0.1:9/x.dtd"><r/>"#))
    }

    @Test("UTF-16 documents are screened too, and encodings the screen cannot read are refused")
    func encodings() {
        let attack = #"<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
        var utf16LE: [UInt8] = [0xFF, 0xFE]
        for unit in attack.utf16 { utf16LE += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(throws: TablesError.self) { try UntrustedXML.check(utf16LE, file: "t.xml") }
        #expect(refused(#"<?xml version="1.0" encoding="UTF-7"?><r/>"#))
        #expect(throws: TablesError.self) { try UntrustedXML.check([0, 0, 0, 0x3C, 0, 0, 0, 0x72], file: "t.xml") }
    }

    @Test("Ordinary documents pass: a bare DOCTYPE, DOCTYPE text in comments and CDATA")
    func ordinaryDocumentsPass() throws {
        try UntrustedXML.check(Array(#"<?xml version="1.0" encoding="UTF-8"?><gating:Gating-ML xmlns:gating="x"/>"#.utf8), file: "t.xml")
        try UntrustedXML.check(Array("<!DOCTYPE html><html/>".utf8), file: "t.xml")
        try UntrustedXML.check(Array("<r><!-- <!DOCTYPE r [<!ENTITY x 'y'>] --><![CDATA[<!DOCTYPE r SYSTEM 'z'>]]></r>".utf8), file: "t.xml")
    }

    @Test("Processing instructions are blanked to spaces, keeping the XML declaration, line breaks, comments and CDATA")
    func processingInstructions() {
        func blanked(_ text: String) -> String {
            var bytes = Array(text.utf8)
            UntrustedXML.blankProcessingInstructions(in: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        // `<?pi?>` is 6 characters; `<?target some` 13, then the line break, then `data?>` 6.
        #expect(blanked("<?xml version=\"1.0\"?>\n<r><?pi?>\n<?target some\ndata?></r>")
                == "<?xml version=\"1.0\"?>\n<r>      \n             \n      </r>")
        #expect(blanked("<r><!-- <?kept too?> --><![CDATA[<?kept too?>]]></r>") == "<r><!-- <?kept too?> --><![CDATA[<?kept too?>]]></r>")
        // An instruction without data is blanked even there: libxml2 recovering from an error inside a comment reads
        // on as markup (fuzzing: an unterminated comment, an invalid character, then `<?x?>`). `<?gone?>` is 8.
        #expect(blanked("<r><!-- <?gone?> --><![CDATA[<?gone?>]]></r>") == "<r><!--          --><![CDATA[        ]]></r>")
        #expect(blanked("<r><!-- -- \u{19} <?x?><?a b?></r>") == "<r><!-- -- \u{19}      <?a b?></r>")
        // In a comment only `<?target?>` goes: not an empty target, a target cut by white space or '<' (`<?b?>` is 5).
        #expect(blanked("<!-- <?<??> <? x?> <?a<?b?> -->") == "<!-- <?<??> <? x?> <?a      -->")
        // Only at the very start is `<?xml ` a declaration; `<?xml?>` has no data and is blanked like any other.
        #expect(blanked("<?xml?><r/>") == "       <r/>")
        #expect(blanked("<r/><?xml version=\"1.0\"?>") == "<r/>" + String(repeating: " ", count: 21))
        // UTF-16 (little-endian, with its mark): blanked by code unit.
        func utf16LE(_ text: String) -> [UInt8] { [0xFF, 0xFE] + text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] } }
        var document = utf16LE("<r><?a?>é</r>")
        UntrustedXML.blankProcessingInstructions(in: &document)
        #expect(document == utf16LE("<r>     é</r>"))
    }

    @Test("Blanking one-byte text (searched by memchr) agrees with blanking the same text in UTF-16 (unit by unit)")
    func oneByteAndUTF16Agree() {
        // Random documents over the pieces the scan reacts to, each blanked as UTF-8 and as UTF-16 little-endian with
        // its mark; the UTF-16 result narrowed back must be the UTF-8 one. The two widths share the rules but not the
        // search, so this checks the memchr jumps against the plain unit-by-unit walk.
        let pieces = ["<", ">", "?", "!", "-", "--", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<?xml ", "<?xml",
                      "x", "pi", " ", "\n", "<r>", "</r>", "?>?", "<?a?>"]
        var generator = SplitMix64(state: 2026_11_30)
        var changed = 0
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            var narrow = Array(text.utf8)
            UntrustedXML.blankProcessingInstructions(in: &narrow)
            var wide: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
            UntrustedXML.blankProcessingInstructions(in: &wide)
            let back = stride(from: 2, to: wide.count, by: 2).map { wide[$0] }
            #expect(back == narrow, "\(text)")
            if narrow != Array(text.utf8) { changed += 1 }
        }
        // Most documents hold an instruction to blank: the comparison is not only of untouched text.
        #expect(changed > 1_000)
    }
}
