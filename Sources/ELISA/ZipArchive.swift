import Foundation
import FlowStudyZlib

/// A read-only ZIP archive held in memory: the central directory, and parts inflated with the system zlib under
/// a cap checked while inflating. It replaces ZIPFoundation for reading .xlsx because fuzzing found three
/// defects there on hostile archives: a trap when an offset points past the end of in-memory data, an endless
/// loop when a deflate stream does not end within its compressed size, and a leak per archive opened from a
/// file. Every offset and size is checked against the data before use; ZIP64 is refused (parts are capped far
/// below 4 GB anyway).
struct ZipArchive {
    struct Entry {
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeader: Int
    }

    private let bytes: [UInt8]
    private let file: String
    /// Entries by name (the last one wins if a name repeats).
    private(set) var entries: [String: Entry] = [:]

    init(_ data: Data, file: String) throws {
        bytes = [UInt8](data)
        self.file = file
        func refuse(_ message: String) -> ELISAError { ELISAError(.unrecognisedFormat, file: file, "expected an .xlsx (ZIP) workbook: \(message)") }
        // The end-of-central-directory record: within the last 22 + 65,535 bytes (its comment).
        guard bytes.count >= 22 else { throw refuse("the file is too short") }
        let lowest = max(0, bytes.count - 22 - 65_535)
        guard let end = stride(from: bytes.count - 22, through: lowest, by: -1).first(where: { u32($0) == 0x0605_4B50 }) else {
            throw refuse("no end-of-central-directory record")
        }
        let count = Int(u16(end + 10)), size = Int(u32(end + 12)), offset = Int(u32(end + 16))
        guard offset != 0xFFFF_FFFF, count != 0xFFFF else { throw refuse("ZIP64 archives are not read") }
        guard offset + size <= end else { throw refuse("the central directory (offset \(offset), \(size) bytes) lies outside the file") }
        var position = offset
        for _ in 0..<count {
            guard position + 46 <= offset + size, u32(position) == 0x0201_4B50 else {
                throw refuse("a central-directory record expected at byte \(position)")
            }
            let nameLength = Int(u16(position + 28)), extraLength = Int(u16(position + 30)), commentLength = Int(u16(position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= offset + size else { throw refuse("the central-directory record at byte \(position) runs past the directory") }
            let entry = Entry(method: u16(position + 10), crc: u32(position + 16), compressedSize: Int(u32(position + 20)),
                              uncompressedSize: Int(u32(position + 24)), localHeader: Int(u32(position + 42)))
            guard entry.compressedSize != 0xFFFF_FFFF, entry.uncompressedSize != 0xFFFF_FFFF, entry.localHeader != 0xFFFF_FFFF else {
                throw refuse("ZIP64 entries are not read")
            }
            entries[String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)] = entry
            position = next
        }
    }

    /// The part `name` inflated, or nil when the archive lacks it. `limit` caps its inflated size and `budget` (the
    /// bytes left for all parts) is reduced by it; both are checked while inflating. `tooLarge` makes the error.
    func extract(_ name: String, limit: Int, budget: inout Int, tooLarge: (String) -> ELISAError) throws -> Data? {
        guard let entry = entries[name] else { return nil }
        func corrupt(_ message: String) -> ELISAError { ELISAError(.unrecognisedFormat, file: file, place: "part \(name)", "expected \(message)") }
        let header = entry.localHeader
        guard header + 30 <= bytes.count, u32(header) == 0x0403_4B50 else { throw corrupt("a local header at byte \(header)") }
        let start = header + 30 + Int(u16(header + 26)) + Int(u16(header + 28))
        guard start + entry.compressedSize <= bytes.count else { throw corrupt("\(entry.compressedSize) compressed bytes within the file") }
        guard entry.uncompressedSize <= limit else { throw tooLarge("a declared size") }
        let cap = min(limit, budget)
        var output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize <= cap else { throw tooLarge("a stored size") }
            output = Array(bytes[start..<(start + entry.compressedSize)])
        case 8:
            output = try inflate(start, entry.compressedSize, cap: cap, tooLarge: tooLarge, corrupt: corrupt)
        default:
            throw corrupt("a stored or deflated part, found compression method \(entry.method)")
        }
        let crc = output.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc else { throw corrupt("the checksum \(entry.crc), found \(crc)") }
        budget -= output.count
        return Data(output)
    }

    /// Raw deflate (no zlib header) of `length` bytes at `start`, stopping with an error once the output passes
    /// `cap` or when the stream does not end within its bytes (so it always terminates).
    private func inflate(_ start: Int, _ length: Int, cap: Int, tooLarge: (String) -> ELISAError,
                         corrupt: (String) -> ELISAError) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw corrupt("zlib to initialise")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 16
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: chunk)
        return try bytes.withUnsafeBufferPointer { input -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + start })
            stream.avail_in = uInt(length)
            while true {
                let (result, produced) = scratch.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    let code = FlowStudyZlib.inflate(&stream, Z_NO_FLUSH)
                    return (code, chunk - Int(stream.avail_out))
                }
                guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                    throw corrupt("a valid deflate stream (\(stream.msg.map { String(cString: $0) } ?? "zlib code \(result)"))")
                }
                guard output.count + produced <= cap else { throw tooLarge("an inflated size") }
                output.append(contentsOf: scratch[0..<produced])
                if result == Z_STREAM_END { return output }
                // No progress possible: the input is used up (or zlib wants more) before the stream's end.
                if produced == 0 && (stream.avail_in == 0 || result == Z_BUF_ERROR) {
                    throw corrupt("a deflate stream that ends within its \(length) bytes")
                }
            }
        }
    }

    private func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    private func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
}
