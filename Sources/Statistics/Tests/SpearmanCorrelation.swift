import Foundation

/// Spearman's rank correlation with R's test (`cor.test(x, y, method = "spearman")`, `exact = NULL`).
///
/// ρ is the Pearson correlation of the midranks and S = (n³ − n)(1 − ρ)/6. Without ties and for n ≤ 1290 the
/// p-value comes from AS 89 (exact for n ≤ 9, Edgeworth series above); with ties, or beyond 1290, from the t
/// approximation t = ρ·√((n − 2)/(1 − ρ²)) with n − 2 degrees of freedom.
public struct SpearmanCorrelation: Sendable {
    /// The number of pairs.
    public let count: Int
    /// ρ; nil when either variable is constant.
    public let rho: Double?
    /// S = (n³ − n)(1 − ρ)/6.
    public let s: Double?
    /// The two-sided p-value.
    public let p: Double?
    /// Exact, Edgeworth, or t approximation.
    public let method: PValueMethod

    /// Up to this n R uses AS 89 when there are no ties.
    public static let as89Limit = 1290

    /// Correlates `x` with `y` (equally long, finite, at least 2 pairs).
    public init(x: [Double], y: [Double]) throws {
        guard x.count == y.count else { throw StatisticsError.unpairedLengths(untreated: x.count, treated: y.count) }
        try Validation.finite(x, test: "Spearman correlation (x)", needed: 2)
        try Validation.finite(y, test: "Spearman correlation (y)", needed: 2)
        let rankX = Ranks(x), rankY = Ranks(y)
        let n = Double(x.count)
        count = x.count
        rho = Validation.defined(Self.pearson(rankX.ranks, rankY.ranks))
        let cubeTerm = n * n * n - n
        s = rho.map { cubeTerm * (1 - $0) / 6 }
        let ties = rankX.hasTies || rankY.hasTies
        guard let s else {
            (p, method) = (nil, ties ? .tApproximation : .exact)
            return
        }
        if !ties && count <= Self.as89Limit {
            let distribution = SpearmanDistribution(n: count)
            method = distribution.isExact ? .exact : .edgeworth
            p = Validation.defined(distribution.twoSidedP(s))
        } else {
            method = .tApproximation
            // R recovers ρ from S before forming t; the tail on ρ's side, doubled.
            let r = 1 - s / (cubeTerm / 6)
            let t = r / ((1 - r * r) / (n - 2)).squareRoot()
            p = Validation.defined(StudentTDistribution(degreesOfFreedom: n - 2).twoSidedP(t))
        }
    }

    /// The Pearson correlation, centred first (two passes) as R's `cor` does.
    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var product = 0.0, squaresA = 0.0, squaresB = 0.0
        for (u, v) in zip(a, b) {
            product += (u - meanA) * (v - meanB)
            squaresA += (u - meanA) * (u - meanA)
            squaresB += (v - meanB) * (v - meanB)
        }
        return product / (squaresA * squaresB).squareRoot()
    }
}
