import ArgumentParser
import Demo
import FCS
import Foundation
import Study
import Tables

/// `flowstudy demo`: a synthetic Sclero-JAK study with a known truth, generated and run end to end (`run`, the
/// default), or only generated (`generate`).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A realistic synthetic SSc ruxolitinib study with a known truth, end to end (docs/demo.md).",
        subcommands: [DemoRun.self, DemoGenerate.self],
        defaultSubcommand: DemoRun.self)
}

/// The demo's size and seed, shared by `demo run` and `demo generate`.
struct DemoOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "SSc patients (UT and RUX cultures each).")
    var patients: Int = 24

    @Option(parsing: .unconditional, help: "Healthy donors (SERUM and SERUM_RUX cultures, each with one patient's serum).")
    var donors: Int = 8

    @Option(parsing: .unconditional, help: "Events per culture tube.")
    var events: Int = 20_000

    @Option(name: .customLong("fmo-events"), parsing: .unconditional, help: "Events per FMO tube.")
    var fmoEvents: Int = 5_000

    var settings: DemoSettings { DemoSettings(seed: seed, patients: patients, donors: donors, events: events, fmoEvents: fmoEvents) }

    func validate() throws {
        do { try settings.validate() } catch let error as DemoError { throw ValidationError(error.message) }
    }
}

/// Generates the demo study into `folder` with progress lines, mapping errors to exit codes.
func generateDemo(_ settings: DemoSettings, into folder: String) throws {
    do {
        try StudyGenerator.checkDestination(folder)
    } catch let error as DemoError {
        printError("flowstudy: \(error)")
        throw ExitCode.validationFailure
    } catch let error as TablesError {
        printError("flowstudy: \(error)")
        throw ExitCode.validationFailure
    }
    let start = Date()
    do {
        let summary = try StudyGenerator(settings: settings).write(to: folder) { printError(String(format: "  %5.1f s  ", Date().timeIntervalSince(start)) + $0) }
        let megabytes = String(format: "%.1f", Double(summary.bytes) / 1_000_000)
        printError("demo study in \(summary.folder): \(summary.subjects) subjects, \(summary.cultures) cultures, \(summary.tubes) FCS tubes, \(summary.plates) plates; \(summary.files) files, \(megabytes) MB in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    } catch let error as DemoError {
        printError("flowstudy: \(error)"); throw badInputData
    } catch let error as TablesError {
        printError("flowstudy: \(error)"); throw badInputData
    } catch let error as FCSError {
        printError("flowstudy: \(error)"); throw badInputData
    }
}

/// `flowstudy demo [run]`: generate the demo study into `OUT/data`, run `flowstudy study` on it into `OUT/study`
/// (review gallery included), and print where the report, a patient page and the gallery are.
struct DemoRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Generate the demo study and run the whole pipeline on it: report, patient pages, gallery.",
        discussion: """
        OUT/data holds the generated study (sheets, FCS tubes, plates, runs.csv, truth.json), OUT/study the \
        outputs of flowstudy study. An existing non-empty OUT that is not a previous demo is refused, never \
        overwritten. The same seed writes byte-identical tables.
        """)

    /// The marker that a folder holds a demo.
    static let marker = ".flowstudy-demo"

    @Option(help: "The demo folder.")
    var out: String = "flowstudy-demo"

    @OptionGroup var demo: DemoOptions

    @Option(help: "The gating template (default: gating-templates/mdm-macrophages.json of this checkout).")
    var template: String?

    @Option(parsing: .unconditional, help: "Tubes processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("no-png"), help: "Skip the PNG copies of the figures.")
    var noPNG = false

    @Flag(help: "No progress on standard error.")
    var quiet = false

    /// The study template of the checkout this binary was built from.
    static var bundledTemplate: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("gating-templates/mdm-macrophages.json").path
    }

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        let template = template ?? Self.bundledTemplate
        guard FileManager.default.fileExists(atPath: template) else {
            throw ValidationError("no template at \(template): give --template gating-templates/mdm-macrophages.json")
        }
    }

    func run() throws {
        MemoryTuning.reuseLargeAllocations()  // many files: reuse freed column blocks (see MemoryTuning)
        let folder = URL(fileURLWithPath: out).standardizedFileURL.path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            guard isFolder.boolValue, names.isEmpty || names.contains(Self.marker) else {
                printError("flowstudy: \(out): expected an absent or empty folder, or a previous demo (with \(Self.marker)); found something else, left as it is")
                throw ExitCode.validationFailure
            }
        }
        // Both runs' folders are checked before the demo's own folder is made (inside another run's folder, its
        // marker file alone would make that run's folder foreign).
        try checkOutputs(folders: [folder + "/data", folder + "/study"], inputs: [template ?? Self.bundledTemplate])
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try AtomicFile.write("flowstudy demo \(FlowStudy.configuration.version)\n", to: folder + "/" + Self.marker)
        } catch {
            printError("flowstudy: \(out): \(error)")
            throw badInputData
        }
        let start = Date()
        try generateDemo(demo.settings, into: folder + "/data")
        let data = folder + "/data"
        let summary = try StudyCommand.runStudy(
            StudyRun.Inputs(samples: data + "/samples.csv", clinical: data + "/clinical.csv", template: template ?? Self.bundledTemplate,
                            elisaRuns: data + "/elisa/runs.csv", out: folder + "/study", jobs: jobs, version: FlowStudy.configuration.version),
            png: !noPNG, quiet: quiet)
        if !quiet { printError(String(format: "flowstudy demo: generated and analysed in %.1f s", Date().timeIntervalSince(start))) }
        if summary.failedTubes + summary.failedPlates > 0 { throw ExitCode(2) }
    }
}

struct DemoGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the demo study only: clinical.csv, samples.csv, FCS tubes, ELISA plates with runs.csv, and truth.json.",
        discussion: "The same options write byte-identical files. An existing non-empty folder that is not a previous demo is refused.")

    @Option(help: "Output folder (created; a previous demo there is replaced whole).")
    var out: String

    @OptionGroup var demo: DemoOptions

    func run() throws {
        try generateDemo(demo.settings, into: out)
    }
}
