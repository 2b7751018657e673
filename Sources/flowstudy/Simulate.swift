import ArgumentParser
import FCS
import Simulation
import Tables

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic, realistic monocyte-derived-macrophage sample on the study panel.",
        discussion: "A shifted donor as in docs/simulation.md: --scatter-drift 0.15 --marker-shift CD14=-0.5 --marker-shift CD45=-0.5 --dead-shift 0.3.")

    @Option(help: "Number of events, at least 1 (FCS files without events are refused by readers, FlowStudy's included).")
    var events: Int = 10_000

    @Option(help: "Random seed: the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(help: "Leave this marker unstained (an FMO control tube), e.g. CD206.")
    var fmo: String?

    @Option(name: .customLong("scatter-drift"), help: "Relative drift of FSC and SSC (area and height), e.g. 0.15 (a drift down: --scatter-drift=-0.15).")
    var scatterDrift: Double = 0

    @Option(name: .customLong("marker-shift"), help: ArgumentHelp("Move a marker's stain by DECADES (repeatable), e.g. CD14=-0.5.", valueName: "MARKER=DECADES"))
    var markerShift: [String] = []

    @Option(name: .customLong("dead-shift"), help: ArgumentHelp("Move the dead cells' viability-dye peak by DECADES, e.g. 0.3.", valueName: "DECADES"))
    var deadShift: Double = 0

    @Flag(help: "Also write each event's true population beside the file: TUBE.truth.csv (docs/simulation.md).")
    var truth = false

    @Option(name: .shortAndLong, help: "Output FCS file (.fcs, or .fcs.gz for gzip).")
    var output: String

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1: a file without events is not written") }
        _ = try markerShifts()
    }

    /// `--marker-shift` values as marker → decades.
    func markerShifts() throws -> [String: Double] {
        var shifts: [String: Double] = [:]
        for text in markerShift {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let decades = Double(parts[1]) else {
                throw ValidationError("--marker-shift \(text): expected MARKER=DECADES, e.g. CD14=-0.5")
            }
            guard shifts[parts[0]] == nil else { throw ValidationError("--marker-shift \(parts[0]) is given twice") }
            shifts[parts[0]] = decades
        }
        return shifts
    }

    func run() throws {
        do {
            var simulator = MacrophageSimulator(events: events, seed: seed, fmoMarker: fmo)
            simulator.shift = DonorShift(scatterDrift: scatterDrift, markerShifts: try markerShifts(), deadPeakShift: deadShift)
            let simulated = try simulator.simulate()
            var writer = FCSWriter()
            writer.gzip = output.hasSuffix(".gz")
            if truth { try AtomicFile.write(simulated.truth.csv(), to: TruthSidecar.path(forFCS: output)) }
            try writer.write(simulated.sample, to: output)
        } catch let error as MacrophageSimulator.SettingsError {
            throw ValidationError(error.description)
        } catch let error as FCSError {
            printError("flowstudy: \(error)")
            throw badInputData
        } catch let error as TablesError {
            printError("flowstudy: \(error)")
            throw badInputData
        }
    }
}
