import Foundation

/// How the fit weights each level.
public enum Weighting: String, Sendable, CaseIterable {
    case none
    case inverseY = "1/y"
    case inverseYSquared = "1/y2"

    /// The label in reports.
    public var label: String {
        switch self {
        case .none: "none"
        case .inverseY: "1/y"
        case .inverseYSquared: "1/y^2"
        }
    }
}

/// A fitted standard curve with its diagnostics.
public struct CurveFit: Sendable {
    /// 4PL or 5PL.
    public var model: CurveModel
    /// The weights used.
    public var weighting: Weighting
    /// The fitted parameters.
    public var parameters: CurveParameters
    /// Approximate standard errors from s²(JᵀWJ)⁻¹, in (a, b, c, d[, g]).
    public var standardErrors: [Double]
    /// Σ w (y − f)² at the solution.
    public var weightedSSE: Double
    /// Σ (y − f)² at the solution.
    public var unweightedSSE: Double
    /// 1 − SS_resid/SS_total, unweighted, on the fitted points.
    public var rSquared: Double
    /// Number of points fitted.
    public var points: Int
    /// Points minus parameters.
    public var degreesOfFreedom: Int
    /// sqrt(weighted SSE / df).
    public var residualSD: Double
    /// Whether the fit converged: it stopped (a negligible step, or no step reducing the SSE) at a point that
    /// passes the gradient test, within 2,000 iterations. A stall is not convergence.
    public var converged: Bool
    /// Iterations used by the best start.
    public var iterations: Int
    /// Why the best start stopped (`step and gradient tests met`, `stalled: …`).
    public var stopReason: String
}

/// Levenberg–Marquardt on θ = (a, b, ln c, d[, ln g]) (so c and g stay positive), with an analytic Jacobian,
/// a self-starter and a small multi-start grid, keeping the lowest SSE (METHODS.md §4).
public enum CurveFitter {
    /// Fits `y = f(x)` to the points with the given weights (`1/y²` uses the observed level means).
    public static func fit(x: [Double], y: [Double], model: CurveModel, weighting: Weighting) throws -> CurveFit {
        // Non-finite numbers never enter a fit (the readers already leave them out as not read).
        if let i = x.indices.first(where: { !x[$0].isFinite || !y[$0].isFinite }) {
            throw ELISAError(.fitFailed, file: "", "point \(i + 1) of the fit is not finite (x \(x[i]), y \(y[i]))")
        }
        let weights: [Double]
        switch weighting {
        case .none: weights = y.map { _ in 1 }
        case .inverseY, .inverseYSquared:
            guard y.allSatisfy({ $0 > 0 }) else {
                throw ELISAError(.badWeights, file: "", "\(weighting.label) weights need every level mean above 0; a mean ≤ 0 was found")
            }
            weights = y.map { weighting == .inverseY ? 1 / $0 : 1 / ($0 * $0) }
        }
        let starts = startingPoints(x: x, y: y)
        // The lowest SSE among converged starts; a start that stalled wins only when none converged, and is
        // then reported as not converged.
        var best: Run?
        func consider(_ start: CurveParameters, _ m: CurveModel) {
            let result = levenbergMarquardt(theta: theta(start, m), x: x, y: y, w: weights, model: m)
            let p = parameters(result.theta, m)
            // A run whose parameters overflowed (c = ∞) is no curve, whatever its SSE.
            guard result.sse.isFinite, [p.a, p.b, p.c, p.d, p.g].allSatisfy(\.isFinite), p.b > 0, p.a < p.d else { return }
            guard let incumbent = best else { best = result; return }
            if (result.converged && !incumbent.converged) || (result.converged == incumbent.converged && result.sse < incumbent.sse) { best = result }
        }
        for start in starts { consider(start, .fourParameter) }
        if model == .fiveParameter {
            let fourPL = best.map { parameters($0.theta, .fourParameter) }
            best = nil
            if let fourPL { consider(CurveParameters(a: fourPL.a, b: fourPL.b, c: fourPL.c, d: fourPL.d, g: 1), .fiveParameter) }
            for start in starts {
                for g in [0.5, 1, 2] { consider(CurveParameters(a: start.a, b: start.b, c: start.c, d: start.d, g: g), .fiveParameter) }
            }
        }
        guard let best else { throw ELISAError(.fitFailed, file: "", "expected standards that a rising curve fits: no start ended at one with finite parameters, b > 0 and a < d") }
        return diagnostics(theta: best.theta, x: x, y: y, w: weights, model: model, weighting: weighting,
                           converged: best.converged, iterations: best.iterations, stopReason: best.reason)
    }

