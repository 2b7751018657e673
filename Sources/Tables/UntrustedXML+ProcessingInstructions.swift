extension UntrustedXML {
    static let declarationStart = Array("<?xml".utf8), tagEnd = Array(">".utf8)

    /// Blanks out every processing instruction of `bytes` but the XML declaration, in place (spaces, line breaks
    /// kept, so lines and columns stay). Foundation's `XMLParser` on Linux dereferences a null pointer for an
    /// instruction without data (`<?name?>`): fuzzing found it in Gating-ML and again in the parts of an .xlsx
    /// workbook. Neither format gives instructions a meaning, so every reader of outside XML passes its bytes
    /// through here before `XMLParser` sees them. Comments and CDATA sections are left alone, except that an
    /// instruction without data is blanked wherever it is: on a malformed document libxml2 recovers from an error
    /// inside a comment by reading on as markup, so it can reach one that a scan for comments would take for
    /// comment text (found by fuzzing: `unterminated-comment-then-instruction.xml`). UTF-16 documents are scanned by
    /// code unit. Two passes: linear in the document.
    public static func blankProcessingInstructions(in bytes: inout [UInt8]) {
        // Code unit width and where the ASCII byte of a unit sits (UTF-16 little- or big-endian, or one byte).
        var width = 1, low = 0
        if bytes.count >= 2 {
            if (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0x3C && bytes[1] == 0x00) { width = 2; low = 0 }
            if (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0x00 && bytes[1] == 0x3C) { width = 2; low = 1 }
        }
        let count = bytes.count / width
        func unit(_ i: Int) -> UInt8? {
            guard i < count else { return nil }
            if width == 2 && bytes[i * 2 + 1 - low] != 0 { return 0xFF }  // not ASCII
            return bytes[i * width + (width == 2 ? low : 0)]
        }
        /// Spaces for the code units of `range`, line breaks kept.
        func blank(_ range: Range<Int>) {
            for k in range where unit(k) != 0x0A {
                if width == 1 { bytes[k] = 0x20 } else { bytes[k * 2 + low] = 0x20; bytes[k * 2 + 1 - low] = 0 }
            }
        }
        func starts(_ i: Int, _ text: [UInt8]) -> Bool {
            for (k, u) in text.enumerated() where unit(i + k) != u { return false }
            return true
        }
        /// The next code unit `u` at or after `from`. One-byte text (nearly every document) is searched by memchr:
        /// a scan of a large workspace spends its time here.
        func next(_ u: UInt8, from: Int) -> Int? {
            if width == 1 { return firstIndex(of: u, in: bytes, from: from) }
            var i = from
            while i < count { if unit(i) == u { return i }; i += 1 }
            return nil
        }
        func find(_ text: [UInt8], from: Int) -> Int? {
            var i = from
            while let hit = next(text[0], from: i) {
                if starts(hit, text) { return hit }
                i = hit + 1
            }
            return nil
        }
        var i = 0
        while let open = next(0x3C, from: i) {
            i = open
            if starts(i, commentStart) {
                i = find(commentEnd, from: i + 4).map { $0 + 3 } ?? count
            } else if starts(i, cdataStart) {
                i = find(cdataEnd, from: i + 9).map { $0 + 3 } ?? count
            } else if starts(i, instructionStart) {
                // The XML declaration: at the very start (after a byte-order mark) and followed by white space;
                // `<?xml?>` is an instruction without data like any other (found by fuzzing: xml-without-data.xml).
                let atStart = i == 0 || (width == 2 && i == 1) || (width == 1 && i == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                let declaration = atStart && starts(i, declarationStart) && (unit(i + 5).map { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ?? false)
                if declaration {
                    // Its pseudo-attributes cannot hold '>': a malformed one ends there, not at a later "?>"
                    // (found by fuzzing: malformed-declaration-then-instruction.xml).
                    i = find(tagEnd, from: i + 5).map { $0 + 1 } ?? count
                    continue
                }
                guard let end = find(instructionEnd, from: i + 2) else { break }
                blank(i..<(end + 2))
                i = end + 2
            } else {
                i += 1
            }
        }
        // Instructions without data, `<?target?>` (a target holds no white space, '<', '>' or '?'), anywhere.
        i = 0
        while let open = next(0x3C, from: i) {
            i = open
            guard unit(i + 1) == 0x3F else { i += 1; continue }
            var k = i + 2
            while let u = unit(k), !(u == 0x3F || u == 0x3C || u == 0x3E || u == 0x20 || u == 0x09 || u == 0x0A || u == 0x0D) { k += 1 }
            if k > i + 2, unit(k) == 0x3F, unit(k + 1) == 0x3E { blank(i..<(k + 2)) }
            i = k
        }
    }
}
