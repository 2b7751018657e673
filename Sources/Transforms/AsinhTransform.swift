#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gating-ML `fasinh`: `y = (asinh(x · sinh(M ln10) / T) + A ln10) / ((M + A) ln10)`.
public struct AsinhTransform: Transform, Equatable, Codable {
    /// Top of scale (maps to 1).
    public var T: Double
    /// Decades of the log-like part.
    public var M: Double
    /// Extra negative decades.
    public var A: Double

    /// Creates `fasinh(T, M, A)`; requires T > 0, M > 0, 0 ≤ A ≤ M.
    public init(T: Double, M: Double, A: Double) throws {
        guard T > 0, M > 0, A >= 0, A <= M else {
            throw TransformError(transform: "fasinh", message: "expected T > 0, M > 0, 0 ≤ A ≤ M, found T = \(T), M = \(M), A = \(A)")
        }
        self.T = T
        self.M = M
        self.A = A
    }

    public func apply(_ x: Double) -> Double {
        let scale = sinh(M * ln10)
        var z = asinh(x * scale / T)
        // Beyond about 1e304 the product overflows; asinh(z) = sign(z) (ln 2 + ln|z|) to double precision there.
        if z.isInfinite && x.isFinite { z = (log(2) + log(abs(x)) + log(scale) - log(T)) * (x < 0 ? -1 : 1) }
        return (z + A * ln10) / ((M + A) * ln10)
    }

    public func inverse(_ y: Double) -> Double {
        T * sinh((M + A) * ln10 * y - A * ln10) / sinh(M * ln10)
    }
}
