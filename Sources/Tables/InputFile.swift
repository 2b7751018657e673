#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole input files, refusing anything that is not a regular file before it can block or mislead.
///
/// A FIFO would block `open()` forever and a device would never end, so an input is opened without blocking and
/// checked with `fstat` on the open descriptor (no window between the check and the read). A path holding NUL
/// is refused: C would silently read only the part before it.
public enum InputFile {
    /// The bytes of the regular file at `path`.
    public static func bytes(_ path: String) throws -> [UInt8] {
        let descriptor = try openRegular(path)
        defer { close(descriptor) }
        var status = stat()
        fstat(descriptor, &status)
        // One byte more than the file's size, so the read that finds the end fits without growing the buffer (to
        // twice the file); it grows only for a file that grew since `fstat`.
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let result = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw TablesError(.unreadableFile, file: path, place: "byte \(filled)", expected: "a readable file",
                                  found: String(cString: strerror(errno)))
            }
            if result == 0 { break }
            filled += result
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// The text of the regular file at `path`: UTF-8; or Windows-1252 (what Excel on Windows writes for "CSV";
    /// Latin-1 plus `€`, curly quotes and dashes in 0x80–0x9F) when the bytes hold no UTF-8 sequence at all, so a
    /// sheet saved that way keeps its `é`. A byte that is not UTF-8 amid UTF-8 text is refused with its line and
    /// offset: reading that file as Windows-1252 would turn every other `é` into `Ã©`.
    public static func text(_ path: String) throws -> String {
        let bytes = try bytes(path)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        guard let stray = UTF8Check.firstInvalid(bytes), UTF8Check.hasMultibyteSequence(bytes) else {
            return String(String.UnicodeScalarView(bytes.map(windows1252)))
        }
        throw notUTF8(path, bytes, at: stray, expected: "UTF-8 text (or Windows-1252 throughout)")
    }

    /// The UTF-8 text of the regular file at `path`, for formats that are UTF-8 by definition (JSON, RFC 8259):
    /// any byte that is not UTF-8 is refused with its line and offset.
    public static func utf8Text(_ path: String) throws -> String {
        let bytes = try bytes(path)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        throw notUTF8(path, bytes, at: UTF8Check.firstInvalid(bytes) ?? 0, expected: "UTF-8 text")
    }

    static func notUTF8(_ path: String, _ bytes: [UInt8], at offset: Int, expected: String) -> TablesError {
        let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        return TablesError(.notText, file: path, place: "line \(line), byte \(offset)", expected: expected,
                           found: "byte 0x\(String(bytes[offset], radix: 16, uppercase: true)), which is not UTF-8 there; save the file as UTF-8")
    }

    /// The character of one Windows-1252 byte; the five bytes it leaves undefined keep their C1 code point.
    static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(windows1252High[Int(byte - 0x80)]) ?? Unicode.Scalar(byte)
    }

    /// Windows-1252's characters for 0x80–0x9F.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Opens `path` for reading after checking, on the open descriptor, that it is a regular file.
    /// The caller closes the descriptor.
    public static func openRegular(_ path: String) throws -> Int32 {
        try checkPath(path, file: path)
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TablesError(.unreadableFile, file: path, expected: "a readable file", found: String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw TablesError(.unreadableFile, file: path, expected: "a file whose size can be read", found: message)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw TablesError(.notARegularFile, file: path, expected: "a regular file", found: FileIdentity.kind(of: status.st_mode))
        }
        // Regular files ignore O_NONBLOCK, but clear it so later reads behave as usual everywhere.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return descriptor
    }

    /// Refuses a path with a NUL (C would read only the part before it) or an empty path. `file` names the
    /// document the path came from (a sheet), `place` where in it.
    public static func checkPath(_ path: String, file: String, place: String = "") throws {
        if path.isEmpty {
            throw TablesError(.unreadableFile, file: file, place: place, expected: "a path", found: "an empty one")
        }
        if path.utf8.contains(0) {
            throw TablesError(.unreadableFile, file: file, place: place, expected: "a path without NUL characters",
                              found: "a NUL after '\(path.prefix(while: { $0 != "\0" }))'")
        }
    }
}
