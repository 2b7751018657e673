import Tables
import ArgumentParser
import FCS
import Foundation
import Gating
import Plots

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a gate over its parent's events: a density in the gate's own (transformed) space with every gate defined there.",
        discussion: "PNG: the raster (density and gate outlines; a histogram's kept side shaded). SVG: the labelled figure (axes in data units, FlowJo-style decades with minor ticks on logicle/asinh/log axes, labels thinned to fit, gate names and %, a histogram's legend), with the raster embedded.")

    @Argument(help: "The FCS file.")
    var file: String

    @Option(help: "The template (.json or Gating-ML .xml).")
    var template: String

    @Option(help: "The population whose gate to draw.")
    var population: String

    @Option(help: "A control tube (FMO or isotype) to overlay on a one-dimensional gate's histogram.")
    var control: String?

    @Option(parsing: .unconditional, help: "Plot size in pixels.")
    var size: Int = 320

    @Option(name: .shortAndLong, help: "Output .png or .svg.")
    var output: String

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard output.hasSuffix(".png") || output.hasSuffix(".svg") else { throw ValidationError("-o must end in .png or .svg") }
        guard (64...4096).contains(size) else { throw ValidationError("--size must be between 64 and 4096") }
    }

    func run() throws {
        try checkOutputs(files: [output], inputs: [file, template] + (control.map { [$0] } ?? []))
        try reportingInputErrors(file: file) {
            let loaded = try loadTemplate(template)
            let sample = try FCSFile.readSample(file, options: reading.options)
            let session = try GatingSession(strategy: loaded.strategy(for: sample), sample: sample)
            var controls: [GatePlot.Control] = []
            if let control {
                let controlSample = try FCSFile.readSample(control, options: reading.options)
                let name = (control as NSString).lastPathComponent
                let controlSession = try GatingSession(strategy: loaded.strategy(for: controlSample), sample: controlSample)
                controls.append(try GatePlot.Control(label: "control: \(name)", session: controlSession, population: population))
            }
            let plot = try GatePlot(session: session, population: population, size: size, controls: controls)
            if output.hasSuffix(".png") { try AtomicFile.write(plot.png(), to: output) } else { try AtomicFile.write(plot.svg(), to: output) }
        }
    }
}
