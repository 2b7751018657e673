/// The cumulative probabilities of a discrete distribution on 0…M that is symmetric about M/2 (the signed-rank
/// and rank-sum statistics), with R's tail, p-value and quantile rules. Upper tails are read from the lower end
/// through the symmetry, so both tails are sums of their own small terms.
struct SymmetricCumulative: Sendable {
    /// P(X ≤ k) for k = 0…M.
    let cumulative: [Double]

    /// M, the largest value.
    var maximum: Int { cumulative.count - 1 }

    /// P(X ≤ x).
    func cdf(_ x: Double) -> Double {
        guard x >= 0 else { return 0 }
        return cumulative[Int(min(x.rounded(.down), Double(maximum)))]
    }

    /// P(X ≥ x) = P(X ≤ M − x).
    func upperTail(_ x: Double) -> Double {
        cdf(Double(maximum) - x.rounded(.up))
    }

    /// R's exact two-sided p: min(1, 2·min(P(X ≤ x), P(X ≥ x))).
    func twoSidedP(_ x: Double) -> Double {
        min(1, 2 * min(cdf(x), upperTail(x)))
    }

    /// The smallest q with P(X ≤ q) ≥ p, allowing 10ε for rounding in p as R's `qsignrank` and `qwilcox` do.
    func quantile(_ p: Double) -> Int {
        let target = p - 10 * Double.ulpOfOne
        return cumulative.firstIndex { $0 >= target } ?? maximum
    }
}