    /// The self-starter and the grid b₀·{0.5, 1, 2} × c₀·{0.3, 1, 3}.
    static func startingPoints(x: [Double], y: [Double]) -> [CurveParameters] {
        let low = y.min() ?? 0, high = y.max() ?? 1
        let range = max(high - low, 1e-9)
        let a0 = low - 0.05 * range, d0 = high + 0.05 * range
        var lx: [Double] = [], z: [Double] = []
        for (xi, yi) in zip(x, y) where xi > 0 {
            lx.append(log(xi))
            z.append(log((yi - a0) / (d0 - yi)))
        }
        var b0 = 1.0, c0 = x.filter { $0 > 0 }.sorted().dropFirst(x.count / 2).first ?? 1
        if lx.count >= 2 {
            let mx = lx.reduce(0, +) / Double(lx.count), mz = z.reduce(0, +) / Double(z.count)
            let sxx = lx.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
            let sxz = zip(lx, z).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - mz) }
            if sxx > 0, sxz / sxx > 0 {
                b0 = sxz / sxx
                c0 = exp(-(mz - b0 * mx) / b0)
            }
        }
        var starts = [CurveParameters(a: a0, b: b0, c: c0, d: d0)]
        for bs in [0.5, 1, 2] { for cs in [0.3, 1, 3] where !(bs == 1 && cs == 1) {
            starts.append(CurveParameters(a: a0, b: b0 * bs, c: c0 * cs, d: d0))
        } }
        return starts
    }

    static func theta(_ p: CurveParameters, _ model: CurveModel) -> [Double] {
        model == .fourParameter ? [p.a, p.b, log(p.c), p.d] : [p.a, p.b, log(p.c), p.d, log(p.g)]
    }

    static func parameters(_ theta: [Double], _ model: CurveModel) -> CurveParameters {
        CurveParameters(a: theta[0], b: theta[1], c: exp(theta[2]), d: theta[3], g: model == .fiveParameter ? exp(theta[4]) : 1)
    }

    /// Jacobian of the response with respect to θ.
    static func jacobianRow(_ x: Double, _ p: CurveParameters, _ model: CurveModel) -> [Double] {
        let g = p.gradient(x)
        var row = [g[0], g[1], g[2] * p.c, g[3]]  // ∂/∂ln c = c ∂/∂c
        if model == .fiveParameter { row.append(g[4] * p.g) }
        return row
    }

    static func sse(_ theta: [Double], x: [Double], y: [Double], w: [Double], model: CurveModel) -> Double {
        let p = parameters(theta, model)
        var total = 0.0
        for i in x.indices { let r = y[i] - p.response(x[i]); total += w[i] * r * r }
        return total
    }

    /// Jacobian of the response with respect to θ, as a SIMD row (lanes past the parameter count are zero).
    @inline(__always)
    static func jacobianVector(_ x: Double, _ p: CurveParameters, _ model: CurveModel) -> SIMD8<Double> {
        var g = p.gradientVector(x)
        g[2] *= p.c  // ∂/∂ln c = c ∂/∂c
        if model == .fiveParameter { g[4] *= p.g } else { g[4] = 0 }
        return g
    }

    /// How a Levenberg–Marquardt run ended.
    struct Run {
        var theta: [Double]
        var sse: Double
        /// True only when the gradient test holds at the final point (or the residuals vanish).
        var converged: Bool
        var iterations: Int
        /// Why it stopped, in words for the QC list.
        var reason: String
    }

    /// The gradient test: every column of the Jacobian is orthogonal to the weighted residuals to within this
    /// cosine (MINPACK's `gtol` measure, free of scale), unless the residuals vanish relative to the data.
    static let gradientTolerance = 1e-6
    /// The step test: relative change of the SSE and of θ.
    static let stepTolerance = 1e-12

    /// Marquardt's damped Gauss–Newton (MINPACK `lmder` style) with diagonal scaling. It stops after a step that
    /// changes the SSE and θ by < 1e−12 relative, when no step reduces the SSE any more, or after 2,000
    /// iterations; it has converged only if the gradient test holds where it stopped. A stall (no improving step
    /// away from a stationary point, a singular or non-finite Jacobian) is reported as not converged. Small
    /// fixed-size arithmetic: no allocation per iteration.
    static func levenbergMarquardt(theta start: [Double], x: [Double], y: [Double], w: [Double], model: CurveModel) -> Run {
        let n = start.count
        var theta = start
        var current = sse(theta, x: x, y: y, w: w, model: model)
        guard current.isFinite else { return Run(theta: theta, sse: .infinity, converged: false, iterations: 0, reason: "the start gives no finite SSE") }
        let scale = zip(y, w).reduce(0) { $0 + $1.1 * $1.0 * $1.0 }
        var lambda = 1e-3
        var jtj = [Double](repeating: 0, count: 25)
        var system = [Double](repeating: 0, count: 25)
        var step = [Double](repeating: 0, count: 5)
        var candidate = theta
        /// JᵀWJ (into `jtj`) and JᵀWr at θ; nil when the Jacobian is not finite.
        func normalEquations() -> SIMD8<Double>? {
            let p = parameters(theta, model)
            var jtr = SIMD8<Double>(repeating: 0)
            var rows = [SIMD8<Double>](repeating: .zero, count: 5)
            for i in x.indices {
                let row = jacobianVector(x[i], p, model)
                let r = y[i] - p.response(x[i])
                jtr += w[i] * r * row
                for j in 0..<n { rows[j] += w[i] * row[j] * row }
            }
            for j in 0..<n { for k in 0..<n { jtj[j * 5 + k] = rows[j][k] } }
            for j in 0..<n where !jtr[j].isFinite || !rows[j].sum().isFinite { return nil }
            return jtr
        }
        /// Whether JᵀWJ (in `jtj`) is singular: some parameter has no effect on the curve, or the effects of some are
        /// indistinguishable. Eliminated on the matrix scaled to a unit diagonal (free of the parameters' units),
        /// a pivot below 1e−14 is a zero: the columns agree to machine precision.
        func singular() -> Bool {
            var scaled = [Double](repeating: 0, count: 25)
            for j in 0..<n {
                guard jtj[j * 5 + j] > 0, jtj[j * 5 + j].isFinite else { return true }
                // Square roots taken apart: their product could underflow or overflow for extreme parameter scales.
                for k in 0..<n { scaled[j * 5 + k] = jtj[j * 5 + k] / (jtj[j * 5 + j].squareRoot() * jtj[k * 5 + k].squareRoot()) }
            }
            for col in 0..<n {
                var pivot = col
                for row in (col + 1)..<n where abs(scaled[row * 5 + col]) > abs(scaled[pivot * 5 + col]) { pivot = row }
                guard abs(scaled[pivot * 5 + col]) > 1e-14 else { return true }
                if pivot != col { for k in 0..<n { scaled.swapAt(col * 5 + k, pivot * 5 + k) } }
                for row in (col + 1)..<n {
                    let f = scaled[row * 5 + col] / scaled[col * 5 + col]
                    for k in col..<n { scaled[row * 5 + k] -= f * scaled[col * 5 + k] }
                }
            }
            return false
        }
        /// How a run that stopped at θ ended, given JᵀWr there (and JᵀWJ in `jtj`): converged only when the
        /// gradient test holds and the Jacobian is not singular.
        func ending(_ jtr: SIMD8<Double>, iteration: Int, met: String, failed: String) -> Run {
            if singular() {
                return Run(theta: theta, sse: current, converged: false, iterations: iteration,
                           reason: "stalled: the Jacobian is singular (a parameter has no distinct effect on the curve)")
            }
            let ok = stationary(jtr)
            return Run(theta: theta, sse: current, converged: ok, iterations: iteration, reason: ok ? met : failed)
        }
        /// The gradient test at θ, given JᵀWr there (and JᵀWJ in `jtj`).
        func stationary(_ jtr: SIMD8<Double>) -> Bool {
            if current <= 1e-24 * scale { return true }
            for j in 0..<n {
                let norm = (jtj[j * 5 + j] * current).squareRoot()
                if norm > 0 && abs(jtr[j]) / norm > gradientTolerance { return false }
            }
            return true
        }
        for iteration in 1...2000 {
            guard let jtr = normalEquations() else {
                return Run(theta: theta, sse: current, converged: false, iterations: iteration, reason: "stalled: the Jacobian is not finite")
            }
            var improved = false, negligible = false
            while lambda < 1e20 {
                for j in 0..<n { for k in 0..<n { system[j * 5 + k] = jtj[j * 5 + k] } }
                for j in 0..<n { system[j * 5 + j] += lambda * max(jtj[j * 5 + j], 1e-300) }
                var rhs = (0..<n).map { jtr[$0] }
                guard solveInPlace(&system, &rhs, n, into: &step) else { lambda *= 10; continue }
                for j in 0..<n { candidate[j] = theta[j] + step[j] }
                let value = sse(candidate, x: x, y: y, w: w, model: model)
                if value.isFinite && value <= current {
                    let sseChange = abs(current - value) / max(current, 1e-300)
                    var thetaChange = 0.0
                    for j in 0..<n { thetaChange = max(thetaChange, abs(theta[j] - candidate[j]) / max(abs(theta[j]), 1e-12)) }
                    theta = candidate
                    current = value
                    lambda = max(lambda / 10, 1e-15)
                    improved = true
                    negligible = sseChange < stepTolerance && thetaChange < stepTolerance
                    break
                }
                lambda *= 10
            }
            if !improved {
                // No step reduces the SSE: a minimum to machine precision only if the gradient says so.
                return ending(jtr, iteration: iteration, met: "minimum to machine precision",
                              failed: "stalled: no step reduces the SSE, and the gradient test fails")
            }
            if negligible {
                guard let at = normalEquations() else {
                    return Run(theta: theta, sse: current, converged: false, iterations: iteration, reason: "stalled: the Jacobian is not finite")
                }
                return ending(at, iteration: iteration, met: "step and gradient tests met",
                              failed: "stalled: the steps are negligible, and the gradient test fails")
            }
        }
        return Run(theta: theta, sse: current, converged: false, iterations: 2000, reason: "2,000 iterations without meeting the tests")
    }

    /// Solves the n×n system held row-major with stride 5; false when singular.
    static func solveInPlace(_ m: inout [Double], _ v: inout [Double], _ n: Int, into x: inout [Double]) -> Bool {
        for col in 0..<n {
            var pivot = col
            for row in (col + 1)..<max(n, col + 1) where abs(m[row * 5 + col]) > abs(m[pivot * 5 + col]) { pivot = row }
            guard m[pivot * 5 + col] != 0, m[pivot * 5 + col].isFinite else { return false }
            if pivot != col {
                for k in 0..<n { m.swapAt(col * 5 + k, pivot * 5 + k) }
                v.swapAt(col, pivot)
            }
            for row in (col + 1)..<max(n, col + 1) {
                let f = m[row * 5 + col] / m[col * 5 + col]
                for k in col..<n { m[row * 5 + k] -= f * m[col * 5 + k] }
                v[row] -= f * v[col]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = v[row]
            for k in (row + 1)..<max(n, row + 1) { s -= m[row * 5 + k] * x[k] }
            x[row] = s / m[row * 5 + row]
            if !x[row].isFinite { return false }
        }
        return true
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a
        var v = b
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), m[pivot][col] != 0, m[pivot][col].isFinite else { return nil }
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for row in (col + 1)..<max(n, col + 1) {
                let f = m[row][col] / m[col][col]
                for k in col..<n { m[row][k] -= f * m[col][k] }
                v[row] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = v[row]
            for k in (row + 1)..<max(n, row + 1) { s -= m[row][k] * x[k] }
            x[row] = s / m[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    static func diagnostics(theta: [Double], x: [Double], y: [Double], w: [Double], model: CurveModel, weighting: Weighting,
                            converged: Bool, iterations: Int, stopReason: String) -> CurveFit {
        let p = parameters(theta, model)
        let count = model.parameterCount
        var weighted = 0.0, unweighted = 0.0
        var jtwj = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
        for i in x.indices {
            let r = y[i] - p.response(x[i])
            weighted += w[i] * r * r
            unweighted += r * r
            let g = Array(p.gradient(x[i]).prefix(count))
            for j in 0..<count { for k in 0..<count { jtwj[j][k] += w[i] * g[j] * g[k] } }
        }
        let mean = y.reduce(0, +) / Double(y.count)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let df = x.count - count
        let s2 = df > 0 ? weighted / Double(df) : .nan
        var errors = [Double](repeating: .nan, count: count)
        if let inverse = invert(jtwj) { for j in 0..<count { errors[j] = (s2 * inverse[j][j]).squareRoot() } }
        return CurveFit(model: model, weighting: weighting, parameters: p, standardErrors: errors, weightedSSE: weighted,
                        unweightedSSE: unweighted, rSquared: 1 - unweighted / total, points: x.count, degreesOfFreedom: df,
                        residualSD: df > 0 ? (weighted / Double(df)).squareRoot() : .nan, converged: converged, iterations: iterations, stopReason: stopReason)
    }

    static func invert(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var columns: [[Double]] = []
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            guard let column = solve(a, e) else { return nil }
            columns.append(column)
        }
        return (0..<n).map { i in (0..<n).map { columns[$0][i] } }
    }
}
