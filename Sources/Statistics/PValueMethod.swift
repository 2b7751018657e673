/// How a p-value was obtained. The raw values are the texts of the outcome tables' `p_method` column and of
/// `flowstudy stats --json`.
public enum PValueMethod: String, Sendable, Codable {
    /// The exact null distribution (signed-rank, rank-sum, or Spearman's S for n ≤ 9).
    case exact = "exact"
    /// The normal approximation with R's continuity correction of ½ (and R's tie correction of the variance).
    case normalWithContinuityCorrection = "normal approximation with continuity correction"
    /// The normal approximation without continuity correction (the Pratt sensitivity analysis).
    case normal = "normal approximation"
    /// AS 89's Edgeworth series for Spearman's S (10 ≤ n ≤ 1290, no ties).
    case edgeworth = "edgeworth"
    /// Student's t approximation of Spearman's ρ with n − 2 degrees of freedom (ties, or n > 1290).
    case tApproximation = "t approximation"
}
