import Foundation

/// The standard normal distribution, with tails accurate to a few units in the last place (R's `pnorm`,
/// `qnorm`, `dnorm`).
///
/// Tails come from the complementary error function, never from `1 − Φ`, so `upperTail(7)` is
/// 1.2798125438858e-12 to full precision rather than the rounding noise of `1 − 0.99999999999872`.
public enum NormalDistribution {
    /// Φ(x) = P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        upperTail(-x)
    }

    /// 1 − Φ(x) = P(Z > x), accurate in relative terms far into the tail (until it underflows near x = 38.5).
    public static func upperTail(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return 0.5 * complementaryErrorFunction(scaledBy: x)
    }

    /// The smaller of the two tails at |x|, doubled: the two-sided p-value of a z statistic.
    public static func twoSidedP(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return min(1, 2 * upperTail(abs(z)))
    }

    /// The density φ(x).
    public static func density(_ x: Double) -> Double {
        exp(-0.5 * x * x - logSquareRootOfTwoPi)
    }

    /// Φ⁻¹(p): the x with Φ(x) = p. −∞ at 0, +∞ at 1, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0.5 { return 0 }
        // Solve in the smaller tail, where the probability carries full relative precision.
        return p < 0.5 ? -upperQuantile(p) : upperQuantile(1 - p)
    }

    /// The x > 0 with 1 − Φ(x) = q, for 0 ≤ q ≤ 0.5 (so `quantile(1 − q)` without rounding 1 − q).
    public static func upperQuantile(_ q: Double) -> Double {
        guard q >= 0, q <= 0.5 else { return q > 0.5 && q <= 1 ? -upperQuantile(1 - q) : .nan }
        if q == 0 { return .infinity }
        if q == 0.5 { return 0 }
        // Abramowitz & Stegun 26.2.23 starts within 4.5e-4; Halley steps on Q(x) − q then converge cubically.
        let t = (-2 * log(q)).squareRoot()
        var x = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
        for _ in 0..<8 {
            let density = density(x)
            guard density > 0 else { break }
            let u = (upperTail(x) - q) / density
            let step = u / (1 - 0.5 * x * u)
            x += step
            if abs(step) <= 2 * Double.ulpOfOne * abs(x) { break }
        }
        return x
    }

    /// ln √(2π).
    static let logSquareRootOfTwoPi = 0.9189385332046728

    /// erfc(x/√2), with the rounding of x/√2 corrected: 1/√2 is carried as two doubles, and the part of the
    /// argument lost to rounding is added back through erfc′ = −2/√π·e^(−y²). Without this the relative error
    /// of the tail grows like x²·ε (5e-15 at x = 7).
    private static func complementaryErrorFunction(scaledBy x: Double) -> Double {
        let high = 0.7071067811865476, low = -4.833646656726457e-17
        let y = x * high
        let lost = fma(x, high, -y) + x * low
        let value = erfc(y)
        return value - 1.1283791670955126 * exp(-y * y) * lost
    }
}
