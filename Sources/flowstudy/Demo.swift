import ArgumentParser
import Demo
import FCS
import Foundation
import Tables

/// `flowstudy demo`: a synthetic Sclero-JAK study with a known truth. `generate` writes it; running the study
/// pipeline on it comes later.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A realistic synthetic SSc ruxolitinib study with a known truth (docs/demo.md).",
        subcommands: [DemoGenerate.self])
}

struct DemoGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the demo study: clinical.csv, samples.csv, FCS tubes, ELISA plates with runs.csv, and truth.json.",
        discussion: "The same options write byte-identical files. An existing non-empty folder that is not a previous demo is refused.")

    @Option(help: "Output folder (created; a previous demo there is replaced whole).")
    var out: String

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "SSc patients (UT and RUX cultures each).")
    var patients: Int = 24

    @Option(help: "Healthy donors (SERUM and SERUM_RUX cultures, each with one patient's serum).")
    var donors: Int = 8

    @Option(help: "Events per culture tube.")
    var events: Int = 20_000

    @Option(name: .customLong("fmo-events"), help: "Events per FMO tube.")
    var fmoEvents: Int = 5_000

    var settings: DemoSettings { DemoSettings(seed: seed, patients: patients, donors: donors, events: events, fmoEvents: fmoEvents) }

    func validate() throws {
        do { try settings.validate() } catch let error as DemoError { throw ValidationError(error.message) }
    }

    func run() throws {
        do {
            try StudyGenerator.checkDestination(out)
        } catch let error as DemoError {
            printError("flowstudy: \(error)")
            throw ExitCode.validationFailure
        } catch let error as TablesError {
            printError("flowstudy: \(error)")
            throw ExitCode.validationFailure
        }
        let start = Date()
        do {
            let summary = try StudyGenerator(settings: settings).write(to: out) { say(String(format: "  %5.1f s  ", Date().timeIntervalSince(start)) + $0) }
            let megabytes = String(format: "%.1f", Double(summary.bytes) / 1_000_000)
            say("demo study in \(summary.folder): \(summary.subjects) subjects, \(summary.cultures) cultures, \(summary.tubes) FCS tubes, \(summary.plates) plates; \(summary.files) files, \(megabytes) MB in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        } catch let error as DemoError {
            printError("flowstudy: \(error)"); throw badInputData
        } catch let error as TablesError {
            printError("flowstudy: \(error)"); throw badInputData
        } catch let error as FCSError {
            printError("flowstudy: \(error)"); throw badInputData
        }
    }
}
