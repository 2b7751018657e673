#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Screens XML from outside (Gating-ML documents, the parts of an .xlsx workbook) before any XML parser sees it.
///
/// libxml2, under Foundation's `XMLDocument` and `XMLParser` on Linux, loads external DTDs and expands entities:
/// a document can make it fetch a URL, send a local file's contents to a server (parameter entities, out of
/// band), or expand a few bytes into gigabytes ("billion laughs"). Neither Gating-ML nor Office Open XML uses a
/// DTD, so a document whose DOCTYPE has an external subset (`SYSTEM`, `PUBLIC`) or an internal subset (where
/// entities are declared) is refused here, before parsing: no entity is ever resolved and no URL fetched. A
/// bare `<!DOCTYPE name>` passes.
///
/// The screen reads UTF-8 and every ASCII-compatible encoding byte for byte, and UTF-16 after decoding it;
/// a document in any other encoding (UTF-32, EBCDIC, UTF-7) is refused, since its markup could hide from it.
public enum UntrustedXML {
    /// Throws ``TablesError/Code/unsafeXML`` when `bytes` (the document `file`, or the part `part` of it) holds
    /// a DOCTYPE with an external subset or entity declarations, or is in an encoding the screen cannot read.
    public static func check(_ bytes: [UInt8], file: String, part: String = "") throws {
        let text = try decoded(bytes, file: file, part: part)
        try screen(text, file: file, part: part)
    }

