/// A Hodges–Lehmann location estimate with its confidence interval from order statistics.
///
/// One sample (paired differences): the median of the n(n + 1)/2 Walsh averages (dᵢ + dⱼ)/2, i ≤ j, zeros
/// included; the interval is [W₍ₖ₎, W₍M−k+1₎] with k = `qsignrank(α/2, n)` raised to 1 if 0. Two samples: the
/// median of the differences xᵢ − yⱼ, with k = `qwilcox(α/2, m, n)`. Without ties or zeros this is exactly
/// R's `wilcox.test(…, conf.int = TRUE)`; with them R solves for the limits with `uniroot` on its normal
/// approximation instead, and these order statistics (METHODS §3, the "Walsh definition") are what FlowStudy
/// reports, their achieved confidence then approximate.
public struct HodgesLehmannEstimate: Sendable, Equatable {
    /// The point estimate (pseudo-median, or shift between the groups).
    public let estimate: Double
    /// The lower confidence limit.
    public let lower: Double
    /// The upper confidence limit.
    public let upper: Double
    /// 1 − 2·P(statistic ≤ k − 1): the coverage the discrete distribution actually gives.
    public let achievedConfidence: Double

    /// The one-sample (Walsh-average) estimate of `differences`, finite and not empty.
    public static func walsh(_ differences: [Double], confidence: Double = 0.95) throws -> Self {
        try Validation.finite(differences, test: "Hodges–Lehmann estimate")
        try Validation.confidence(confidence)
        var averages: [Double] = []
        averages.reserveCapacity(differences.count * (differences.count + 1) / 2)
        for i in differences.indices {
            for j in i..<differences.count { averages.append((differences[i] + differences[j]) / 2) }
        }
        let distribution = SignedRankDistribution(n: differences.count)
        return Self(sorted: averages.sorted(), k: distribution.quantile((1 - confidence) / 2), cdf: distribution.cdf)
    }

    /// The two-sample estimate of the shift `first` − `second`, each finite and not empty.
    public static func shift(_ first: [Double], _ second: [Double], confidence: Double = 0.95) throws -> Self {
        try Validation.finite(first, test: "Hodges–Lehmann shift (first group)")
        try Validation.finite(second, test: "Hodges–Lehmann shift (second group)")
        try Validation.confidence(confidence)
        let differences = first.flatMap { x in second.map { y in x - y } }
        let distribution = RankSumDistribution(m: first.count, n: second.count)
        return Self(sorted: differences.sorted(), k: distribution.quantile((1 - confidence) / 2), cdf: distribution.cdf)
    }

    /// The median of `sorted` and its k-th order statistics from either end (R's `qu`, `ql + 1`).
    private init(sorted: [Double], k quantile: Int, cdf: (Double) -> Double) {
        let k = max(quantile, 1)
        estimate = Quantile.median(sorted: sorted) ?? .nan
        lower = sorted[k - 1]
        upper = sorted[sorted.count - k]
        achievedConfidence = 1 - 2 * cdf(Double(k - 1))
    }
}
