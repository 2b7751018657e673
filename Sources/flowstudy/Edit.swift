import FCS
import ArgumentParser
import Batch
import Editor
import Foundation
import Gating
import Tables

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit a gating template in the browser: drag gates, see every sample re-gated, save with numbered previous versions.",
        discussion: """
        Serves a local page on 127.0.0.1 only, at a URL carrying a random token (printed on standard output). The \
        editor writes only the template, its previous versions beside it (T.json.1, T.json.2, …) and T.json.lock, \
        which keeps a second editor off the same template while this one runs. Per-sample overrides are read as \
        the batch reads them (--overrides, or T.overrides.json beside the template) and drawn, not edited. Exit status: 0 when stopped with \
        Ctrl-C, 64 for a bad template, sample sheet or overrides file or a template open in another editor, 65 for a template that \
        cannot be read. See docs/editor.md.
        """)

    @Option(help: "The JSON gating template to edit (it is rewritten on Save).")
    var template: String

    @Option(help: "samples.csv, or a folder of FCS files.")
    var samples: String

    @Option(help: "Per-sample gate overrides (flowstudy-overrides/1); default: <template stem>.overrides.json beside the template, when present.")
    var overrides: String?

    @Option(parsing: .unconditional, help: "Port on 127.0.0.1 (default: a free port).")
    var port: Int = 0

    @Flag(help: "Open the page in the desktop's browser (xdg-open).")
    var open = false

    @Option(parsing: .unconditional, help: "Samples gated at once in the background (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let problem = EditorServer.portProblem(port) { throw ValidationError(problem) }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard template.lowercased().hasSuffix(".json") else {
            throw ValidationError("--template must be a JSON template (convert Gating-ML first: flowstudy template convert T.xml -o T.json)")
        }
    }

    func run() throws {
        MemoryTuning.reuseLargeAllocations()  // many files: reuse freed column blocks (see MemoryTuning)
        // Everything is checked before the server starts: the template, the sheet, the overrides (as the batch
        // reads them), then the lock.
        let overridesPath = GateOverrides.locate(explicit: overrides, forTemplate: template)
        let (loaded, sheet, gateOverrides) = try reportingInputErrors(exit: .validationFailure) {
            let loaded = try loadTemplate(template)
            let sheet = try loadSampleSheet(samples, quiet: true, template: loaded)
            try checkPooling(loaded, templatePath: template, sheet: sheet, sheetPath: samples)
            return (loaded, sheet, try loadOverrides(overridesPath, template: loaded, sheet: sheet))
        }
        let lock: TemplateLock
        do {
            lock = try TemplateLock(template: template)
        } catch let error as EditorError {
            printError("flowstudy: \(error)")
            throw error.code == .locked ? ExitCode.validationFailure : badInputData
        }
        defer { lock.release() }
        let session = EditorSession(templatePath: template, template: loaded, entries: sheet.entries, overrides: gateOverrides,
                                    matchesControls: sheet.matchesControls, reading: reading.options, jobs: jobs)
        session.start()
        // Hummingbird logs at info unless told otherwise; the command prints its own URL.
        if ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { setenv("LOG_LEVEL", "warning", 1) }
        let server = EditorServer(session: session)
        let token = server.token
        let open = self.open
        let application = server.application(port: port) { port in
            let url = "http://127.0.0.1:\(port)/?token=\(token)"
            say("flowstudy edit: \(url)")
            printError("flowstudy: editing \(template) with \(sheet.entries.count) samples"
                       + (overridesPath.map { "; overrides from \($0) (\(gateOverrides.overrides.count))" } ?? "") + "; Ctrl-C to stop")
            if open {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["xdg-open", url]
                try? process.run()
            }
        }
        let finished = DispatchSemaphore(value: 0)
        let failure = Mutexed<Error?>(nil)
        Task {
            do { try await application.runService() } catch { failure.set(error) }
            finished.signal()
        }
        finished.wait()
        if let error = failure.get() {
            printError("flowstudy: the editor's server stopped: \(error)")
            throw badInputData
        }
    }
}

/// A value shared between the server's task and the command's thread.
final class Mutexed<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ new: Value) { lock.withLock { value = new } }
    func get() -> Value { lock.withLock { value } }
}
