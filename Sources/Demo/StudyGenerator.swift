import ELISA
import FCS
import Foundation
import Simulation
import Tables

/// Generates a realistic synthetic Sclero-JAK study with a known truth, written with FlowStudy's own writers:
/// `clinical.csv`, `samples.csv`, one FCS 3.1 file per culture tube and FMO tube under `fcs/`, ELISA plate exports
/// (BioTek Gen5 text and Thermo SkanIt .xlsx) with their layouts and `runs.csv` under `elisa/`, `truth.json`, and
/// `demo.json`, the marker that says the folder is a demo (see ``checkDestination(_:)``). The same settings write
/// byte-identical files. See `docs/demo.md`.
public struct StudyGenerator: Sendable {
    /// The marker file's name.
    public static let markerName = "demo.json"
    /// Version of the model; bumped when the same seed would write other files.
    public static let version = 1

    /// Cohort size, events and seed.
    public var settings: DemoSettings
    /// The flow model.
    public var flow = FlowModel()
    /// The ELISA model.
    public var elisa = ELISAModel()

    /// A generator for `settings`.
    public init(settings: DemoSettings) {
        self.settings = settings
    }

    /// What was written.
    public struct Summary: Sendable {
        /// The study folder.
        public var folder: String
        /// Subjects, cultures, FCS tubes and plates.
        public var subjects: Int, cultures: Int, tubes: Int, plates: Int
        /// Files and bytes written.
        public var files: Int, bytes: Int
    }

    /// Draws the study (everything but the events).
    public func design() throws -> StudyDesign { try StudyDesign(settings: settings, flow: flow, elisa: elisa) }

