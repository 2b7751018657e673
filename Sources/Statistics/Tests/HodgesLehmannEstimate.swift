/// A Hodges–Lehmann location estimate with its confidence interval from order statistics.
///
/// One sample (paired differences): the median of the n(n + 1)/2 Walsh averages (dᵢ + dⱼ)/2, i ≤ j, zeros
/// included; the interval is [W₍ₖ₎, W₍M−k+1₎] with k = `qsignrank(α/2, n)` raised to 1 if 0. Two samples: the
/// median of the differences xᵢ − yⱼ, with k = `qwilcox(α/2, m, n)`. Without ties or zeros this is exactly
/// R's `wilcox.test(…, conf.int = TRUE)`; with them R solves for the limits with `uniroot` on its normal
/// approximation instead, and these order statistics (METHODS §3, the "Walsh definition") are what FlowStudy
/// reports, their achieved confidence then approximate.
///
/// The order statistics are found without forming the pairs (``PairwiseOrderStatistics``), so any sample size
/// fits in O(n) memory. k is exact up to ``largestExactWalshCount`` differences and ``largestExactShiftProduct``
/// pairs (the exact tables cost O(n³) and O(m²n²) operations: about 12 ms and 25 ms there), and for a group of
/// fewer than ``smallestApproximatedGroup`` values up to ``largestSmallGroupProduct`` pairs (``RankSumLowerTail``);
/// otherwise it comes from ``RankStatisticApproximation`` and ``interval`` says so.
public struct HodgesLehmannEstimate: Sendable, Equatable {
    /// The point estimate (pseudo-median, or shift between the groups).
    public let estimate: Double
    /// The lower confidence limit.
    public let lower: Double
    /// The upper confidence limit.
    public let upper: Double
    /// 1 − 2·P(statistic ≤ k − 1): the coverage the discrete distribution actually gives.
    public let achievedConfidence: Double
    /// k: the limits are the k-th smallest and the k-th largest pair.
    public let k: Int
    /// Whether k came from the exact distribution or its normal approximation.
    public let interval: IntervalMethod

    /// Up to this many differences the Walsh interval's k is `qsignrank`'s exact one (a table of n(n + 1)/2 + 1
    /// binary fractions built in O(n³)); R's own exact limit is 50.
    public static let largestExactWalshCount = 500
    /// Up to this many pairs m·n the shift interval's k is `qwilcox`'s exact one (a table built in O(m²n²)).
    public static let largestExactShiftProduct = 10_000
    /// A group smaller than this makes U too far from normal for the approximation (one value makes it uniform):
    /// against a large group, k comes from the exact lower tail (``RankSumLowerTail``, O(m²n)) instead.
    public static let smallestApproximatedGroup = 15
    /// Up to this many pairs a small group's k is exact (the lower tail holds m·n/2 doubles: 80 MB here).
    public static let largestSmallGroupProduct = 20_000_000

    /// The one-sample (Walsh-average) estimate of `differences`, finite and not empty.
    public static func walsh(_ differences: [Double], confidence: Double = 0.95) throws -> Self {
        try Validation.finite(differences, test: "Hodges–Lehmann estimate")
        try Validation.confidence(confidence)
        let pairs = PairwiseOrderStatistics(walshAveragesOf: differences)
        let tail = (1 - confidence) / 2, n = differences.count
        guard n <= largestExactWalshCount else {
            let approximation = RankStatisticApproximation.signedRank(n: n)
            return Self(pairs, k: approximation.quantile(tail), cdf: approximation.cdf, interval: .normalApproximation)
        }
        let distribution = SignedRankDistribution(n: n)
        return Self(pairs, k: distribution.quantile(tail), cdf: distribution.cdf, interval: .exact)
    }

    /// The two-sample estimate of the shift `first` − `second`, each finite and not empty.
    public static func shift(_ first: [Double], _ second: [Double], confidence: Double = 0.95) throws -> Self {
        try Validation.finite(first, test: "Hodges–Lehmann shift (first group)")
        try Validation.finite(second, test: "Hodges–Lehmann shift (second group)")
        try Validation.confidence(confidence)
        let pairs = PairwiseOrderStatistics(differencesOf: first, minus: second)
        let tail = (1 - confidence) / 2, m = first.count, n = second.count
        guard pairs.count <= largestExactShiftProduct else {
            if min(m, n) < smallestApproximatedGroup && pairs.count <= largestSmallGroupProduct {
                let exact = RankSumLowerTail(m: m, n: n)
                return Self(pairs, k: exact.quantile(tail), cdf: exact.cdf, interval: .exact)
            }
            let approximation = RankStatisticApproximation.rankSum(m: m, n: n)
            return Self(pairs, k: approximation.quantile(tail), cdf: approximation.cdf, interval: .normalApproximation)
        }
        // U has one distribution for (m, n) and (n, m); the table grows like (first size)²·(second size), so a large
        // first group goes second. Below R's exact limit the order stays, as for the p-value.
        let distribution = m > n && m >= RankSumTest.exactLimit ? RankSumDistribution(m: n, n: m) : RankSumDistribution(m: m, n: n)
        return Self(pairs, k: distribution.quantile(tail), cdf: distribution.cdf, interval: .exact)
    }

    /// The median of the pairs and their k-th order statistics from either end (R's `qu`, `ql + 1`).
    private init(_ pairs: PairwiseOrderStatistics, k quantile: Int, cdf: (Double) -> Double, interval: IntervalMethod) {
        let k = min(max(quantile, 1), pairs.count)
        estimate = pairs.median
        lower = pairs.smallest(k)
        upper = pairs.smallest(pairs.count - k + 1)
        achievedConfidence = 1 - 2 * cdf(Double(k - 1))
        self.k = k
        self.interval = interval
    }
}
