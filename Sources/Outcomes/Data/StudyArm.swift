/// The study's two arms (OUTCOMES §0).
public enum StudyArm: String, Sendable, CaseIterable, Hashable {
    /// MDM from an SSc patient, `UT` or `RUX`; the unit of pairing is the patient.
    case sscMDM = "SSC_MDM"
    /// MDM from a healthy donor exposed to SSc serum, `SERUM` or `SERUM_RUX` (and the descriptive `HD_CTRL`).
    case hdSScSerum = "HD_SSCSERUM"

    /// The untreated condition of the arm.
    public var untreated: CultureCondition { self == .sscMDM ? .ut : .serum }
    /// The treated condition of the arm.
    public var treated: CultureCondition { self == .sscMDM ? .rux : .serumRux }
    /// The conditions a sample of this arm may have.
    public var conditions: [CultureCondition] { self == .sscMDM ? [.ut, .rux] : [.serum, .serumRux, .hdControl] }
    /// `RUX vs UT` or `SERUM_RUX vs SERUM`, as the tables' `comparison` column says it.
    public var comparison: String { "\(treated.rawValue) vs \(untreated.rawValue)" }
}

/// A culture condition.
public enum CultureCondition: String, Sendable, CaseIterable, Hashable {
    /// Untreated SSc MDM (vehicle).
    case ut = "UT"
    /// SSc MDM with ruxolitinib.
    case rux = "RUX"
    /// HD MDM with SSc serum.
    case serum = "SERUM"
    /// HD MDM with SSc serum and ruxolitinib.
    case serumRux = "SERUM_RUX"
    /// HD MDM without SSc serum (description only).
    case hdControl = "HD_CTRL"
}
