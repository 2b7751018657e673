#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hyperlog transform (Bagwell 2005) as Gating-ML 2.0 defines it: y is the inverse of
/// `H(y) = a e^(by) + c y − f` for y ≥ x1, odd-symmetric about x1 below it.
/// The forward direction is solved to double precision by Halley's method.
public struct HyperlogTransform: Transform, Equatable, Codable {
    /// Top of scale (maps to 1).
    public var T: Double
    /// Width of the linear-like region, in decades.
    public var W: Double
    /// Decades of the log-like part.
    public var M: Double
    /// Extra negative decades.
    public var A: Double

    private var a = 0.0, b = 0.0, c = 0.0, f = 0.0, x1 = 0.0

    private enum CodingKeys: String, CodingKey { case T, W, M, A }

    /// Creates `hyperlog(T, W, M, A)`; requires T > 0, M > 0, 0 < W ≤ M/2, −W ≤ A ≤ M − 2W.
    public init(T: Double, W: Double, M: Double, A: Double) throws {
        guard T > 0, M > 0, W > 0, 2 * W <= M, A >= -W, A + 2 * W <= M else {
            throw TransformError(transform: "hyperlog",
                                 message: "expected T > 0, M > 0, 0 < W ≤ M/2, −W ≤ A ≤ M − 2W, found T = \(T), W = \(W), M = \(M), A = \(A)")
        }
        self.T = T
        self.W = W
        self.M = M
        self.A = A
        let w = W / (M + A)
        let x2 = A / (M + A)
        x1 = x2 + w
        let x0 = x2 + 2 * w
        b = (M + A) * ln10
        let e0 = exp(b * x0)
        let ca = e0 / w
        let fa = exp(b * x1) + ca * x1
        a = T / (exp(b) + ca - fa)
        c = ca * a
        f = fa * a
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

    public static func == (lhs: HyperlogTransform, rhs: HyperlogTransform) -> Bool {
        lhs.T == rhs.T && lhs.W == rhs.W && lhs.M == rhs.M && lhs.A == rhs.A
    }

    /// H(y) for y ≥ x1.
    private func h(_ y: Double) -> Double { a * exp(b * y) + c * y - f }

    public func inverse(_ y: Double) -> Double {
        y >= x1 ? h(y) : -h(2 * x1 - y)
    }

    public func apply(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x == 0 { return x1 }
        let value = abs(x)
        // Far above T, H(y) = a e^(b y) to double precision, and e^(b y) itself would overflow in the iteration.
        if value > 1e200 {
            let y = (log(value) - log(a)) / b
            return x < 0 ? 2 * x1 - y : y
        }
        // Initial guess: the linear part near zero, the exponential part above.
        let linear = x1 + value / (a * b * exp(b * x1) + c)
        let logarithmic = log(value / a) / b
        var y = value < c ? linear : max(logarithmic, x1)
        let tolerance = 3 * Double.ulpOfOne
        for _ in 0..<60 {
            let e = a * exp(b * y)
            let residual = e + c * y - f - value
            let slope = b * e + c
            let curvature = b * b * e
            let delta = residual / (slope * (1 - residual * curvature / (2 * slope * slope)))
            var next = y - delta
            if next < x1 { next = (y + x1) / 2 }  // stay on the branch that holds the root
            let step = abs(next - y)
            y = next
            if step < tolerance * max(1, abs(y)) { break }
        }
        // Parameters with a tiny `a` can overflow e^(b y) below 1e200 too: the asymptote is exact to double precision there.
        if !y.isFinite { y = (log(value) - log(a)) / b }
        return x < 0 ? 2 * x1 - y : y
    }
}
