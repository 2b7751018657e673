#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The logicle transform of Parks, Roederer and Moore (2006), as Gating-ML 2.0 defines it: y is the inverse of
/// the biexponential `B(y) = a e^(by) − c e^(−dy) + f` (odd-symmetric about x1), so it is linear-like near zero
/// and logarithmic above.
///
/// The inverse is closed form; the forward direction is solved to double precision by Halley's method, with a
/// Taylor series of B around x1 where the exponentials cancel (the method of Moore and Parks' reference code).
public struct LogicleTransform: Transform, Equatable, Codable {
    /// Top of scale (maps to 1).
    public var T: Double
    /// Width of the linear-like region, in decades.
    public var W: Double
    /// Decades of the log-like part.
    public var M: Double
    /// Extra negative decades.
    public var A: Double

    // Derived constants.
    private var a = 0.0, b = 0.0, c = 0.0, d = 0.0, f = 0.0
    private var w = 0.0, x0 = 0.0, x1 = 0.0, x2 = 0.0
    private var xTaylor = 0.0
    private var taylor: [Double] = []

    private enum CodingKeys: String, CodingKey { case T, W, M, A }

    /// Creates `logicle(T, W, M, A)`; requires T > 0, M > 0, 0 ≤ W ≤ M/2, −W ≤ A ≤ M − 2W.
    public init(T: Double, W: Double, M: Double, A: Double) throws {
        guard T > 0, M > 0, W >= 0, 2 * W <= M, A >= -W, A + 2 * W <= M else {
            throw TransformError(transform: "logicle",
                                 message: "expected T > 0, M > 0, 0 ≤ W ≤ M/2, −W ≤ A ≤ M − 2W, found T = \(T), W = \(W), M = \(M), A = \(A)")
        }
        self.T = T
        self.W = W
        self.M = M
        self.A = A
        try setUp()
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(T: container.decode(Double.self, forKey: .T), W: container.decode(Double.self, forKey: .W),
                      M: container.decode(Double.self, forKey: .M), A: container.decode(Double.self, forKey: .A))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(T, forKey: .T)
        try container.encode(W, forKey: .W)
        try container.encode(M, forKey: .M)
        try container.encode(A, forKey: .A)
    }

    public static func == (lhs: LogicleTransform, rhs: LogicleTransform) -> Bool {
        lhs.T == rhs.T && lhs.W == rhs.W && lhs.M == rhs.M && lhs.A == rhs.A
    }

    private static let taylorLength = 16

    private mutating func setUp() throws {
        w = W / (M + A)
        x2 = A / (M + A)
        x1 = x2 + w
        x0 = x2 + 2 * w
        b = (M + A) * ln10
        d = try Self.solveD(b: b, w: w)
        let ca = exp(x0 * (b + d))
        let mfa = exp(b * x1) - ca / exp(d * x1)
        a = T / (exp(b) - mfa - ca / exp(d))
        c = ca * a
        f = -mfa * a
        // Near x1 the two exponentials cancel: use their Taylor series there.
        xTaylor = x1 + w / 4
        var positive = a * exp(b * x1)
        var negative = -c / exp(d * x1)
        taylor = []
        for i in 0..<Self.taylorLength {
            positive *= b / Double(i + 1)
            negative *= -d / Double(i + 1)
            taylor.append(positive + negative)
        }
        taylor[1] = 0  // exactly zero by the logicle condition
    }

    /// d solves `2 (ln d − ln b) + w (b + d) = 0` (safeguarded Newton with bisection).
    static func solveD(b: Double, w: Double) throws -> Double {
        if w == 0 { return b }
        let tolerance = 2 * Double.ulpOfOne
        var low = 0.0, high = b
        var d = (low + high) / 2
        var lastDelta = high - low
        let fb = -2 * log(b) + w * b
        var value = 2 * log(d) + w * d + fb
        var lastValue = Double.nan
        for _ in 0..<40 {
            let slope = 2 / d + w
            var delta: Double
            if ((d - high) * slope - value) * ((d - low) * slope - value) >= 0 || abs(1.9 * value) > abs(lastDelta * slope) {
                delta = (high - low) / 2
                d = low + delta
                if d == low { return d }
            } else {
                delta = value / slope
                let previous = d
                d -= delta
                if d == previous { return d }
            }
            if abs(delta) < tolerance { return d }
            lastDelta = delta
            value = 2 * log(d) + w * d + fb
            if value == 0 || value == lastValue { return d }
            lastValue = value
            if value < 0 { low = d } else { high = d }
        }
        throw TransformError(transform: "logicle", message: "the parameter d did not converge for b = \(b), w = \(w)")
    }

    private func series(_ scale: Double) -> Double {
        let x = scale - x1
        var sum = taylor[Self.taylorLength - 1] * x
        var i = Self.taylorLength - 2
        while i >= 2 {
            sum = (sum + taylor[i]) * x
            i -= 1
        }
        return (sum * x + taylor[0]) * x
    }

    /// x = B(y): the closed-form inverse.
    public func inverse(_ y: Double) -> Double {
        var scale = y
        let negative = scale < x1
        if negative { scale = 2 * x1 - scale }
        let value = scale < xTaylor ? series(scale) : (a * exp(b * scale) + f) - c / exp(d * scale)
        return negative ? -value : value
    }

    /// y with B(y) = x, to double precision.
    public func apply(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x == 0 { return x1 }
        let negative = x < 0
        let value = abs(x)
        // Far above T, B(y) = a e^(b y) to double precision, and e^(b y) itself would overflow in the iteration.
        if value > 1e200 {
            let y = (log(value) - log(a)) / b
            return negative ? 2 * x1 - y : y
        }
        // Initial guess: linear near zero, logarithmic above.
        var y = value < f ? x1 + value / taylor[0] : log(value / a) / b
        if !y.isFinite { y = x1 }
        let tolerance = 3 * Double.ulpOfOne
        for _ in 0..<50 {
            let ae2by = a * exp(b * y)
            let ce2mdy = c / exp(d * y)
            let residual = y < xTaylor ? series(y) - value : (ae2by + f) - (ce2mdy + value)
            let slope = b * ae2by + d * ce2mdy
            let curvature = b * b * ae2by - d * d * ce2mdy
            // Halley's step.
            let delta = residual / (slope * (1 - residual * curvature / (2 * slope * slope)))
            y -= delta
            if abs(delta) < tolerance * max(1, abs(y)) { break }
        }
        // Parameters with a tiny `a` can overflow e^(b y) below 1e200 too: the asymptote is exact to double precision there.
        if !y.isFinite { y = (log(value) - log(a)) / b }
        return negative ? 2 * x1 - y : y
    }
}
