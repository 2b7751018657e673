/// Where UTF-8 breaks in a byte string, and whether it holds any multi-byte UTF-8 sequence (Unicode 15, table 3-7):
/// what ``InputFile/text(_:)`` needs to tell a Windows-1252 file from a UTF-8 file with a stray byte.
enum UTF8Check {
    /// The length of the well-formed sequence starting at `i`, or nil.
    static func sequence(_ bytes: [UInt8], at i: Int) -> Int? {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let second: ClosedRange<UInt8>, count: Int
        switch lead {
        case 0xC2...0xDF: (second, count) = (0x80...0xBF, 1)
        case 0xE0: (second, count) = (0xA0...0xBF, 2)
        case 0xE1...0xEC, 0xEE...0xEF: (second, count) = (0x80...0xBF, 2)
        case 0xED: (second, count) = (0x80...0x9F, 2)
        case 0xF0: (second, count) = (0x90...0xBF, 3)
        case 0xF1...0xF3: (second, count) = (0x80...0xBF, 3)
        case 0xF4: (second, count) = (0x80...0x8F, 3)
        default: return nil
        }
        guard i + count < bytes.count, second.contains(bytes[i + 1]),
              bytes[(i + 2)..<(i + count + 1)].allSatisfy({ (0x80...0xBF).contains($0) }) else { return nil }
        return count + 1
    }

    /// The offset of the first byte that starts no well-formed sequence, or nil.
    static func firstInvalid(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            guard let length = sequence(bytes, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// Whether some well-formed sequence of two bytes or more occurs (a file of ASCII and stray bytes has none).
    static func hasMultibyteSequence(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            if bytes[i] >= 0x80, sequence(bytes, at: i) != nil { return true }
            i += 1
        }
        return false
    }
}
