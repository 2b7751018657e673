/// Evaluates b₀ + a₁/(b₁ + a₂/(b₂ + …)) by the modified Lentz method (Numerical analysis texts; Lentz 1976,
/// Thompson & Barnett 1986): forward evaluation that stops when a further term changes the value by less than
/// the tolerance, with zero denominators nudged to a tiny value instead of dividing by zero.
enum ContinuedFraction {
    /// The value of the fraction whose leading term is `leading` (b₀) and whose j-th partial numerator and
    /// denominator (j ≥ 1) are `term(j)`.
    static func evaluate(leading: Double, maxTerms: Int = 10_000, tolerance: Double = 1e-16,
                         term: (Int) -> (numerator: Double, denominator: Double)) -> Double {
        let tiny = 1e-300
        var value = leading == 0 ? tiny : leading
        var c = value
        var d = 0.0
        for j in 1...maxTerms {
            let (a, b) = term(j)
            d = b + a * d
            if abs(d) < tiny { d = tiny }
            c = b + a / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = c * d
            value *= change
            if abs(change - 1) <= tolerance { break }
        }
        return value
    }
}
