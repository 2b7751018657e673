#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gating-ML `flin`: `y = (x + A) / (T + A)`.
public struct LinearTransform: Transform, Equatable, Codable {
    /// Top of scale (maps to 1).
    public var T: Double
    /// Offset below zero kept on scale.
    public var A: Double

    /// Creates `flin(T, A)`; requires T > 0, 0 ≤ A ≤ T.
    public init(T: Double, A: Double) throws {
        guard T > 0, A >= 0, A <= T else { throw TransformError(transform: "flin", message: "expected T > 0 and 0 ≤ A ≤ T, found T = \(T), A = \(A)") }
        self.T = T
        self.A = A
    }

    public func apply(_ x: Double) -> Double { (x + A) / (T + A) }
    public func inverse(_ y: Double) -> Double { y * (T + A) - A }
}
