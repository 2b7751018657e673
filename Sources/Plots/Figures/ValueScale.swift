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
    public init(enclosing values: [Double], logarithmic: Bool) {
        self.logarithmic = logarithmic
        if logarithmic {
            let positive = values.filter { $0 > 0 && $0.isFinite }
            let lo = floor(log10(positive.min() ?? 1)), hi = ceil(log10(positive.max() ?? 10))
            low = pow(10, lo)
            high = pow(10, hi > lo ? hi : lo + 1)
        } else {
            let finite = values.filter(\.isFinite)
            var lo = min(finite.min() ?? 0, 0), hi = finite.max() ?? 1
            if hi <= lo { hi = lo + 1 }
            let step = Axis.niceStep((hi - lo) / 5)
            lo = (lo / step).rounded(.down) * step
            hi = (hi / step).rounded(.up) * step
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
        return (value - low) / (high - low)
    }

    /// Ticks: every decade on a log scale (with 2 and 5 between when it spans at most two decades), round
    /// numbers on a linear one.
    public var ticks: [Double] {
        if logarithmic {
            let lo = Int(log10(low).rounded()), hi = Int(log10(high).rounded())
            let multiples: [Double] = hi - lo <= 2 ? [1, 2, 5] : [1]
            var values: [Double] = []
            for k in lo...hi { for m in multiples { let v = m * pow(10, Double(k)); if v <= high * (1 + 1e-9) { values.append(v) } } }
            return values
        }
        let step = Axis.niceStep((high - low) / 5)
        return stride(from: low, through: high + step * 1e-9, by: step).map { $0 }
    }
}
