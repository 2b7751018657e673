import Foundation
@testable import Statistics
import Testing
import TestSupport

/// The order statistics of Walsh averages and of two-sample differences, found by counting, against the
/// definition: form every pair, sort, read entry k − 1.
@Suite("pairwise order statistics without forming the pairs")
struct PairwiseOrderStatisticsTests {

    /// A sample mixing the cases where rounding, signs and overflow matter: small integers (ties), ±0, subnormals,
    /// tiny and huge magnitudes (sums overflow to ±∞), and ordinary random doubles of either sign.
    static func sample(_ count: Int, _ random: inout SplitMix64) -> [Double] {
        let specials: [Double] = [0, -0.0, 5e-324, -5e-324, 1e-310, -1e-310, 2.2250738585072014e-308, 1e-300, -1e-300,
                                  1e300, -1e300, 1.7e308, -1.7e308, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        return (0..<count).map { _ in
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return Double(Int.random(in: -3...3, using: &random))
            case 1: return specials.randomElement(using: &random) ?? 0
            case 2: return Double.random(in: -1...1, using: &random) * pow10(Int.random(in: -20...20, using: &random))
            default: return Double.random(in: -100...100, using: &random)
            }
        }
    }

    static func pow10(_ exponent: Int) -> Double {
        (0..<abs(exponent)).reduce(1.0) { value, _ in exponent < 0 ? value / 10 : value * 10 }
    }

    /// The pairs sorted in IEEE total order (−0 before +0), from the standard library's own comparison.
    static func totalOrder(_ values: [Double]) -> [Double] {
        values.sorted { !$1.isTotallyOrdered(belowOrEqualTo: $0) }
    }

    static func walshAverages(_ x: [Double]) -> [Double] {
        x.indices.flatMap { i in (i..<x.count).map { j in (x[i] + x[j]) / 2 } }
    }

    /// The same double, NaN included (the mean of −∞ and +∞ middle pairs).
    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    /// Checks ranks 1, 2, 3, the middle, the last three and a few random ones bit for bit, and the median both
    /// bit for bit (total order) and as a value against the median of a plain sort (the former code's).
    static func check(_ pairs: PairwiseOrderStatistics, against all: [Double], _ what: String, _ random: inout SplitMix64) {
        let sorted = totalOrder(all)
        #expect(pairs.count == all.count, "\(what)")
        let count = all.count
        var ranks = Set([1, 2, 3, count / 2, count / 2 + 1, count - 2, count - 1, count].filter { (1...count).contains($0) })
        for _ in 0..<4 { ranks.insert(Int.random(in: 1...count, using: &random)) }
        for k in ranks.sorted() {
            #expect(pairs.smallest(k).bitPattern == sorted[k - 1].bitPattern, "\(what): order statistic \(k) of \(count)")
        }
        let median = Quantile.median(sorted: sorted) ?? .nan
        #expect(pairs.median.bitPattern == median.bitPattern || (pairs.median.isNaN && median.isNaN), "\(what): median")
        #expect(same(pairs.median, Quantile.median(sorted: all.sorted()) ?? .nan), "\(what): median against a plain sort")
    }

    @Test("Walsh averages, n = 1…300: every checked order statistic and the median as sorting gives them")
    func walsh() {
        var random = SplitMix64(state: 7)
        for n in Array(1...40) + Array(stride(from: 45, through: 300, by: 17)) + [299, 300] {
            for trial in 0..<3 {
                let x = Self.sample(n, &random)
                Self.check(PairwiseOrderStatistics(walshAveragesOf: x), against: Self.walshAverages(x), "n = \(n), trial \(trial)", &random)
            }
        }
    }

    @Test("differences of two samples, m × n from 1 × 1 to 300 × 123: every checked order statistic and the median")
    func differences() {
        var random = SplitMix64(state: 11)
        let sizes = (1...12).flatMap { m in (1...12).map { (m, $0) } } + [(50, 70), (123, 300), (300, 1), (1, 300), (77, 77)]
        for (m, n) in sizes {
            let x = Self.sample(m, &random), y = Self.sample(n, &random)
            let all = x.flatMap { a in y.map { b in a - b } }
            Self.check(PairwiseOrderStatistics(differencesOf: x, minus: y), against: all, "\(m) × \(n)", &random)
        }
    }

