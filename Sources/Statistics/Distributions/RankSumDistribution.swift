/// The exact null distribution of the Mann–Whitney statistic W = U of the first group, for groups of m and n
/// untied values (R's `dwilcox`, `pwilcox`, `qwilcox`).
///
/// The number of arrangements with U = u satisfies c(u; i, j) = c(u − j; i − 1, j) + c(u; i, j − 1): the
/// largest of the i + j values is either in the first group, ahead of all j values of the second, or in the
/// second. Counts are kept as doubles (exact below 2^53, relatively accurate beyond), summed from the tails'
/// small ends.
public struct RankSumDistribution: Sendable {
    /// The size of the first group.
    public let m: Int
    /// The size of the second group.
    public let n: Int
    /// P(U ≤ u) for u = 0…m·n.
    private let table: SymmetricCumulative

    /// The distribution for groups of m ≥ 0 and n ≥ 0 values.
    public init(m: Int, n: Int) {
        self.m = max(m, 0)
        self.n = max(n, 0)
        let counts = Self.counts(m: self.m, n: self.n)
        let total = counts.reduce(0, +)
        var running = 0.0
        table = SymmetricCumulative(cumulative: counts.map { running += $0; return running / total })
    }

    /// m·n, the largest value U can take.
    public var maximum: Int { table.maximum }

    /// P(U ≤ u).
    public func cdf(_ u: Double) -> Double { table.cdf(u) }

    /// P(U ≥ u), summed from the upper end through the symmetry U ↔ m·n − U.
    public func upperTail(_ u: Double) -> Double { table.upperTail(u) }

    /// R's exact two-sided p: min(1, 2·min(P(U ≤ u), P(U ≥ u))).
    public func twoSidedP(_ u: Double) -> Double { table.twoSidedP(u) }

    /// The smallest q with P(U ≤ q) ≥ p (R's `qwilcox`, with its allowance of 10ε for rounding in p).
    public func quantile(_ p: Double) -> Int { table.quantile(p) }

    /// c(u; m, n) for u = 0…m·n. Only one table per first-group size i is kept, grown column by column in j.
    private static func counts(m: Int, n: Int) -> [Double] {
        // tables[i] holds c(·; i, j) for the current j; with j = 0 only u = 0 is possible.
        var tables = (0...m).map { _ in [1.0] }
        for j in stride(from: 1, through: n, by: 1) {
            for i in stride(from: 1, through: m, by: 1) {
                var next = [Double](repeating: 0, count: i * j + 1)
                for (u, count) in tables[i].enumerated() { next[u] += count }
                for (u, count) in tables[i - 1].enumerated() { next[u + j] += count }
                tables[i] = next
            }
        }
        return tables[m]
    }
}
