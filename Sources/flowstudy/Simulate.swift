import ArgumentParser
import FCS
import Simulation

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic, realistic monocyte-derived-macrophage sample on the study panel.")

    @Option(help: "Number of events, at least 1 (FCS files without events are refused by readers, FlowStudy's included).")
    var events: Int = 10_000

    @Option(help: "Random seed: the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(help: "Leave this marker unstained (an FMO control tube), e.g. CD206.")
    var fmo: String?

    @Option(name: .shortAndLong, help: "Output FCS file (.fcs, or .fcs.gz for gzip).")
    var output: String

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1: a file without events is not written") }
    }

    func run() throws {
        do {
            let simulated = try MacrophageSimulator(events: events, seed: seed, fmoMarker: fmo).simulate()
            var writer = FCSWriter()
            writer.gzip = output.hasSuffix(".gz")
            try writer.write(simulated.sample, to: output)
        } catch let error as MacrophageSimulator.SettingsError {
            throw ValidationError(error.description)
        } catch let error as FCSError {
            printError("flowstudy: \(error)")
            throw badInputData
        }
    }
}
