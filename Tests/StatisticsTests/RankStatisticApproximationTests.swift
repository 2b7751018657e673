import Foundation
@testable import Statistics
import Testing
import TestSupport

/// The normal approximation (continuity and kurtosis corrections) that gives a Hodges–Lehmann interval its k above
/// the exact limits, against the exact distributions.
@Suite("normal approximation of the rank statistics for Hodges–Lehmann intervals")
struct RankStatisticApproximationTests {
    /// Mean, variance and excess kurtosis of a distribution on 0…M from its cumulative probabilities.
    static func moments(_ cdf: (Double) -> Double, maximum: Int) -> (mean: Double, variance: Double, kurtosis: Double) {
        let probabilities = (0...maximum).map { cdf(Double($0)) - cdf(Double($0) - 1) }
        let mean = probabilities.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        let central = { (power: Double) in probabilities.enumerated().reduce(0.0) { $0 + pow(Double($1.offset) - mean, power) * $1.element } }
        let variance = central(2)
        return (mean, variance, central(4) / (variance * variance) - 3)
    }

    @Test("the moments behind the approximation are the exact distributions' (signed rank n = 12, 30; rank sum 4 × 7, 6 × 6)")
    func moments() {
        for n in [12, 30] {
            let exact = SignedRankDistribution(n: n), approximation = RankStatisticApproximation.signedRank(n: n)
            let m = Self.moments(exact.cdf, maximum: exact.maximum)
            #expect(approximation.maximum == exact.maximum)
            #expect(approximation.mean.isApproximatelyEqual(to: m.mean, relativeTolerance: 1e-12), "n = \(n)")
            #expect(approximation.variance.isApproximatelyEqual(to: m.variance, relativeTolerance: 1e-12), "n = \(n)")
            #expect(approximation.excessKurtosis.isApproximatelyEqual(to: m.kurtosis, relativeTolerance: 1e-9), "n = \(n)")
        }
        for (first, second) in [(4, 7), (6, 6)] {
            let exact = RankSumDistribution(m: first, n: second), approximation = RankStatisticApproximation.rankSum(m: first, n: second)
            let m = Self.moments(exact.cdf, maximum: exact.maximum)
            #expect(approximation.maximum == exact.maximum)
            #expect(approximation.mean.isApproximatelyEqual(to: m.mean, relativeTolerance: 1e-12), "\(first) × \(second)")
            #expect(approximation.variance.isApproximatelyEqual(to: m.variance, relativeTolerance: 1e-12), "\(first) × \(second)")
            #expect(approximation.excessKurtosis.isApproximatelyEqual(to: m.kurtosis, relativeTolerance: 1e-9), "\(first) × \(second)")
        }
    }

    @Test("at the switch (500 differences; m·n = 10,000) the approximate k is within 1 of the exact k, at 80 to 99 %")
    func switchPoint() {
        let tails = [0.1, 0.05, 0.025, 0.005]
        let limit = HodgesLehmannEstimate.largestExactWalshCount
        for n in [50, 100, 200, 300, limit] {
            let exact = SignedRankDistribution(n: n), approximation = RankStatisticApproximation.signedRank(n: n)
            for p in tails {
                #expect(abs(exact.quantile(p) - approximation.quantile(p)) <= 1, "n = \(n), p = \(p)")
            }
        }
        #expect(HodgesLehmannEstimate.largestExactShiftProduct == 10_000)
        for (m, n) in [(100, 100), (50, 200), (200, 50), (20, 500)] {
            let exact = RankSumDistribution(m: m, n: n), approximation = RankStatisticApproximation.rankSum(m: m, n: n)
            for p in tails {
                #expect(abs(exact.quantile(p) - approximation.quantile(p)) <= 1, "\(m) × \(n), p = \(p)")
            }
        }
    }

