#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import Tables

/// Text from files (FCS keywords, ids, names) made safe for a terminal: control characters, which could move the
/// cursor, clear the screen or set the window title (`ESC ]0;…BEL`), are shown as `\x1B`-style escapes.
/// Line feeds and tabs pass; a backslash itself is left as it is.
func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            out.append(contentsOf: String(format: scalar.value < 0x100 ? "\\x%02X" : "\\u{%X}", scalar.value).unicodeScalars)
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

/// C0 controls but line feed and tab, DEL, C1 controls, and the bidirectional overrides that reorder what a
/// terminal shows.
private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: return false
    case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
}

/// Checks, before any work, that a command's outputs neither are nor hold its inputs, that no two outputs are
/// the same file, and that each output folder can take a run. A problem is printed and becomes exit 64.
func checkOutputs(files: [String?] = [], folders: [String] = [], inputs: [String]) throws {
    let files = files.compactMap { $0 }.filter { $0 != "-" }
    do {
        try OutputGuard.check(outputFiles: files, outputFolders: folders, inputs: inputs)
        var seen: [String: String] = [:]
        for file in files {
            let key = FileIdentity(file).map { "\($0.device):\($0.inode)" } ?? URL(fileURLWithPath: file).standardizedFileURL.path
            if let other = seen[key] {
                throw TablesError(.outputIsInput, file: file, expected: "a different file for each output", found: "the same file as the output '\(other)'")
            }
            seen[key] = file
        }
        for folder in folders { try OutputFolder.validate(folder) }
    } catch let error as TablesError {
        printError("flowstudy: \(error)")
        throw ExitCode.validationFailure
    }
}

/// SIGINT, SIGTERM and SIGHUP, caught so that a command stops between units of work, discards its unfinished
/// output set and exits 130, leaving the previous outputs as they were.
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var arrived = false
    private var sources: [any DispatchSourceSignal] = []

    /// Starts catching the three signals.
    init() {
        sources = [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in lock.withLock { arrived = true } }
            source.resume()
            return source
        }
    }

    /// Whether a signal has arrived.
    var happened: Bool { lock.withLock { arrived } }

    /// Exit 130 with a message when a signal has arrived.
    func exitIfHappened() throws {
        guard happened else { return }
        printError("flowstudy: interrupted; no output written, previous outputs left as they were")
        throw ExitCode(130)
    }
}
