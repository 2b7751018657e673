#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file as the system knows it: device and inode, so that two spellings of one file (`./a.fcs`, a symlink, a
/// hard link) compare equal and two files with one spelling at different times do not.
public struct FileIdentity: Hashable, Sendable {
    /// The device holding the file.
    public var device: UInt64
    /// The inode on that device.
    public var inode: UInt64

    /// The identity of what `path` names (symlinks followed), or nil when nothing is there.
    public init?(_ path: String) {
        var status = stat()
        guard !path.utf8.contains(0), stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    /// Words for a file type from `st_mode`, for messages.
    public static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }
}

/// Checks, before any work, that no output of a command is one of its inputs.
///
/// Outputs are compared with inputs by device and inode, not by spelling. An output file must not be an input;
/// an output folder must not be an input nor hold one, since a run replaces the folder as a whole.
public enum OutputGuard {
    /// Throws ``TablesError/Code/outputIsInput`` naming both paths when an output file or folder is, or holds,
    /// one of `inputs`. Inputs that do not exist are skipped (their commands report them).
    public static func check(outputFiles: [String] = [], outputFolders: [String] = [], inputs: [String]) throws {
        var known: [FileIdentity: String] = [:]
        for input in inputs { if let identity = FileIdentity(input) { known[identity] = known[identity] ?? input } }
        for output in outputFiles where output != "-" {
            if let identity = FileIdentity(output), let input = known[identity] {
                throw TablesError(.outputIsInput, file: output, expected: "an output that is not one of the command's inputs",
                                  found: "the same file as the input '\(input)'")
            }
        }
        for folder in outputFolders {
            guard let folderIdentity = FileIdentity(folder) else { continue }
            for (_, input) in known.sorted(by: { $0.value < $1.value }) where FileIdentity.chain(of: input).contains(folderIdentity) {
                throw TablesError(.outputIsInput, file: folder, expected: "an output folder that holds none of the command's inputs",
                                  found: "the input '\(input)' inside it (a run replaces the whole folder)")
            }
        }
    }
}

extension FileIdentity {
    /// The identities of `path` and every folder above it (after resolving symlinks), nearest first.
    static func chain(of path: String) -> [FileIdentity] {
        guard let resolved = realpath(path, nil) else { return [] }
        defer { free(resolved) }
        var current = String(cString: resolved)
        var identities: [FileIdentity] = []
        while true {
            if let identity = FileIdentity(current) { identities.append(identity) }
            guard current != "/", let slash = current.lastIndex(of: "/") else { break }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
        return identities
    }
}
