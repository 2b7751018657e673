#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The data-driven gating methods as pure, deterministic functions of the values they are given (a parent
/// population's events in a gate's transformed space): the same values always give the same cut, bit for bit.
/// The gating engine calls them per sample (`GateMethod`); they are public so other tools can check them.
public enum GatingMethods {
    /// Which side of a cut an event is kept on.
    public enum Side: String, Sendable, Hashable {
        /// Keep `v ≥ cut` (the tail to the right of the cut).
        case above = "+"
        /// Keep `v < cut`.
        case below = "-"
    }

    /// openCyto's `mindensity`: the deepest valley of the kernel density between its two highest peaks whose
    /// location lies inside `range` (peaks lower than `peakFraction` × the highest are ignored as ripples). With
    /// a single peak the cut falls back to ``tailgate(_:side:tolerance:adjust:)`` on the side `keep` faces, and
    /// the result says so (`method` `tailgate`, flag `ONE_PEAK_TAILGATE`). Ties (equal densities) go to the
    /// leftmost grid point. Nil when there are fewer than two finite values or no peak.
    public static func mindensity(_ values: [Double], range: ClosedRange<Double>? = nil, adjust: Double = 1,
                                  keep: Side = .above, peakFraction: Double = 0.05, tolerance: Double = 0.01) -> CutPoint? {
        guard let kde = KernelDensity(values, adjust: adjust) else { return nil }
        var peaks = kde.peaks.filter { range?.contains(kde.grid[$0]) ?? true }
        let highest = peaks.map { kde.density[$0] }.max() ?? 0
        peaks = peaks.filter { kde.density[$0] >= peakFraction * highest }
        // The two highest, ties to the left (stable sort on descending density).
        let top = peaks.enumerated().sorted { a, b in
            kde.density[a.element] != kde.density[b.element] ? kde.density[a.element] > kde.density[b.element] : a.offset < b.offset
        }.prefix(2).map(\.element).sorted()
        guard top.count == 2 else {
            guard var cut = tailgate(kde, side: keep, tolerance: tolerance) else { return nil }
            cut.flags.append("ONE_PEAK_TAILGATE")
            return cut
        }
        var valley = top[0]
        for i in top[0]...top[1] where kde.density[i] < kde.density[valley] { valley = i }
        return CutPoint(value: kde.grid[valley], method: "mindensity")
    }

    /// openCyto's `tailgate`: from the density's highest point, the first point on `side` (`above`: to the right)
    /// where the density falls below `tolerance` × the peak, interpolated linearly between grid points. Nil with
    /// fewer than two finite values.
    public static func tailgate(_ values: [Double], side: Side = .above, tolerance: Double = 0.01, adjust: Double = 1) -> CutPoint? {
        guard let kde = KernelDensity(values, adjust: adjust) else { return nil }
        return tailgate(kde, side: side, tolerance: tolerance)
    }

    static func tailgate(_ kde: KernelDensity, side: Side, tolerance: Double) -> CutPoint? {
        let d = kde.density, g = kde.grid
        guard var peak = d.indices.first else { return nil }
        for i in d.indices where d[i] > d[peak] { peak = i }
        let level = tolerance * d[peak]
        let step = side == .above ? 1 : -1
        var i = peak
        while i + step >= 0, i + step < d.count, d[i + step] >= level { i += step }
        let j = i + step
        guard j >= 0, j < d.count else { return CutPoint(value: g[i], method: "tailgate") }
        // Between g[i] (density ≥ level) and g[j] (below): where the straight line meets the level.
        let f = d[i] == d[j] ? 0 : (d[i] - level) / (d[i] - d[j])
        return CutPoint(value: g[i] + f * (g[j] - g[i]), method: "tailgate")
    }

    /// A cut at the `probability` quantile of the finite values (R type 7); nil when none is finite.
    public static func quantile(_ values: [Double], probability: Double) -> CutPoint? {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty, (0...1).contains(probability) else { return nil }
        return CutPoint(value: OrderStatistics.quantiles(finite, over: .all(finite.count), probabilities: [probability])[0], method: "quantile")
    }

    /// Events piled at a channel's extremes: the smallest and largest finite value, each returned when at least
    /// `minimumPile` events share it exactly (saturated or clipped), else nil. A gate keeps `low < v < high`.
    public static func boundary(_ values: [Double], minimumPile: Int = 2) -> (low: Double?, high: Double?) {
        var low = Double.infinity, high = -Double.infinity, atLow = 0, atHigh = 0
        for v in values where v.isFinite {
            if v < low { low = v; atLow = 1 } else if v == low { atLow += 1 }
            if v > high { high = v; atHigh = 1 } else if v == high { atHigh += 1 }
        }
        guard low.isFinite else { return (nil, nil) }
        return (atLow >= minimumPile ? low : nil, atHigh >= minimumPile && high > low ? high : nil)
    }

    /// The robust line through (x, y) and the singlet band around it.
    public struct SingletFit: Sendable, Equatable {
        /// y = intercept + slope · x.
        public var intercept: Double
        public var slope: Double
        /// The residuals' robust standard deviation: median |residual| / 0.6745.
        public var scale: Double
        /// The band `|y − line| ≤ width · scale` between the smallest and (just past) the largest x, as a
        /// 4-vertex polygon [x, y] (counter-clockwise from the lower left).
        public var polygon: [[Double]]
    }

