import Foundation

/// The exact distribution of one marker's compensated value on the simulator's true macrophages: the population
/// a tube's events are a sample of, so readouts computed on it are the quantities that gating estimates.
///
/// ``MacrophageSimulator`` draws, for a macrophage and the dye of the marker, `A + B·P` and adds detector noise
/// before spillover; compensation by the inverse of `$SPILLOVER` removes the other dyes exactly, leaving
///
///     X = A + B·P + N,   A ~ logN(ln autofluorescence, σ_A),  B ~ Bernoulli(f),  P ~ logN(ln m, σ),  N ~ N(0, s²)
///
/// with s the compensated noise of the detector (``Panel/compensatedNoiseSD(detector:noise:)``). An FMO tube of the
/// marker has f = 0 (``unstained``).
///
/// Numerics: the CDF of `A + N` is tabulated on a grid of step s/24 by convolving A's exact bin masses (spread
/// uniformly within each bin, corrected to first order by each bin's exact mean) with the normal kernel, and read between grid points by cubic Hermite interpolation
/// with the tabulated density; `A + P + N` integrates that CDF against P's log-normal density by Simpson's rule
/// over the only range where it lies strictly between 0 and 1 (step s/8), plus P's closed-form CDF below it.
/// The CDF is accurate to about 1e-6; quantiles are found by bisection to 1e-10 relative.
public struct MarkerDistribution: Sendable {
    /// Median autofluorescence (A's median).
    public let autofluorescence: Double
    /// Spread of A on the natural-log scale.
    public let autofluorescenceSigma: Double
    /// Share positive, positive median and spread of P.
    public let expression: MacrophageSimulator.Expression
    /// Standard deviation of N, the compensated detector noise.
    public let noiseSD: Double

    private let step: Double
    private let lowest: Double
    private let background: [Double]
    private let backgroundDensity: [Double]

    /// The distribution for the given components (`noiseSD` > 0).
    public init(autofluorescence: Double, autofluorescenceSigma: Double, expression: MacrophageSimulator.Expression, noiseSD: Double) {
        self.autofluorescence = autofluorescence
        self.autofluorescenceSigma = autofluorescenceSigma
        self.expression = expression
        let s = max(noiseSD, 1e-6)
        self.noiseSD = s
        let step = s / 24
        self.step = step
        let reach = 7.5 * s
        let kernelWidth = Int((reach / step).rounded(.up))
        let top = autofluorescence * exp(7 * autofluorescenceSigma)
        let bins = max(Int((top / step).rounded(.up)), 1)
        // A's mass in bin k = [k·h, (k+1)·h), and its first moment about the bin's centre (mass × (mean − centre)),
        // from the log-normal's partial expectation m·e^{σ²/2}·Φ(z − σ).
        let sigmaA = autofluorescenceSigma, scale = autofluorescence * exp(sigmaA * sigmaA / 2)
        var previous = (mass: 0.0, partial: 0.0)
        let bounds = (0..<bins).map { k -> (mass: Double, moment: Double) in
            let upper = Double(k + 1) * step
            let z = log(upper / autofluorescence) / sigmaA
            let next = (mass: Self.normalCDF(z), partial: scale * Self.normalCDF(z - sigmaA))
            defer { previous = next }
            let mass = next.mass - previous.mass
            return (mass, (next.partial - previous.partial) - mass * (Double(k) + 0.5) * step)
        }
        let masses = bounds.map(\.mass), moments = bounds.map(\.moment)
        // Kernels by offset d = j − k: a uniform bin convolved with N(0, s²), as CDF and density at y_j = j·h.
        let r = step / s
        func psi(_ t: Double) -> Double { t * Self.normalCDF(t) + Self.normalDensity(t) }
        let offsets = -kernelWidth...kernelWidth
        let cdfKernel = offsets.map { d in (psi(Double(d) * r) - psi(Double(d - 1) * r)) / r }
        let densityKernel = offsets.map { d in (Self.normalCDF(Double(d) * r) - Self.normalCDF(Double(d - 1) * r)) / step }
        let first = -kernelWidth, last = bins + kernelWidth
        lowest = Double(first) * step
        var cumulative = [Double](repeating: 0, count: bins + 1)
        for k in 0..<bins { cumulative[k + 1] = cumulative[k] + masses[k] }
        var cdf = [Double](repeating: 0, count: last - first + 1)
        var density = cdf
        masses.withUnsafeBufferPointer { m in
            for j in first...last {
                // Bins entirely below the kernel count whole; the others through the kernel.
                let below = min(max(j - kernelWidth, 0), bins)
                var f = cumulative[below], g = 0.0
                let from = max(j - kernelWidth, 0), to = min(j + kernelWidth, bins - 1)
                if from <= to {
                    for k in from...to {
                        let index = j - k + kernelWidth
                        // Uniform within the bin, corrected to first order for the bin's own mean.
                        f += m[k] * cdfKernel[index] - moments[k] * densityKernel[index]
                        g += m[k] * densityKernel[index]
                    }
                }
                cdf[j - first] = min(f, 1)
                density[j - first] = g
            }
        }
        background = cdf
        backgroundDensity = density
    }