    @Test("the interval's k is exact up to the limits and approximate beyond, and says which")
    func rule() throws {
        let limit = HodgesLehmannEstimate.largestExactWalshCount
        let atLimit = try HodgesLehmannEstimate.walsh((1...limit).map(Double.init))
        #expect(atLimit.interval == .exact && atLimit.k == SignedRankDistribution(n: limit).quantile(0.025))
        let beyond = try HodgesLehmannEstimate.walsh((1...(limit + 1)).map(Double.init))
        #expect(beyond.interval == .normalApproximation && beyond.k == RankStatisticApproximation.signedRank(n: limit + 1).quantile(0.025))
        // Walsh averages of 1…n: ⌊s²/4⌋ of them have a sum ≤ s ≤ n + 1, so W(k) = s/2 for the smallest such s.
        var s = 2
        while s * s / 4 < beyond.k { s += 1 }
        #expect(beyond.lower == Double(s) / 2)
        #expect(beyond.achievedConfidence == 1 - 2 * RankStatisticApproximation.signedRank(n: limit + 1).cdf(Double(beyond.k - 1)))

        let square = try HodgesLehmannEstimate.shift((1...100).map(Double.init), (1...100).map { Double($0) + 0.5 })
        #expect(square.interval == .exact && square.k == RankSumDistribution(m: 100, n: 100).quantile(0.025))
        // A first group larger than the second, past R's limit of 50: the same k as with the groups swapped.
        let tall = try HodgesLehmannEstimate.shift((1...400).map(Double.init), (1...25).map { Double($0) + 0.5 })
        #expect(tall.interval == .exact && tall.k == RankSumDistribution(m: 25, n: 400).quantile(0.025))
        let wide = try HodgesLehmannEstimate.shift((1...100).map(Double.init), (1...101).map { Double($0) + 0.5 })
        #expect(wide.interval == .normalApproximation && wide.k == RankStatisticApproximation.rankSum(m: 100, n: 101).quantile(0.025))
    }

    @Test("edges: probabilities 0 and 1, no ranks, and a 1-value group against 20,000 still give k in range")
    func edges() throws {
        let approximation = RankStatisticApproximation.signedRank(n: 1_000)
        #expect(approximation.quantile(0) == 0 && approximation.quantile(1) == approximation.maximum)
        #expect(approximation.cdf(-1) == 0 && approximation.cdf(Double(approximation.maximum)) == 1)
        #expect(RankStatisticApproximation.signedRank(n: 0).quantile(0.025) == 0)
        let lopsided = try HodgesLehmannEstimate.shift([0], (1...20_000).map(Double.init))
        #expect(lopsided.k >= 1 && lopsided.lower <= lopsided.estimate && lopsided.estimate <= lopsided.upper)
        #expect(lopsided.estimate == -10_000.5)
    }

    @Test("a small group's lower tail (Gaussian binomial) equals the full exact table: every cdf value and quantile",
          arguments: [1, 2, 3, 7, 14])
    func smallGroupLowerTail(m: Int) {
        for n in [1, 2, 5, 17, 60, 200] where m * n <= 3_000 {
            for (first, second) in [(m, n), (n, m)] {
                let full = RankSumDistribution(m: first, n: second), tail = RankSumLowerTail(m: first, n: second)
                for u in -1...(first * second) {
                    #expect(abs(tail.cdf(Double(u)) - full.cdf(Double(u))) <= 1e-12, "\(first)×\(second) at \(u)")
                }
                for p in [0.005, 0.025, 0.05, 0.1, 0.25, 0.5] {
                    #expect(tail.quantile(p) == full.quantile(p), "\(first)×\(second) at \(p)")
                }
            }
        }
    }

    @Test("one value against 10,001 and two against 5,001: k exact from U's closed-form counts, not from the normal approximation")
    func lopsidedGroupsExact() throws {
        // One value: U is uniform on 0…n, P(U ≤ q) = (q + 1)/(n + 1); the smallest q reaching 0.025 is 250.
        let one = try HodgesLehmannEstimate.shift([0], (1...10_001).map(Double.init))
        #expect(one.interval == .exact && one.k == 250)
        #expect(abs(one.achievedConfidence - (1 - 2 * 250.0 / 10_002)) < 1e-12)
        #expect(one.lower == -10_001 + 249 && one.upper == -250)  // the 250th smallest and largest of −1…−10,001
        // Two values: U = u in ⌊u/2⌋ + 1 ways for u ≤ n (partitions of u into at most two parts), of C(n + 2, 2).
        let n = 5_001
        let total = Double((n + 2) * (n + 1) / 2)
        var cumulative = 0.0, expected = 0
        while true {
            cumulative += Double(expected / 2 + 1)
            if cumulative / total >= 0.025 { break }
            expected += 1
        }
        let two = try HodgesLehmannEstimate.shift([0, 0.5], (1...n).map(Double.init))
        #expect(two.interval == .exact && two.k == expected, "k \(two.k), expected \(expected)")
    }
}