    /// openCyto's `singletGate`: a Huber M-estimate (k = 1.345, MASS `rlm`'s IRLS from the least-squares line,
    /// scale median |r| / 0.6745, at most 100 iterations, stopping when the coefficients change by less than
    /// 1e-10 relative) of y on x over the events where both are finite (every ⌈n / `maximumEvents`⌉-th of them in
    /// order), and a band of `width` robust SDs spanning every event's x.
    /// Nil with fewer than 3 such events or no spread in x.
    public static func singlet(x: [Double], y: [Double], width: Double = 4, maximumEvents: Int = 10_000) -> SingletFit? {
        var finite: [Int] = []
        finite.reserveCapacity(min(x.count, y.count))
        var x0 = Double.infinity, x1Max = -Double.infinity
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for i in 0..<min(x.count, y.count) where x[i].isFinite && y[i].isFinite {
                    finite.append(i)
                    x0 = min(x0, x[i]); x1Max = max(x1Max, x[i])
                }
            }
        }
        // The line is fitted on every ⌈n / maximumEvents⌉-th event (file order); the band spans every event's x.
        let stride = max(1, (finite.count + maximumEvents - 1) / max(maximumEvents, 1))
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity((finite.count + stride - 1) / stride)
        ys.reserveCapacity((finite.count + stride - 1) / stride)
        for k in Swift.stride(from: 0, to: finite.count, by: stride) { xs.append(x[finite[k]]); ys.append(y[finite[k]]) }
        return singletFit(xs, ys, x0: x0, x1Max: x1Max, width: width)
    }

    /// ``singlet(x:y:width:maximumEvents:)`` of the events in `events` of whole columns `x` and `y` (one value per
    /// event of the sample), without gathering the parent's values first: the same events, extremes and fit.
    /// Nil also when a column is shorter than the event count.
    static func singlet(x: [Double], y: [Double], over events: EventSet, width: Double = 4, maximumEvents: Int = 10_000) -> SingletFit? {
        guard x.count >= events.eventCount, y.count >= events.eventCount else { return nil }
        return x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                // The fit events are the finite ones numbered 0, stride, 2·stride, … among the finite ones. One pass
                // with the stride of every event, the extremes of x and the finite count on the way; when some event
                // lacks a finite value (rare), the stride of the finite count and a second pass.
                func pick(stride: Int, count: Int, extremes: Bool) -> (xs: [Double], ys: [Double], finite: Int, x0: Double, x1Max: Double) {
                    var xs: [Double] = [], ys: [Double] = []
                    xs.reserveCapacity((count + stride - 1) / stride)
                    ys.reserveCapacity((count + stride - 1) / stride)
                    var finite = 0, skip = 0
                    var x0 = Double.infinity, x1Max = -Double.infinity
                    events.forEach { i in
                        guard x[i].isFinite && y[i].isFinite else { return }
                        finite += 1
                        if extremes { x0 = min(x0, x[i]); x1Max = max(x1Max, x[i]) }
                        if skip == 0 {
                            xs.append(x[i]); ys.append(y[i])
                            skip = stride
                        }
                        skip -= 1
                    }
                    return (xs, ys, finite, x0, x1Max)
                }
                func stride(_ count: Int) -> Int { max(1, (count + maximumEvents - 1) / max(maximumEvents, 1)) }
                let all = events.count
                var picked = pick(stride: stride(all), count: all, extremes: true)
                if picked.finite != all {
                    let (x0, x1Max) = (picked.x0, picked.x1Max)
                    picked = pick(stride: stride(picked.finite), count: picked.finite, extremes: false)
                    (picked.x0, picked.x1Max) = (x0, x1Max)
                }
                return singletFit(picked.xs, picked.ys, x0: picked.x0, x1Max: picked.x1Max, width: width)
            }
        }
    }

    /// The Huber line through the fit events (xs, ys) and the band of `width` robust SDs from `x0` to just past
    /// `x1Max` (the extremes of every event's x).
    static func singletFit(_ xs: [Double], _ ys: [Double], x0: Double, x1Max: Double, width: Double) -> SingletFit? {
        let n = xs.count
        guard n >= 3 else { return nil }
        var weights = [Double](repeating: 1, count: n)
        var line = weightedLine(xs, ys, weights)
        guard var (a, b) = line else { return nil }
        var residuals = [Double](repeating: 0, count: n)
        var selection = SampleSelection()  // its scratch is reused by every iteration's median
        // The last median and how much it moved: where the next one is looked for first (a guess only makes the
        // selection faster, never changes it).
        var lastMedian = Double.nan, lastChange = Double.nan
        func scale() -> Double {
            xs.withUnsafeBufferPointer { x in
                ys.withUnsafeBufferPointer { y in
                    residuals.withUnsafeMutableBufferPointer { r in
                        for i in 0..<n { r[i] = abs(y[i] - a - b * x[i]) }
                    }
                }
            }
            var guess: ClosedRange<Double>?
            if lastMedian.isFinite {
                let tolerance = max(lastChange.isNaN ? 0.25 * lastMedian : 2 * lastChange, 1e-3 * lastMedian)
                if tolerance.isFinite { guess = (lastMedian - tolerance)...(lastMedian + tolerance) }
            }
            let median = residuals.withUnsafeBufferPointer { selection.median($0, near: guess) }
            if lastMedian.isFinite { lastChange = abs(median - lastMedian) }
            lastMedian = median
            return median / 0.6745
        }
        for _ in 0..<100 {
            let s = scale()
            guard s > 0 else { break }
            line = huberLine(xs, ys, residuals: residuals, scale: s, weights: &weights)
            guard let (a2, b2) = line else { break }
            let change = max(abs(a2 - a) / max(abs(a), 1e-300), abs(b2 - b) / max(abs(b), 1e-300))
            (a, b) = (a2, b2)
            if change < 1e-10 { break }
        }
        let s = scale()
        // Half the events or more exactly on the line (a height channel not recorded, all 0): a band of zero width,
        // which holds no event. No fit, so the template's fallback decides.
        guard s > 0, s.isFinite else { return nil }
        let x1 = x1Max + max(abs(x1Max), 1) * 1e-9  // the right edge is outside a polygon: move it past the largest x
        let half = width * s
        return SingletFit(intercept: a, slope: b, scale: s,
                          polygon: [[x0, a + b * x0 - half], [x1, a + b * x1 - half], [x1, a + b * x1 + half], [x0, a + b * x0 + half]])
    }

    /// Weighted least squares y = a + b x; nil without spread in x.
    static func weightedLine(_ xs: [Double], _ ys: [Double], _ ws: [Double]) -> (Double, Double)? {
        // Unchecked reads, the sums in the same order as indexing would add them.
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                ws.withUnsafeBufferPointer { w in
                    var sw = 0.0, sx = 0.0, sy = 0.0
                    for i in x.indices { sw += w[i]; sx += w[i] * x[i]; sy += w[i] * y[i] }
                    return weightedLine(x, y, w, sw: sw, sx: sx, sy: sy)
                }
            }
        }
    }

    /// The Huber weights min(1, 1.345 · s / |r|) of the residuals, written to `weights`, and the weighted line
    /// through them: the weights are computed in the line's first pass (the same sums in the same order as
    /// ``weightedLine(_:_:_:)``, so the same line), where the divisions overlap the sums' additions.
    static func huberLine(_ xs: [Double], _ ys: [Double], residuals: [Double], scale s: Double, weights: inout [Double]) -> (Double, Double)? {
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                residuals.withUnsafeBufferPointer { r in
                    weights.withUnsafeMutableBufferPointer { w in
                        var sw = 0.0, sx = 0.0, sy = 0.0
                        for i in x.indices {
                            let wi = min(1, 1.345 * s / max(r[i], .leastNonzeroMagnitude))
                            w[i] = wi
                            sw += wi; sx += wi * x[i]; sy += wi * y[i]
                        }
                        return weightedLine(x, y, UnsafeBufferPointer(w), sw: sw, sx: sx, sy: sy)
                    }
                }
            }
        }
    }

    /// The line's second pass, given the weighted sums of the first.
    @inline(__always)
    static func weightedLine(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, _ w: UnsafeBufferPointer<Double>,
                             sw: Double, sx: Double, sy: Double) -> (Double, Double)? {
        guard sw > 0 else { return nil }
        let mx = sx / sw, my = sy / sw
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { let dx = x[i] - mx; sxx += w[i] * dx * dx; sxy += w[i] * dx * (y[i] - my) }
        guard sxx > 0 else { return nil }
        let b = sxy / sxx
        return (my - b * mx, b)
    }

    /// The squared Mahalanobis radius holding probability `quantile` of a 2-D Gaussian: the χ²(2) quantile,
    /// −2 ln(1 − q).
    public static func chiSquare2Quantile(_ quantile: Double) -> Double { -2 * log1p(-quantile) }

    /// A 2-D Gaussian mixture (``GaussianMixture``) with `components` components fitted to (x, y); the component
    /// whose mean is nearest `target` (Euclidean, in the gate's units; ties to the lower index) as an ellipse
    /// holding `quantile` of it. Nil when the fit fails.
    public static func cluster(x: [Double], y: [Double], components: Int = 2, target: [Double], quantile: Double = 0.95,
                               maximumEvents: Int = 10_000) -> (mean: [Double], covariance: [[Double]], distanceSquare: Double)? {
        guard target.count == 2, let mixture = GaussianMixture(x: x, y: y, components: components, maximumEvents: maximumEvents) else { return nil }
        var best = 0, bestDistance = Double.infinity
        for (k, mean) in mixture.means.enumerated() {
            let d = (mean[0] - target[0]) * (mean[0] - target[0]) + (mean[1] - target[1]) * (mean[1] - target[1])
            if d < bestDistance { best = k; bestDistance = d }
        }
        return (mixture.means[best], mixture.covariances[best], chiSquare2Quantile(quantile))
    }
}
