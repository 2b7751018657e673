import Foundation

/// S4's input: one SSc patient's CCL18 values from P1 and the per-patient effects Δ = RUX − UT and
/// L = log₂(RUX/UT) (nil when a value is ≤ 0, so the ratio is undefined).
public struct PatientEffect: Sendable, Equatable {
    /// The patient.
    public var subjectID: String
    /// The untreated value for statistics.
    public var untreated: Double
    /// The ruxolitinib value for statistics.
    public var treated: Double

    /// Δ = RUX − UT.
    public var delta: Double { treated - untreated }

    /// L = log₂(RUX/UT), as log₂ RUX − log₂ UT; nil when a value is ≤ 0.
    public var log2Ratio: Double? {
        untreated > 0 && treated > 0 ? log2(treated) - log2(untreated) : nil
    }

    /// The effects of P1's complete pairs.
    static func effects(of primary: PairedOutcome) -> [PatientEffect] {
        zip(primary.pairs.units, zip(primary.pairs.untreated, primary.pairs.treated)).map {
            PatientEffect(subjectID: $0.0, untreated: $0.1.0, treated: $0.1.1)
        }
    }

    /// The header of `S4_per_patient_CCL18.csv`.
    public static let header = ["subject_id", "ut_value_for_stats", "rux_value_for_stats", "delta", "L_log2_ratio"]

    /// The row of `S4_per_patient_CCL18.csv`.
    public var row: [String] {
        [subjectID, PairedOutcome.number(untreated), PairedOutcome.number(treated), PairedOutcome.number(delta), PairedOutcome.number(log2Ratio)]
    }
}
