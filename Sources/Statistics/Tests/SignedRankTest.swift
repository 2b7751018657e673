import Foundation

/// The Wilcoxon signed-rank test of paired differences against 0, two-sided, as R's
/// `wilcox.test(treated, untreated, paired = TRUE)` computes it, with Pratt's zero handling beside it.
///
/// Zero differences are dropped and the |d| of the rest ranked with midranks; V = R⁺ is the sum of the ranks
/// of the positive differences. The p-value is exact when fewer than 50 differences remain and there are
/// neither ties nor zeros; otherwise it is the normal approximation with R's continuity correction of ½ and
/// the tie-corrected variance n(n + 1)(2n + 1)/24 − Σ(t³ − t)/48.
public struct SignedRankTest: Sendable {
    /// The differences left after dropping zeros (R's n).
    public let nonZeroCount: Int
    /// How many differences were exactly 0.
    public let zerosDropped: Int
    /// Whether two non-zero |d| are equal.
    public let hasTies: Bool
    /// V = R⁺, the sum of the ranks of the positive differences (zeros dropped).
    public let v: Double
    /// The two-sided p-value; nil when no difference is non-zero.
    public let p: Double?
    /// Exact, or normal approximation with continuity correction.
    public let method: PValueMethod
    /// Pratt's p (zeros ranked with the others, then their ranks dropped; normal approximation without
    /// continuity correction, variance from the remaining ranks). Equal to `p` when no difference is zero.
    public let prattP: Double?

    /// Below this many non-zero differences (and without ties or zeros) the p-value is exact, as in R.
    public static let exactLimit = 50

    /// Tests `differences` (treated − untreated), which must be finite and not empty.
    public init(differences: [Double]) throws {
        try Validation.finite(differences, test: "Wilcoxon signed-rank test")
        let nonZero = differences.filter { $0 != 0 }
        let ranks = Ranks(nonZero.map(abs))
        nonZeroCount = nonZero.count
        zerosDropped = differences.count - nonZero.count
        hasTies = ranks.hasTies
        v = zip(nonZero, ranks.ranks).reduce(0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        let n = Double(nonZeroCount)
        if nonZeroCount < Self.exactLimit && !hasTies && zerosDropped == 0 {
            method = .exact
            p = SignedRankDistribution(n: nonZeroCount).twoSidedP(v)
        } else {
            method = .normalWithContinuityCorrection
            let variance = n * (n + 1) * (2 * n + 1) / 24 - ranks.tieSum / 48
            p = NormalApproximation.twoSidedP(statistic: v, mean: n * (n + 1) / 4, variance: variance, continuity: true)
        }
        prattP = zerosDropped == 0 ? p : Self.prattP(differences)
    }

    /// Pratt: rank all |d| with the zeros, keep the ranks of the non-zero ones; under the null each kept rank
    /// is positive with probability ½, so R⁺ has mean Σr/2 and variance Σr²/4.
    private static func prattP(_ differences: [Double]) -> Double? {
        let ranks = Ranks(differences.map(abs)).ranks
        let kept = zip(differences, ranks).filter { $0.0 != 0 }
        let statistic = kept.reduce(0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        let mean = kept.reduce(0) { $0 + $1.1 } / 2
        let variance = kept.reduce(0) { $0 + $1.1 * $1.1 } / 4
        return NormalApproximation.twoSidedP(statistic: statistic, mean: mean, variance: variance, continuity: false)
    }
}