    /// Refuses a destination that exists, is not empty, and is not a previous demo (no `demo.json` written by this
    /// command) or holds files FlowStudy did not write (``OutputFolder/validate(_:)``).
    public static func checkDestination(_ destination: String) throws {
        try OutputFolder.validate(destination)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder), isFolder.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: destination), !names.isEmpty else { return }
        let marker = (destination as NSString).appendingPathComponent(markerName)
        guard let bytes = try? InputFile.bytes(marker),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              object["written_by"] as? String == "flowstudy demo generate" else {
            throw DemoError(.foreignFolder, "\(destination): expected an absent or empty folder, or a previous demo (with \(markerName)); found a folder that is not a demo, left as it is")
        }
    }

    /// Generates the study into `destination` as one output set (``OutputFolder``: a previous demo there is
    /// replaced whole, only once everything is written). `progress` hears each step.
    @discardableResult
    public func write(to destination: String, progress: @Sendable (String) -> Void = { _ in }) throws -> Summary {
        try settings.validate()
        try Self.checkDestination(destination)
        let design = try self.design()
        progress("designed \(design.cohort.patients.count) patients, \(design.cohort.donors.count) donors, \(design.tubes.count) tubes, \(design.plates.count) plates")
        let output = try OutputFolder(destination)
        var bytes = 0
        func write(_ data: [UInt8], _ name: String) throws {
            try output.write(data, to: name, durable: false)
            bytes += data.count
        }
        // FCS tubes, in parallel; each records its realised viability.
        let tubeResults = try parallelMap(design.tubes.count) { i -> (viability: Double, bytes: Int) in
            let tube = design.tubes[i]
            let simulated = try tube.simulator.simulate()
            let encoded = try FCSWriter().encode([simulated.sample])
            try output.write(encoded, to: tube.file, durable: false)
            let dead = simulated.populations.reduce(0) { $0 + ($1 == MacrophageSimulator.Population.dead.rawValue ? 1 : 0) }
            let viability = simulated.populations.isEmpty ? 100 : 100 * Double(simulated.populations.count - dead) / Double(simulated.populations.count)
            return ((viability * 10).rounded() / 10, encoded.count)
        }
        bytes += tubeResults.reduce(0) { $0 + $1.bytes }
        progress("wrote \(design.tubes.count) FCS files")
        let readouts = try parallelMap(design.cultures.count) { Self.readouts(design.cultures[$0].simulator) }
        progress("computed the true readouts")
        try write(csvTable(header: Subject.header, rows: (design.cohort.patients + design.cohort.donors).map(\.row)), "clinical.csv")
        try write(SampleSheetRows.table(design, viability: tubeResults.map(\.viability)), "samples.csv")
        for plate in design.plates {
            let day = StudyCalendar.us(plate.runDay)
            try write(try plate.format.bytes(plate.read, date: day, time: "10:30:00"), "elisa/" + plate.file)
            try write(plate.layout.csvBytes(), "elisa/" + plate.layoutFile)
        }
        try write(csvTable(header: ["plate_file", "plate", "layout", "analyte"],
                           rows: design.plates.map { [$0.file, $0.plateID, $0.layoutFile, $0.analyte] }), "elisa/runs.csv")
        let truth = self.truth(design, viability: tubeResults.map(\.viability), readouts: readouts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try write(Array(try encoder.encode(truth)) + [0x0A], "truth.json")
        let marker: [String: Any] = ["written_by": "flowstudy demo generate", "generator_version": Self.version,
                                     "seed": settings.seed, "patients": settings.patients, "donors": settings.donors,
                                     "events": settings.events, "fmo_events": settings.fmoEvents]
        try write(Array(try JSONSerialization.data(withJSONObject: marker, options: [.prettyPrinted, .sortedKeys])) + [0x0A], Self.markerName)
        try output.commit()
        let files = design.tubes.count + 2 * design.plates.count + 6
        return Summary(folder: destination, subjects: design.cohort.patients.count + design.cohort.donors.count,
                       cultures: design.cultures.count, tubes: design.tubes.count, plates: design.plates.count, files: files, bytes: bytes)
    }

    /// The six study markers' readouts of a culture tube on its model distributions: MFI = median of the true
    /// macrophages' compensated values; % positive = 100 × their share above the 99th percentile of the FMO tube's
    /// (same culture, marker unstained) distribution.
    public static func readouts(_ simulator: MacrophageSimulator) -> [StudyTruth.Readout] {
        Panel.readoutMarkers.compactMap { marker in
            guard let stained = simulator.markerDistribution(marker) else { return nil }
            let fmo = stained.unstained
            let threshold = fmo.quantile(0.99), median = stained.median
            return StudyTruth.Readout(marker: marker, mfi: median, percentPositive: 100 * stained.shareAbove(threshold),
                                      fmoP99: threshold, fmoMfi: fmo.median, noiseSd: stained.noiseSD,
                                      densityAtMfi: stained.density(median), densityAtFmoP99: stained.density(threshold),
                                      fmoDensityAtFmoP99: fmo.density(threshold))
        }
    }

    func truth(_ design: StudyDesign, viability: [Double], readouts: [[StudyTruth.Readout]]) -> StudyTruth {
        let samples = design.cultures.map { culture in
            StudyTruth.Sample(
                sampleId: culture.sampleID, subjectId: culture.subjectID, arm: culture.arm, condition: culture.condition,
                serumSubjectId: culture.serumSubjectID, autofluorescence: culture.simulator.autofluorescence,
                deadShare: culture.simulator.populationShares[2],
                markers: Panel.fluorescence.compactMap { panel in
                    culture.simulator.expression[panel.marker].map {
                        FlowModel.Marker(marker: panel.marker, fractionPositive: $0.fractionPositive, positiveMedian: $0.positiveMedian, sigma: $0.sigma)
                    }
                },
                concentrations: elisa.assays.indices.map { k in
                    StudyTruth.Concentration(analyte: elisa.assays[k].analyte, neat: culture.concentrations[k], design: culture.designs[k],
                                             plate: culture.plates[k], dilutions: elisa.assays[k].dilutions)
                })
        }
        let tubes = design.tubes.enumerated().map { i, tube in
            StudyTruth.Tube(sampleId: tube.sampleID, file: tube.file, events: tube.simulator.events, seed: tube.simulator.seed,
                            culture: design.cultures[tube.culture].sampleID, fmoMarker: tube.fmoMarker, viabilityPercent: viability[i],
                            readouts: tube.fmoMarker == nil ? readouts[tube.culture] : nil)
        }
        let plates = design.plates.map { plate in
            StudyTruth.Plate(plate: plate.plateID, analyte: plate.analyte, format: plate.format.rawValue, file: "elisa/" + plate.file,
                             layout: "elisa/" + plate.layoutFile, a: plate.curve.a, b: plate.curve.b, c: plate.curve.c, d: plate.curve.d,
                             highCvWell: plate.highCVWell, draws: plate.draws)
        }
        let definitions = [
            "mfi: median of the compensated marker value of the tube's true macrophages (the population, not the sampled events)",
            "percent_positive: 100 x share of that distribution strictly above fmo_p99, the 99th percentile of the same culture's FMO distribution for the marker",
            "distributions: autofluorescence (log-normal) + positive component (share fraction_positive, log-normal) + compensated detector noise (normal, noise_sd); computed by numerical integration (Simulation.MarkerDistribution)",
            "concentrations: neat pg/mL in the supernatant; the well holds neat / dilution factor",
        ]
        return StudyTruth(generator: "flowstudy demo generate", generatorVersion: Self.version, settings: settings, definitions: definitions,
                          flowModel: flow, elisaModel: elisa, samples: samples, tubes: tubes, plates: plates)
    }
}
