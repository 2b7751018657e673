import Tables
import ArgumentParser
import FCS
import Foundation
import Gating

struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gate an FCS file with a template: per-event membership and population statistics.",
        discussion: """
        Gates see scale values (log decoding, gain, time step), compensated and transformed as each dimension says.
        --stats writes population,parent,count,percent_parent,percent_total; --medians writes \
        population,channel,median: the median of every channel in compensated, untransformed units; --gates writes \
        every gate the file used (a data-driven gate as computed from this file, with its method, source and flags).
        """)

    @Argument(help: "The FCS file.")
    var file: String

    @Option(help: "The template (.json, or Gating-ML .xml).")
    var template: String

    @Option(help: "Per-event membership CSV: one 0/1 column per population, one row per event.")
    var events: String?

    @Option(help: "Population statistics CSV (default: standard output).")
    var stats: String?

    @Option(help: "Medians per population and channel (compensated, untransformed) CSV.")
    var medians: String?

    @Option(help: "The gates this file used CSV (population,method,coordinates,source,flags): data-driven gates as computed.")
    var gates: String?

    @Option(parsing: .unconditional, help: "Data set to gate, counting from 1.")
    var dataset: Int = 1

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard dataset >= 1 else { throw ValidationError("--dataset counts from 1") }
    }

    func run() throws {
        try checkOutputs(files: [events, stats, medians, gates], inputs: [file, template])
        try reportingInputErrors(file: file) {
            let loaded = try loadTemplate(template)
            let sample = try FCSFile.readSample(file, dataSet: dataset, options: reading.options)
            let session = try GatingSession(strategy: loaded.strategy(for: sample), sample: sample)
            if let events { try AtomicFile.write(session.result.membershipCSV(), to: events) }
            let table = csvTable(header: GatingResult.populationsHeader, rows: session.result.populationRows())
            try FileHandleOutput.emit(table, to: stats)
            if let gates {
                try AtomicFile.write(csvTable(header: GateDecision.csvHeader, rows: session.result.decisions.map(\.csvRow)), to: gates)
            }
            if let medians {
                try AtomicFile.write(csvTable(header: GatingSession.mediansHeader, rows: try session.medianRows()), to: medians)
            }
        }
    }
}
