import Foundation
import Statistics
import Testing
import TestSupport

/// Small cases worked by hand, and the edge cases of the tests' definitions.
@Suite("tests on hand-calculated cases")
struct HandCalculatedTests {
    @Test("midranks and tie groups")
    func ranks() {
        let ranks = Ranks([10, 20, 10, 30, 20, 20])
        #expect(ranks.ranks == [1.5, 4, 1.5, 6, 4, 4])   // the 20s take ranks 3, 4, 5
        #expect(ranks.tieSizes.sorted() == [2, 3])
        #expect(ranks.tieSum == 6 + 24)
    }

    @Test("a tie group of 2,100,000 values: Σ(t³ − t) beyond Int's range, as a double")
    func hugeTieGroup() {
        // 2,100,000³ = 9.261e18 > Int.max ≈ 9.223e18.
        let ranks = Ranks([Double](repeating: 1, count: 2_100_000))
        #expect(ranks.tieSizes == [2_100_000])
        #expect(ranks.tieSum == 9.261e18 - 2.1e6)
        #expect(ranks.ranks.first == 1_050_000.5)
    }

    @Test("type-7 quantiles and the median")
    func quantiles() throws {
        // h = (n − 1)·p: 0.75 → 1 + 0.75·(2 − 1); 2.25 → 3 + 0.25·(4 − 3).
        #expect(Quantile.type7([4, 1, 3, 2], 0.25) == 1.75)
        #expect(Quantile.type7([4, 1, 3, 2], 0.75) == 3.25)
        let quartiles = try #require(Quartiles([5, 1, 3]))
        #expect(quartiles == Quartiles([3, 5, 1]))
        #expect((quartiles.median, quartiles.q1, quartiles.q3) == (3, 2, 4))
        #expect(Quartiles([]) == nil)
    }

    @Test("Walsh averages of [1, 2, 4]: 1, 1.5, 2, 2.5, 3, 4, median 2.25; n = 3 gives k = 1 and the full range")
    func walsh() throws {
        let hl = try HodgesLehmannEstimate.walsh([1, 2, 4])
        #expect(hl.estimate == 2.25)
        // qsignrank(0.025, 3) = 0 is raised to 1: [W(1), W(6)], achieved confidence 1 − 2·P(V ≤ 0) = 1 − 2/8.
        #expect((hl.lower, hl.upper, hl.achievedConfidence) == (1, 4, 0.75))
    }

    @Test("two-sample shift of [3, 5] − [1, 2]: differences 1, 2, 3, 4, median 2.5")
    func shift() throws {
        let hl = try HodgesLehmannEstimate.shift([3, 5], [1, 2])
        #expect(hl.estimate == 2.5)
        #expect((hl.lower, hl.upper) == (1, 4))
        #expect(hl.achievedConfidence.isApproximatelyEqual(to: 1 - 2.0 / 6, relativeTolerance: 1e-15))
    }

    @Test("signed rank with a zero and a tie: normal approximation, R's tie correction, Pratt")
    func signedRankNormal() throws {
        // d = 0, 1, −1, 2, 3: the zero is dropped; |d| = 1, 1, 2, 3 rank 1.5, 1.5, 3, 4; V = 1.5 + 3 + 4 = 8.5.
        let test = try SignedRankTest(differences: [0, 1, -1, 2, 3])
        #expect(test.v == 8.5 && test.zerosDropped == 1 && test.nonZeroCount == 4 && test.hasTies)
        #expect(test.method == .normalWithContinuityCorrection)
        // Mean 5, variance 4·5·9/24 − (8 − 2)/48 = 7.375; z = (8.5 − 5 − 0.5)/√7.375.
        let z = 3 / 7.375.squareRoot()
        #expect(try #require(test.p).isApproximatelyEqual(to: 2 * NormalDistribution.upperTail(z), relativeTolerance: 1e-15))
        // Pratt: ranks with the zero 1, 2.5, 2.5, 4, 5; kept 2.5, 2.5, 4, 5; R⁺ = 11.5, mean 7, variance 53.5/4.
        let pratt = (11.5 - 7) / (53.5 / 4).squareRoot()
        #expect(try #require(test.prattP).isApproximatelyEqual(to: 2 * NormalDistribution.upperTail(pratt), relativeTolerance: 1e-15))
    }

    @Test("all differences zero: V = 0 and no p (R: NaN)")
    func allZero() throws {
        let comparison = try PairedComparison(untreated: [2, 3], treated: [2, 3])
        #expect(comparison.signedRank.v == 0 && comparison.signedRank.p == nil && comparison.signedRank.zerosDropped == 2)
        #expect(comparison.logTTest == nil)   // constant log ratios: R stops with "data are essentially constant"
        #expect(comparison.differenceShift.estimate == 0)
    }

