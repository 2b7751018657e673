import Foundation
import Synchronization
import Testing

/// Locates `../shared`, the reference material that sits beside the repository (CI has it; a fresh clone on its
/// own does not). Tests that need it are skipped with a message naming the folder when it is absent.
public enum SharedData {
    /// The repository root, found from this source file's path.
    public static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `../shared` (or `$FLOWSTUDY_SHARED`), if present.
    public static let root: URL? = {
        if let override = ProcessInfo.processInfo.environment["FLOWSTUDY_SHARED"] {
            return FileManager.default.fileExists(atPath: override) ? URL(fileURLWithPath: override) : nil
        }
        let candidate = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }()

    /// Whether `../shared` is present.
    public static var isAvailable: Bool { root != nil }

    /// The message tests print when they skip for lack of `../shared`.
    public static let skipMessage = "../shared is absent: reference-data tests skipped (CI provides it)"

    /// A path inside `../shared`, or nil when the folder is absent.
    public static func url(_ relative: String) -> URL? {
        root?.appendingPathComponent(relative)
    }

    /// The parsed JSON at `relative`, or nil when absent.
    public static func json(_ relative: String) throws -> Any? {
        guard let url = url(relative), FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: [.fragmentsAllowed])
    }
}

/// A fresh temporary folder, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder.
    public let url: URL

    /// Creates a folder under the system temporary directory.
    public init(_ prefix: String = "flowstudy-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A folder for a fixture that a whole test process shares through a `static`: statics are never released, so
    /// such a folder is removed when the process exits instead (a full `swift test` used to leave about 80 MB of
    /// demo studies in the temporary directory). A process that crashes or is killed leaves it behind.
    public static func forProcess(_ prefix: String) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory(prefix)
        RemovedAtExit.add(folder.url)
        return folder
    }

    /// A path inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The process-lifetime folders, removed by an `atexit` handler registered with the first.
private enum RemovedAtExit {
    static let state = Mutex<(handlerRegistered: Bool, folders: [URL])>((false, []))

    static func add(_ folder: URL) {
        state.withLock { state in
            if !state.handlerRegistered {
                state.handlerRegistered = true
                atexit { RemovedAtExit.removeAll() }
            }
            state.folders.append(folder)
        }
    }

    static func removeAll() {
        let folders = state.withLock { state in
            defer { state.folders = [] }
            return state.folders
        }
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
    }
}

extension Double {
    /// Relative closeness with an absolute floor, as golden comparisons need (after swift-numerics).
    public func isApproximatelyEqual(to other: Double, relativeTolerance: Double, absoluteTolerance: Double = 0) -> Bool {
        if self == other { return true }
        if isNaN && other.isNaN { return true }
        let scale = Swift.max(abs(self), abs(other))
        return abs(self - other) <= Swift.max(relativeTolerance * scale, absoluteTolerance)
    }
}

/// A Python interpreter with the named modules importable, for cross-checks, or nil.
///
/// `FLOWSTUDY_PYTHON` names one explicitly (`.ci/run` points it at its venv); otherwise `.venv/bin/python` in
/// the repository, then `python3` on the PATH, are tried.
public func pythonWith(_ modules: [String]) -> String? {
    var candidates: [String] = []
    if let explicit = ProcessInfo.processInfo.environment["FLOWSTUDY_PYTHON"] { candidates.append(explicit) }
    candidates.append(SharedData.repositoryRoot.appendingPathComponent(".venv/bin/python").path)
    candidates.append("/usr/bin/python3")
    for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
        let result = run(python, ["-c", "import " + modules.joined(separator: ", ")])
        if result.status == 0 { return python }
    }
    return nil
}

/// Runs a program to completion and returns its exit status, standard output and standard error.
@discardableResult
public func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                environment: [String: String]? = nil, in directory: URL? = nil) -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inPipe = Pipe()
    process.standardInput = inPipe
    do { try process.run() } catch { return (-1, "", "\(error)") }
    if let input { inPipe.fileHandleForWriting.write(input) }
    try? inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so a full stderr never blocks the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
}

/// The `flowstudy` executable built beside the test bundle (`swift test` builds it first).
public func flowstudyExecutable() -> String? {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("flowstudy")
    let candidates = [beside.path,
                      SharedData.repositoryRoot.appendingPathComponent(".build/debug/flowstudy").path]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

extension Trait where Self == ConditionTrait {
    /// Runs a test or suite only when `../shared` is present, and says so visibly when it is skipped.
    public static var needsShared: Self {
        .enabled(if: SharedData.isAvailable, Comment(rawValue: SharedData.skipMessage))
    }
}
