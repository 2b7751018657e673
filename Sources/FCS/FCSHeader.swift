/// A byte range in an FCS file, with the inclusive end offset the standard uses.
public struct Segment: Equatable, Hashable, Sendable, Codable {
    /// Offset of the first byte.
    public var start: Int
    /// Offset of the last byte (inclusive), as FCS writes it.
    public var end: Int
    /// Creates a segment from its first and last byte offsets.
    public init(start: Int, end: Int) { self.start = start; self.end = end }
    /// Number of bytes in the segment.
    public var length: Int { end - start + 1 }
    /// Whether the two segments share a byte.
    public func overlaps(_ other: Segment) -> Bool { start <= other.end && other.start <= end }
}

/// The 58-byte HEADER that opens every FCS data set.
///
/// Offsets are relative to the start of the data set (which is 0 for the first one and the `$NEXTDATA` chain for
/// the others). A field that is blank or zero is `nil`: FCS 3.x writes 0 when an offset needs more than 8 digits,
/// and the value then comes from TEXT (`$BEGINDATA`…).
public struct FCSHeader: Equatable, Sendable {
    /// The version string, e.g. `3.1`.
    public var version: String
    /// The primary TEXT segment.
    public var text: Segment?
    /// The DATA segment as the HEADER gives it.
    public var data: Segment?
    /// The ANALYSIS segment as the HEADER gives it.
    public var analysis: Segment?
    /// The 58 bytes as Latin-1 text, for inspection.
    public var raw: String

    /// The HEADER's size in bytes.
    public static let size = 58
    /// Versions this reader understands.
    public static let supportedVersions: Set<String> = ["2.0", "3.0", "3.1", "3.2"]

    /// Parses the HEADER at `base` in `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer, at base: Int) throws -> FCSHeader {
        guard bytes.count - base >= size else {
            throw FCSError(.truncated, offset: base,
                           expected: "a 58-byte HEADER", found: "\(max(0, bytes.count - base)) bytes")
        }
        let magic = String(decoding: bytes[base..<(base + 6)], as: UTF8.self)
        guard magic.hasPrefix("FCS"), supportedVersions.contains(String(magic.dropFirst(3))) else {
            throw FCSError(.notFCS, offset: base, expected: "FCS2.0, FCS3.0, FCS3.1 or FCS3.2",
                           found: printable(bytes[base..<(base + 6)]))
        }
        func field(_ index: Int) throws -> Int? {
            let start = base + 10 + index * 8
            let slice = bytes[start..<(start + 8)]
            let trimmed = slice.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed()
            if trimmed.isEmpty { return nil }
            guard trimmed.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(String(decoding: trimmed, as: UTF8.self)) else {
                throw FCSError(.badHeaderOffset, offset: start, expected: "an offset of up to 8 digits, space padded",
                               found: "'\(printable(slice))'")
            }
            return value
        }
        func segment(_ first: Int) throws -> Segment? {
            let start = try field(first), end = try field(first + 1)
            // Zero means "see TEXT" (FCS 3.x writes 0 for offsets beyond 8 digits).
            guard let start, let end, start != 0, end != 0 else { return nil }
            return Segment(start: start, end: end)
        }
        return FCSHeader(version: String(magic.dropFirst(3)),
                         text: try segment(0), data: try segment(2), analysis: try segment(4),
                         raw: String(bytes[base..<(base + size)].map { Character(Unicode.Scalar($0)) }))
    }
}

/// Shows bytes as Latin-1 with control characters escaped, for error messages.
func printable<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var text = ""
    for byte in bytes.prefix(40) {
        if byte >= 0x20 && byte < 0x7f {
            text.append(Character(Unicode.Scalar(byte)))
        } else {
            text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
    return text + (bytes.count > 40 ? "…" : "")
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
