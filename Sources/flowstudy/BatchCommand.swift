import Tables
import ArgumentParser
import Batch
import FCS
import Foundation
import Gating

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Gate a sample sheet (or a folder of FCS files) with a template: populations, markers, QC, errors, run.json.",
        discussion: """
        Exit status: 0 when every file was processed, 2 when some inputs failed (each is a line of errors.csv and \
        every other file is processed), 64 for a usage error or a sample sheet with problems, 130 when interrupted \
        (no output file is written then).
        """)

    @Option(help: "The gating template (.json or Gating-ML .xml).")
    var template: String

    @Option(help: "samples.csv, or a folder of FCS files.")
    var samples: String

    @Option(help: "Output folder.")
    var out: String

    @Option(parsing: .unconditional, help: "Files processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Process only shard k of n (k/n): groups of a sample and its controls, round-robin.")
    var shard: String?

    @Option(help: "Per-sample gate overrides (flowstudy-overrides/1); default: <template stem>.overrides.json beside the template, when present.")
    var overrides: String?

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @OptionGroup var reading: ReadingOptions

    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        guard let parsed = BatchOptions.shard(shard) else {
            throw ValidationError("--shard expects k/n with 1 ≤ k ≤ n ≤ \(BatchOptions.maximumShards), e.g. 2/4; found '\(shard)'")
        }
        return parsed
    }

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        _ = try parsedShard()
    }

    func run() throws {
        MemoryTuning.reuseLargeAllocations()  // many files: reuse freed column blocks (see MemoryTuning)
        let overridesPath = GateOverrides.locate(explicit: overrides, forTemplate: template)
        let (loaded, sheet, gateOverrides) = try reportingInputErrors(exit: .validationFailure) {
            let loaded = try loadTemplate(template)
            let sheet = try loadSampleSheet(samples, quiet: quiet, template: loaded)
            try checkPooling(loaded, templatePath: template, sheet: sheet, sheetPath: samples)
            return (loaded, sheet, try loadOverrides(overridesPath, template: loaded, sheet: sheet))
        }
        try checkOutputs(folders: [out], inputs: [template, samples] + (overridesPath.map { [$0] } ?? []) + sheet.entries.map(\.file))
        let options = BatchOptions(jobs: jobs, shard: try parsedShard(), reading: reading.options, quiet: quiet)
        let runner = BatchRunner(template: loaded, sheet: sheet, options: options, overrides: gateOverrides)

        // Ctrl-C, SIGTERM, SIGHUP: stop between files and write nothing.
        let interruption = Interruption()
        let reporter = ProgressReporter(quiet: quiet)
        let start = Date()
        let result = runner.run(cancelled: { interruption.happened }, progress: { reporter.report($0) })
        reporter.finish()
        try interruption.exitIfHappened()
        let run = BatchWriter.provenance(version: FlowStudy.configuration.version, template: template, samples: samples, options: options,
                                         seconds: Date().timeIntervalSince(start), events: result.events, overrides: overridesPath)
        try reportingInputErrors { try BatchWriter.write(result, to: out, run: run) }
        try interruption.exitIfHappened()
        if !result.errors.isEmpty {
            printError("flowstudy: \(result.errors.count) input\(result.errors.count == 1 ? "" : "s") failed; see \(out)/errors.csv")
            throw ExitCode(2)
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the outputs of batch shards into the outputs of one unsharded run.",
        discussion: """
        The shard folders must be exactly the shards 1…n of one batch run: same template, sample sheet and options \
        (as each shard's run.json records them). A missing, doubled or foreign shard is named and nothing is \
        written (exit 64). The merged run.json carries the template and sheet hashes and the options over.
        """)

    @Argument(help: "The output folder.")
    var out: String

    @Argument(help: "Shard output folders.")
    var shards: [String]

    func run() throws {
        try checkOutputs(folders: [out], inputs: shards)
        let merged: (result: BatchResult, run: [String: Any])
        do {
            merged = try BatchWriter.merge(shards)
        } catch let error as ShardMergeError {
            printError(error.description); throw ExitCode.validationFailure
        }
        var run = merged.run
        run["merged_by"] = FlowStudy.configuration.version
        try reportingInputErrors { try BatchWriter.write(merged.result, to: out, run: run) }
        if !merged.result.errors.isEmpty { throw ExitCode(2) }
    }
}

/// Progress on standard error: a redrawn bar on a terminal, a plain line every few seconds otherwise.
final class ProgressReporter: @unchecked Sendable {
    let quiet: Bool
    let terminal = isatty(2) == 1
    private let lock = NSLock()
    private var lastLine = Date.distantPast
    private var drew = false

    init(quiet: Bool) { self.quiet = quiet }

    func report(_ progress: BatchRunner.Progress) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        let rate = progress.seconds > 0 ? Double(progress.events) / progress.seconds : 0
        let remaining = progress.filesDone > 0 ? progress.seconds / Double(progress.filesDone) * Double(progress.filesTotal - progress.filesDone) : 0
        let text = String(format: "%d/%d files  %.2f Mevents/s  ETA %.0f s", progress.filesDone, progress.filesTotal, rate / 1e6, remaining)
        if terminal {
            let width = 30
            let filled = progress.filesTotal > 0 ? width * progress.filesDone / progress.filesTotal : width
            FileHandleOutput.write("\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] " + text + "   ", to: 2)
            drew = true
        } else if Date().timeIntervalSince(lastLine) >= 5 || progress.filesDone == progress.filesTotal {
            FileHandleOutput.write("flowstudy batch: " + text + "\n", to: 2)
            lastLine = Date()
        }
    }

    func finish() {
        if drew { FileHandleOutput.write("\n", to: 2) }
    }
}

