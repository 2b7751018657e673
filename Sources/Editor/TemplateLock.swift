#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The lock file beside a template (`T.json.lock`, holding the editor's process id): a second editor on the same
/// template is refused while the first one's process lives; a lock left by a process that has died is taken over.
public final class TemplateLock: Sendable {
    /// The lock file's path.
    public let path: String
    private let pid: Int32

    /// Takes the lock of `template`, or throws ``EditorError/Code/locked`` naming the process that holds it.
    public init(template: String) throws {
        path = template + ".lock"
        pid = getpid()
        // Two tries: the second after removing a stale lock (its process is gone).
        for _ in 0..<2 {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                let text = Array("\(pid)\n".utf8)
                let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                guard written == text.count else {
                    unlink(path)
                    throw EditorError(.write, place: path, "expected to write the lock file, wrote \(written) of \(text.count) bytes")
                }
                return
            }
            guard errno == EEXIST else {
                throw EditorError(.write, place: path, "expected to create the lock file beside the template: \(String(cString: strerror(errno)))")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let holder, holder > 0, Self.isAlive(holder) {
                throw EditorError(.locked, place: path, "the template is open in another editor (process \(holder)); close it first")
            }
            // Stale (dead process, or a lock without a process id): take it over.
            unlink(path)
        }
        throw EditorError(.locked, place: path, "expected to take over a stale lock file, but another editor took it first")
    }

    /// Whether a process with this id exists (EPERM: it exists but belongs to someone else).
    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Removes the lock file if it is still this process's.
    public func release() {
        if let text = try? String(contentsOfFile: path, encoding: .utf8), Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) == pid {
            unlink(path)
        }
    }

    deinit { release() }
}
