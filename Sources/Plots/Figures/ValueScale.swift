import Foundation

/// A y or x scale from data values to pixels: linear, or log10 over whole decades.
///
/// The log scale spans the decades enclosing every value: from 10^floor(log10(min)) to 10^ceil(log10(max)) (one
/// decade more when they coincide), so a reader can recompute where any point is drawn.
public struct ValueScale: Sendable, Equatable {
    /// The lowest value shown.
    public var low: Double
    /// The highest value shown.
    public var high: Double
    /// Whether the scale is log10.
    public var logarithmic: Bool

    /// A scale enclosing `values` (non-finite ones, and values ≤ 0 on a log scale, ignored).
    ///
    /// Both ends are finite for any finite values, however extreme: a log scale keeps to the decades of normal
    /// doubles (10^-307 to 10^308; a value beyond sits outside the plot area), and a linear scale whose rounded ends
    /// would overflow stops at ±`Double.greatestFiniteMagnitude`.
    public init(enclosing values: [Double], logarithmic: Bool) {
        self.logarithmic = logarithmic
        if logarithmic {
            let positive = values.filter { $0 > 0 && $0.isFinite }
            let lo = min(max(floor(log10(positive.min() ?? 1)), -307), 307)
            let hi = min(max(ceil(log10(positive.max() ?? 10)), lo + 1), 308)
            low = pow(10, lo)
            high = pow(10, hi)
        } else {
            let finite = values.filter(\.isFinite)
            var lo = min(finite.min() ?? 0, 0), hi = finite.max() ?? 1
            if hi <= lo { hi = lo + 1 }
            if hi <= lo { hi = lo / 2 }  // 1 is below the precision of so large a value
            let step = Self.step(low: lo, high: hi)
            lo = max((lo / step).rounded(.down) * step, -.greatestFiniteMagnitude)
            hi = min((hi / step).rounded(.up) * step, .greatestFiniteMagnitude)
            low = lo
            high = hi
        }
    }

    /// An explicit linear scale.
    public init(linear low: Double, _ high: Double) {
        self.low = low
        self.high = high
        logarithmic = false
    }

    /// The share of the way from ``low`` to ``high`` at which `value` sits (0…1 inside the scale).
    public func fraction(_ value: Double) -> Double {
        if logarithmic {
            return (log10(max(value, Double.leastNormalMagnitude)) - log10(low)) / (log10(high) - log10(low))
        }
        let span = high - low
        // Halved, a span beyond the largest double (ends near ±1.8e308) is finite again.
        return span.isFinite ? (value - low) / span : (value / 2 - low / 2) / (high / 2 - low / 2)
    }

    /// The tick step of a linear scale: a round number near a fifth of the span.
    public var step: Double { Self.step(low: low, high: high) }

    static func step(low: Double, high: Double) -> Double {
        let span = high - low
        return Axis.niceStep(span.isFinite ? span / 5 : high / 5 - low / 5)
    }

    /// Ticks: every decade on a log scale (with 2 and 5 between when it spans at most two decades; every second,
    /// third… decade when it spans more than ten, so labels never crowd), round numbers on a linear one.
    public var ticks: [Double] {
        if logarithmic {
            let lo = Int(log10(low).rounded()), hi = Int(log10(high).rounded())
            let multiples: [Double] = hi - lo <= 2 ? [1, 2, 5] : [1]
            let every = max(1, (hi - lo + 9) / 10)
            var values: [Double] = []
            for k in stride(from: lo, through: hi, by: every) {
                for m in multiples { let v = m * pow(10, Double(k)); if v <= high * (1 + 1e-9) { values.append(v) } }
            }
            return values
        }
        let step = self.step
        // A step below the precision of the ends (a span of 1 at 3e15) would repeat ticks: the ends alone then.
        guard low + step > low, high - step < high, high / step - low / step <= 50 else { return [low, high] }
        return stride(from: low, through: min(high + step * 1e-9, .greatestFiniteMagnitude), by: step).map { $0 }
    }
}
