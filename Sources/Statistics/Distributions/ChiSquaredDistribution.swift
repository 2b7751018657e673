import Foundation

/// The χ² distribution with k > 0 degrees of freedom (R's `pchisq`, `qchisq`, `dchisq`): Gamma(k/2, 2).
public struct ChiSquaredDistribution: Sendable {
    /// k, the degrees of freedom.
    public let degreesOfFreedom: Double

    /// The distribution with k degrees of freedom (NaN results for k ≤ 0).
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        x <= 0 ? (degreesOfFreedom > 0 ? 0 : .nan) : IncompleteGamma.lower(a: 0.5 * degreesOfFreedom, x: 0.5 * x)
    }

    /// P(X > x), accurate in relative terms in the far tail: the p-value of a χ² statistic.
    public func upperTail(_ x: Double) -> Double {
        x <= 0 ? (degreesOfFreedom > 0 ? 1 : .nan) : IncompleteGamma.upper(a: 0.5 * degreesOfFreedom, x: 0.5 * x)
    }

    /// The density at x.
    public func density(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let k = 0.5 * degreesOfFreedom
        let logDensity: Double = (k - 1) * log(x) - 0.5 * x - k * M_LN2 - lgamma(k)
        return exp(logDensity)
    }

    /// The x with P(X ≤ x) = p (0 at 0, +∞ at 1, NaN outside [0, 1]).
    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1, degreesOfFreedom > 0 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        // Solve in the smaller tail so its probability keeps full relative precision.
        let direction: TailInversion.Direction = p < 0.5 ? .lower : .upper
        let target = p < 0.5 ? p : 1 - p
        let inversion = TailInversion(direction: direction, tail: { p < 0.5 ? cdf($0) : upperTail($0) }, density: { density($0) })
        return inversion.solve(target: target, guess: wilsonHilferty(p), low: 0, high: .infinity)
    }

    /// The x with P(X > x) = q, without forming 1 − q.
    public func upperQuantile(_ q: Double) -> Double {
        guard q > 0, q < 1, degreesOfFreedom > 0 else { return q == 0 ? .infinity : (q == 1 ? 0 : .nan) }
        let inversion = TailInversion(direction: .upper, tail: { upperTail($0) }, density: { density($0) })
        return inversion.solve(target: q, guess: wilsonHilferty(1 - q), low: 0, high: .infinity)
    }

    /// Wilson & Hilferty's cube-root normal approximation, a starting point for the inversion.
    private func wilsonHilferty(_ p: Double) -> Double {
        let k = degreesOfFreedom, z = NormalDistribution.quantile(p)
        let guess = k * pow(1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot(), 3)
        return guess > 0 && guess.isFinite ? guess : max(k, 1) * 1e-3
    }
}
