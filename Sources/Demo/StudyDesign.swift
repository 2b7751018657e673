import Foundation
import Simulation

/// Everything of a demo study but the events: subjects, cultures with their flow settings and true
/// concentrations, tubes, and ELISA plates. ``StudyGenerator`` draws it from the settings' seed.
public struct StudyDesign: Sendable {
    /// The settings it was drawn from.
    public var settings: DemoSettings
    /// The subjects.
    public var cohort: Cohort
    /// Culture wells: each patient's UT and RUX, then each donor's SERUM and SERUM_RUX.
    public var cultures: [Culture]
    /// Culture tubes, then one FMO tube per readout marker of each culture.
    public var tubes: [Tube]
    /// The ELISA plates.
    public var plates: [SimulatedPlate]

    /// Draws the study. Plates are re-drawn (their noise only) until each meets its design; see ``SimulatedPlate``.
    public init(settings: DemoSettings, flow: FlowModel, elisa: ELISAModel) throws {
        try settings.validate()
        self.settings = settings
        cohort = Cohort.draw(patients: settings.patients, donors: settings.donors, seed: settings.seed)
        cultures = Self.cultures(cohort, flow: flow, seed: settings.seed)
        Self.drawConcentrations(&cultures, cohort: cohort, elisa: elisa, seed: settings.seed)
        tubes = Self.tubes(cultures, settings: settings)
        plates = try SimulatedPlate.plates(for: &cultures, patients: settings.patients, model: elisa, seed: settings.seed)
    }

    static func cultures(_ cohort: Cohort, flow: FlowModel, seed: UInt64) -> [Culture] {
        var random = RandomSource.stream(seed, 2)
        var cultures: [Culture] = []
        func batches(_ subjects: [Subject], prefix: String, size: Int) -> [String: String] {
            let ordered = subjects.sorted { ($0.inclusionDay, $0.subjectID) < ($1.inclusionDay, $1.subjectID) }
            return Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.subjectID, "\(prefix)\($0 / size + 1)") })
        }
        let patientBatch = batches(cohort.patients, prefix: "B", size: 6), donorBatch = batches(cohort.donors, prefix: "H", size: 4)
        for patient in cohort.patients {
            let (untreated, treated) = flow.cultures(serum: false, random: &random)
            for (condition, simulator, isTreated) in [("UT", untreated, false), ("RUX", treated, true)] {
                cultures.append(Culture(sampleID: "\(patient.subjectID)_\(condition)", subjectID: patient.subjectID, arm: "SSC_MDM",
                                        condition: condition, serumSubjectID: nil, cultureDay: patient.inclusionDay + 7,
                                        batch: patientBatch[patient.subjectID] ?? "B1", treated: isTreated, subset: patient.subset,
                                        simulator: simulator))
            }
        }
        for donor in cohort.donors {
            let (untreated, treated) = flow.cultures(serum: true, random: &random)
            for (condition, simulator, isTreated) in [("SERUM", untreated, false), ("SERUM_RUX", treated, true)] {
                cultures.append(Culture(sampleID: "\(donor.subjectID)_\(condition)", subjectID: donor.subjectID, arm: "HD_SSCSERUM",
                                        condition: condition, serumSubjectID: cohort.serumSource[donor.subjectID],
                                        cultureDay: donor.inclusionDay + 7, batch: donorBatch[donor.subjectID] ?? "H1",
                                        treated: isTreated, subset: nil, simulator: simulator))
            }
        }
        return cultures
    }

    /// True concentrations: log-normal untreated values per unit, times a log-normal ratio around the arm's (and
    /// for CCL18 the subset's) geometric mean. Designed out-of-range values, when the cohort is large enough:
    /// IL-6 below the lowest standard for the 3rd patient's RUX and both cultures of the 5th (a zero difference),
    /// CXCL10 for the 2nd patient's RUX.
    static func drawConcentrations(_ cultures: inout [Culture], cohort: Cohort, elisa: ELISAModel, seed: UInt64) {
        var random = RandomSource.stream(seed, 3)
        let below: [String: [String]] = ["IL-6": ["SSC03_RUX", "SSC05_UT", "SSC05_RUX"], "CXCL10": ["SSC02_RUX"]]
        for pair in stride(from: 0, to: cultures.count - 1, by: 2) {
            for assay in elisa.assays {
                let healthy = cultures[pair].arm == "HD_SSCSERUM"
                let untreated = (healthy ? assay.serumMedian : assay.untreatedMedian) * exp(random.normal() * assay.untreatedSD)
                let ratio = healthy ? assay.ratioHealthy : (cultures[pair].subset == .diffuse ? assay.ratioDiffuse : assay.ratioLimited)
                let treated = untreated * ratio * exp(random.normal() * assay.ratioSD)
                for (k, value) in [(pair, untreated), (pair + 1, treated)] {
                    let lowest = (assay.standards.last ?? 1) * (assay.dilutions.first ?? 1)
                    let designed = below[assay.analyte]?.contains(cultures[k].sampleID) == true
                    // Put below the curve: a fraction of the lowest standard, smaller for the treated culture.
                    cultures[k].concentrations.append(designed ? lowest * (k == pair ? 0.4 : 0.25) : value)
                    cultures[k].designs.append(designed ? "below_lloq" : "random")
                }
            }
        }
    }

    static func tubes(_ cultures: [Culture], settings: DemoSettings) -> [Tube] {
        func tube(_ index: Int, _ culture: Int, fmo: String?, events: Int) -> Tube {
            var source = RandomSource.stream(settings.seed, 100, UInt64(index))
            var simulator = cultures[culture].simulator
            simulator.events = events
            simulator.seed = source.next()
            simulator.fmoMarker = fmo
            let id = cultures[culture].sampleID + (fmo.map { "_FMO_" + $0.replacingOccurrences(of: "-", with: "") } ?? "")
            simulator.keywords = [("$FIL", "\(id).fcs"), ("$SMNO", id), ("FLOWSTUDY SUBJECT", cultures[culture].subjectID),
                                  ("FLOWSTUDY CONDITION", cultures[culture].condition)]
            return Tube(sampleID: id, culture: culture, fmoMarker: fmo, simulator: simulator)
        }
        var tubes = cultures.indices.map { tube($0, $0, fmo: nil, events: settings.events) }
        for culture in cultures.indices {
            for marker in Panel.readoutMarkers { tubes.append(tube(tubes.count, culture, fmo: marker, events: settings.fmoEvents)) }
        }
        return tubes
    }
}
