import Foundation

/// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x) (the χ² tails rest on them).
///
/// Below x = a + 1 the power series gives P; above it Legendre's continued fraction gives Q (DLMF 8.7.3,
/// 8.9.2). Each is the small tail in its region, so neither is computed as 1 minus something close to 1.
public enum IncompleteGamma {
    /// P(a, x) = γ(a, x)/Γ(a): the lower tail of Gamma(a, 1) at x.
    public static func lower(a: Double, x: Double) -> Double {
        tails(a: a, x: x).lower
    }

    /// Q(a, x) = Γ(a, x)/Γ(a): the upper tail of Gamma(a, 1) at x.
    public static func upper(a: Double, x: Double) -> Double {
        tails(a: a, x: x).upper
    }

    /// Both tails at x. NaN for a ≤ 0 or x < 0.
    public static func tails(a: Double, x: Double) -> (lower: Double, upper: Double) {
        guard a > 0, x >= 0 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if x < a + 1 {
            let lower = series(a: a, x: x)
            return (lower, 1 - lower)
        }
        let upper = continuedFraction(a: a, x: x)
        return (1 - upper, upper)
    }

    /// ln(x^a·e^(−x)/Γ(a)), the common prefactor, in log space so that large a and x do not overflow.
    private static func logFront(a: Double, x: Double) -> Double {
        a * log(x) - x - lgamma(a)
    }

    /// P(a, x) = x^a·e^(−x)/Γ(a + 1) · Σₙ xⁿ/((a + 1)…(a + n)).
    private static func series(a: Double, x: Double) -> Double {
        var term = 1.0, sum = 1.0, denominator = a
        for _ in 0..<10_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if term <= sum * 1e-17 { break }
        }
        return exp(logFront(a: a, x: x) - log(a)) * sum
    }

    /// Q(a, x) = x^a·e^(−x)/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))).
    private static func continuedFraction(a: Double, x: Double) -> Double {
        let denominator = ContinuedFraction.evaluate(leading: x + 1 - a) { j in
            let k = Double(j)
            return (-k * (k - a), x + 2 * k + 1 - a)
        }
        return exp(logFront(a: a, x: x)) / denominator
    }
}
