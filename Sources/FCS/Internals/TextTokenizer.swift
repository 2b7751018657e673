/// Splits a TEXT, supplemental TEXT or ANALYSIS segment into keyword/value pairs.
///
/// Byte comparison only, never a regular expression: the delimiter may be any byte from 1 to 126, including
/// `\`, `|`, `*` and form feed. A doubled delimiter is a literal delimiter inside a keyword or value, read left to
/// right (as fcsparser does), so `GFP//FITC-A` with delimiter `/` is the value `GFP/FITC-A`.
struct TextTokenizer {
    /// One keyword/value pair with the absolute offset of the keyword.
    struct Pair {
        var key: String
        var value: String
        var offset: Int
    }

    /// The pairs and what had to be repaired to get them.
    struct Result {
        var pairs: [Pair] = []
        var repairs: [Repair] = []
        var usedLatin1 = false
    }

    /// Tokenizes `segment` (absolute offsets) of `bytes`; `name` is used in messages (`TEXT`, `ANALYSIS`…).
    static func tokenize(_ bytes: UnsafeRawBufferPointer, segment: Segment, name: String) throws -> Result {
        var result = Result()
        let delimiter = bytes[segment.start]
        guard delimiter >= 1 && delimiter <= 126 else {
            throw FCSError(.badDelimiter, offset: segment.start,
                           expected: "\(name) to start with a delimiter byte (ASCII 1–126)",
                           found: "byte 0x\(String(delimiter, radix: 16))")
        }
        // Find the final delimiter: writers often point the end one or more pad bytes past it.
        var last = segment.end
        if bytes[last] != delimiter {
            var probe = last
            while probe > segment.start, [0x00, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[probe]) { probe -= 1 }
            if probe > segment.start, bytes[probe] == delimiter {
                result.repairs.append(Repair("text_end_past_delimiter",
                    "\(name) end points \(last - probe) pad byte(s) past the final delimiter; the pad was ignored",
                    offset: last))
                last = probe
            } else {
                result.repairs.append(Repair("text_without_final_delimiter",
                    "\(name) does not end with its delimiter; the last value was read to the segment end",
                    offset: last))
                last = probe + 1
            }
        }
        var tokens: [(bytes: [UInt8], offset: Int)] = []
        var current: [UInt8] = []
        var tokenStart = segment.start + 1
        var i = segment.start + 1
        while i < last {
            let byte = bytes[i]
            if byte == delimiter {
                if i + 1 < last, bytes[i + 1] == delimiter {
                    current.append(delimiter)
                    i += 2
                    continue
                }
                tokens.append((current, tokenStart))
                current = []
                i += 1
                tokenStart = i
                continue
            }
            current.append(byte)
            i += 1
        }
        if tokenStart < last || !current.isEmpty || tokens.count % 2 == 1 {
            tokens.append((current, tokenStart))
        }
        if tokens.count % 2 == 1 {
            let dangling = tokens[tokens.count - 1]
            throw FCSError(.keywordWithoutValue, offset: dangling.offset,
                           keyword: decode(dangling.bytes, &result.usedLatin1),
                           expected: "every keyword in \(name) to be followed by a value")
        }
        result.pairs.reserveCapacity(tokens.count / 2)
        for pairIndex in stride(from: 0, to: tokens.count, by: 2) {
            let key = tokens[pairIndex]
            guard !key.bytes.isEmpty else {
                throw FCSError(.emptyKeyword, offset: key.offset,
                               expected: "a non-empty keyword in \(name)",
                               found: "an empty keyword before value '\(decode(tokens[pairIndex + 1].bytes, &result.usedLatin1))'")
            }
            result.pairs.append(Pair(key: decode(key.bytes, &result.usedLatin1),
                                     value: decode(tokens[pairIndex + 1].bytes, &result.usedLatin1),
                                     offset: key.offset))
        }
        return result
    }

    /// UTF-8, falling back to Latin-1 (CellQuest writes `ª` as the single byte 0xAA).
    static func decode(_ bytes: [UInt8], _ usedLatin1: inout Bool) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        usedLatin1 = true
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
