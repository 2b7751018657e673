import Foundation

/// The null distribution of Spearman's S = Σ(rank xᵢ − rank yᵢ)² for n untied pairs, as R's `cor.test`
/// computes it (algorithm AS 89, Best & Roberts 1975, as modified in R): exact by enumerating the n!
/// permutations for n ≤ 9, an Edgeworth series for larger n.
public struct SpearmanDistribution: Sendable {
    /// The number of pairs.
    public let n: Int

    /// The largest n whose p-value is exact (R enumerates up to 9; AS 89 itself stopped at 6).
    public static let largestExactN = 9

    /// The distribution for n ≥ 2 pairs.
    public init(n: Int) {
        self.n = n
    }

    /// Whether the tails are exact (n ≤ 9) rather than the Edgeworth series.
    public var isExact: Bool { n <= Self.largestExactN }

    /// P(S ≥ s) (AS 89's upper tail; S takes even values, so s is first raised to an even integer).
    public func upperTail(_ s: Double) -> Double {
        tail(atLeast: s, lower: false)
    }

    /// P(S < s) (AS 89's lower tail).
    public func lowerTail(below s: Double) -> Double {
        tail(atLeast: s, lower: true)
    }

    /// R's two-sided p for an observed S: the tail on S's side of its mean (n³ − n)/6, doubled.
    /// R passes round(S) to the upper tail and round(S) + 2 to the lower one, which with S even is P(S ≤ s).
    public func twoSidedP(_ s: Double) -> Double {
        let mean = (pow(Double(n), 3) - Double(n)) / 6
        let rounded = s.rounded()
        let p = s > mean ? upperTail(rounded) : lowerTail(below: rounded + 2)
        return min(1, 2 * p)
    }

    private func tail(atLeast s: Double, lower: Bool) -> Double {
        guard n > 1 else { return .nan }
        if s <= 0 { return lower ? 0 : 1 }
        let largest = (pow(Double(n), 3) - Double(n)) / 3
        if s > largest { return lower ? 1 : 0 }
        var even = s.rounded(.up)
        if even.truncatingRemainder(dividingBy: 2) != 0 { even += 1 }
        if isExact {
            let counts = Self.exactCounts(n: n)
            let total = counts.reduce(0, +)
            let atLeast = counts.indices.filter { Double($0) >= even }.reduce(0.0) { $0 + counts[$1] }
            return (lower ? total - atLeast : atLeast) / total
        }
        return edgeworth(even: even, lower: lower)
    }

    /// AS 89's Edgeworth series: the normal tail of the standardised S plus a correction in powers of 1/n.
    private func edgeworth(even: Double, lower: Bool) -> Double {
        let c: [Double] = [0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4]
        let size = Double(n), b = 1 / size
        let x = (6 * (even - 1) * b / (size * size - 1) - 1) * (size - 1).squareRoot()
        let y = x * x
        let inner = c[8] - c[9] * b + y * b * (c[10] - c[11] * y)
        let u = x * b * (c[0] + b * (c[1] + c[2] * b) + y * (-c[3] + b * (c[4] + c[5] * b) - y * b * (c[6] + c[7] * b - y * inner)))
        let correction = u / exp(y / 2)
        let p = lower ? NormalDistribution.cdf(x) - correction : NormalDistribution.upperTail(x) + correction
        return min(max(p, 0), 1)
    }

    /// The number of permutations π of 1…n with Σ(i − πᵢ)² = s, for s = 0…(n³ − n)/3.
    static func exactCounts(n: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: (n * n * n - n) / 3 + 1)
        var used = [Bool](repeating: false, count: n)
        func place(_ position: Int, _ sum: Int) {
            if position == n { counts[sum] += 1; return }
            for value in 0..<n where !used[value] {
                used[value] = true
                place(position + 1, sum + (position - value) * (position - value))
                used[value] = false
            }
        }
        place(0, 0)
        return counts
    }
}
