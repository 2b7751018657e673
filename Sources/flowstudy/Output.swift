#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FCS
import Tables

/// Where command output goes: a file written atomically, or standard output for `-` or no `-o`.
enum FileHandleOutput {
    static func write(_ string: String, to descriptor: Int32) {
        write(Array(string.utf8), to: descriptor)
    }

    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result <= 0 { if errno == EINTR { continue }; return }
            written += result
        }
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
