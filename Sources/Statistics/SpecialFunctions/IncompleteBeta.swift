import Foundation

/// The regularized incomplete beta function I_x(a, b) and its complement, both to near full relative precision
/// (the t and F tails rest on it).
///
/// The continued fraction of DLMF 8.17.22 converges fast for x < (a + 1)/(a + b + 2); beyond that the symmetry
/// I_x(a, b) = 1 − I_{1−x}(b, a) is used, so whichever tail is small is computed directly and never as 1 minus
/// something close to 1. Callers that know 1 − x more accurately than by subtraction pass it.
public enum IncompleteBeta {
    /// I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b).
    public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        tails(x: x, complement: 1 - x, a: a, b: b).lower
    }

    /// 1 − I_x(a, b) = P(X > x) for X ~ Beta(a, b).
    public static func complement(_ x: Double, a: Double, b: Double) -> Double {
        tails(x: x, complement: 1 - x, a: a, b: b).upper
    }

    /// Both tails at x, given x and 1 − x separately (each exact where the caller can make it so).
    /// NaN for a ≤ 0, b ≤ 0 or x outside [0, 1].
    public static func tails(x: Double, complement y: Double, a: Double, b: Double) -> (lower: Double, upper: Double) {
        guard a > 0, b > 0, x >= 0, y >= 0, x <= 1, y <= 1 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let lower = continuedFraction(x: x, y: y, a: a, b: b)
            return (lower, 1 - lower)
        }
        let upper = continuedFraction(x: y, y: x, a: b, b: a)
        return (1 - upper, upper)
    }

    /// ln B(a, b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// I_x(a, b) from x^a·y^b/(a·B(a, b)) times the continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))).
    /// The prefactor is formed in log space so it neither overflows nor underflows before the product.
    private static func continuedFraction(x: Double, y: Double, a: Double, b: Double) -> Double {
        let logFront = a * log(x) + b * log(y) - logBeta(a, b) - log(a)
        let denominator = ContinuedFraction.evaluate(leading: 1) { j in
            let m = Double(j / 2)
            let numerator: Double
            if j % 2 == 1 {
                numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            } else {
                numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            }
            return (numerator, 1)
        }
        return exp(logFront) / denominator
    }
}