    @Test("pairs with a value ≤ 0 leave the ratio statistics and are counted; Δ keeps them")
    func ratioExclusion() throws {
        let comparison = try PairedComparison(untreated: [1, 0, 4, 2, -1], treated: [2, 3, 2, 8, 1])
        #expect(comparison.pairCount == 5 && comparison.ratioExcludedCount == 2)
        #expect(comparison.signedRank.nonZeroCount == 5)
        // Ratios 2, 0.5, 4: log2 1, −1, 2; Walsh averages −1, 0, 0.5, 1, 1.5, 2, median 0.75.
        #expect(comparison.log2Shift?.estimate == 0.75)
        #expect(comparison.foldChange.map { [$0.median, $0.q1, $0.q3] } == [2, 1.25, 3])
        let t = try #require(comparison.logTTest)
        #expect(t.count == 3 && t.degreesOfFreedom == 2)
        #expect(t.geometricMeanRatio.isApproximatelyEqual(to: cbrt(4.0), relativeTolerance: 1e-15))   // (2·0.5·4)^(1/3)
    }

    @Test("Kruskal–Wallis on [1, 2] and [3, 4]: H = 2.4, and χ²₁ is Z²")
    func kruskal() throws {
        // Rank sums 3 and 7: 12/(4·5)·(9/2 + 49/2) − 3·5 = 2.4.
        let test = try KruskalWallisTest(groups: [[1, 2], [3, 4]])
        #expect(try #require(test.h).isApproximatelyEqual(to: 2.4, relativeTolerance: 1e-15))
        #expect(test.degreesOfFreedom == 1)
        #expect(try #require(test.p).isApproximatelyEqual(to: 2 * NormalDistribution.upperTail(2.4.squareRoot()), relativeTolerance: 1e-13))
        #expect(try KruskalWallisTest(groups: [[1, 1], [1]]).h == nil)
    }

    @Test("Spearman: reversed order of 4 gives ρ = −1, S = 20, exact p = 2/24; ties switch to the t approximation")
    func spearman() throws {
        let reversed = try SpearmanCorrelation(x: [1, 2, 3, 4], y: [8, 6, 4, 2])
        #expect(reversed.rho == -1 && reversed.s == 20 && reversed.method == .exact)
        #expect(reversed.p == 2.0 / 24)
        // ρ from midranks [1, 2.5, 2.5, 4] and [1, 2, 3, 4]: t = ρ√((n−2)/(1−ρ²)) on 2 degrees of freedom.
        let tied = try SpearmanCorrelation(x: [1, 2, 2, 3], y: [1, 2, 3, 4])
        let rho = 4.5 / (4.5 * 5).squareRoot()
        #expect(try #require(tied.rho).isApproximatelyEqual(to: rho, relativeTolerance: 1e-15))
        #expect(tied.method == .tApproximation)
        let t = rho * (2 / (1 - rho * rho)).squareRoot()
        #expect(try #require(tied.p).isApproximatelyEqual(to: StudentTDistribution(degreesOfFreedom: 2).twoSidedP(t), relativeTolerance: 1e-12))
    }

    @Test("Benjamini–Hochberg: m counts only present p-values; ties get equal q")
    func bh() throws {
        // m = 3: 0.01·3/1 = 0.03, 0.03·3/2 = 0.045, 0.04·3/3 = 0.04; the running minimum from the top lowers 0.045 to 0.04.
        let adjusted = try BenjaminiHochberg.adjust([0.01, 0.04, 0.03, nil])
        #expect(adjusted.count == 4 && adjusted[3] == nil)
        #expect(zip(adjusted.prefix(3), [0.03, 0.04, 0.04]).allSatisfy { $0!.isApproximatelyEqual(to: $1, relativeTolerance: 1e-15) })
        #expect(try BenjaminiHochberg.adjust([0.02, 0.02]) == [0.02, 0.02])
        #expect(throws: StatisticsError.probabilityOutOfRange(index: 1, value: 1.5)) { try BenjaminiHochberg.adjust([0.1, 1.5]) }
    }

    @Test("errors carry their context")
    func errors() {
        #expect(throws: StatisticsError.unpairedLengths(untreated: 2, treated: 1)) { try PairedComparison(untreated: [1, 2], treated: [1]) }
        #expect(throws: StatisticsError.notFinite(test: "paired comparison (treated)", index: 1, value: .infinity)) {
            try PairedComparison(untreated: [1, 2], treated: [1, .infinity])
        }
        #expect(throws: StatisticsError.tooFewValues(test: "rank-sum test (second group)", needed: 1, found: 0)) {
            try RankSumTest(first: [1], second: [])
        }
    }

    @Test("R's p-value printing: 4 significant digits, fixed unless scientific is narrower")
    func printing() {
        #expect(RNumberFormat.pValue(0.0625) == "= 0.0625")
        #expect(RNumberFormat.pValue(0.000229868395167) == "= 0.0002299")
        #expect(RNumberFormat.pValue(1.92522165757e-05) == "= 1.925e-05")
        #expect(RNumberFormat.pValue(1e-12) == "= 1e-12")
        #expect(RNumberFormat.pValue(1.279812543885835e-12) == "= 1.28e-12")
        #expect(RNumberFormat.pValue(1e-17) == "< 2.2e-16")
        #expect(RNumberFormat.pValue(1) == "= 1")
        #expect(RNumberFormat.significant(-9.126, digits: 7) == "-9.126")
        #expect(RNumberFormat.significant(123456789, digits: 7) == "123456789")
    }
}
