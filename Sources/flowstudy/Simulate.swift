#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FCS
import Simulation
import Tables

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic, realistic monocyte-derived-macrophage sample on the study panel.",
        discussion: "A shifted donor as in docs/simulation.md: --scatter-drift 0.15 --marker-shift CD14=-0.5 --marker-shift CD45=-0.5 --dead-shift 0.3.")

    @Option(parsing: .unconditional, help: "Number of events, 1 to 10,000,000 (FCS files without events are refused by readers, FlowStudy's included).")
    var events: Int = 10_000

    @Option(parsing: .unconditional, help: "Random seed: the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(help: "Leave this marker unstained (an FMO control tube), e.g. CD206.")
    var fmo: String?

    @Option(name: .customLong("scatter-drift"), parsing: .unconditional, help: "Relative drift of FSC and SSC (area and height), e.g. 0.15, or -0.15 for a drift down.")
    var scatterDrift: Double = 0

    @Option(name: .customLong("marker-shift"), help: ArgumentHelp("Move a marker's stain by DECADES (repeatable), e.g. CD14=-0.5.", valueName: "MARKER=DECADES"))
    var markerShift: [String] = []

    @Option(name: .customLong("dead-shift"), parsing: .unconditional, help: ArgumentHelp("Move the dead cells' viability-dye peak by DECADES, e.g. 0.3 or -0.3.", valueName: "DECADES"))
    var deadShift: Double = 0

    @Flag(help: "Also write each event's true population beside the file: TUBE.truth.csv (docs/simulation.md).")
    var truth = false

    @Option(name: .shortAndLong, help: "Output FCS file (.fcs, or .fcs.gz for gzip).")
    var output: String

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1: a file without events is not written") }
        guard events <= MacrophageSimulator.maximumEvents else {
            throw ValidationError("--events must be at most \(MacrophageSimulator.maximumEventsText), not \(events)")
        }
        _ = try markerShifts()
    }

    /// With `--truth` the tube and its sidecar are a pair of files in one folder: each path must be a regular file
    /// or nothing yet. A device (`-o /dev/null` would put the sidecar at `/dev/null.truth.csv`), a FIFO or a folder
    /// is refused before anything is simulated, with exit 64.
    static func checkRegularFilePaths(_ paths: [String]) throws {
        for path in paths {
            var status = stat()
            guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG else { continue }
            let error = TablesError(.unwritableFile, file: path, expected: "a regular file: --truth writes TUBE.truth.csv beside the FCS file",
                                    found: FileIdentity.kind(of: status.st_mode))
            printError("flowstudy: \(error)")
            throw ExitCode.validationFailure
        }
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
        let sidecar = truth ? TruthSidecar.path(forFCS: output) : nil
        try checkOutputs(files: [output, sidecar], inputs: [])
        if let sidecar { try Self.checkRegularFilePaths([output, sidecar]) }
        do {
            var simulator = MacrophageSimulator(events: events, seed: seed, fmoMarker: fmo)
            simulator.shift = DonorShift(scatterDrift: scatterDrift, markerShifts: try markerShifts(), deadPeakShift: deadShift)
            let simulated = try simulator.simulate()
            var writer = FCSWriter()
            writer.gzip = output.hasSuffix(".gz")
            // The file first: a sidecar never describes a tube that was not written.
            try writer.write(simulated.sample, to: output)
            if let sidecar { try AtomicFile.write(simulated.truth.csv(), to: sidecar) }
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
