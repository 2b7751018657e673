#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader never sees half of one: bytes go to a temporary file in the same folder, which
/// is flushed and then renamed over the destination. An interrupted write leaves the old file (or none).
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write(buffer: $0, to: path) }
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Writes the bytes of `buffer` to `path` atomically.
    public static func write(buffer: UnsafeRawBufferPointer, to path: String) throws {
        let folderEnd = path.lastIndex(of: "/")
        let folder = folderEnd.map { String(path[..<$0]) } ?? "."
        let name = folderEnd.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw FCSError(.unwritableFile, file: path, expected: "a writable folder '\(folder)'",
                           found: String(cString: strerror(errno)))
        }
        var written = 0
        while written < buffer.count {
            let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw FCSError(.unwritableFile, file: path, offset: written, expected: "to write \(buffer.count) bytes", found: message)
            }
            written += result
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw FCSError(.unwritableFile, file: path, expected: "to rename the finished file into place", found: message)
        }
    }
}
