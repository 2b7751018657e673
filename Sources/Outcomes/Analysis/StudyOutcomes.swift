/// The study's answers from one ``StudyData``: P1, S1, S2, S3 (OUTCOMES §1–2) and S4a–S4f with the Δ sensitivity
/// analysis, each with the counts its footnote needs.
public struct StudyOutcomes: Sendable {
    /// The data the outcomes were computed from.
    public var data: StudyData
    /// P1: CCL18 in the SSc arm (not adjusted).
    public var primary: PairedOutcome
    /// S1: the other analytes in the SSc arm (BH over these 4).
    public var solubleSSc: [PairedOutcome]
    /// S2: markers × {MFI, % positive} in the SSc arm (BH over these 12).
    public var markersSSc: [PairedOutcome]
    /// S3: all 5 analytes in the HD + SSc serum arm (BH over these 5).
    public var solubleHD: [PairedOutcome]
    /// S3: markers in the HD + SSc serum arm (BH over these 12).
    public var markersHD: [PairedOutcome]
    /// S4's per-patient CCL18 effects, from P1's complete pairs.
    public var patientEffects: [PatientEffect]
    /// T6 on L = log₂(RUX/UT).
    public var subgroupsL: [SubgroupAnalysis]
    /// T6's sensitivity analysis on Δ = RUX − UT.
    public var subgroupsDelta: [SubgroupAnalysis]
    /// P1 patients whose L is undefined (a value ≤ 0): in the Δ analysis, not in L's.
    public var ratioUndefinedPatients: [String]
    /// The assay QC tables (TQ), when the ELISA and batch folders were read for them (``AssayQC``); nil otherwise.
    public var assayQC: AssayQC?

    /// Computes every outcome.
    public init(_ data: StudyData) throws {
        self.data = data
        func soluble(_ outcome: String, _ arm: StudyArm, _ analytes: [Analyte]) throws -> [PairedOutcome] {
            var outcomes = try analytes.map { analyte in
                try PairedOutcome(outcome: outcome, arm: arm, readout: .concentration(analyte), units: data.units(of: analyte), data: data)
            }
            if outcome != "P1" { try PairedOutcome.adjust(&outcomes) }
            return outcomes
        }
        func markers(_ outcome: String, _ arm: StudyArm) throws -> [PairedOutcome] {
            var outcomes = try data.measuredMarkers.flatMap { marker in
                try FlowReadout.allCases.map { readout in
                    try PairedOutcome(outcome: outcome, arm: arm, readout: .flow(marker, readout),
                                      units: readout == .mfi ? "compensated units" : "%", data: data)
                }
            }
            try PairedOutcome.adjust(&outcomes)
            return outcomes
        }
        primary = try soluble("P1", .sscMDM, [.ccl18])[0]
        solubleSSc = try soluble("S1", .sscMDM, Analyte.secondary)
        markersSSc = try markers("S2", .sscMDM)
        solubleHD = try soluble("S3", .hdSScSerum, Analyte.allCases)
        markersHD = try markers("S3", .hdSScSerum)
        patientEffects = PatientEffect.effects(of: primary)
        let patients = patientEffects.compactMap { effect in data.subjects[effect.subjectID].map { (effect, $0) } }
        subgroupsL = try SubgroupAnalysis.table(patients.compactMap { item in item.0.log2Ratio.map { (item.1, $0) } })
        subgroupsDelta = try SubgroupAnalysis.table(patients.map { ($0.1, $0.0.delta) })
        ratioUndefinedPatients = patientEffects.filter { $0.log2Ratio == nil }.map(\.subjectID)
    }

    /// Every paired outcome, in table order.
    public var pairedOutcomes: [PairedOutcome] {
        [primary] + solubleSSc + markersSSc + solubleHD + markersHD
    }
}

extension StudyData {
    /// The units `concentrations.csv` gives for `analyte` (the first selected result's), `pg/mL` by default.
    func units(of analyte: Analyte) -> String {
        for sample in samples {
            if let result = concentrations[sample.id]?[analyte] { return result.units }
        }
        return "pg/mL"
    }
}
