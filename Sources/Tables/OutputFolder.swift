#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The files of one run, written as a set: a reader of the output folder sees the previous run's files or this
/// run's, never a mix of the two, and never a half-written file.
///
/// Files go into a fresh staging folder beside the destination (`.NAME.flowstudy-staging.PID`). ``commit()``
/// flushes them and switches the staging folder into place in one `renameat2(RENAME_EXCHANGE)` (two renames
/// where the file system lacks it: between them the folder is briefly absent, still never mixed), then removes
/// the previous run's files. A killed run leaves only its staging folder, which the next run removes.
///
/// FlowStudy owns the folders it writes. Each holds `.flowstudy-output`, the list of files it wrote; an existing
/// folder is replaced only when it is empty or every file in it is on that list, so nothing FlowStudy did not
/// write is ever moved or deleted. The check runs before any work (``validate(_:)``).
public final class OutputFolder: @unchecked Sendable {
    /// The name of the list of files FlowStudy wrote into an output folder.
    public static let listName = ".flowstudy-output"

    /// Where the run's files will be once committed.
    public let destination: String
    /// Where the previous run's files are read from for ``keep(_:)`` (the destination, unless the run is part of
    /// a larger one that will replace it: then the larger run's previous folder).
    public let previousRun: String
    /// The staging folder the files are written into until then.
    public let staging: String
    private var written: Set<String> = []
    private var finished = false
    /// Guards `written`: a gallery writes its images from several threads.
    private let lock = NSLock()