    @Test("Hodges–Lehmann below the exact limits: the same estimate, limits and achieved confidence as sorting all pairs")
    func estimateAsBefore() throws {
        var random = SplitMix64(state: 3)
        for n in [1, 2, 3, 4, 7, 10, 24, 49, 50, 120] {
            // Ordinary values: the former definition, sort then read, gives the same doubles.
            let x = (0..<n).map { _ in (Double.random(in: -50...50, using: &random) * 8).rounded() / 8 }
            let averages = Self.walshAverages(x).sorted()
            let distribution = SignedRankDistribution(n: n)
            let k = max(distribution.quantile(0.025), 1)
            let hl = try HodgesLehmannEstimate.walsh(x)
            #expect(hl.interval == .exact && hl.k == k, "n = \(n)")
            #expect(hl.estimate == Quantile.median(sorted: averages), "n = \(n)")
            #expect((hl.lower, hl.upper) == (averages[k - 1], averages[averages.count - k]), "n = \(n)")
            #expect(hl.achievedConfidence == 1 - 2 * distribution.cdf(Double(k - 1)), "n = \(n)")

            let y = (0..<(n % 30 + 1)).map { _ in Double.random(in: -50...50, using: &random) }
            let differences = x.flatMap { a in y.map { a - $0 } }.sorted()
            let shiftDistribution = RankSumDistribution(m: x.count, n: y.count)
            let shiftK = max(shiftDistribution.quantile(0.025), 1)
            let shift = try HodgesLehmannEstimate.shift(x, y)
            #expect(shift.interval == .exact && shift.k == shiftK, "\(n) × \(y.count)")
            #expect(shift.estimate == Quantile.median(sorted: differences), "\(n) × \(y.count)")
            #expect((shift.lower, shift.upper) == (differences[shiftK - 1], differences[differences.count - shiftK]), "\(n) × \(y.count)")
            #expect(shift.achievedConfidence == 1 - 2 * shiftDistribution.cdf(Double(shiftK - 1)), "\(n) × \(y.count)")
        }
    }

    @Test("50,000 differences dᵢ = i: the Walsh median (n + 1)/2 and the limits s/2 with ⌊s²/4⌋ ≥ k, from closed forms")
    func fiftyThousandPairs() throws {
        let n = 50_000
        // Reversed, so the input is not already sorted.
        let hl = try HodgesLehmannEstimate.walsh((1...n).reversed().map(Double.init))
        // Walsh sums s = i + j, i ≤ j: ⌊s/2⌋ − max(1, s − n) + 1 pairs each, so ⌊s²/4⌋ pairs have a sum ≤ s for
        // s ≤ n + 1, and the sums are symmetric about n + 1. M = n(n + 1)/2 = 1,250,025,000 is even; ⌊n²/4⌋ =
        // 625,000,000 < M/2 < M/2 + 1 ≤ ⌊(n + 1)²/4⌋ = 625,025,000, so both middle pairs have s = n + 1.
        #expect(hl.estimate == 25_000.5)
        #expect(hl.interval == .normalApproximation)
        // k: R's normal rule would be ⌈μ − ½ + σ·z₀.₀₂₅⌉ with μ = n(n + 1)/4, σ² = n(n + 1)(2n + 1)/24; the kurtosis
        // term (γ₂ ≈ −3.6/n) moves it up by σ·3.6/(24n)·(z³ − 3z) ≈ 0.0714·√n ≈ 16.
        let mean = Double(n) * Double(n + 1) / 4, sd = (Double(n) * Double(n + 1) * Double(2 * n + 1) / 24).squareRoot()
        let plain = Int((mean - 0.5 - 1.959963984540054 * sd).rounded(.up))
        #expect((15...17).contains(hl.k - plain), "k = \(hl.k), normal without the kurtosis term \(plain)")
        var s = Int((4 * Double(hl.k)).squareRoot()) - 2
        while s * s / 4 < hl.k { s += 1 }
        #expect(s <= n + 1)
        #expect(hl.lower == Double(s) / 2, "W(\(hl.k))")
        #expect(hl.upper == Double(2 * (n + 1) - s) / 2, "W(M − k + 1), by symmetry")
        #expect(hl.achievedConfidence > 0.94 && hl.achievedConfidence < 0.96)
    }

    @Test("differences of 1…3,000 and 1…5,000: median and limits from the counts of each difference")
    func largeShift() throws {
        let m = 3_000, n = 5_000
        let shift = try HodgesLehmannEstimate.shift((1...m).map(Double.init), (1...n).reversed().map(Double.init))
        #expect(shift.interval == .normalApproximation)
        // i − j = t for max(1, 1 + t) ≤ i ≤ min(m, n + t): walk t upwards and note where the count reaches each rank.
        let total = m * n
        let ranks = [shift.k, total / 2, total / 2 + 1, total - shift.k + 1]
        var found: [Int: Int] = [:], cumulative = 0
        for t in (1 - n)...(m - 1) {
            cumulative += max(0, min(m, n + t) - max(1, 1 + t) + 1)
            for rank in ranks where found[rank] == nil && cumulative >= rank { found[rank] = t }
        }
        #expect(cumulative == total)
        let value = { (rank: Int) in Double(found[rank] ?? .min) }
        #expect(shift.lower == value(shift.k))
        #expect(shift.upper == value(total - shift.k + 1))
        #expect(shift.estimate == (value(total / 2) + value(total / 2 + 1)) / 2)
    }
}
