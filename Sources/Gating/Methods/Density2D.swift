#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FlowCal's `density2d` gate (FlowCal.gate.density2d), step for step, so its output can be checked against
/// FlowCal's:
///
/// 1. a 2-D histogram with `bins` × `bins` bins over `ranges` (numpy `histogram2d`: edges by `linspace`; without
///    ranges, the finite values' minimum and maximum, widened by 0.5 each way when they are equal);
/// 2. events outside the edges (and NaN) are gated out and not counted;
/// 3. n = ⌈gate_fraction × the events inside⌉;
/// 4. the histogram is smoothed with scipy's `gaussian_filter(sigma, mode='constant', truncate=6)` (separable,
///    x axis then y, the kernel normalised by numpy's pairwise sum, each output summed as scipy's symmetric
///    correlation does);
/// 5. bins are taken in decreasing smoothed density until their counts reach n.
///
/// Ties at the cut-off: bins of equal smoothed density are taken in decreasing row-major index (x bin, then
/// y bin) — what a stable ascending sort reversed gives (FlowCal's `argsort(...)[::-1]` uses numpy's unstable
/// quicksort, so its own order among ties is unspecified). FlowCal divides the smoothed histogram by its sum
/// before sorting; that changes no order (only, in rare cases, by rounding, makes two values equal), and is left
/// out. The accepted bins are all bins denser than the last one taken, plus its ties taken before it, including
/// bins holding no event, exactly as FlowCal's `bin_mask`.
public enum Density2D {
    /// The result: each event's membership and the gate (the accepted bins).
    public struct Result: Sendable, Equatable {
        /// One entry per event given: whether it is kept.
        public var mask: [Bool]
        /// The accepted bins.
        public var gate: BinMaskGate
    }

    /// Gates the events (x[i], y[i]). `ranges` are the histogram's [low, high] per axis; nil uses the data's.
    /// Nil when there are no events inside, `bins` < 1, `sigma` ≤ 0 or `gateFraction` outside 0…1.
    public static func gate(x: [Double], y: [Double], bins: Int = 1024, sigma: Double = 10, gateFraction: Double = 0.65,
                            ranges: [[Double]]? = nil, dimensions: [GateDimension] = []) -> Result? {
        let count = min(x.count, y.count)
        guard bins >= 1, bins <= 1 << 14, sigma > 0, sigma.isFinite, (0...1).contains(gateFraction) else { return nil }
        func range(_ values: [Double], _ axis: Int) -> (Double, Double)? {
            if let ranges {
                guard ranges.count == 2, ranges[axis].count == 2, ranges[axis][0] < ranges[axis][1],
                      ranges[axis][0].isFinite, ranges[axis][1].isFinite else { return nil }
                return (ranges[axis][0], ranges[axis][1])
            }
            var low = Double.infinity, high = -Double.infinity
            for v in values.prefix(count) where v.isFinite { low = min(low, v); high = max(high, v) }
            guard low.isFinite else { return nil }
            return low == high ? (low - 0.5, high + 0.5) : (low, high)
        }
        guard let rx = range(x, 0), let ry = range(y, 1) else { return nil }
        let xe = BinMaskGate.edges(rx.0, rx.1, bins: bins), ye = BinMaskGate.edges(ry.0, ry.1, bins: bins)
        let nx = bins, ny = bins
        var histogram = [Double](repeating: 0, count: nx * ny)
        var eventBin = [Int32](repeating: -1, count: count)
        var inside = 0
        for e in 0..<count {
            guard let i = BinMaskGate.bin(x[e], xe), let j = BinMaskGate.bin(y[e], ye) else { continue }
            eventBin[e] = Int32(i * ny + j)
            histogram[i * ny + j] += 1
            inside += 1
        }
        guard inside > 0 else { return nil }
        let n = Int((gateFraction * Double(inside)).rounded(.up))
        var accepted = [Bool](repeating: false, count: nx * ny)
        if n > 0 {
            let smooth = gaussianFilter(histogram, nx: nx, ny: ny, sigma: sigma)
            // Only bins holding events move the running count; sort those, then take every bin at least as dense.
            let occupied = histogram.indices.filter { histogram[$0] > 0 }.sorted { a, b in
                smooth[a] != smooth[b] ? smooth[a] > smooth[b] : a > b
            }
            var total = 0.0, last = occupied[occupied.count - 1]
            for bin in occupied {
                total += histogram[bin]
                if total >= Double(n) { last = bin; break }
            }
            let cut = smooth[last]
            for b in accepted.indices where smooth[b] > cut || (smooth[b] == cut && b >= last) { accepted[b] = true }
        }
        var mask = [Bool](repeating: false, count: count)
        for e in 0..<count where eventBin[e] >= 0 && accepted[Int(eventBin[e])] { mask[e] = true }
        return Result(mask: mask, gate: BinMaskGate(dimensions: dimensions, xEdges: xe, yEdges: ye, accepted: accepted))
    }

    /// scipy's normalised Gaussian kernel: exp(−0.5 / σ² · x²) for x = −r…r, r = ⌊6σ + 0.5⌋, divided by its
    /// numpy (pairwise) sum; returned from the centre outwards (weights[0] is the centre).
    static func kernel(sigma: Double) -> [Double] {
        let radius = Int(6 * sigma + 0.5)
        let factor = -0.5 / (sigma * sigma)
        let full = (-radius...radius).map { exp(factor * Double($0 * $0)) }
        let sum = pairwiseSum(full[...])
        return (0...radius).map { full[radius + $0] / sum }
    }

    /// numpy's pairwise summation (8 accumulators up to 128 values, halves above).
    static func pairwiseSum(_ a: ArraySlice<Double>) -> Double {
        let n = a.count, s = a.startIndex
        if n < 8 {
            var res = 0.0
            for v in a { res += v }
            return res
        } else if n <= 128 {
            var r = (0..<8).map { a[s + $0] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += a[s + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[s + i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwiseSum(a[s..<(s + n2)]) + pairwiseSum(a[(s + n2)...])
        }
    }

    /// scipy's `gaussian_filter` with zero padding on a row-major nx × ny array: along x (axis 0), then along y.
    static func gaussianFilter(_ input: [Double], nx: Int, ny: Int, sigma: Double) -> [Double] {
        let w = kernel(sigma: sigma)
        let r = w.count - 1
        func correlate(_ line: [Double]) -> [Double] {
            let m = line.count
            guard let first = line.firstIndex(where: { $0 != 0 }), let last = line.lastIndex(where: { $0 != 0 }) else { return line }
            var out = [Double](repeating: 0, count: m)
            for i in max(0, first - r)...min(m - 1, last + r) {
                var t = line[i] * w[0]
                var j = r
                while j >= 1 {
                    let left = i - j >= 0 ? line[i - j] : 0, right = i + j < m ? line[i + j] : 0
                    t += (left + right) * w[j]
                    j -= 1
                }
                out[i] = t
            }
            return out
        }
        var pass = input
        var column = [Double](repeating: 0, count: nx)
        for j in 0..<ny {
            for i in 0..<nx { column[i] = input[i * ny + j] }
            let out = correlate(column)
            for i in 0..<nx { pass[i * ny + j] = out[i] }
        }
        var result = pass
        for i in 0..<nx {
            let out = correlate(Array(pass[(i * ny)..<((i + 1) * ny)]))
            for j in 0..<ny { result[i * ny + j] = out[j] }
        }
        return result
    }
}
