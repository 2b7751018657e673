/// The soluble factors measured by ELISA, in one vocabulary that decides P1, the S1 and S3 families and the table
/// rows (issue 12).
public enum Analyte: String, Sendable, CaseIterable, Hashable, Comparable {
    /// CCL18, the primary outcome's analyte.
    case ccl18 = "CCL18"
    /// PDGF-BB.
    case pdgfBB = "PDGF-BB"
    /// IL-6.
    case il6 = "IL-6"
    /// CXCL10.
    case cxcl10 = "CXCL10"
    /// CXCL4.
    case cxcl4 = "CXCL4"

    /// The S1 family (SSc arm): every analyte but CCL18, which is P1.
    public static let secondary: [Analyte] = [.pdgfBB, .il6, .cxcl10, .cxcl4]

    /// Table order: the order of declaration.
    public static func < (lhs: Analyte, rhs: Analyte) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
