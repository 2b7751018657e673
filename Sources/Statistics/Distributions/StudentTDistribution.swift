import Foundation

/// Student's t distribution with `degreesOfFreedom` ν > 0 (R's `pt`, `qt`, `dt`).
///
/// The tail P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½) is computed from the incomplete beta with both x = ν/(ν + t²) and
/// 1 − x = t²/(ν + t²) formed directly, so small tails keep their relative precision.
public struct StudentTDistribution: Sendable {
    /// ν, the degrees of freedom.
    public let degreesOfFreedom: Double

    /// The distribution with ν degrees of freedom (NaN results for ν ≤ 0).
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double {
        upperTail(-t)
    }

    /// P(T > t), accurate in relative terms in the far tail.
    public func upperTail(_ t: Double) -> Double {
        guard !t.isNaN, degreesOfFreedom > 0 else { return .nan }
        if t == 0 { return 0.5 }
        let half = 0.5 * farTail(abs(t))
        return t > 0 ? half : 1 - half
    }

    /// P(|T| ≥ |t|): the two-sided p-value of a t statistic.
    public func twoSidedP(_ t: Double) -> Double {
        guard !t.isNaN, degreesOfFreedom > 0 else { return .nan }
        return t == 0 ? 1 : min(1, farTail(abs(t)))
    }

    /// The density at t.
    public func density(_ t: Double) -> Double {
        let nu = degreesOfFreedom
        let logNorm = lgamma(0.5 * (nu + 1)) - lgamma(0.5 * nu) - 0.5 * log(nu * Double.pi)
        return exp(logNorm - 0.5 * (nu + 1) * log1p(t * t / nu))
    }

    /// The t with P(T ≤ t) = p (−∞ at 0, +∞ at 1, NaN outside [0, 1]).
    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1, degreesOfFreedom > 0 else { return .nan }
        if p == 0.5 { return 0 }
        return p < 0.5 ? -upperQuantile(p) : upperQuantile(1 - p)
    }

    /// The t > 0 with P(T > t) = q, for 0 < q < 0.5.
    public func upperQuantile(_ q: Double) -> Double {
        guard q > 0 else { return q == 0 ? .infinity : .nan }
        guard q < 0.5 else { return q == 0.5 ? 0 : -upperQuantile(1 - q) }
        // Start from the normal quantile with the first two Cornish–Fisher terms (A&S 26.7.5).
        let z = NormalDistribution.upperQuantile(q), nu = degreesOfFreedom
        let guess = z + (z * z * z + z) / (4 * nu) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * nu * nu)
        let inversion = TailInversion(direction: .upper, tail: { upperTail($0) }, density: { density($0) })
        return inversion.solve(target: q, guess: guess.isFinite && guess > 0 ? guess : z, low: 0, high: .infinity)
    }

    /// P(|T| > t) for t > 0 = I_x(ν/2, ½) with x = ν/(ν + t²).
    private func farTail(_ t: Double) -> Double {
        let ratio = (t / degreesOfFreedom.squareRoot()) * (t / degreesOfFreedom.squareRoot()) // t²/ν
        if ratio == .infinity { return 0 }
        let x = 1 / (1 + ratio), y = ratio / (1 + ratio)
        return IncompleteBeta.tails(x: x, complement: y, a: 0.5 * degreesOfFreedom, b: 0.5).lower
    }
}
