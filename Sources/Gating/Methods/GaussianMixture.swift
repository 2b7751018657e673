#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A two-dimensional Gaussian mixture fitted by EM with a deterministic start, so a sample always gives the same
/// components.
///
/// Start: the events (every ⌈n / 50,000⌉-th when there are more, taken in file order) are ordered along their
/// first principal axis and cut into `components` slices of equal count; each slice's mean and covariance start a
/// component, with equal weights. EM then runs until the mean log-likelihood improves by less than 1e-9 or for
/// 500 iterations; each covariance gets 1e-9 × the total variance on its diagonal, so a component on a single
/// point stays invertible.
public struct GaussianMixture: Sendable, Equatable {
    /// Mixing weights, summing to 1.
    public var weights: [Double]
    /// Component means [x, y].
    public var means: [[Double]]
    /// Component covariances (2×2).
    public var covariances: [[[Double]]]
    /// EM iterations run.
    public var iterations: Int

    /// Fits `components` components to the events where x and y are finite; nil when there are fewer events
    /// than 2 × components, or no spread.
    public init?(x: [Double], y: [Double], components: Int = 2, maximumEvents: Int = 50_000) {
        var xs: [Double] = [], ys: [Double] = []
        let finite = (0..<min(x.count, y.count)).filter { x[$0].isFinite && y[$0].isFinite }
        let stride = max(1, (finite.count + maximumEvents - 1) / maximumEvents)
        for (k, i) in finite.enumerated() where k % stride == 0 { xs.append(x[i]); ys.append(y[i]) }
        let n = xs.count, K = components
        guard K >= 1, n >= 2 * K else { return nil }
        let mx = xs.reduce(0, +) / Double(n), my = ys.reduce(0, +) / Double(n)
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for i in 0..<n { let dx = xs[i] - mx, dy = ys[i] - my; sxx += dx * dx; sxy += dx * dy; syy += dy * dy }
        sxx /= Double(n); sxy /= Double(n); syy /= Double(n)
        let ridge = 1e-9 * (sxx + syy)
        guard sxx + syy > 0 else { return nil }
        // First principal axis of the 2×2 covariance.
        let angle = 0.5 * atan2(2 * sxy, sxx - syy)
        let (ux, uy) = (cos(angle), sin(angle))
        let order = (0..<n).sorted { a, b in
            let pa = xs[a] * ux + ys[a] * uy, pb = xs[b] * ux + ys[b] * uy
            return pa != pb ? pa < pb : a < b
        }
        var responsibilities = [[Double]](repeating: [Double](repeating: 0, count: n), count: K)
        for (rank, i) in order.enumerated() { responsibilities[min(rank * K / n, K - 1)][i] = 1 }
        var weights = [Double](repeating: 1 / Double(K), count: K)
        var means = [[Double]](repeating: [0, 0], count: K)
        var covariances = [[[Double]]](repeating: [[1, 0], [0, 1]], count: K)
        func mStep() -> Bool {
            for k in 0..<K {
                let r = responsibilities[k]
                var w = 0.0, sx = 0.0, sy = 0.0
                for i in 0..<n { w += r[i]; sx += r[i] * xs[i]; sy += r[i] * ys[i] }
                guard w > 0 else { return false }
                let cx = sx / w, cy = sy / w
                var a = 0.0, b = 0.0, c = 0.0
                for i in 0..<n { let dx = xs[i] - cx, dy = ys[i] - cy; a += r[i] * dx * dx; b += r[i] * dx * dy; c += r[i] * dy * dy }
                weights[k] = w / Double(n)
                means[k] = [cx, cy]
                covariances[k] = [[a / w + ridge, b / w], [b / w, c / w + ridge]]
            }
            return true
        }
        guard mStep() else { return nil }
        var previous = -Double.infinity
        var iterations = 0
        var logDensity = [Double](repeating: 0, count: K)
        while iterations < 500 {
            iterations += 1
            // E step, in logs (log-sum-exp) so far-away events do not underflow to no component.
            var total = 0.0
            let parameters = (0..<K).map { k -> (Double, Double, Double, Double) in
                let a = covariances[k][0][0], b = covariances[k][0][1], c = covariances[k][1][1]
                let det = max(a * c - b * b, .leastNormalMagnitude)
                return (c / det, -b / det, a / det, log(weights[k]) - log(2 * Double.pi) - 0.5 * log(det))
            }
            for i in 0..<n {
                var top = -Double.infinity
                for k in 0..<K {
                    let (ia, ib, ic, constant) = parameters[k]
                    let dx = xs[i] - means[k][0], dy = ys[i] - means[k][1]
                    logDensity[k] = constant - 0.5 * (ia * dx * dx + 2 * ib * dx * dy + ic * dy * dy)
                    top = max(top, logDensity[k])
                }
                var sum = 0.0
                for k in 0..<K { sum += exp(logDensity[k] - top) }
                for k in 0..<K { responsibilities[k][i] = exp(logDensity[k] - top) / sum }
                total += top + log(sum)
            }
            let mean = total / Double(n)
            guard mStep() else { return nil }
            if mean - previous < 1e-9 { break }
            previous = mean
        }
        self.weights = weights
        self.means = means
        self.covariances = covariances
        self.iterations = iterations
    }
}