    /// The document as bytes in which every markup character is ASCII: UTF-8 and ASCII-compatible encodings as
    /// they are, UTF-16 (either byte order, with or without a byte-order mark) narrowed.
    static func decoded(_ bytes: [UInt8], file: String, part: String) throws -> [UInt8] {
        func refuse(_ found: String) -> TablesError {
            TablesError(.unsafeXML, file: file, place: part, expected: "XML in UTF-8, UTF-16 or an ASCII-compatible encoding", found: found)
        }
        let b = bytes
        if b.count >= 4, (b[0] == 0 && b[1] == 0) || (b[2] == 0 && b[3] == 0 && b[1] == 0) { throw refuse("UTF-32") }
        if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0x3C && b[1] == 0x00) {
            return narrowUTF16(b, highByteFirst: false)
        }
        if b.count >= 2, (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0x00 && b[1] == 0x3C) {
            return narrowUTF16(b, highByteFirst: true)
        }
        if b.count >= 4, b[0] == 0x4C, b[1] == 0x6F, b[2] == 0xA7, b[3] == 0x94 { throw refuse("EBCDIC") }
        if let encoding = declaredEncoding(b) {
            let name = encoding.lowercased()
            let asciiCompatible = ["utf-8", "utf8", "us-ascii", "ascii"].contains(name)
                || name.hasPrefix("iso-8859-") || name.hasPrefix("windows-125") || name.hasPrefix("cp125")
                || name == "latin1" || name == "iso-latin-1"
            if name.hasPrefix("utf-16") || name == "ucs-2" { return b }  // UTF-16 without its byte order: libxml2 fails on it too
            guard asciiCompatible else { throw refuse("the encoding '\(encoding)'") }
        }
        return b
    }

    /// One byte per UTF-16 code unit: ASCII units kept, every other unit replaced by a byte that is not markup.
    static func narrowUTF16(_ b: [UInt8], highByteFirst: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var i = 0
        while i + 1 < b.count {
            let unit = highByteFirst ? (UInt16(b[i]) << 8 | UInt16(b[i + 1])) : (UInt16(b[i + 1]) << 8 | UInt16(b[i]))
            out.append(unit < 0x80 ? UInt8(unit) : 0x3F)
            i += 2
        }
        return out
    }

    /// The `encoding` of an XML declaration at the start of ASCII-compatible bytes.
    static func declaredEncoding(_ b: [UInt8]) -> String? {
        var start = 0
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
        guard b.count >= start + 5, Array(b[start..<(start + 5)]) == Array("<?xml".utf8) else { return nil }
        guard let end = b[start...].prefix(512).firstIndex(of: 0x3E) else { return nil }
        let declaration = String(decoding: b[start..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// Finds each `<!DOCTYPE` outside comments and processing instructions and judges its declaration.
    /// The markers the screen looks for, made once (the screen runs at every `<` of a document).
    static let doctype = Array("<!DOCTYPE".utf8), commentStart = Array("<!--".utf8), commentEnd = Array("-->".utf8)
    static let instructionStart = Array("<?".utf8), instructionEnd = Array("?>".utf8)
    static let cdataStart = Array("<![CDATA[".utf8), cdataEnd = Array("]]>".utf8)
    static let system = Array("SYSTEM".utf8), public_ = Array("PUBLIC".utf8)

    static func screen(_ text: [UInt8], file: String, part: String) throws {
        var i = 0
        while i < text.count {
            guard let next = firstIndex(of: 0x3C, in: text, from: i) else { return }
            i = next
            if starts(text, at: i, with: commentStart) {
                i = find(text, commentEnd, from: i + 4).map { $0 + 3 } ?? text.count
            } else if starts(text, at: i, with: instructionStart) {
                i = find(text, instructionEnd, from: i + 2).map { $0 + 2 } ?? text.count
            } else if starts(text, at: i, with: cdataStart) {
                i = find(text, cdataEnd, from: i + 9).map { $0 + 3 } ?? text.count
            } else if startsCaseInsensitive(text, at: i, with: doctype) {
                try judgeDoctype(text, at: i, file: file, part: part)
                i += doctype.count
            } else {
                i += 1
            }
        }
    }

    /// A DOCTYPE passes only as `<!DOCTYPE name>`: no external DTD, no internal subset.
    static func judgeDoctype(_ text: [UInt8], at start: Int, file: String, part: String) throws {
        func refuse(_ found: String) -> TablesError {
            TablesError(.unsafeXML, file: file, place: (part.isEmpty ? "" : part + ", ") + "byte \(start)",
                        expected: "XML without a DTD that loads files or declares entities (Gating-ML and Office Open XML use none)",
                        found: found)
        }
        var i = start + 9
        while i < text.count, isSpace(text[i]) { i += 1 }
        while i < text.count, !isSpace(text[i]), text[i] != 0x3E, text[i] != 0x5B { i += 1 }  // the root name
        while i < text.count, isSpace(text[i]) { i += 1 }
        if startsCaseInsensitive(text, at: i, with: system) || startsCaseInsensitive(text, at: i, with: public_) {
            throw refuse("a DOCTYPE with an external DTD (SYSTEM or PUBLIC)")
        }
        if i < text.count, text[i] == 0x5B {
            throw refuse("a DOCTYPE with an internal subset, where entities are declared")
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func starts(_ text: [UInt8], at i: Int, with prefix: [UInt8]) -> Bool {
        guard i + prefix.count <= text.count else { return false }
        for k in 0..<prefix.count where text[i + k] != prefix[k] { return false }
        return true
    }

    static func startsCaseInsensitive(_ text: [UInt8], at i: Int, with prefix: [UInt8]) -> Bool {
        guard i + prefix.count <= text.count else { return false }
        for k in 0..<prefix.count where upper(text[i + k]) != upper(prefix[k]) { return false }
        return true
    }

    static func upper(_ b: UInt8) -> UInt8 { (0x61...0x7A).contains(b) ? b - 0x20 : b }

    static func find(_ text: [UInt8], _ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start < text.count else { return nil }
        var i = start
        while let hit = firstIndex(of: first, in: text, from: i) {
            if starts(text, at: hit, with: needle) { return hit }
            i = hit + 1
        }
        return nil
    }

    /// The first index at or after `start` holding `byte`, by memchr: the screen and the blanking of instructions
    /// jump from one '<' to the next this way, and a byte-by-byte loop was most of the time of reading a workspace.
    static func firstIndex(of byte: UInt8, in text: [UInt8], from start: Int) -> Int? {
        guard start >= 0, start < text.count else { return nil }
        return text.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let hit = memchr(base + start, Int32(byte), buffer.count - start) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }
}
