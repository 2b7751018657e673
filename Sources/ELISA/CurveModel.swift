import Foundation

/// The 4PL and 5PL standard curves in the Gottschalk–Dunn form (SoftMax Pro, Gen5, SkanIt):
/// `y = d + (a − d) / (1 + (x/c)^b)^g`, g = 1 for the 4PL. A rising curve has b > 0 and a < d.
public enum CurveModel: String, Sendable, CaseIterable {
    case fourParameter = "4pl"
    case fiveParameter = "5pl"

    /// Number of parameters.
    public var parameterCount: Int { self == .fourParameter ? 4 : 5 }

    /// The name in reports (`4PL`, `5PL`).
    public var label: String { self == .fourParameter ? "4PL" : "5PL" }
}

/// Fitted or trial parameters.
public struct CurveParameters: Sendable, Equatable {
    public var a: Double, b: Double, c: Double, d: Double, g: Double

    public init(a: Double, b: Double, c: Double, d: Double, g: Double = 1) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.g = g
    }

    /// The response at concentration x (x = 0 gives a).
    public func response(_ x: Double) -> Double {
        if x <= 0 { return a }
        return d + (a - d) / pow(1 + pow(x / c, b), g)
    }

    /// `x = c · (((a − d)/(y − d))^(1/g) − 1)^(1/b)`, defined for y strictly between a and d.
    public func concentration(_ y: Double) -> Double? {
        let lower = min(a, d), upper = max(a, d)
        guard y > lower, y < upper else { return nil }
        let inner = pow((a - d) / (y - d), 1 / g) - 1
        guard inner > 0 else { return nil }
        let x = c * pow(inner, 1 / b)
        return x.isFinite ? x : nil
    }

    /// Partial derivatives of the response with respect to (a, b, c, d, g).
    func gradient(_ x: Double) -> [Double] {
        let g = gradientVector(x)
        return [g[0], g[1], g[2], g[3], g[4]]
    }

    /// The same partial derivatives in a SIMD vector (lanes 5–7 zero), without allocating.
    func gradientVector(_ x: Double) -> SIMD8<Double> {
        if x <= 0 { return SIMD8(1, 0, 0, 0, 0, 0, 0, 0) }
        let u = pow(x / c, b)
        let base = 1 + u
        let denominator = pow(base, g)
        let dA = 1 / denominator
        let common = -(a - d) * g * pow(base, -g - 1)  // ∂y/∂u
        let dB = common * u * log(x / c)
        let dC = common * u * (-b / c)
        let dD = 1 - dA
        let dG = -(a - d) * log(base) / denominator
        return SIMD8(dA, dB, dC, dD, dG, 0, 0, 0)
    }
}
