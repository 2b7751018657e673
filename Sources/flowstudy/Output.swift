#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FCS
import Tables
import Foundation

/// Where command output goes: a file written atomically, or standard output for `-` or no `-o`.
enum FileHandleOutput {
    static func write(_ string: String, to descriptor: Int32) {
        write(Array(string.utf8), to: descriptor)
    }

    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { _ = write($0, to: descriptor) }
    }

    /// Streams what `body` produces to `path` atomically (``AtomicFile/stream(to:durable:_:)``), or to standard
    /// output when `path` is nil or `-` (control bytes escaped on a terminal). Memory holds only the chunk
    /// being written.
    static func stream(to path: String?, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        guard let path, path != "-" else {
            let terminal = isatty(1) == 1
            try body { chunk in
                if terminal { write(terminalSafe(String(decoding: chunk, as: UTF8.self)), to: 1) } else { write(chunk, to: 1) }
            }
            return
        }
        try AtomicFile.stream(to: path, body)
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
        } else if isatty(1) == 1 {
            // On a terminal, bytes from input files (channel names, ids) must not drive it.
            write(terminalSafe(String(decoding: bytes, as: UTF8.self)), to: 1)
        } else {
            write(bytes, to: 1)
        }
    }
}
