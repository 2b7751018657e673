import Tables

/// The text of a sheet or result file, refused (``OutcomesError``) where reading it as UTF-8 CSV would change it
/// silently: bytes that are not UTF-8 (a Latin-1 `é` would become U+FFFD) and CR line ends without LF (`CSVTable`
/// drops a lone CR, so a CR-only file reads as one header line and every row vanishes).
enum SheetText {
    /// The UTF-8 text of `path`.
    static func read(_ path: String) throws -> String {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.bytes(path)
        } catch let error as TablesError {
            throw OutcomesError(file: path, place: error.place, "expected \(error.expected)" + (error.found.isEmpty ? "" : ", found \(error.found)"))
        }
        if let offset = invalidUTF8(bytes) {
            let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let utf16 = bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
            throw OutcomesError(file: path, place: "line \(line), byte \(offset)",
                                "expected UTF-8 text, found byte 0x\(String(bytes[offset], radix: 16, uppercase: true))"
                                    + (utf16 ? " (a UTF-16 file)" : " (a Latin-1 or Windows-1252 file?)") + "; save the sheet as CSV UTF-8")
        }
        if let line = loneCR(bytes) {
            let crOnly = !bytes.contains(0x0A)
            throw OutcomesError(file: path, place: crOnly ? "line endings" : "line \(line)",
                                crOnly ? "CR only (classic Mac OS); expected LF or CRLF line ends, save the sheet again as CSV"
                                    : "a CR without LF outside a quoted field; expected LF or CRLF line ends")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The offset of the first byte that does not belong to well-formed UTF-8 (Unicode 15, table 3-7), or nil.
    static func invalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            // The allowed range of the second byte and the number of continuation bytes for each lead byte.
            let second: ClosedRange<UInt8>, count: Int
            switch lead {
            case 0xC2...0xDF: (second, count) = (0x80...0xBF, 1)
            case 0xE0: (second, count) = (0xA0...0xBF, 2)
            case 0xE1...0xEC, 0xEE...0xEF: (second, count) = (0x80...0xBF, 2)
            case 0xED: (second, count) = (0x80...0x9F, 2)
            case 0xF0: (second, count) = (0x90...0xBF, 3)
            case 0xF1...0xF3: (second, count) = (0x80...0xBF, 3)
            case 0xF4: (second, count) = (0x80...0x8F, 3)
            default: return i
            }
            // The sequence starting at the lead byte is malformed: the lead byte is named (a Latin-1 `é` is 0xE9).
            guard i + count < bytes.count, second.contains(bytes[i + 1]),
                  bytes[(i + 2)..<(i + count + 1)].allSatisfy({ (0x80...0xBF).contains($0) }) else { return i }
            i += count + 1
        }
        return nil
    }

    /// The 1-based line of the first CR not followed by LF outside a quoted field, or nil.
    static func loneCR(_ bytes: [UInt8]) -> Int? {
        var quoted = false, line = 1
        for (i, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "\""): quoted.toggle()
            case 0x0A: line += 1
            case 0x0D where !quoted && (i + 1 == bytes.count || bytes[i + 1] != 0x0A): return line
            default: break
            }
        }
        return nil
    }
}
