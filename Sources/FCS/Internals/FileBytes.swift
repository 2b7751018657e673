#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tables

/// The bytes of one input file, mapped read-only from the page cache or, for gzip input, inflated in memory.
///
/// Mapping avoids a copy: the DATA segment is decoded straight from the page cache into per-channel columns.
/// The file is never written to.
final class FileBytes: @unchecked Sendable {
    /// The file's bytes (after decompression for `.gz`).
    let buffer: UnsafeRawBufferPointer
    /// Whether the file was gzip-compressed on disk.
    let wasCompressed: Bool
    private let release: () -> Void

    private init(buffer: UnsafeRawBufferPointer, wasCompressed: Bool, release: @escaping () -> Void) {
        self.buffer = buffer
        self.wasCompressed = wasCompressed
        self.release = release
    }

    deinit { release() }

    var count: Int { buffer.count }

    /// Wraps bytes already in memory (tests, in-memory FCS).
    static func copying(_ bytes: [UInt8], compressed: Bool = false) -> FileBytes {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, source.count > 0 {
                storage.baseAddress!.copyMemory(from: base, byteCount: source.count)
            }
        }
        return FileBytes(buffer: UnsafeRawBufferPointer(rebasing: storage[0..<bytes.count]),
                         wasCompressed: compressed, release: { storage.deallocate() })
    }

    /// Opens `path`: maps it, or inflates it when it starts with the gzip magic bytes. `onDiskBytes` sees the
    /// file's bytes as stored (before inflation) while they are mapped, e.g. to hash them in the same read.
    static func open(_ path: String, onDiskBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> FileBytes {
        guard !path.utf8.contains(0) else {
            throw FCSError(.unreadableFile, file: path, expected: "a path without NUL characters", found: "a NUL")
        }
        // Non-blocking, so that a FIFO is refused by the regular-file check below instead of blocking open().
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FCSError(.unreadableFile, file: path, expected: "a readable file",
                           found: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FCSError(.unreadableFile, file: path, expected: "a file whose size can be read",
                           found: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw FCSError(.unreadableFile, file: path, expected: "a regular file", found: FileIdentity.kind(of: status.st_mode))
        }
        let size = Int(status.st_size)
        if size == 0 {
            onDiskBytes?(UnsafeRawBufferPointer(start: nil, count: 0))
            return copying([])
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0),
              address != MAP_FAILED else {
            throw FCSError(.unreadableFile, file: path, expected: "a file that can be mapped",
                           found: String(cString: strerror(errno)))
        }
        let mapped = FileBytes(buffer: UnsafeRawBufferPointer(start: address, count: size),
                               wasCompressed: false, release: { munmap(address, size) })
        onDiskBytes?(mapped.buffer)
        if size >= 2, mapped.buffer[0] == 0x1f, mapped.buffer[1] == 0x8b {
            do {
                return copying(try Gzip.inflate(mapped.buffer), compressed: true)
            } catch let error as FCSError {
                throw error.inFile(path)
            }
        }
        return mapped
    }
}
