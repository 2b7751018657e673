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
    private let unmap: () -> Void
    /// Whether `buffer` is a file mapping (rather than bytes in memory).
    private let isMapped: Bool
    /// Mapped bytes before this offset were handed back to the kernel (``advance(to:)``).
    private var releasedUpTo = 0
    /// Mapped bytes before this offset were faulted in ahead of decoding.
    private var populatedUpTo = 0

    private init(buffer: UnsafeRawBufferPointer, wasCompressed: Bool, mapped: Bool = false, release: @escaping () -> Void) {
        self.buffer = buffer
        self.wasCompressed = wasCompressed
        self.isMapped = mapped
        self.unmap = release
    }

    deinit { unmap() }

    var count: Int { buffer.count }

    /// Wraps bytes already in memory (tests, in-memory FCS); gzip bytes are inflated under `options`' cap.
    static func inMemory(_ bytes: [UInt8], options: FCSReadOptions = FCSReadOptions()) throws -> FileBytes {
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b {
            return try bytes.withUnsafeBytes { try inflating($0, options: options) }
        }
        return copying(bytes)
    }

    /// Copies bytes already in memory.
    static func copying(_ bytes: [UInt8]) -> FileBytes {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, let target = storage.baseAddress, source.count > 0 {
                target.copyMemory(from: base, byteCount: source.count)
            }
        }
        return FileBytes(buffer: UnsafeRawBufferPointer(rebasing: storage[0..<bytes.count]),
                         wasCompressed: false, release: { storage.deallocate() })
    }

    /// Inflates gzip bytes into a buffer of their own, under the cap `options` give for their size.
    private static func inflating(_ compressed: UnsafeRawBufferPointer, options: FCSReadOptions) throws -> FileBytes {
        let inflated = try Gzip.inflate(compressed, limit: options.inflationLimit(compressedBytes: compressed.count))
        return FileBytes(buffer: UnsafeRawBufferPointer(inflated), wasCompressed: true,
                         release: { free(inflated.baseAddress) })
    }

    /// Opens `path`: maps it, or inflates it when it starts with the gzip magic bytes. `onDiskBytes` sees the
    /// file's bytes as stored (before inflation) while they are mapped, e.g. to hash them in the same read.
    ///
    /// The mapping is not populated up front: a page enters memory when it is read, so reading only HEADER and
    /// TEXT (`options.readEvents == false`) touches a few pages however large the file is.
    static func open(_ path: String, options: FCSReadOptions = FCSReadOptions(),
                     onDiskBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> FileBytes {
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
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw FCSError(.unreadableFile, file: path, expected: "a file that can be mapped",
                           found: String(cString: strerror(errno)))
        }
        let mapped = FileBytes(buffer: UnsafeRawBufferPointer(start: address, count: size),
                               wasCompressed: false, mapped: true, release: { munmap(address, size) })
        onDiskBytes?(mapped.buffer)
        if size >= 2, mapped.buffer[0] == 0x1f, mapped.buffer[1] == 0x8b {
            do {
                _ = madvise(address, size, MADV_SEQUENTIAL)
                return try inflating(mapped.buffer, options: options)
            } catch let error as FCSError {
                throw error.inFile(path)
            }
        }
        return mapped
    }

    /// Tells the kernel the bytes before `end` (absolute offset) are no longer needed and the next ones soon will
    /// be: pages behind leave this process's memory (the page cache keeps them), the next 16 MB are faulted in at
    /// once (`MADV_POPULATE_READ`, Linux 5.14+; ignored elsewhere), so decoding a large DATA segment neither holds
    /// the whole file beside its columns nor pays a page fault per 4 KiB. A no-op for bytes held in memory.
    func advance(to end: Int) {
        guard !wasCompressed, isMapped, let base = buffer.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mutable = UnsafeMutableRawPointer(mutating: base)
        let behind = min(end, buffer.count) / page * page
        if behind > releasedUpTo {
            _ = madvise(mutable + releasedUpTo, behind - releasedUpTo, MADV_DONTNEED)
            releasedUpTo = behind
        }
        let ahead = min(buffer.count, behind + (16 << 20))
        if ahead > populatedUpTo {
            let from = max(populatedUpTo, behind)
            #if os(Linux)
            _ = madvise(mutable + from, ahead - from, 22 /* MADV_POPULATE_READ */)
            #endif
            populatedUpTo = ahead
        }
    }
}
