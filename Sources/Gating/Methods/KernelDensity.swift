#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Gaussian kernel density estimate on a fixed grid, as R's `density()` computes it: the values are linearly
/// binned onto `gridSize` equally spaced points from `min − cut·bw` to `max + cut·bw`, and the binned counts are
/// convolved with the Gaussian kernel (truncated at 4 bandwidths). Bandwidth: Silverman's rule of thumb
/// (R's `bw.nrd0`) times `adjust`. The cost is one pass over the values plus `gridSize²` at most, never a kernel
/// per event.
public struct KernelDensity: Sendable, Equatable {
    /// The grid points, increasing and equally spaced.
    public var grid: [Double]
    /// The density at each grid point (integrates to about 1).
    public var density: [Double]
    /// The kernel's standard deviation, in the values' units.
    public var bandwidth: Double

    /// The density of the finite `values`; nil with fewer than two finite values.
    public init?(_ values: [Double], adjust: Double = 1, gridSize: Int = 512, cut: Double = 3) {
        // One pass for the extremes and the sum (added in order, as the mean's reduce adds them), and whether every
        // value is finite (usually: then no copy); otherwise the same over the finite values.
        func extremes(_ values: [Double]) -> (smallest: Double, largest: Double, sum: Double, nonFinite: Int) {
            var smallest = Double.infinity, largest = -Double.infinity, sum = 0.0, nonFinite = 0
            values.withUnsafeBufferPointer { values in
                for v in values {
                    if v < smallest { smallest = v }  // the first of equal values, as min() and max() keep
                    if v > largest { largest = v }
                    sum += v
                    nonFinite &+= v.isFinite ? 0 : 1
                }
            }
            return (smallest, largest, sum, nonFinite)
        }
        var finite = values
        var (smallest, largest, sum, nonFinite) = extremes(values)
        if nonFinite > 0 {
            finite = values.filter(\.isFinite)
            (smallest, largest, sum, nonFinite) = extremes(finite)
        }
        guard finite.count >= 2, gridSize >= 2, adjust > 0 else { return nil }
        let bw = Self.silvermanBandwidth(finite, sum: sum) * adjust
        guard bw > 0, bw.isFinite else { return nil }
        let low = smallest - cut * bw, high = largest + cut * bw
        let delta = (high - low) / Double(gridSize - 1)
        guard delta > 0, delta.isFinite else { return nil }
        // Linear binning: each value shares its unit weight between the two grid points around it.
        var counts = [Double](repeating: 0, count: gridSize)
        finite.withUnsafeBufferPointer { values in
            counts.withUnsafeMutableBufferPointer { counts in
                let last = Double(gridSize - 2)
                for v in values {
                    let t = (v - low) / delta
                    // ⌊t⌋ clamped to 0…gridSize − 2, as truncation of t clamped first (the same integer for every
                    // finite t, without a call to floor per value).
                    let i = Int(min(max(t, 0), last))
                    let f = min(max(t - Double(i), 0), 1)
                    counts[i] += 1 - f
                    counts[i + 1] += f
                }
            }
        }
        let radius = min(Int((4 * bw / delta).rounded(.up)), gridSize - 1)
        let kernel = (0...radius).map { k -> Double in
            let u = Double(k) * delta / bw
            return exp(-0.5 * u * u) / (bw * (2 * Double.pi).squareRoot())
        }
        let n = Double(finite.count)
        var density = [Double](repeating: 0, count: gridSize)
        for (i, c) in counts.enumerated() where c != 0 {
            let weight = c / n
            for j in max(0, i - radius)...min(gridSize - 1, i + radius) { density[j] += weight * kernel[abs(j - i)] }
        }
        grid = (0..<gridSize).map { low + Double($0) * delta }
        self.density = density
        bandwidth = bw
    }

    /// R's `bw.nrd0`: `0.9 · min(sd, IQR / 1.34) · n^(−1/5)`, falling back to the sd, then |x₁|, then 1 when
    /// the smaller spread is zero. Quantiles are type 7.
    public static func silvermanBandwidth(_ values: [Double]) -> Double {
        silvermanBandwidth(values, sum: values.reduce(0, +))
    }

    /// `silvermanBandwidth` given the values' sum, added in order.
    static func silvermanBandwidth(_ values: [Double], sum: Double) -> Double {
        let n = values.count
        guard n >= 2 else { return 1 }
        let mean = sum / Double(n)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
        // The quartiles by selection on a scratch copy: the same order statistics as sorting.
        var selection = SampleSelection()
        let probabilities = [0.25, 0.75]
        let orders = values.withUnsafeBufferPointer { selection.select($0, ranks: OrderStatistics.quantileRanks(n, probabilities)) }
        let q = OrderStatistics.interpolate(orders, n, probabilities)
        var low = min(sd, (q[1] - q[0]) / 1.34)
        if !(low > 0) { low = sd > 0 ? sd : (abs(values[0]) > 0 ? abs(values[0]) : 1) }
        return 0.9 * low * pow(Double(n), -0.2)
    }

    /// Indices of the local maxima (higher than the point before, at least as high as the point after).
    public var peaks: [Int] {
        guard density.count >= 3 else { return [] }
        return (1..<(density.count - 1)).filter { density[$0] > density[$0 - 1] && density[$0] >= density[$0 + 1] }
    }
}
