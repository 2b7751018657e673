#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader never sees half of one: bytes go to a temporary file in the same folder, which
/// is flushed and then renamed over the destination. An interrupted write leaves the old file (or none).
///
/// What the destination is decides how it is written:
/// - a regular file, or nothing yet: temporary file + `fsync` + rename (+ `fsync` of the folder when `durable`);
///   an existing file's permission bits (and, where allowed, owner) are kept;
/// - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written through, never replaced;
/// - a symbolic link: followed, so the file it points to is replaced and the link stays a link;
/// - a folder, block device or socket: refused.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
        try bytes.withUnsafeBytes { try write(buffer: $0, to: path, durable: durable) }
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String, durable: Bool = true) throws {
        try write(Array(text.utf8), to: path, durable: durable)
    }

    /// Writes the bytes of `buffer` to `path` atomically; `durable` also flushes the folder entry to disk.
    public static func write(buffer: UnsafeRawBufferPointer, to path: String, durable: Bool = true) throws {
        try stream(to: path, durable: durable) { emit in try emit(buffer) }
    }

    /// Writes what `body` produces, chunk by chunk, to `path` atomically: memory holds only the chunk being
    /// written, and the file appears whole or not at all (an error thrown by `body` leaves the old file).
    public static func stream(to path: String, durable: Bool = true,
                              _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try InputFile.checkPath(path, file: path)
        let target = try followingLinks(path)
        var status = stat()
        var existingMode: mode_t?
        var existingOwner: (uid_t, gid_t)?
        if lstat(target, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                existingMode = status.st_mode & 0o7777
                existingOwner = (status.st_uid, status.st_gid)
            case S_IFCHR, S_IFIFO:
                return try writeThrough(body, to: target, named: path)
            default:
                throw TablesError(.unwritableFile, file: path, expected: "a regular file, a character device or a FIFO",
                                  found: FileIdentity.kind(of: status.st_mode))
            }
        }
        let (folder, name) = split(target)
        let temporary = folder + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            // The system's reason as it says it: /proc exists but answers "No such file or directory".
            throw TablesError(.unwritableFile, file: path, expected: "a folder '\(folder)' where a file can be created",
                              found: "the system refused to create one there (\(String(cString: strerror(errno))))")
        }
        do {
            if let existingMode { fchmod(descriptor, existingMode) }
            if let (uid, gid) = existingOwner, uid != getuid() || gid != getgid() { _ = fchown(descriptor, uid, gid) }
            var written = 0
            try body { chunk in
                try writeAll(chunk, to: descriptor, named: path, at: written)
                written += chunk.count
            }
            if durable, fsync(descriptor) != 0 {
                throw TablesError(.unwritableFile, file: path, expected: "to flush the file to disk", found: String(cString: strerror(errno)))
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, target) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw TablesError(.unwritableFile, file: path, expected: "to rename the finished file into place", found: message)
        }
        if durable { syncFolder(folder) }
    }

    /// Flushes a folder's entries (a rename is durable only once its folder is).
    public static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Flushes every file of the file system that holds `folder` (`syncfs`): what an output set commits
    /// becomes durable in one call, including files written without their own fsync (gallery images written
    /// with `durable: false`, pages and PDFs Chromium writes, copies made across devices).
    public static func syncFileSystem(of folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        if let syncfs = syncFileSystemCall { _ = syncfs(descriptor) } else { sync() }
    }

    /// `syncfs(2)`, looked up at run time (Swift's Glibc module declares it only under _GNU_SOURCE).
    private static let syncFileSystemCall: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    /// Writes every byte of `buffer` to an open descriptor, retrying short writes and EINTR.
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32, named path: String, at offset: Int = 0) throws {
        guard let base = buffer.baseAddress else { return }
        var written = 0
        while written < buffer.count {
            let result = Glibc.write(descriptor, base + written, buffer.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw TablesError(.unwritableFile, file: path, place: "byte \(offset + written)", expected: "to write \(buffer.count) more bytes",
                                  found: String(cString: strerror(errno)))
            }
            written += result
        }
    }

    /// A device or FIFO is written in place: replacing `/dev/null` with a regular file would break the system.
    private static func writeThrough(_ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void, to target: String, named path: String) throws {
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TablesError(.unwritableFile, file: path, expected: "a writable device or FIFO", found: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var written = 0
        try body { chunk in
            try writeAll(chunk, to: descriptor, named: path, at: written)
            written += chunk.count
        }
    }

    /// The path a chain of symbolic links ends at (which need not exist yet).
    static func followingLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK else { return current }
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &target, target.count - 1)
            guard length >= 0 else { return current }
            let destination = String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination : split(current).folder + "/" + destination
        }
        throw TablesError(.unwritableFile, file: path, expected: "a chain of symbolic links that ends", found: "more than 40 links")
    }

    /// The folder (`.` when none is written) and the last component of a path.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}
