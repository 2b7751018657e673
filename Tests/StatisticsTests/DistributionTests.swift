import Foundation
import Statistics
import Testing
import TestSupport

/// The special functions against closed forms and published values, in the far tails where a p of 1e-12 must
/// still be right to many digits.
@Suite("special functions and distributions")
struct DistributionTests {
    @Test("normal upper tail: published values of Q(z) far into the tail")
    func normalTail() {
        // Q(z) = 1 − Φ(z), to 16 digits (R's pnorm(-z); Abramowitz & Stegun Table 26.1 gives the leading digits).
        let published: [(z: Double, q: Double)] = [(5, 2.866515718791939e-07), (7, 1.279812543885835e-12),
                                                    (10, 7.619853024160527e-24), (20, 2.753624118606234e-89)]
        for (z, q) in published {
            #expect(NormalDistribution.upperTail(z).isApproximatelyEqual(to: q, relativeTolerance: 1e-14), "Q(\(z))")
            #expect(NormalDistribution.cdf(-z).isApproximatelyEqual(to: q, relativeTolerance: 1e-14), "Φ(−\(z))")
        }
        #expect(NormalDistribution.cdf(0) == 0.5)
        #expect(NormalDistribution.twoSidedP(1.959963984540054).isApproximatelyEqual(to: 0.05, relativeTolerance: 1e-14))
    }

    @Test("normal quantile: the 97.5 % point and round trips down to 1e-300")
    func normalQuantile() {
        #expect(NormalDistribution.quantile(0.975).isApproximatelyEqual(to: 1.959963984540054, relativeTolerance: 1e-15))
        #expect(NormalDistribution.quantile(0.5) == 0)
        for q in [0.4, 0.1, 1e-3, 1e-12, 1e-100, 1e-300] {
            let z = NormalDistribution.upperQuantile(q)
            #expect(NormalDistribution.upperTail(z).isApproximatelyEqual(to: q, relativeTolerance: 1e-13), "q = \(q)")
            #expect(NormalDistribution.quantile(q) == -z)
        }
    }

    @Test("t: closed forms of 1 and 2 degrees of freedom, in the body and at p ≈ 1e-12")
    func studentT() {
        let cauchy = StudentTDistribution(degreesOfFreedom: 1)
        for t in [0.5, 3.0, 1e3, 3.2e11] {
            // P(T > t) = atan(1/t)/π for the Cauchy distribution.
            #expect(cauchy.upperTail(t).isApproximatelyEqual(to: atan(1 / t) / .pi, relativeTolerance: 1e-13), "ν = 1, t = \(t)")
            #expect(cauchy.cdf(-t) == cauchy.upperTail(t))
        }
        let two = StudentTDistribution(degreesOfFreedom: 2)
        for t in [0.25, 4.0, 7.07e5] {
            // P(T > t) = ½(1 − t/√(2 + t²)) = 1/(√(2 + t²)·(√(2 + t²) + t)) for ν = 2, the second form without cancellation.
            let root = (2 + t * t).squareRoot()
            #expect(two.upperTail(t).isApproximatelyEqual(to: 1 / (root * (root + t)), relativeTolerance: 1e-13), "ν = 2, t = \(t)")
        }
        // Quantiles: ν = 1: tan(π(p − ½)); ν = 2: (2p − 1)/√(2p(1 − p)).
        #expect(cauchy.quantile(0.975).isApproximatelyEqual(to: tan(.pi * 0.475), relativeTolerance: 1e-13))
        let p = 0.975
        #expect(two.quantile(p).isApproximatelyEqual(to: (2 * p - 1) / (2 * p * (1 - p)).squareRoot(), relativeTolerance: 1e-13))
        let ten = StudentTDistribution(degreesOfFreedom: 10)
        for q in [0.25, 0.025, 1e-6, 1e-12] {
            #expect(ten.upperTail(ten.upperQuantile(q)).isApproximatelyEqual(to: q, relativeTolerance: 1e-12), "ν = 10, q = \(q)")
        }
        #expect(ten.twoSidedP(0) == 1)
    }

    @Test("χ²: 2 degrees of freedom is exponential, e^(−x/2), down to 1e-13; quantiles invert")
    func chiSquared() {
        let two = ChiSquaredDistribution(degreesOfFreedom: 2)
        for x in [0.1, 2.0, 30.0, 60.0] {
            #expect(two.upperTail(x).isApproximatelyEqual(to: exp(-x / 2), relativeTolerance: 1e-14), "x = \(x)")
            #expect(two.cdf(x).isApproximatelyEqual(to: -expm1(-x / 2), relativeTolerance: 1e-14), "x = \(x)")
        }
        #expect(two.quantile(0.95).isApproximatelyEqual(to: -2 * log(0.05), relativeTolerance: 1e-13))
        #expect(two.upperQuantile(1e-12).isApproximatelyEqual(to: -2 * log(1e-12), relativeTolerance: 1e-13))
        // 1 degree of freedom is Z²: P(χ²₁ > z²) = 2·Q(z).
        let one = ChiSquaredDistribution(degreesOfFreedom: 1)
        for z in [0.5, 2.0, 7.0] {
            #expect(one.upperTail(z * z).isApproximatelyEqual(to: 2 * NormalDistribution.upperTail(z), relativeTolerance: 1e-13), "z = \(z)")
        }
        let three = ChiSquaredDistribution(degreesOfFreedom: 3)
        for p in [1e-8, 0.05, 0.5, 0.95] {
            #expect(three.cdf(three.quantile(p)).isApproximatelyEqual(to: p, relativeTolerance: 1e-12), "p = \(p)")
        }
    }

    @Test("incomplete beta and gamma: closed forms at the edges of their parameters")
    func incompleteFunctions() {
        // I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b.
        #expect(IncompleteBeta.regularized(0.01, a: 6, b: 1).isApproximatelyEqual(to: 1e-12, relativeTolerance: 1e-13))
        #expect(IncompleteBeta.complement(0.3, a: 1, b: 40).isApproximatelyEqual(to: pow(0.7, 40), relativeTolerance: 1e-13))
        // I_x(a, b) + I_{1−x}(b, a) = 1 and the symmetric case I_½(a, a) = ½.
        #expect(IncompleteBeta.regularized(0.5, a: 7.5, b: 7.5).isApproximatelyEqual(to: 0.5, relativeTolerance: 1e-14))
        // P(1, x) = 1 − e^(−x); Q(n, x) = e^(−x)·Σ_{k<n} x^k/k! for integer n.
        #expect(IncompleteGamma.lower(a: 1, x: 1e-3).isApproximatelyEqual(to: -expm1(-1e-3), relativeTolerance: 1e-14))
        let x = 25.0
        let poisson = exp(-x) * (1 + x + x * x / 2 + x * x * x / 6)
        #expect(IncompleteGamma.upper(a: 4, x: x).isApproximatelyEqual(to: poisson, relativeTolerance: 1e-13))
        #expect(IncompleteGamma.lower(a: 4, x: 0) == 0)
    }
}
