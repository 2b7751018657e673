/// The lower half of the exact null distribution of the Mann–Whitney U for groups of m and n untied values,
/// for one small group against a large one: the Hodges–Lehmann shift interval's k there, where the normal
/// approximation fails (a group of one value makes U uniform) and the full table (``RankSumDistribution``,
/// O(m²n²)) is too slow.
///
/// The counts of U = u are the coefficients of the Gaussian binomial [m + n choose m]_q, built as
/// ∏ᵢ (1 − q^(large + i)) / (1 − q^i) for i = 1…small and truncated at ⌊m·n/2⌋: each factor takes one pass, so the
/// whole takes O(small² · large) time and O(m·n) memory. Every intermediate product is itself a Gaussian binomial,
/// so the coefficients stay non-negative; the lower tail is where they grow, and little is lost to cancellation.
struct RankSumLowerTail: Sendable {
    /// m·n, the largest value U can take.
    let maximum: Int
    /// P(U ≤ u) for u = 0…⌊m·n/2⌋.
    private let cumulative: [Double]

    /// The distribution for groups of m ≥ 1 and n ≥ 1 values (U's distribution is the same for (n, m)).
    init(m: Int, n: Int) {
        let small = min(m, n), large = max(m, n)
        maximum = m * n
        let half = maximum / 2
        var counts = [Double](repeating: 0, count: half + 1)
        counts[0] = 1
        var total = 1.0
        for i in stride(from: 1, through: small, by: 1) {
            // × (1 − q^(large + i)), from the top so that each term reads the previous factor's counts.
            let shift = large + i
            if shift <= half {
                for u in stride(from: half, through: shift, by: -1) { counts[u] -= counts[u - shift] }
            }
            // ÷ (1 − q^i): a running sum with stride i.
            if i <= half {
                for u in i...half { counts[u] += counts[u - i] }
            }
            total = total * Double(large + i) / Double(i)  // C(large + i, i)
        }
        var running = 0.0
        cumulative = counts.map { running += $0; return running / total }
    }

    /// P(U ≤ u); above the half through the symmetry P(U ≤ u) = 1 − P(U ≤ m·n − u − 1).
    func cdf(_ u: Double) -> Double {
        guard u >= 0 else { return 0 }
        let whole = Int(min(u.rounded(.down), Double(maximum)))
        if whole < cumulative.count { return cumulative[whole] }
        return 1 - cdf(Double(maximum - whole - 1))
    }

    /// The smallest q with P(U ≤ q) ≥ p, for p ≤ ½ (R's `qwilcox`, with its allowance of 10ε for rounding in p).
    func quantile(_ p: Double) -> Int {
        let target = p - 10 * Double.ulpOfOne
        return cumulative.firstIndex { $0 >= target } ?? cumulative.count
    }
}
