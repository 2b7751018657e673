import Statistics
import Testing

/// The exact rank distributions against enumerations done by hand.
@Suite("signed-rank, rank-sum and Spearman distributions")
struct RankDistributionTests {
    @Test("signed rank, n = 3: the 8 subsets of {1, 2, 3} by sum")
    func signedRankByHand() {
        // Sums: {} 0, {1} 1, {2} 2, {3} 3, {1,2} 3, {1,3} 4, {2,3} 5, {1,2,3} 6.
        let counts = [1.0, 1, 1, 2, 1, 1, 1]
        let distribution = SignedRankDistribution(n: 3)
        var running = 0.0
        for (v, count) in counts.enumerated() {
            running += count
            #expect(distribution.cdf(Double(v)) == running / 8, "P(V ≤ \(v))")
        }
        #expect(distribution.upperTail(5) == 2.0 / 8)
        #expect(distribution.twoSidedP(0) == 0.25)
        #expect(distribution.quantile(0.25) == 1)   // P(V ≤ 1) = 2/8 reaches 0.25
        #expect(distribution.quantile(0.2) == 1)
        #expect(distribution.quantile(0.1) == 0)
    }

    @Test("signed rank, n = 5, V = 0: p = 2/32, R's smallest two-sided p at n = 5")
    func signedRankSmallest() {
        #expect(SignedRankDistribution(n: 5).twoSidedP(0) == 0.0625)
        #expect(SignedRankDistribution(n: 5).twoSidedP(15) == 0.0625)
        // With 20 ranks V = 0 has probability 2^−20 exactly.
        #expect(SignedRankDistribution(n: 20).cdf(0) == 1.0 / 1_048_576)
    }

    @Test("rank sum, m = n = 2: the 6 arrangements by U")
    func rankSumByHand() {
        // First-group ranks {1,2} U 0, {1,3} 1, {1,4} 2, {2,3} 2, {2,4} 3, {3,4} 4.
        let distribution = RankSumDistribution(m: 2, n: 2)
        #expect(distribution.cdf(0) == 1.0 / 6)
        #expect(distribution.cdf(1).isApproximatelyEqual(to: 2.0 / 6, relativeTolerance: 1e-15))
        #expect(distribution.cdf(2).isApproximatelyEqual(to: 4.0 / 6, relativeTolerance: 1e-15))
        #expect(distribution.upperTail(4) == 1.0 / 6)
        #expect(distribution.twoSidedP(0).isApproximatelyEqual(to: 2.0 / 6, relativeTolerance: 1e-15))
        // Unequal sizes: m = 1, n = 3 is uniform over U = 0…3.
        let uniform = RankSumDistribution(m: 1, n: 3)
        #expect((0...3).allSatisfy { uniform.cdf(Double($0)) == Double($0 + 1) / 4 })
    }

    @Test("Spearman, n = 4: S = 20 only for the reversed order (1 of 24); n = 3 by hand")
    func spearmanByHand() {
        let four = SpearmanDistribution(n: 4)
        #expect(four.upperTail(20) == 1.0 / 24)
        #expect(four.twoSidedP(20) == 2.0 / 24)
        #expect(four.twoSidedP(0) == 2.0 / 24)
        // n = 3: the 6 permutations give S = 0, 2, 2, 6, 6, 8.
        let three = SpearmanDistribution(n: 3)
        #expect(three.upperTail(6) == 3.0 / 6)
        #expect(three.lowerTail(below: 4) == 3.0 / 6)
        #expect(three.upperTail(5) == 3.0 / 6)   // S is even: P(S ≥ 5) = P(S ≥ 6)
    }

    @Test("Spearman, n = 10: AS 89's Edgeworth series as R's pspearman documents it (P(S ≤ 36) = 0.005825634)")
    func spearmanEdgeworth() {
        let ten = SpearmanDistribution(n: 10)
        #expect(!ten.isExact)
        #expect(ten.lowerTail(below: 38).isApproximatelyEqual(to: 0.005825634, relativeTolerance: 1e-6))
    }
}