    /// The same marker unstained (the FMO tube's distribution): no positive component.
    public var unstained: MarkerDistribution {
        var copy = self
        copy.positiveShare = 0
        return copy
    }

    private var positiveShare: Double? = nil
    private var share: Double { positiveShare ?? expression.fractionPositive }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        let f = share
        let negative = backgroundCDF(x)
        guard f > 0, expression.positiveMedian > 0 else { return negative }
        return (1 - f) * negative + f * positiveCDF(x)
    }

    /// The density of X at x (by central difference of the CDF over s/10).
    public func density(_ x: Double) -> Double {
        let delta = noiseSD / 10
        return (cdf(x + delta) - cdf(x - delta)) / (2 * delta)
    }

    /// The p-quantile of X (0 < p < 1), by bisection.
    public func quantile(_ p: Double) -> Double {
        var low = lowest
        var high = highest + (share > 0 ? expression.positiveMedian * exp(9 * expression.sigma) : 0)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle) < p { low = middle } else { high = middle }
            if high - low <= 1e-10 * max(1, abs(middle)) { break }
        }
        return (low + high) / 2
    }

    /// The median of X.
    public var median: Double { quantile(0.5) }

    /// The share of X strictly above `threshold`.
    public func shareAbove(_ threshold: Double) -> Double { 1 - cdf(threshold) }

    // MARK: - Components

    private var highest: Double { lowest + Double(background.count - 1) * step }

    /// P(A + N ≤ y), by cubic Hermite interpolation of the table.
    func backgroundCDF(_ y: Double) -> Double {
        let position = (y - lowest) / step
        guard position > 0 else { return 0 }
        guard position < Double(background.count - 1) else { return 1 }
        let j = Int(position)
        let t = position - Double(j)
        let (y0, y1) = (background[j], background[j + 1])
        let (m0, m1) = (backgroundDensity[j] * step, backgroundDensity[j + 1] * step)
        let t2 = t * t, t3 = t2 * t
        let value = (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * m1
        return min(max(value, 0), 1)
    }

    /// P(A + P + N ≤ x) = P(P ≤ x − top) + ∫ F_{A+N}(x − p) g(p) dp over the range where F_{A+N} is in (0, 1).
    private func positiveCDF(_ x: Double) -> Double {
        let m = expression.positiveMedian, sigma = expression.sigma
        let top = highest
        let start = max(x - top, 0), end = x - lowest
        guard end > 0 else { return 0 }
        var total = start > 0 ? Self.logNormalCDF(start, median: m, sigma: sigma) : 0
        var intervals = max(Int(((end - start) / (noiseSD / 8)).rounded(.up)), 2)
        if intervals % 2 == 1 { intervals += 1 }
        let h = (end - start) / Double(intervals)
        var sum = 0.0
        for i in 0...intervals {
            let p = start + Double(i) * h
            guard p > 0 else { continue }
            let weight = (i == 0 || i == intervals) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
            sum += weight * backgroundCDF(x - p) * Self.logNormalDensity(p, median: m, sigma: sigma)
        }
        total += sum * h / 3
        return min(max(total, 0), 1)
    }

    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
    static func normalDensity(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }
    static func logNormalCDF(_ v: Double, median: Double, sigma: Double) -> Double {
        v <= 0 ? 0 : normalCDF(log(v / median) / sigma)
    }
    static func logNormalDensity(_ v: Double, median: Double, sigma: Double) -> Double {
        guard v > 0 else { return 0 }
        let z = log(v / median) / sigma
        return normalDensity(z) / (v * sigma)
    }
}

extension MacrophageSimulator {
    /// The exact distribution of `marker`'s compensated value on this tube's true macrophages (see
    /// ``MarkerDistribution``); nil for a marker outside ``Panel/fluorescence``. In this tube's FMO for the marker,
    /// use ``MarkerDistribution/unstained``.
    public func markerDistribution(_ marker: String) -> MarkerDistribution? {
        guard let index = Panel.fluorescence.firstIndex(where: { $0.marker.lowercased() == marker.lowercased() }) else { return nil }
        let stained = fmoMarker?.lowercased() != marker.lowercased()
        let profile = expression[Panel.fluorescence[index].marker] ?? Expression(fractionPositive: 0, positiveMedian: 0, sigma: 0)
        let distribution = MarkerDistribution(autofluorescence: autofluorescence, autofluorescenceSigma: Self.autofluorescenceSigma,
                                              expression: profile, noiseSD: Panel.compensatedNoiseSD(detector: index, noise: noise))
        return stained ? distribution : distribution.unstained
    }
}
