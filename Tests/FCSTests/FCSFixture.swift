@testable import FCS

/// Small FCS files assembled byte by byte in tests, so each test states exactly what the file holds.
enum FCSFixture {
    /// FCS 3.0 bytes with 16-bit big-endian integers, TEXT at 58 and DATA right after it.
    static func integerBytes(keywords: [(String, String)], columns: [[UInt16]], version: String = "3.0",
                             delimiter: UInt8 = 0x2F) -> [UInt8] {
        let events = columns.first?.count ?? 0
        var data: [UInt8] = []
        for event in 0..<events {
            for column in columns { data += [UInt8(column[event] >> 8), UInt8(column[event] & 0xFF)] }
        }
        var pairs: [(String, String)] = [("$BYTEORD", "4,3,2,1"), ("$DATATYPE", "I"), ("$MODE", "L"),
                                         ("$PAR", "\(columns.count)"), ("$TOT", "\(events)")]
        pairs += keywords
        return assemble(version: version, pairs: pairs, data: data, delimiter: delimiter)
    }

    /// Reads `integerBytes`.
    static func integerFile(keywords: [(String, String)], columns: [[UInt16]]) throws -> FCSFile {
        try FCSFile.read(bytes: integerBytes(keywords: keywords, columns: columns), name: "fixture.fcs")
    }

    /// HEADER + TEXT (`pairs` with the delimiter, offsets filled in) + DATA.
    static func assemble(version: String, pairs: [(String, String)], data: [UInt8], delimiter: UInt8 = 0x2F,
                         textOffsets: Bool = true) -> [UInt8] {
        func text(_ dataStart: Int) -> [UInt8] {
            var all = pairs
            if textOffsets {
                all += [("$BEGINDATA", "\(dataStart)"), ("$ENDDATA", "\(dataStart + data.count - 1)")]
            }
            var out: [UInt8] = [delimiter]
            for (key, value) in all {
                out += Array(key.utf8) + [delimiter] + Array(value.utf8) + [delimiter]
            }
            return out
        }
        var length = text(0).count
        var body = text(58 + length)
        while body.count != length { length = body.count; body = text(58 + length) }
        let dataStart = 58 + body.count
        func field(_ value: Int) -> String { String(repeating: " ", count: 8 - "\(value)".count) + "\(value)" }
        let header = "FCS\(version)    " + field(58) + field(58 + body.count - 1) + field(dataStart)
            + field(dataStart + data.count - 1) + field(0) + field(0)
        return Array(header.utf8) + body + data
    }
}
