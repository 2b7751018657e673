import ArgumentParser
import Batch
import FCS
import Foundation
import Gating
import Plots
import Tables

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a static gate-review gallery: every gate on every sample, outliers first, what changed since the last run.",
        discussion: """
        The gallery (index.html, a page per gate and per sample, img/*.png, manifest.json) has no external assets and \
        opens from file://. Re-running into the same folder after a template edit draws only the cells whose gate, \
        plot siblings, ancestors or transforms changed; the others are reused from the manifest. Outliers are \
        compared within comparable tubes (stained samples together, each control type and marker apart, a control's \
        own-marker gate left out); a sheet's FMO and isotype tubes are overlaid on the matched sample's histograms. Exit status: 0, 2 when some samples could not be gated (listed on the \
        index page), 64 for a bad template or sample sheet.
        """)

    @Option(help: "The gating template (.json or Gating-ML .xml).")
    var template: String

    @Option(help: "samples.csv, or a folder of FCS files.")
    var samples: String

    @Option(help: "Output folder (reused as the cache on the next run).")
    var out: String

    @Option(parsing: .unconditional, help: "Samples drawn at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(parsing: .unconditional, help: "Cell size in pixels on the gate and sample pages.")
    var size: Int = 220

    @Option(parsing: .unconditional, help: "An outlier must also be at least this many percentage points from its kind's median.")
    var minDifference: Double = 2

    @Option(help: "Per-sample gate overrides (flowstudy-overrides/1); default: <template stem>.overrides.json beside the template, when present.")
    var overrides: String?

    @Flag(help: "Print nothing but failures.")
    var quiet = false

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard (64...1024).contains(size) else { throw ValidationError("--size must be between 64 and 1024") }
        guard minDifference.isFinite, minDifference >= 0 else { throw ValidationError("--min-difference must be a number of points ≥ 0") }
    }

    func run() throws {
        MemoryTuning.reuseLargeAllocations()  // many files: reuse freed column blocks (see MemoryTuning)
        let overridesPath = GateOverrides.locate(explicit: overrides, forTemplate: template)
        let gallery = try reportingInputErrors(exit: .validationFailure) {
            let loaded = try loadTemplate(template)
            let text = try InputFile.text(template)
            let sheet = try loadSampleSheet(samples, quiet: true, template: loaded)
            let entries = sheet.entries.map(ReviewGallery.Entry.init)
            try checkPooling(loaded, templatePath: template, sheet: sheet, sheetPath: samples)
            let gateOverrides = try loadOverrides(overridesPath, template: loaded, sheet: sheet)
            return ReviewGallery(template: loaded, templateText: text, entries: entries, jobs: jobs, size: size, reading: reading.options,
                                 outlierRule: OutlierRule(minimumDifference: minDifference), overrides: gateOverrides)
        }
        try checkOutputs(folders: [out], inputs: [template, samples] + (overridesPath.map { [$0] } ?? []) + gallery.entries.map(\.file))
        let start = Date()
        let interruption = Interruption()
        let result: ReviewGallery.Result
        do {
            result = try reportingInputErrors { try gallery.build(in: out, cancelled: { interruption.happened }) }
        } catch is CancellationError {
            try interruption.exitIfHappened()
            throw ExitCode(130)
        }
        let drawn = result.cells.filter(\.drawn).count
        if !quiet {
            printError(String(format: "flowstudy: %d cells (%d drawn, %d reused), %d outliers in %.1f s → %@", result.cells.count, drawn,
                              result.cells.count - drawn, result.flagged.count, Date().timeIntervalSince(start),
                              (out as NSString).appendingPathComponent("index.html")))
            for (population, sample, delta) in result.changes.prefix(5) {
                printError(String(format: "  changed: %@ on %@ by %.2f points", population, sample, delta))
            }
        }
        for (sample, reason) in result.failures { printError("  failed: \(sample): \(reason)") }
        if !result.failures.isEmpty { throw ExitCode(2) }
    }
}
