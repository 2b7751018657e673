#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FCS
import Foundation

/// Where command output goes: a file written atomically, or standard output for `-` or no `-o`.
enum FileHandleOutput {
    static func write(_ string: String, to descriptor: Int32) {
        write(Array(string.utf8), to: descriptor)
    }

    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { _ = write($0, to: descriptor) }
    }

    /// Streams what `body` produces to `path` atomically (a temporary file in the same folder, renamed into place
    /// when complete, removed on error), or to standard output when `path` is nil or `-`. Memory holds only the
    /// chunk being written.
    static func stream(to path: String?, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        guard let path, path != "-" else {
            try body { chunk in write(chunk, to: 1) }
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\((path as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw FCSError(.unwritableFile, file: path, expected: "a writable folder '\(folder.isEmpty ? "." : folder)'",
                           found: String(cString: strerror(errno)))
        }
        var written = 0
        do {
            try body { chunk in
                guard write(chunk, to: descriptor) else {
                    throw FCSError(.unwritableFile, file: path, offset: written, expected: "to write \(chunk.count) more bytes",
                                   found: String(cString: strerror(errno)))
                }
                written += chunk.count
            }
            guard fsync(descriptor) == 0, close(descriptor) == 0, rename(temporary, path) == 0 else {
                throw FCSError(.unwritableFile, file: path, expected: "to finish and rename the file into place",
                               found: String(cString: strerror(errno)))
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
    }

    /// Writes all of `chunk` to `descriptor`; false when the system refuses.
    @discardableResult
    static func write(_ chunk: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var done = 0
        while done < chunk.count, let base = chunk.baseAddress {
            let result = Glibc.write(descriptor, base + done, chunk.count - done)
            if result <= 0 { if errno == EINTR { continue }; return false }
            done += result
        }
        return true
    }

    /// Writes `bytes` to `path` atomically, or to standard output when `path` is nil or `-`.
    static func emit(_ bytes: [UInt8], to path: String?) throws {
        if let path, path != "-" {
            try AtomicFile.write(bytes, to: path)
        } else {
            write(bytes, to: 1)
        }
    }
}
