import Crypto
import Foundation

/// SHA-256 as FlowStudy records it: lowercase hex, as `sha256sum` prints it. Every hash in a `run.json`, the
/// review gallery's manifest and the outcomes' provenance is this one encoding, so any of them can be checked
/// against another (or against `sha256sum`).
public enum FileHash {
    /// SHA-256 of a file's bytes; nil when it cannot be read.
    public static func sha256(of path: String) -> String? {
        guard let bytes = try? InputFile.bytes(path) else { return nil }
        return sha256(bytes)
    }

    /// SHA-256 of bytes.
    public static func sha256<D: DataProtocol>(_ bytes: D) -> String { hex(SHA256.hash(data: bytes)) }

    /// SHA-256 of bytes in memory (e.g. a mapped file), without copying them.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hex(hasher.finalize())
    }

    /// A digest as lowercase hex.
    static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest { text.append(digits[Int(byte >> 4)]); text.append(digits[Int(byte & 0x0F)]) }
        return String(decoding: text, as: UTF8.self)
    }
}
