import Foundation

/// Inverts a continuous distribution's tail: finds x with tail(x) = target, for quantiles of the t and χ²
/// distributions.
///
/// Newton steps on ln tail(x) − ln target (the log makes the steps nearly linear far into the tail, where
/// the probability is tiny), kept inside a bracket that shrinks with every evaluation: a step that would leave
/// it is replaced by bisection, so the iteration always converges.
struct TailInversion {
    /// Which way the tail runs: a lower tail grows with x, an upper tail shrinks.
    enum Direction { case lower, upper }

    let direction: Direction
    /// The tail probability at x.
    let tail: (Double) -> Double
    /// The density at x (the tail's derivative, up to sign).
    let density: (Double) -> Double

    /// x with tail(x) = target, searched in [low, high] (high may be +∞) starting from `guess`.
    func solve(target: Double, guess: Double, low: Double, high: Double) -> Double {
        var low = low, high = high
        var x = min(max(guess, low), high)
        let logTarget = log(target)
        for _ in 0..<200 {
            let probability = tail(x)
            let excess = log(probability) - logTarget
            // Too much probability in the tail: a lower tail must move left, an upper tail right.
            let tooFarOut = (excess > 0) == (direction == .lower)
            if excess == 0 { return x }
            if tooFarOut { high = x } else { low = x }
            let slope = density(x) / probability
            var next = slope > 0 && slope.isFinite ? x + (direction == .lower ? -excess : excess) / slope : .nan
            if !(next > low && next < high) {
                next = high.isFinite ? 0.5 * (low + high) : max(2 * x, x + 1)
            }
            if abs(next - x) <= 4 * Double.ulpOfOne * abs(x) { return next }
            x = next
        }
        return x
    }
}
