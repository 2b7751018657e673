import Foundation
import Testing
@testable import Simulation

@Suite("Marker distribution")
struct MarkerDistributionTests {
    let profile = MacrophageSimulator.Expression(fractionPositive: 0.4, positiveMedian: 6_000, sigma: 0.55)

    /// P(A + N ≤ y) = E_z[Φ((y − m_A·e^{σ_A z}) / s)], integrated independently by Simpson's rule over z ∈ [−9, 9]
    /// with 36,000 intervals.
    func independentBackground(_ y: Double, median: Double, sigma: Double, s: Double) -> Double {
        let intervals = 36_000, low = -9.0, h = 18.0 / Double(intervals)
        var sum = 0.0
        for i in 0...intervals {
            let z = low + Double(i) * h
            let weight = (i == 0 || i == intervals) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
            let a = median * exp(sigma * z)
            sum += weight * exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() * 0.5 * erfc(-(y - a) / s / 2.0.squareRoot())
        }
        return sum * h / 3
    }

    @Test("the unstained CDF matches an independent integral to 1e-6")
    func backgroundCDF() {
        let distribution = MarkerDistribution(autofluorescence: 270, autofluorescenceSigma: 0.5, expression: profile, noiseSD: 125)
        for y in [-300.0, 0, 150, 300, 600, 1_000, 2_500] {
            let expected = independentBackground(y, median: 270, sigma: 0.5, s: 125)
            #expect(abs(distribution.unstained.cdf(y) - expected) < 1e-6, "y = \(y): \(distribution.unstained.cdf(y)) vs \(expected)")
        }
    }

    @Test("the stained CDF is the mixture: far above the background it is 1 − f·P(P > x), and quantiles invert it")
    func mixture() {
        let distribution = MarkerDistribution(autofluorescence: 250, autofluorescenceSigma: 0.5, expression: profile, noiseSD: 120)
        // At x = 30,000 the background is ≈ 1 and A + N shifts P by ≈ 250: compare with the log-normal tail alone.
        let x = 30_000.0
        let tail = 0.5 * erfc(log((x - 250) / 6_000) / 0.55 / 2.0.squareRoot())
        #expect(abs((1 - distribution.cdf(x)) - 0.4 * tail) < 2e-4)
        for p in [0.1, 0.5, 0.6, 0.9, 0.99] {
            #expect(abs(distribution.cdf(distribution.quantile(p)) - p) < 1e-9)
        }
        #expect(distribution.unstained.quantile(0.5) < distribution.quantile(0.5))
    }

    @Test("compensated noise SD: n·S⁻¹ has the variance the inverse's column gives, and S⁻¹·S = I")
    func compensatedNoise() {
        let n = Panel.spillover.count
        for i in 0..<n {
            for j in 0..<n {
                let product = (0..<n).reduce(0.0) { $0 + Panel.inverseSpillover[i][$1] * Panel.spillover[$1][j] }
                #expect(abs(product - (i == j ? 1 : 0)) < 1e-12)
            }
        }
        #expect(Panel.compensatedNoiseSD(detector: 0, noise: 120) > 120)
    }
}
