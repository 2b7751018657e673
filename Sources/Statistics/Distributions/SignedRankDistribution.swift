/// The exact null distribution of the Wilcoxon signed-rank statistic V = R⁺ for n untied, non-zero differences
/// (R's `dsignrank`, `psignrank`, `qsignrank`).
///
/// Under the null each of the ranks 1…n is positive with probability ½ independently, so
/// P_n(V = k) = ½·(P_{n−1}(V = k) + P_{n−1}(V = k − n)). Building the table with halvings keeps every
/// probability an exact binary fraction for n < 1024, and tails are summed from their small end.
public struct SignedRankDistribution: Sendable {
    /// The number of ranks.
    public let n: Int
    /// P(V ≤ k) for k = 0…M, with M = n(n + 1)/2.
    private let table: SymmetricCumulative

    /// The distribution for n ≥ 0 ranks.
    public init(n: Int) {
        self.n = max(n, 0)
        let maximum = self.n * (self.n + 1) / 2
        var probability = [Double](repeating: 0, count: maximum + 1)
        probability[0] = 1
        for rank in stride(from: 1, through: self.n, by: 1) {
            // Walk downwards so each entry still holds the previous table's value when it is read.
            let top = rank * (rank + 1) / 2
            for k in stride(from: top, through: 0, by: -1) {
                probability[k] = 0.5 * (probability[k] + (k >= rank ? probability[k - rank] : 0))
            }
        }
        var running = 0.0
        table = SymmetricCumulative(cumulative: probability.map { running += $0; return running })
    }

    /// M = n(n + 1)/2, the largest value V can take.
    public var maximum: Int { table.maximum }

    /// P(V ≤ v).
    public func cdf(_ v: Double) -> Double { table.cdf(v) }

    /// P(V ≥ v), summed from the upper end through the symmetry V ↔ M − V.
    public func upperTail(_ v: Double) -> Double { table.upperTail(v) }

    /// R's exact two-sided p: min(1, 2·min(P(V ≤ v), P(V ≥ v))).
    public func twoSidedP(_ v: Double) -> Double { table.twoSidedP(v) }

    /// The smallest q with P(V ≤ q) ≥ p (R's `qsignrank`, with its allowance of 10ε for rounding in p).
    public func quantile(_ p: Double) -> Int { table.quantile(p) }
}
