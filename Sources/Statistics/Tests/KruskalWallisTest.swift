/// The Kruskal–Wallis rank-sum test of k groups, as R's `kruskal.test`: H on midranks, divided by the tie
/// correction 1 − Σ(t³ − t)/(N³ − N), with p from χ² with k − 1 degrees of freedom.
public struct KruskalWallisTest: Sendable {
    /// H, tie-corrected; nil when every value is equal (R gives NaN).
    public let h: Double?
    /// k − 1.
    public let degreesOfFreedom: Int
    /// P(χ²ₖ₋₁ ≥ H); nil when H is undefined.
    public let p: Double?

    /// Tests `groups` (at least two, each finite and not empty).
    public init(groups: [[Double]]) throws {
        guard groups.count >= 2 else {
            throw StatisticsError.groupCount(test: "Kruskal–Wallis test", expected: "at least 2", found: groups.indices.map { "group \($0 + 1)" })
        }
        for (index, group) in groups.enumerated() {
            try Validation.finite(group, test: "Kruskal–Wallis test (group \(index + 1))")
        }
        let ranks = Ranks(groups.flatMap { $0 })
        let total = Double(ranks.ranks.count)
        var start = 0, sum = 0.0
        for group in groups {
            let rankSum = ranks.ranks[start..<start + group.count].reduce(0, +)
            sum += rankSum * rankSum / Double(group.count)
            start += group.count
        }
        let uncorrected = 12 * sum / (total * (total + 1)) - 3 * (total + 1)
        let statistic = uncorrected / (1 - ranks.tieSum / (total * total * total - total))
        let distribution = ChiSquaredDistribution(degreesOfFreedom: Double(groups.count - 1))
        degreesOfFreedom = groups.count - 1
        h = Validation.defined(statistic)
        p = h.map { distribution.upperTail($0) }
    }
}
