import Statistics

/// One readout of P1, S1, S2 or S3: its complete pairs and what the statistics say about them (METHODS §1–4).
public struct PairedOutcome: Sendable {
    /// `P1`, `S1`, `S2` or `S3`.
    public var outcome: String
    /// The arm.
    public var arm: StudyArm
    /// What is measured.
    public var readout: Readout
    /// The units of the values (`pg/mL`, `compensated units`, `%`).
    public var units: String
    /// The pairs and their counts.
    public var pairs: UnitPairs
    /// The tests and estimates; nil without any complete pair.
    public var comparison: PairedComparison?
    /// Benjamini–Hochberg q within the outcome's family; nil for P1 (not adjusted) or without a p.
    public var q: Double?

    /// Pairs `readout` in `arm` and compares the treated with the untreated values.
    init(outcome: String, arm: StudyArm, readout: Readout, units: String, data: StudyData) throws {
        self.outcome = outcome
        self.arm = arm
        self.readout = readout
        self.units = units
        pairs = UnitPairs(readout, arm: arm, data: data)
        comparison = pairs.count == 0 ? nil : try PairedComparison(untreated: pairs.untreated, treated: pairs.treated)
    }

    /// The p of the signed-rank test.
    public var p: Double? { comparison?.signedRank.p }

    /// Sets ``q`` of each outcome by Benjamini–Hochberg over the family `outcomes` (missing p left out of m).
    static func adjust(_ outcomes: inout [PairedOutcome]) throws {
        let adjusted = try BenjaminiHochberg.adjust(outcomes.map(\.p))
        for index in outcomes.indices { outcomes[index].q = adjusted[index] }
    }
}