    /// Prepares a run into `destination`: checks it (see ``validate(_:)``), removes staging folders that killed
    /// runs left, and creates this run's staging folder.
    public init(_ destination: String, previousRun: String? = nil) throws {
        try Self.validate(destination)
        self.destination = URL(fileURLWithPath: destination).standardizedFileURL.path
        self.previousRun = previousRun.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? self.destination
        let (parent, name) = AtomicFile.split(self.destination)
        Self.removeAbandonedStaging(parent: parent, name: name)
        staging = parent + "/.\(name).flowstudy-staging.\(getpid())"
        try? FileManager.default.removeItem(atPath: staging)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw TablesError(.unwritableFile, file: destination, expected: "a writable folder '\(parent)' to stage the run in",
                              found: (error as NSError).localizedDescription)
        }
    }

    deinit { if !finished { discard() } }

    /// Checks, before any work, that `destination` can take a run: absent (its parent is created), an empty
    /// folder, or a folder whose every file FlowStudy wrote. Throws naming the first foreign entries otherwise.
    public static func validate(_ destination: String) throws {
        try InputFile.checkPath(destination, file: destination)
        let path = trimmed(destination)
        try checkStageable(destination)
        try checkNotInsideRun(destination)
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw TablesError(.foreignOutputFolder, file: destination, expected: "an output folder (absent, empty, or written by FlowStudy)",
                              found: FileIdentity.kind(of: status.st_mode))
        }
        let present = files(under: path)
        guard !present.isEmpty else { return }
        let listed = Set(readList(path) ?? [])
        let foreign = present.filter { $0 != listName && !listed.contains($0) }
        guard foreign.isEmpty else {
            let shown = shortList(foreign.map { "'\($0)'" }, first: 3)
            throw TablesError(.foreignOutputFolder, file: destination,
                              expected: "an output folder that is absent, empty or written by FlowStudy (a run replaces it whole)",
                              found: "files FlowStudy did not write: \(shown)")
        }
    }

    /// Checks, before any work, that a folder can be made where the run will stage (beside `destination`, in its
    /// nearest existing ancestor when the parent does not exist yet), by making and removing one there. Without
    /// this, an output under `/proc` or under a regular file failed only when the results were written.
    static func checkStageable(_ destination: String) throws {
        var ancestor = AtomicFile.split(URL(fileURLWithPath: trimmed(destination)).standardizedFileURL.path).folder
        var status = stat()
        while lstat(ancestor, &status) != 0 && ancestor != "/" {
            ancestor = AtomicFile.split(ancestor).folder
        }
        let probe = ancestor + (ancestor.hasSuffix("/") ? "" : "/") + ".flowstudy-probe.\(getpid())"
        guard mkdir(probe, 0o700) == 0 else {
            throw TablesError(.unwritableFile, file: destination, expected: "a folder FlowStudy can write in for the run ('\(ancestor)')",
                              found: String(cString: strerror(errno)))
        }
        rmdir(probe)
    }

    /// Checks that `destination` is not inside another run's folder (one holding ``listName``): that run's next
    /// rerun would replace its folder whole and lose this one, and until then the files make it look foreign
    /// (`outcomes --out flow/outcomes` made the next `batch --out flow` refuse).
    static func checkNotInsideRun(_ destination: String) throws {
        var folder = AtomicFile.split(URL(fileURLWithPath: trimmed(destination)).standardizedFileURL.path).folder
        while true {
            if access(folder + (folder.hasSuffix("/") ? "" : "/") + listName, F_OK) == 0 {
                throw TablesError(.foreignOutputFolder, file: destination, expected: "an output folder outside other FlowStudy runs' folders",
                                  found: "it is inside '\(folder)', a run's folder that its next run replaces whole")
            }
            guard folder != "/" else { return }
            folder = AtomicFile.split(folder).folder
        }
    }

    /// The staging path of `name` (a relative path such as `img/a.png`), its folder created.
    public func path(_ name: String) throws -> String {
        let full = staging + "/" + name
        let folder = AtomicFile.split(full).folder
        if folder != staging { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        lock.withLock { _ = written.insert(name) }
        return full
    }

    /// Writes `bytes` as `name` in this run; `durable` flushes it now (commit flushes every file of the set in any
    /// case, with one `syncfs`, and then the folders).
    public func write(_ bytes: [UInt8], to name: String, durable: Bool = true) throws {
        try AtomicFile.write(bytes, to: try path(name), durable: durable)
    }

    /// Writes UTF-8 `text` as `name` in this run.
    public func write(_ text: String, to name: String, durable: Bool = true) throws {
        try write(Array(text.utf8), to: name, durable: durable)
    }

    /// Carries `name` over unchanged from the previous run in the destination (a hard link; a copy across
    /// devices). Returns false when the previous run has no such file.
    @discardableResult
    public func keep(_ name: String) throws -> Bool {
        let previous = previousRun + "/" + name
        var status = stat()
        guard lstat(previous, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        return try self.link(previous, as: name)
    }

    /// Puts the existing file `source` into this run as `name`, unchanged: a hard link (no bytes copied), or a
    /// copy across devices. Returns false when neither works. For content-addressed files (gallery images).
    @discardableResult
    public func link(_ source: String, as name: String) throws -> Bool {
        let target = try path(name)
        if hardLink(source, target) != 0 {
            do { try FileManager.default.copyItem(atPath: source, toPath: target) } catch {
                lock.withLock { _ = written.remove(name) }
                return false
            }
        }
        return true
    }

    /// Takes `name` back out of this run (a file that failed half-way): deletes it and drops it from the list.
    public func forget(_ name: String) {
        unlink(staging + "/" + name)
        lock.withLock { _ = written.remove(name) }
    }

    /// The path of `name` in the previous run (the destination as it is until commit).
    public func previous(_ name: String) -> String { previousRun + "/" + name }

    /// Puts this run's files in place of the previous run's, in one step.
    public func commit() throws {
        guard !finished else { return }
        // Everything in the staging folder is this run's: files written here and by runs nested in it.
        let names = Array(Set(lock.withLock { written }).union(Self.files(under: staging))).filter { $0 != Self.listName }.sorted()
        let list = try JSONSerialization.data(withJSONObject: ["written_by": "flowstudy", "files": names],
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(Array(list) + [0x0A], to: staging + "/" + Self.listName)
        // Every file's bytes on disk before the set is moved into place, whoever wrote them and however.
        AtomicFile.syncFileSystem(of: staging)
        for folder in Set(names.map { AtomicFile.split(staging + "/" + $0).folder }) { AtomicFile.syncFolder(folder) }
        AtomicFile.syncFolder(staging)
        let (parent, _) = AtomicFile.split(destination)
        var status = stat()
        if lstat(destination, &status) != 0 {
            guard rename(staging, destination) == 0 else { throw renameError() }
        } else {
            try Self.validate(destination)
            if !Self.exchange(staging, destination) {
                let aside = staging + ".previous"
                guard rename(destination, aside) == 0 else { throw renameError() }
                guard rename(staging, destination) == 0 else { let error = renameError(); rename(aside, destination); throw error }
                rename(aside, staging)
            }
            Self.removeRun(at: staging)
        }
        finished = true
        AtomicFile.syncFolder(parent)
    }

    /// Abandons the run: removes the staging folder and leaves the destination as it was.
    public func discard() {
        finished = true
        try? FileManager.default.removeItem(atPath: staging)
    }

    private func renameError() -> TablesError {
        TablesError(.unwritableFile, file: destination, expected: "to move the finished run into place", found: String(cString: strerror(errno)))
    }
}

extension OutputFolder {
    /// `renameat2(…, RENAME_EXCHANGE)`, looked up at run time (Swift's Glibc module does not export it).
    private static let renameExchange: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
    }()

    /// Swaps two paths atomically; false when the system or file system cannot.
    static func exchange(_ a: String, _ b: String) -> Bool {
        guard let renameExchange else { return false }
        let RENAME_EXCHANGE: UInt32 = 1 << 1
        return renameExchange(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0
    }

    /// Every regular file and link under `folder`, as paths relative to it.
    static func files(under folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var names: [String] = []
        while let name = enumerator.nextObject() as? String {
            var status = stat()
            if lstat(folder + "/" + name, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR { names.append(name) }
        }
        return names.sorted()
    }

    /// The files a FlowStudy run says it wrote into `folder`, or nil when it holds no such list.
    static func readList(_ folder: String) -> [String]? {
        guard let bytes = try? InputFile.bytes(folder + "/" + listName),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        return object["files"] as? [String]
    }

    /// Removes a previous run: only the files its list names, then the folders left empty.
    static func removeRun(at folder: String) {
        for name in (readList(folder) ?? []) + [listName] { unlink(folder + "/" + name) }
        let folders = (FileManager.default.subpaths(atPath: folder) ?? []).filter {
            var status = stat()
            return lstat(folder + "/" + $0, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
        }
        for sub in folders.sorted(by: { $0.count > $1.count }) { rmdir(folder + "/" + sub) }
        rmdir(folder)
    }

    /// Removes staging folders of `name` whose process is gone (a run killed before it committed).
    static func removeAbandonedStaging(parent: String, name: String) {
        let prefix = ".\(name).flowstudy-staging."
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            let pidText = rest.hasSuffix(".previous") ? rest.dropLast(".previous".count) : rest
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: parent + "/" + entry)
        }
    }

    /// `path` without trailing slashes (a rename of `out/` means `out`).
    static func trimmed(_ path: String) -> String {
        var text = path
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

/// `link(2)`, named apart from ``OutputFolder/link(_:as:)``.
private func hardLink(_ source: String, _ target: String) -> Int32 { link(source, target) }
