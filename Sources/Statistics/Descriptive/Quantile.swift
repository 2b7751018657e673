/// Sample quantiles as R computes them by default (`quantile(x, p)`, type 7): linear interpolation between
/// order statistics, h = (n − 1)·p, Q = (1 − γ)·x₍⌊h⌋₎ + γ·x₍⌊h⌋+1₎ with γ = h − ⌊h⌋ (0-based order statistics).
public enum Quantile {
    /// The type-7 quantile of already sorted values at probability p in [0, 1]; nil for no values.
    public static func type7(sorted values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty, p >= 0, p <= 1 else { return nil }
        let h = Double(values.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, values.count - 1)
        let gamma = h - Double(low)
        // R's form: (1 − γ)·lo + γ·hi, and lo unchanged when γ = 0 or the neighbours are equal.
        guard gamma > 0, values[high] != values[low] else { return values[low] }
        return (1 - gamma) * values[low] + gamma * values[high]
    }

    /// The type-7 quantile of `values` (sorted here) at probability p.
    public static func type7(_ values: [Double], _ p: Double) -> Double? {
        type7(sorted: values.sorted(), p)
    }

    /// The median of already sorted values: the middle one, or the mean of the middle two (R's `median`).
    public static func median(sorted values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
}
