/// The Wilcoxon–Mann–Whitney rank-sum test of two groups, two-sided, with the Hodges–Lehmann shift, as R's
/// `wilcox.test(first, second, conf.int = TRUE)`.
///
/// W = U of the first group = (sum of its midranks) − n₁(n₁ + 1)/2. The p-value is exact when both groups have
/// fewer than 50 values and there are no ties; otherwise it is the normal approximation with continuity
/// correction ½ and the tie-corrected variance n₁n₂/12·((N + 1) − Σ(t³ − t)/(N(N − 1))).
public struct RankSumTest: Sendable {
    /// The size of the first group.
    public let firstCount: Int
    /// The size of the second group.
    public let secondCount: Int
    /// W, the Mann–Whitney U of the first group.
    public let w: Double
    /// Whether two of the N values are equal.
    public let hasTies: Bool
    /// The two-sided p-value.
    public let p: Double?
    /// Exact, or normal approximation with continuity correction.
    public let method: PValueMethod
    /// The Hodges–Lehmann shift first − second, with the order-statistic interval at `qwilcox(α/2, n₁, n₂)`.
    public let shift: HodgesLehmannEstimate

    /// Below this size of each group (and without ties) the p-value is exact, as in R.
    public static let exactLimit = 50

    /// Compares `first` with `second` (each finite and not empty).
    public init(first: [Double], second: [Double], confidence: Double = 0.95) throws {
        try Validation.finite(first, test: "rank-sum test (first group)")
        try Validation.finite(second, test: "rank-sum test (second group)")
        let ranks = Ranks(first + second)
        let m = Double(first.count), n = Double(second.count)
        firstCount = first.count
        secondCount = second.count
        w = ranks.ranks.prefix(first.count).reduce(0, +) - m * (m + 1) / 2
        hasTies = ranks.hasTies
        if first.count < Self.exactLimit && second.count < Self.exactLimit && !hasTies {
            method = .exact
            p = RankSumDistribution(m: first.count, n: second.count).twoSidedP(w)
        } else {
            method = .normalWithContinuityCorrection
            let total = m + n
            let variance = m * n / 12 * ((total + 1) - ranks.tieSum / (total * (total - 1)))
            p = NormalApproximation.twoSidedP(statistic: w, mean: m * n / 2, variance: variance, continuity: true)
        }
        shift = try .shift(first, second, confidence: confidence)
    }
}
